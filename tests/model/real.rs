//! The real heap driver: `refcycle` handles, plus a thread-local event log
//! that lets the checker see which values were dropped, which finalizers
//! ran and which weak-reference callbacks ran, in order.

use std::cell::RefCell;
use std::collections::btree_map::{BTreeMap, Entry};

use refcycle::{collect_generation, take_garbage, AnyGc, Finalize, Gc, Trace, Weak};

use crate::op::{pick, Event, Observed, Op, MAX_NODES};

thread_local! {
    /// Everything user code logged, in order.
    static EVENTS: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
    /// Handles stored by resurrecting finalizers.
    static RESURRECTED: RefCell<Vec<Gc<Node>>> = const { RefCell::new(Vec::new()) };
}

/// Logs `e`. (`try_with`: when a failed test's thread exits, the heap's
/// teardown may run finalizers after the log itself is gone.)
fn log(e: Event) {
    let _ = EVENTS.try_with(|l| l.borrow_mut().push(e));
}

/// A graph node: an id, whether its finalizer resurrects, children, and
/// weak handles (reported by `Trace`, so the collector knows when garbage
/// owns them).
#[derive(Trace)]
pub struct Node {
    #[trace(skip)]
    pub id: usize,
    #[trace(skip)]
    resurrect: bool,
    pub children: RefCell<Vec<Gc<Node>>>,
    pub weaks: RefCell<Vec<Weak<Node>>>,
}

impl Node {
    /// The ids of this node's children, in order.
    pub fn child_ids(&self) -> Vec<usize> {
        self.children.borrow().iter().map(|c| c.id).collect()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        log(Event::Dropped(self.id));
    }
}

impl Finalize for Node {
    fn finalize(this: &Gc<Self>) {
        log(Event::Finalized(this.id));
        if this.resurrect {
            let _ = RESURRECTED.try_with(|r| r.borrow_mut().push(this.clone()));
        }
    }
}

/// The events logged after the first `from` ones.
pub fn events_since(from: usize) -> Vec<Event> {
    EVENTS.with(|l| l.borrow()[from..].to_vec())
}

/// Clones of the handles in the resurrected list.
pub fn resurrected() -> Vec<Gc<Node>> {
    RESURRECTED.with(|r| r.borrow().clone())
}

/// Empties the resurrected list, returning its handles.
fn take_resurrected() -> Vec<Gc<Node>> {
    RESURRECTED.with(|r| std::mem::take(&mut *r.borrow_mut()))
}

/// Typed handles for type-erased ones (every object here is a `Node`).
fn typed(handles: Vec<AnyGc>) -> Vec<Gc<Node>> {
    let nodes = handles
        .iter()
        .map(|h| h.downcast::<Node>().expect("a Node"));
    nodes.collect()
}

/// Clones of the handles in `refcycle::garbage()`.
pub fn garbage() -> Vec<Gc<Node>> {
    typed(refcycle::garbage())
}

/// `take_garbage()`, typed and sorted by id.
fn take_garbage_sorted() -> Vec<Gc<Node>> {
    let mut g = typed(take_garbage());
    g.sort_by_key(|h| h.id);
    g
}

/// Starts a sequence on a clean heap: whatever an earlier (failed or cut
/// short) case left behind is let go of, the log is emptied, and
/// automatic collection is off (the sequence decides when the collector
/// runs; the model predicts exactly what each collection frees).
pub fn reset() {
    refcycle::disable();
    refcycle::set_stress(false);
    let_go(Vec::new());
    EVENTS.with(|l| l.borrow_mut().clear());
}

/// Frees everything reachable from `roots`, the resurrected list and
/// `garbage()`, and every uncollected cycle, without tripping over the
/// known bugs (`harness::KNOWN_DIVERGENCES`) a case was cut short before:
/// every node's weak handles are dropped and its child list emptied while
/// all of them are still alive, so each later release is trivial; the
/// rest goes to full collections, until nothing is left.
fn let_go(mut roots: Vec<Gc<Node>>) {
    loop {
        roots.extend(take_resurrected());
        roots.extend(take_garbage_sorted());
        let nodes = reachable_from(std::mem::take(&mut roots));
        let idle = nodes.is_empty();
        for n in &nodes {
            drop(std::mem::take(&mut *n.weaks.borrow_mut()));
        }
        let children: Vec<Vec<Gc<Node>>> = nodes
            .iter()
            .map(|n| std::mem::take(&mut *n.children.borrow_mut()))
            .collect();
        drop((children, nodes));
        if idle && refcycle::collect() == 0 {
            break;
        }
    }
}

/// One handle to each intact node reachable from `roots`.
fn reachable_from(roots: Vec<Gc<Node>>) -> Vec<Gc<Node>> {
    let mut seen = BTreeMap::new();
    let mut todo = roots;
    while let Some(h) = todo.pop() {
        let Ok(node) = Gc::try_borrow(&h) else {
            continue; // cleared by the collector: owns nothing any more
        };
        if let Entry::Vacant(e) = seen.entry(node.id) {
            todo.extend(node.children.borrow().iter().cloned());
            e.insert(h);
        }
    }
    seen.into_values().collect()
}

/// The test's handles into the real heap.
#[derive(Default)]
pub struct RealHeap {
    /// Root handles, parallel to `Model::roots`.
    pub roots: Vec<Gc<Node>>,
    /// Weak handles the test holds, parallel to `Model::test_weaks`.
    pub weaks: Vec<Weak<Node>>,
    next_id: usize,
    /// Weak handles made so far (the next one's number).
    weaks_made: usize,
}

impl RealHeap {
    /// Performs `op` on the real heap and reports what it returned.
    pub fn apply(&mut self, op: &Op) -> Observed {
        match *op {
            Op::Alloc => self.alloc(None, false),
            Op::AllocFinalizable { resurrect } => self.alloc(Some(false), resurrect),
            Op::AllocLegacy { resurrect } => self.alloc(Some(true), resurrect),
            Op::Link(a, b) => {
                if let (Some(a), Some(b)) = (self.root(a), self.root(b)) {
                    let child = b.clone();
                    a.children.borrow_mut().push(child);
                }
            }
            Op::Unlink(a, k) => {
                if let Some(a) = self.root(a) {
                    let removed = {
                        let mut children = a.children.borrow_mut();
                        pick(k, children.len()).map(|k| children.remove(k))
                    };
                    drop(removed); // outside the borrow: may run finalizers
                }
            }
            Op::Descend(a, k) => {
                if let Some(a) = self.root(a) {
                    let child = {
                        let children = a.children.borrow();
                        pick(k, children.len()).map(|k| children[k].clone())
                    };
                    self.roots.extend(child);
                }
            }
            Op::CloneHandle(i) => {
                if let Some(h) = self.root(i).cloned() {
                    self.roots.push(h);
                }
            }
            Op::DropHandle(i) => {
                if let Some(i) = pick(i, self.roots.len()) {
                    drop(self.roots.remove(i));
                }
            }
            Op::DropRoots => drop(std::mem::take(&mut self.roots)),
            Op::Downgrade(i) => {
                if let Some(w) = self.root(i).map(Gc::downgrade) {
                    self.weaks_made += 1;
                    self.weaks.push(w);
                }
            }
            Op::DowngradeWithCallback(i, owner) => self.downgrade_with_callback(i, owner),
            Op::DropWeak(w) => {
                if let Some(w) = pick(w, self.weaks.len()) {
                    drop(self.weaks.remove(w));
                }
            }
            Op::Upgrade(w) => {
                let up = pick(w, self.weaks.len()).and_then(|w| self.weaks[w].upgrade());
                let ok = up.is_some();
                self.roots.extend(up);
                return Observed::Upgraded(ok);
            }
            Op::Adopt => {
                let mut r = take_resurrected();
                r.sort_by_key(|h| h.id);
                self.roots.extend(r);
            }
            Op::AdoptGarbage => self.roots.extend(take_garbage_sorted()),
            Op::ClearGarbage => drop(take_garbage_sorted()), // first to last
            Op::Collect(g) => return Observed::Collected(collect_generation(g)),
        }
        Observed::Nothing
    }

    /// `finalizer`: `None`, or `Some(legacy)`.
    fn alloc(&mut self, finalizer: Option<bool>, resurrect: bool) {
        if self.next_id >= MAX_NODES {
            return;
        }
        let node = Node {
            id: self.next_id,
            resurrect,
            children: RefCell::new(Vec::new()),
            weaks: RefCell::new(Vec::new()),
        };
        self.next_id += 1;
        self.roots.push(match finalizer {
            None => Gc::new(node),
            Some(false) => Gc::new_with_finalizer(node),
            Some(true) => Gc::new_with_legacy_finalizer(node),
        });
    }

    fn downgrade_with_callback(&mut self, i: usize, owner: Option<usize>) {
        let Some(target) = self.root(i) else { return };
        let number = self.weaks_made;
        let w = Gc::downgrade_with_callback(target, move || log(Event::Callback(number)));
        self.weaks_made += 1;
        match owner.and_then(|o| self.root(o)) {
            Some(o) => o.weaks.borrow_mut().push(w),
            None => self.weaks.push(w),
        }
    }

    fn root(&self, i: usize) -> Option<&Gc<Node>> {
        pick(i, self.roots.len()).map(|i| &self.roots[i])
    }
}

impl Drop for RealHeap {
    /// Lets go of what a case cut short or failed left behind (nothing
    /// after a teardown). While a failed check unwinds, the handles are
    /// leaked instead: the heap may be inconsistent, and a second panic
    /// would abort.
    fn drop(&mut self) {
        let roots = std::mem::take(&mut self.roots);
        if std::thread::panicking() {
            roots.into_iter().for_each(std::mem::forget);
        } else {
            let_go(roots);
        }
    }
}
