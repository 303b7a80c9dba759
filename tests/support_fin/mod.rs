//! The kit of the finalization tests (finalizers, resurrection, legacy
//! finalizers, weak-reference callbacks, gc callbacks and debug output).
//!
//! It mirrors the `NonGCSimpleBase` / `SimpleBase` helpers of CPython's
//! `Lib/test/test_finalization.py`:
//!
//! - a per-thread **event log** ([`Event`], [`events`], [`finalized`],
//!   [`dropped`]): every test runs on its own thread, with its own heap, so a
//!   thread-local log belongs to the test that reads it;
//! - [`Fin`], a tracked object with an id, strong and weak edges and a
//!   finalizer whose side effect is chosen per object ([`OnFin`]): nothing,
//!   resurrect (CPython's `SimpleResurrector`), break its own edges
//!   (`SuicidalSelfCycle`), panic, or run a closure;
//! - the **survivors** list that resurrecting finalizers append to
//!   ([`survivor_ids`], [`clear_survivors`]);
//! - [`capture_unraisable`], an unraisable hook that keeps every report;
//! - [`quiet`], which turns off stress mode and automatic collection, as
//!   CPython's tests do with `gc.disable()`;
//! - [`child_stderr`] / [`is_child`], to run one test of the current test
//!   binary in a subprocess and read what it printed to stderr.
//!
//! Each test file uses part of the kit, so unused items are allowed here.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use refcycle::{Finalize, Gc, Trace, Unraisable, Weak};

// ---------------------------------------------------------------------------
// Event log
// ---------------------------------------------------------------------------

/// Something that happened to an object of a test, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The finalizer of the object with this id ran.
    Finalized(u64),
    /// The value of the object with this id was dropped.
    Dropped(u64),
    /// A weak-reference callback with this tag ran.
    Callback(u64),
    /// A free-form note from a test.
    Note(String),
}

thread_local! {
    static EVENTS: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
    static SURVIVORS: RefCell<Vec<Gc<Fin>>> = const { RefCell::new(Vec::new()) };
}

/// Appends an event to this thread's log.
pub fn record(e: Event) {
    // `try_with`: values dropped during thread exit are not recorded.
    let _ = EVENTS.try_with(|log| log.borrow_mut().push(e));
}

/// Appends a [`Event::Note`].
pub fn note(s: impl Into<String>) {
    record(Event::Note(s.into()));
}

/// The events so far, in order.
pub fn events() -> Vec<Event> {
    EVENTS.with(|log| log.borrow().clone())
}

/// Forgets the events so far.
pub fn clear_events() {
    EVENTS.with(|log| log.borrow_mut().clear());
}

fn ids_of(f: impl Fn(&Event) -> Option<u64>) -> Vec<u64> {
    EVENTS.with(|log| log.borrow().iter().filter_map(f).collect())
}

/// Ids whose finalizer ran, in order (an id twice means it ran twice).
pub fn finalized() -> Vec<u64> {
    ids_of(|e| match e {
        Event::Finalized(id) => Some(*id),
        _ => None,
    })
}

/// Ids whose value was dropped, in order.
pub fn dropped() -> Vec<u64> {
    ids_of(|e| match e {
        Event::Dropped(id) => Some(*id),
        _ => None,
    })
}

/// Tags of the weak-reference callbacks that ran, in order.
pub fn callbacks() -> Vec<u64> {
    ids_of(|e| match e {
        Event::Callback(id) => Some(*id),
        _ => None,
    })
}

/// The notes so far, in order.
pub fn notes() -> Vec<String> {
    EVENTS.with(|log| {
        log.borrow()
            .iter()
            .filter_map(|e| match e {
                Event::Note(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    })
}

/// `v` sorted (the collector's order among garbage objects is unspecified).
pub fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v
}

/// A weak-reference callback that logs [`Event::Callback`]`(tag)`.
pub fn log_callback(tag: u64) -> impl FnOnce() + 'static {
    move || record(Event::Callback(tag))
}

// ---------------------------------------------------------------------------
// Fin: a tracked object with a finalizer
// ---------------------------------------------------------------------------

/// What the finalizer of a [`Fin`] does after logging [`Event::Finalized`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnFin {
    /// Nothing (CPython's `Simple`).
    Nothing,
    /// Appends a handle to itself to the survivors (`SimpleResurrector`).
    Resurrect,
    /// Drops all its strong edges, breaking its cycles (`SuicidalSelfCycle`).
    Suicide,
    /// Panics with the message `"finalizer <id> failed"`.
    Panic,
}

/// A closure run by a [`Fin`]'s finalizer, after its [`OnFin`] action.
pub type FinHook = Box<dyn Fn(&Gc<Fin>)>;

/// A tracked object with a finalizer: an id, strong edges, weak edges.
/// Its finalizer logs [`Event::Finalized`], then does its [`OnFin`] action,
/// then runs its hook, if any. Dropping its value logs [`Event::Dropped`].
#[derive(Trace)]
pub struct Fin {
    #[trace(skip)]
    pub id: u64,
    #[trace(skip)]
    pub on_fin: Cell<OnFin>,
    /// Run by the finalizer; must not own handles (the collector does not
    /// see into closures).
    #[trace(skip)]
    pub hook: RefCell<Option<FinHook>>,
    pub edges: RefCell<Vec<Gc<Fin>>>,
    pub weaks: RefCell<Vec<Weak<Fin>>>,
}

impl Fin {
    /// A new object whose finalizer does `on_fin`.
    pub fn new(id: u64, on_fin: OnFin) -> Gc<Fin> {
        Gc::new_with_finalizer(Self::value(id, on_fin))
    }

    /// A new object with a *legacy* finalizer (Python 2's `__del__`,
    /// CPython's `tp_del`).
    pub fn legacy(id: u64, on_fin: OnFin) -> Gc<Fin> {
        Gc::new_with_legacy_finalizer(Self::value(id, on_fin))
    }

    /// A new object with no finalizer (its [`OnFin`] is never used); its
    /// drop is still logged.
    pub fn plain(id: u64) -> Gc<Fin> {
        Gc::new(Self::value(id, OnFin::Nothing))
    }

    fn value(id: u64, on_fin: OnFin) -> Fin {
        Fin {
            id,
            on_fin: Cell::new(on_fin),
            hook: RefCell::new(None),
            edges: RefCell::new(Vec::new()),
            weaks: RefCell::new(Vec::new()),
        }
    }

    /// Sets the closure the finalizer runs.
    pub fn set_hook(&self, hook: impl Fn(&Gc<Fin>) + 'static) {
        *self.hook.borrow_mut() = Some(Box::new(hook));
    }

    /// The ids of the strong edges, in order.
    pub fn edge_ids(&self) -> Vec<u64> {
        self.edges.borrow().iter().map(|e| e.id).collect()
    }
}

impl Finalize for Fin {
    fn finalize(this: &Gc<Self>) {
        record(Event::Finalized(this.id));
        match this.on_fin.get() {
            OnFin::Nothing => {}
            OnFin::Resurrect => SURVIVORS.with(|s| s.borrow_mut().push(this.clone())),
            OnFin::Suicide => drop(std::mem::take(&mut *this.edges.borrow_mut())),
            OnFin::Panic => panic!("finalizer {} failed", this.id),
        }
        let hook = this.hook.borrow_mut().take();
        if let Some(hook) = hook {
            hook(this);
            *this.hook.borrow_mut() = Some(hook);
        }
    }
}

impl Drop for Fin {
    fn drop(&mut self) {
        record(Event::Dropped(self.id));
    }
}

impl std::fmt::Debug for Fin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fin({})", self.id)
    }
}

/// Adds a strong edge `from -> to`.
pub fn link(from: &Gc<Fin>, to: &Gc<Fin>) {
    from.edges.borrow_mut().push(to.clone());
}

/// Adds a weak edge `from -> to`.
pub fn link_weak(from: &Gc<Fin>, to: &Gc<Fin>) {
    from.weaks.borrow_mut().push(Gc::downgrade(to));
}

/// Objects with the given finalizer actions (ids `0..`), each linked to the
/// next and the last to the first: a ring (a self-cycle for one object).
pub fn ring(actions: &[OnFin]) -> Vec<Gc<Fin>> {
    let nodes: Vec<Gc<Fin>> = actions
        .iter()
        .enumerate()
        .map(|(i, &a)| Fin::new(i as u64, a))
        .collect();
    for (i, n) in nodes.iter().enumerate() {
        link(n, &nodes[(i + 1) % nodes.len()]);
    }
    nodes
}

/// Weak handles to each of `nodes`.
pub fn weaks(nodes: &[Gc<Fin>]) -> Vec<Weak<Fin>> {
    nodes.iter().map(Gc::downgrade).collect()
}

/// How many of `weaks` can still be upgraded.
pub fn alive(weaks: &[Weak<Fin>]) -> usize {
    weaks.iter().filter(|w| w.upgrade().is_some()).count()
}

// ---------------------------------------------------------------------------
// Survivors
// ---------------------------------------------------------------------------

/// Ids of the resurrected objects held by the survivors list, sorted.
pub fn survivor_ids() -> Vec<u64> {
    SURVIVORS.with(|s| sorted(s.borrow().iter().map(|g| g.id).collect()))
}

/// Handles to the resurrected objects, in order of resurrection.
pub fn survivors() -> Vec<Gc<Fin>> {
    SURVIVORS.with(|s| s.borrow().clone())
}

/// Empties the survivors list (dropping its handles).
pub fn clear_survivors() {
    let s = SURVIVORS.with(|s| std::mem::take(&mut *s.borrow_mut()));
    drop(s);
}

// ---------------------------------------------------------------------------
// Collector state
// ---------------------------------------------------------------------------

/// Stress mode off and automatic collection disabled: collections happen
/// only where a test calls `collect` (CPython's tests: `gc.disable()`).
pub fn quiet() {
    refcycle::set_stress(false);
    refcycle::disable();
}

/// `n` in a normal run; at most `n / 20` (at least `min(n, 5)`) under Miri.
pub fn scale(n: usize) -> usize {
    if cfg!(miri) {
        (n / 20).clamp(n.min(5), 200)
    } else {
        n
    }
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

/// The reports captured so far, shared with the hook.
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

// ---------------------------------------------------------------------------
// Subprocesses
// ---------------------------------------------------------------------------

const CHILD_VAR: &str = "REFCYCLE_FIN_CHILD";

/// Whether this process is a child started by [`child_stderr`]. Child-only
/// tests return at once when this is false.
pub fn is_child() -> bool {
    std::env::var_os(CHILD_VAR).is_some()
}

/// Runs the test `name` of the current test binary in a subprocess (with
/// [`is_child`] true and stress mode off) and returns what it printed to
/// stderr. Panics if the child test failed.
pub fn child_stderr(name: &str) -> String {
    let exe = std::env::current_exe().expect("current test binary");
    let out = std::process::Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, "1")
        .env_remove("REFCYCLE_STRESS")
        .output()
        .expect("spawn the test binary");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child test {name} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "child test {name} did not run\nstdout:\n{stdout}"
    );
    stderr
}
