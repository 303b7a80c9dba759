//! Weak-reference callbacks with side effects: they panic, make new weak
//! references (with callbacks of their own), allocate, collect, drop weak
//! handles whose callbacks are still pending, or capture values whose
//! `Drop` panics. On both paths (reference counting and the collector)
//! every panic is reported through the unraisable hook and the other
//! callbacks still run; each callback runs at most once; new registrations
//! run when their object dies; and the heap stays consistent
//! (`refcycle::validate()`), with every value dropped at most once.

mod support;
mod support_fin;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use refcycle::{collect, validate, Gc, Weak};
use support::{
    assert_dropped_once, capture_unraisable, drop_count, drop_total, drops_sorted, link, no_stress,
    scale, DropCounter, Node,
};

thread_local! {
    /// Tags of the callbacks that ran, in order.
    static RAN: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    /// Weak handles kept alive so that their callbacks stay registered.
    static WEAKS: RefCell<Vec<Weak<Node>>> = const { RefCell::new(Vec::new()) };
    /// Objects kept by callbacks.
    static KEPT: RefCell<Vec<Gc<Node>>> = const { RefCell::new(Vec::new()) };
    static NOTES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn ran() -> Vec<u64> {
    RAN.with(|r| r.borrow().clone())
}

fn ran_sorted() -> Vec<u64> {
    let mut v = ran();
    v.sort_unstable();
    v
}

fn record(tag: u64) {
    RAN.with(|r| r.borrow_mut().push(tag));
}

fn keep_weak(w: Weak<Node>) {
    WEAKS.with(|ws| ws.borrow_mut().push(w));
}

fn notes() -> Vec<String> {
    NOTES.with(|n| n.borrow().clone())
}

/// A callback that records `tag`.
fn recorder(tag: u64) -> impl FnOnce() + 'static {
    move || record(tag)
}

/// A garbage self-cycle with this id.
fn self_cycle(id: u64) -> Gc<Node> {
    let n = Node::new(id);
    link(&n, &n);
    n
}

/// The heap is consistent and no value was dropped twice.
#[track_caller]
fn assert_consistent() {
    assert_eq!(validate(), Ok(()), "heap consistency");
    let log = drops_sorted();
    for pair in log.windows(2) {
        assert_ne!(pair[0], pair[1], "value {} dropped twice: {log:?}", pair[0]);
    }
}

/// A fresh ordinary cycle is still collected, exactly.
#[track_caller]
fn assert_heap_still_works() {
    assert_consistent();
    let before = drop_total();
    drop(support::ring([900, 901]));
    assert_eq!(collect(), 2, "a later ordinary cycle is collected");
    assert_eq!(drop_total(), before + 2);
    assert_eq!((drop_count(900), drop_count(901)), (1, 1));
    assert_consistent();
}

// ---------------------------------------------------------------------------
// Panicking callbacks
// ---------------------------------------------------------------------------

#[test]
fn panicking_callbacks_in_a_collection_are_reported_and_the_others_run_once() {
    let reports = capture_unraisable();
    let nodes: Vec<_> = (1..=3).map(self_cycle).collect();
    for (id, n) in (1..).zip(&nodes) {
        keep_weak(Gc::downgrade_with_callback(n, recorder(id)));
        keep_weak(Gc::downgrade_with_callback(n, move || {
            record(id + 10);
            panic!("callback {id}");
        }));
    }
    drop(nodes);
    assert_eq!(collect(), 3);
    assert_eq!(ran_sorted(), [1, 2, 3, 11, 12, 13], "each ran once");
    assert_dropped_once([1, 2, 3]);
    let r = reports.borrow().clone();
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r.iter().all(|r| r.context == "weakref callback for"));
    let mut messages: Vec<_> = r.iter().map(|r| r.message.clone()).collect();
    messages.sort();
    assert_eq!(messages, ["callback 1", "callback 2", "callback 3"]);
    assert_heap_still_works();
}

#[test]
fn panicking_callbacks_on_the_refcount_path_are_reported_and_the_others_run_once() {
    let reports = capture_unraisable();
    let n = Node::new(1);
    keep_weak(Gc::downgrade_with_callback(&n, recorder(1)));
    keep_weak(Gc::downgrade_with_callback(&n, || panic!("middle")));
    keep_weak(Gc::downgrade_with_callback(&n, recorder(3)));
    drop(n);
    assert_eq!(ran(), [3, 1], "newest first, the panic in between");
    assert_dropped_once([1]);
    assert_eq!(reports.borrow().len(), 1);
    assert_eq!(reports.borrow()[0].message, "middle");
    assert_heap_still_works();
}

#[test]
fn callback_whose_captures_panic_when_dropped_after_it_ran_is_reported() {
    // The captures of a callback that ran are dropped inside the guarded
    // call: the panic is reported like one from the callback itself.
    struct Loud;
    impl Drop for Loud {
        fn drop(&mut self) {
            panic!("capture dropped");
        }
    }
    let reports = capture_unraisable();
    let n = self_cycle(1);
    let loud = Loud;
    keep_weak(Gc::downgrade_with_callback(&n, move || {
        let _keep = &loud;
        record(1);
    }));
    drop(n);
    assert_eq!(collect(), 1);
    assert_eq!(ran(), [1]);
    assert_eq!(reports.borrow().len(), 1);
    assert_eq!(reports.borrow()[0].message, "capture dropped");
    assert_heap_still_works();
}

#[test]
fn callback_that_registers_another_then_panics_keeps_the_new_registration() {
    let reports = capture_unraisable();
    let live = Node::new(50);
    let target = Gc::downgrade(&live);
    let n = self_cycle(1);
    keep_weak(Gc::downgrade_with_callback(&n, move || {
        let live = target.upgrade().expect("alive");
        keep_weak(Gc::downgrade_with_callback(&live, recorder(2)));
        panic!("after registering");
    }));
    drop(n);
    assert_eq!(collect(), 1);
    assert_eq!(reports.borrow().len(), 1);
    assert!(ran().is_empty());
    drop(live);
    assert_eq!(ran(), [2], "the new callback ran when its object died");
    assert_dropped_once([1, 50]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Callbacks that make weak references
// ---------------------------------------------------------------------------

#[test]
fn callback_in_a_collection_that_registers_on_a_new_object_runs_it_when_that_dies() {
    let n = self_cycle(1);
    keep_weak(Gc::downgrade_with_callback(&n, || {
        record(1);
        let fresh = Node::new(2);
        keep_weak(Gc::downgrade_with_callback(&fresh, recorder(2)));
        // Its last handle goes during the collection: it is freed, and
        // its callback runs, when the collection ends.
        drop(fresh);
        NOTES.with(|v| v.borrow_mut().push(format!("after drop: {:?}", ran())));
    }));
    drop(n);
    assert_eq!(collect(), 1);
    assert_eq!(notes(), ["after drop: [1]"], "deferred while collecting");
    assert_eq!(ran(), [1, 2], "both ran within collect()");
    assert_dropped_once([1, 2]);
    assert_heap_still_works();
}

#[test]
fn callback_that_registers_on_a_live_object_runs_it_only_when_that_object_dies() {
    let live = Node::new(50);
    let target = Gc::downgrade(&live);
    drop(Gc::downgrade_with_callback(&live, || {
        unreachable!("cancelled")
    }));
    let n = Node::new(1);
    keep_weak(Gc::downgrade_with_callback(&n, move || {
        record(1);
        let live = target.upgrade().expect("alive");
        keep_weak(Gc::downgrade_with_callback(&live, recorder(2)));
    }));
    drop(n); // refcount path
    assert_eq!(ran(), [1]);
    assert_eq!(collect(), 0);
    assert_eq!(ran(), [1]);
    drop(live);
    assert_eq!(ran(), [1, 2]);
    assert_dropped_once([1, 50]);
    assert_heap_still_works();
}

thread_local! {
    static CHAIN_LEN: Cell<u64> = const { Cell::new(0) };
}

/// Registers, on a new object with id `id`, a callback that does the same
/// for `id + 1` (up to `CHAIN_LEN`), then drops the object.
fn chain_link(id: u64) {
    let n = Node::new(id);
    keep_weak(Gc::downgrade_with_callback(&n, move || {
        record(id);
        if id < CHAIN_LEN.with(Cell::get) {
            chain_link(id + 1);
        }
    }));
    drop(n);
}

#[test]
fn chain_of_callbacks_each_registering_the_next_runs_to_the_end_on_a_small_stack() {
    // Each callback runs inside the release of the previous object: the
    // trashcan bounds the nesting, as it does for deep structures.
    let n = scale(20_000) as u64;
    let ok = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            no_stress();
            CHAIN_LEN.with(|c| c.set(n));
            chain_link(1);
            let ran = ran();
            let in_order = ran.iter().copied().eq(1..=n);
            let all_dropped = drop_total() == n as usize;
            WEAKS.with(|w| w.borrow_mut().clear());
            (in_order, all_dropped, validate())
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow");
    assert_eq!(ok, (true, true, Ok(())));
}

#[test]
fn callback_that_reads_and_drops_its_own_weak_handle_sees_it_dead() {
    let slot: Rc<RefCell<Option<Weak<Node>>>> = Rc::default();
    let s = slot.clone();
    let n = self_cycle(1);
    let w = Gc::downgrade_with_callback(&n, move || {
        let own = s.borrow_mut().take().expect("set");
        let seen = format!(
            "alive={} upgrade={} pending={}",
            own.is_alive(),
            own.upgrade().is_some(),
            own.has_callback()
        );
        NOTES.with(|v| v.borrow_mut().push(seen));
        drop(own); // the last handle of this very registration
    });
    *slot.borrow_mut() = Some(w);
    drop(n);
    assert_eq!(collect(), 1);
    assert_eq!(notes(), ["alive=false upgrade=false pending=false"]);
    assert!(slot.borrow().is_none());
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Callbacks that cancel other callbacks
// ---------------------------------------------------------------------------

thread_local! {
    static OTHER: RefCell<Option<Weak<Node>>> = const { RefCell::new(None) };
}

/// On `n`: first a callback tagged 2 (it would run last: newest first)
/// that owns a `DropCounter(20)`, then one tagged 1 that drops the weak
/// handle of callback 2, cancelling it.
fn cancelling_pair(n: &Gc<Node>) -> Weak<Node> {
    let leaf = DropCounter(20);
    let second = Gc::downgrade_with_callback(n, move || {
        let _ = &leaf;
        record(2);
    });
    OTHER.with(|o| *o.borrow_mut() = Some(second));
    Gc::downgrade_with_callback(n, || {
        record(1);
        let other = OTHER.with(|o| o.borrow_mut().take());
        drop(other);
    })
}

#[test]
fn callback_that_drops_the_weak_handle_of_a_pending_callback_cancels_it_in_a_collection() {
    let n = self_cycle(1);
    keep_weak(cancelling_pair(&n));
    drop(n);
    assert_eq!(collect(), 1);
    assert_eq!(ran(), [1], "the cancelled callback never runs");
    assert_dropped_once([1, 20]);
    assert_heap_still_works();
}

#[test]
fn callback_that_drops_the_weak_handle_of_a_pending_callback_cancels_it_on_the_refcount_path() {
    let n = Node::new(1);
    keep_weak(cancelling_pair(&n));
    drop(n);
    assert_eq!(ran(), [1]);
    assert_dropped_once([1, 20]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Allocating and collecting
// ---------------------------------------------------------------------------

#[test]
fn callback_run_by_the_collector_may_allocate_collect_and_validate() {
    no_stress();
    refcycle::set_threshold(1, 1, 1);
    let n = self_cycle(1);
    keep_weak(Gc::downgrade_with_callback(&n, || {
        drop(support::ring([10, 11]));
        KEPT.with(|k| k.borrow_mut().push(Node::new(12)));
        let seen = format!("collect={} validate={:?}", collect(), validate());
        NOTES.with(|v| v.borrow_mut().push(seen));
    }));
    drop(n);
    assert_eq!(collect(), 1);
    assert_eq!(notes(), ["collect=0 validate=Ok(())"]);
    refcycle::disable();
    assert_eq!(collect(), 2, "the ring the callback made");
    KEPT.with(|k| k.borrow_mut().clear());
    assert_dropped_once([1, 10, 11, 12]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Bugs
// ---------------------------------------------------------------------------

/// Panics in `Drop` when its flag is set (so that a test can disarm it
/// before letting go of it).
struct Bomb(Rc<Cell<bool>>, &'static str);

impl Drop for Bomb {
    fn drop(&mut self) {
        if self.0.get() {
            panic!("{}", self.1);
        }
    }
}

/// A garbage self-cycle that owns a weak handle (with a callback) to a
/// live object.
#[derive(refcycle::Trace)]
struct WeakOwner {
    me: RefCell<Option<Gc<WeakOwner>>>,
    weaks: RefCell<Vec<Weak<Node>>>,
}

fn weak_owner_with_bombs(live: &Gc<Node>, armed: &Rc<Cell<bool>>, messages: &[&'static str]) {
    let owner = Gc::new(WeakOwner {
        me: RefCell::new(None),
        weaks: RefCell::new(Vec::new()),
    });
    *owner.me.borrow_mut() = Some(owner.clone());
    for &message in messages {
        let bomb = Bomb(armed.clone(), message);
        let w = Gc::downgrade_with_callback(live, move || drop(bomb));
        owner.weaks.borrow_mut().push(w);
    }
}

#[test]
fn panic_from_dropping_a_cancelled_callback_is_reported_not_propagated_out_of_collect() {
    let reports = capture_unraisable();
    let armed = Rc::new(Cell::new(true));
    let live = Node::new(50);
    weak_owner_with_bombs(&live, &armed, &["cancelled bomb"]);
    let mut found = 0;
    let result = support::catch(|| found = collect());
    armed.set(false);
    assert_eq!(validate(), Ok(()), "the guards kept the heap consistent");
    assert_eq!(result, None, "the panic escaped collect()");
    assert_eq!(found, 1, "the weak handles' owner was collected");
    assert_eq!(reports.borrow().len(), 1);
    assert_eq!(reports.borrow()[0].message, "cancelled bomb");
    drop(live);
    assert!(ran().is_empty());
    assert_heap_still_works();
}

/// Run only in a subprocess: two cancelled callbacks whose captures panic
/// when dropped. Today the second panic happens while the first unwinds
/// out of the collector, which aborts the process.
#[test]
fn child_two_cancelled_callbacks_with_panicking_captures() {
    if !support_fin::is_child() {
        return;
    }
    let _reports = capture_unraisable();
    let armed = Rc::new(Cell::new(true));
    let live = Node::new(50);
    weak_owner_with_bombs(&live, &armed, &["first bomb", "second bomb"]);
    let _ = support::catch(collect);
    armed.set(false);
    assert_eq!(validate(), Ok(()));
}

/// Runs the case in a child process (Miri cannot spawn processes).
#[test]
#[cfg_attr(miri, ignore)]
fn two_cancelled_callbacks_with_panicking_captures_do_not_abort_the_process() {
    support_fin::child_stderr("child_two_cancelled_callbacks_with_panicking_captures");
}
