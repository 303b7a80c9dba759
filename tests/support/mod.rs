//! The shared kit of the integration tests.
//!
//! - a per-thread **drop log** ([`log_drop`], [`drops`], [`drop_count`]):
//!   every test runs on its own thread with its own heap, so a thread-local
//!   log is private to the test that reads it;
//! - [`DropCounter`], an untracked leaf that logs its id when dropped;
//! - [`Node`], a tracked object with an id and a `RefCell<Vec<Gc<Node>>>` of
//!   children, logging its id when dropped, with helpers to link nodes into
//!   cycles, rings and chains;
//! - [`capture_unraisable`], which installs an unraisable hook that keeps
//!   every report in a `Vec`;
//! - [`scale`], which shrinks sizes under Miri;
//! - [`panic_text`] and [`catch`], to check panic messages.
//!
//! Each test file uses part of the kit, so unused items are allowed here.
#![allow(dead_code)]

use std::any::Any;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use refcycle::{Gc, Trace, Unraisable, Visitor};

// ---------------------------------------------------------------------------
// Drop log
// ---------------------------------------------------------------------------

thread_local! {
    static DROP_LOG: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Records that the value with this id was dropped.
pub fn log_drop(id: u64) {
    // `try_with`: a value dropped during thread exit, after the log itself
    // was destroyed, is simply not recorded.
    let _ = DROP_LOG.try_with(|log| log.borrow_mut().push(id));
}

/// The ids dropped so far on this thread, in drop order.
pub fn drops() -> Vec<u64> {
    DROP_LOG.with(|log| log.borrow().clone())
}

/// The ids dropped so far on this thread, sorted.
pub fn drops_sorted() -> Vec<u64> {
    let mut v = drops();
    v.sort_unstable();
    v
}

/// How many values were dropped so far on this thread.
pub fn drop_total() -> usize {
    DROP_LOG.with(|log| log.borrow().len())
}

/// How many times the value with this id was dropped.
pub fn drop_count(id: u64) -> usize {
    DROP_LOG.with(|log| log.borrow().iter().filter(|&&d| d == id).count())
}

/// Asserts that exactly the ids in `ids` were dropped, each exactly once.
#[track_caller]
pub fn assert_dropped_once(ids: impl IntoIterator<Item = u64>) {
    let mut want: Vec<u64> = ids.into_iter().collect();
    want.sort_unstable();
    assert_eq!(drops_sorted(), want, "drop log (sorted)");
}

/// Forgets the drops logged so far.
pub fn clear_drops() {
    DROP_LOG.with(|log| log.borrow_mut().clear());
}

// ---------------------------------------------------------------------------
// DropCounter: an untracked leaf
// ---------------------------------------------------------------------------

/// A leaf value that holds no handle (`NEEDS_TRACE == false`, so a
/// `Gc<DropCounter>` is never tracked) and logs its id when dropped.
#[derive(Debug)]
pub struct DropCounter(pub u64);

impl Trace for DropCounter {
    const NEEDS_TRACE: bool = false;

    fn trace(&self, _visitor: &mut Visitor<'_>) {}
}

impl Drop for DropCounter {
    fn drop(&mut self) {
        log_drop(self.0);
    }
}

// ---------------------------------------------------------------------------
// Node: a tracked object
// ---------------------------------------------------------------------------

/// A tracked object: an id (not traced) and a list of children. Dropping
/// its value logs the id.
#[derive(Trace)]
pub struct Node {
    #[trace(skip)]
    pub id: u64,
    pub children: RefCell<Vec<Gc<Node>>>,
}

impl Node {
    /// A new node with no children.
    pub fn new(id: u64) -> Gc<Node> {
        Gc::new(Node {
            id,
            children: RefCell::new(Vec::new()),
        })
    }

    /// The ids of this node's children, in order.
    pub fn child_ids(&self) -> Vec<u64> {
        self.children.borrow().iter().map(|c| c.id).collect()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({})", self.id)
    }
}

/// Adds an edge `from -> to`.
pub fn link(from: &Gc<Node>, to: &Gc<Node>) {
    from.children.borrow_mut().push(to.clone());
}

/// Drops every child handle of `node` (breaks the cycles through it).
pub fn unlink_all(node: &Gc<Node>) {
    let children = std::mem::take(&mut *node.children.borrow_mut());
    drop(children);
}

/// Nodes with the given ids, each linked to the next and the last to the
/// first: a ring (a self-cycle for one id). Returns the handles, in order.
pub fn ring(ids: impl IntoIterator<Item = u64>) -> Vec<Gc<Node>> {
    let nodes: Vec<Gc<Node>> = ids.into_iter().map(Node::new).collect();
    for (i, n) in nodes.iter().enumerate() {
        link(n, &nodes[(i + 1) % nodes.len()]);
    }
    nodes
}

/// Nodes with the given ids, each linked to the next: a chain. Returns the
/// handles, in order (the first is the head).
pub fn chain(ids: impl IntoIterator<Item = u64>) -> Vec<Gc<Node>> {
    let nodes: Vec<Gc<Node>> = ids.into_iter().map(Node::new).collect();
    for pair in nodes.windows(2) {
        link(&pair[0], &pair[1]);
    }
    nodes
}

// ---------------------------------------------------------------------------
// Unraisable reports
// ---------------------------------------------------------------------------

/// One report received by the hook of [`capture_unraisable`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub context: String,
    pub type_name: String,
    pub message: String,
}

/// The reports captured so far.
pub type Reports = Rc<RefCell<Vec<Report>>>;

/// Installs an unraisable hook on this thread's heap that appends every
/// report to the returned list.
pub fn capture_unraisable() -> Reports {
    let reports: Reports = Rc::default();
    let sink = reports.clone();
    refcycle::set_unraisable_hook(Some(Rc::new(move |u: &Unraisable<'_>| {
        sink.borrow_mut().push(Report {
            context: u.context.to_string(),
            type_name: u.type_name.to_string(),
            message: u.message.to_string(),
        });
    })));
    reports
}

/// A copy of the reports captured so far.
pub fn reports(r: &Reports) -> Vec<Report> {
    r.borrow().clone()
}

// ---------------------------------------------------------------------------
// Sizes and panics
// ---------------------------------------------------------------------------

/// `n` in a normal run; a much smaller number (at most 1,000, at least
/// `min(n, 10)`) under Miri, which is about a thousand times slower.
pub fn scale(n: usize) -> usize {
    if cfg!(miri) {
        (n / 100).clamp(n.min(10), 1_000)
    } else {
        n
    }
}

/// The message of a panic payload (`&str` or `String`).
pub fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// Runs `f`, returning the message of its panic, or `None` if it returned.
pub fn catch<R>(f: impl FnOnce() -> R) -> Option<String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(_) => None,
        Err(payload) => Some(panic_text(&*payload)),
    }
}

/// Turns the collector's stress mode off for this thread. Tests that pin
/// down *when* collections happen (generations, thresholds) call it, so
/// they also pass in the CI run with `REFCYCLE_STRESS=1`.
pub fn no_stress() {
    refcycle::set_stress(false);
}

/// Checks the two states a lying `Trace` impl may leave a surviving handle
/// in (docs/safety.md): intact, where `intact` checks the value, or
/// cleared, where `Gc::try_borrow` and a deref both name `type_name`.
pub fn assert_intact_or_cleared<T: Trace + 'static>(
    h: &Gc<T>,
    type_name: &str,
    intact: impl FnOnce(&T),
) {
    match Gc::try_borrow(h) {
        Ok(v) => intact(v),
        Err(e) => {
            assert!(e.type_name.contains(type_name), "{e:?}");
            let message = catch(|| {
                let _: &T = h;
            })
            .expect("deref panics");
            assert!(message.contains(type_name), "{message}");
        }
    }
}
