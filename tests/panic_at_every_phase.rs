//! A panic from user code at each point where a collection runs user code:
//! a gc callback at start and stop, `Trace` in subtract_refs,
//! move_unreachable, verify_garbage and handle_weakrefs, a weak-reference
//! callback, a finalizer, a `Drop` during delete_garbage, a `Drop` during
//! the drain of deferred releases when the collection ends, a legacy
//! finalizer, the unraisable hook itself, and all of them in one
//! collection. Each panic is caught and reported through the unraisable
//! hook; afterwards the heap is consistent (`refcycle::validate()`), the
//! reachable objects are intact, every value was dropped at most once, and
//! a later ordinary cycle is still collected. What a panic costs is exact:
//! a `Trace` that cannot report its children keeps alive what it might
//! hold (everything, if it was a reachable object), and nothing else.

mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use refcycle::{
    add_callback, collect, remove_callback, validate, CallbackInfo, Finalize, Gc, GcCallback,
    Phase, Trace, Visitor, Weak,
};
use support::{
    assert_dropped_once, capture_unraisable, drop_count, drop_total, drops, drops_sorted, log_drop,
    no_stress, ring, Node, Reports,
};

// ---------------------------------------------------------------------------
// The kit
// ---------------------------------------------------------------------------

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
    drop(ring([900, 901]));
    assert_eq!(collect(), 2, "a later ordinary cycle is collected");
    assert_eq!(drop_total(), before + 2);
    assert_eq!((drop_count(900), drop_count(901)), (1, 1));
    assert_consistent();
}

/// The (context, message) of every report, in order.
fn contexts(reports: &Reports) -> Vec<(String, String)> {
    reports
        .borrow()
        .iter()
        .map(|r| (r.context.clone(), r.message.clone()))
        .collect()
}

/// An unrelated cycle (ids 80, 81), to see what a panic costs: tests make
/// it first and drop it with their garbage, just before collecting (so
/// that stress-mode collections on allocation do not free it earlier).
fn bystanders() -> Vec<Gc<Node>> {
    ring([80, 81])
}

/// A tracked object whose `trace` panics on its `panic_on`-th call (0:
/// never) since `arm` was last called.
struct Phased {
    id: u64,
    calls: Cell<u32>,
    panic_on: Cell<u32>,
    children: RefCell<Vec<Gc<Phased>>>,
    weak: RefCell<Option<Weak<Node>>>,
}

impl Trace for Phased {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        let call = self.calls.get() + 1;
        self.calls.set(call);
        if call == self.panic_on.get() {
            panic!("trace call {call} of {}", self.id);
        }
        self.children.trace(visitor);
        self.weak.trace(visitor);
    }
}

impl Drop for Phased {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

fn phased(id: u64) -> Gc<Phased> {
    Gc::new(Phased {
        id,
        calls: Cell::new(0),
        panic_on: Cell::new(0),
        children: RefCell::new(Vec::new()),
        weak: RefCell::new(None),
    })
}

/// A ring of `Phased` objects with these ids.
fn phased_ring(ids: &[u64]) -> Vec<Gc<Phased>> {
    let nodes: Vec<_> = ids.iter().map(|&id| phased(id)).collect();
    for (i, n) in nodes.iter().enumerate() {
        n.children
            .borrow_mut()
            .push(nodes[(i + 1) % nodes.len()].clone());
    }
    nodes
}

/// Makes `p`'s trace panic on its `call`-th call from now on.
fn arm(p: &Gc<Phased>, call: u32) {
    p.calls.set(0);
    p.panic_on.set(call);
}

// ---------------------------------------------------------------------------
// gc callbacks
// ---------------------------------------------------------------------------

fn panicking_callback(at: Phase) -> GcCallback {
    Rc::new(move |phase: Phase, _: &CallbackInfo| {
        if phase == at {
            panic!("callback at {phase:?}");
        }
    })
}

#[test]
fn panic_in_a_gc_callback_at_start_is_reported_and_the_collection_runs() {
    let by = bystanders();
    let reports = capture_unraisable();
    let live = ring([1, 2]);
    let cb = panicking_callback(Phase::Start);
    add_callback(cb.clone());
    drop(by);
    assert_eq!(collect(), 2);
    assert_eq!(
        contexts(&reports),
        [("gc callback".into(), "callback at Start".into())]
    );
    assert_dropped_once([80, 81]);
    assert_eq!(live[0].child_ids(), [2], "intact");
    assert!(remove_callback(&cb));
    drop(live);
    assert_eq!(collect(), 2);
    assert_heap_still_works();
}

#[test]
fn panic_in_a_gc_callback_at_stop_is_reported_after_the_collection() {
    let by = bystanders();
    let reports = capture_unraisable();
    let cb = panicking_callback(Phase::Stop);
    add_callback(cb.clone());
    drop(by);
    assert_eq!(collect(), 2);
    assert_eq!(
        contexts(&reports),
        [("gc callback".into(), "callback at Stop".into())]
    );
    assert_dropped_once([80, 81]);
    assert!(remove_callback(&cb));
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Trace, phase by phase
// ---------------------------------------------------------------------------

#[test]
fn panic_in_trace_during_subtract_refs_keeps_only_that_objects_cycle_alive() {
    // Call 1 of a garbage object is subtract_refs: it could not subtract
    // its references, so it counts as held from outside, and so does what
    // it reaches. The bystanders are collected.
    let by = bystanders();
    let reports = capture_unraisable();
    let ids = [1, 2, 3];
    let garbage = phased_ring(&ids);
    arm(&garbage[0], 1);
    drop(garbage);
    drop(by);
    assert_eq!(collect(), 2);
    assert_dropped_once([80, 81]);
    assert_eq!(
        contexts(&reports),
        [("trace of".into(), "trace call 1 of 1".into())]
    );
    assert_consistent();
    assert_eq!(collect(), 3, "collected once its trace works");
    assert_dropped_once([1, 2, 3, 80, 81]);
    assert_heap_still_works();
}

#[test]
fn panic_in_trace_of_a_live_object_during_move_unreachable_keeps_all_garbage_alive() {
    // Call 2 of a reachable object is move_unreachable. Had it been able
    // to, it might have reported children that now look unreachable, so
    // the collector frees none of this collection's garbage.
    let by = bystanders();
    let reports = capture_unraisable();
    let live = phased_ring(&[1, 2]);
    arm(&live[0], 2);
    drop(by);
    assert_eq!(collect(), 0);
    assert!(drops().is_empty(), "nothing was freed");
    let got = contexts(&reports);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], ("trace of".into(), "trace call 2 of 1".into()));
    assert_eq!(got[1].0, "collection");
    assert!(
        got[1].1.contains("2 suspect objects are kept alive"),
        "{got:?}"
    );
    assert_eq!(live[0].children.borrow()[0].id, 2, "intact");
    assert_consistent();
    assert_eq!(collect(), 2, "the bystanders, next time");
    assert_dropped_once([80, 81]);
    drop(live);
    assert_eq!(collect(), 2);
    assert_heap_still_works();
}

#[test]
fn panic_in_trace_during_verify_garbage_keeps_the_suspect_and_what_it_reaches() {
    // Call 2 of a garbage object is verify_garbage.
    let by = bystanders();
    let reports = capture_unraisable();
    let garbage = phased_ring(&[1, 2, 3]);
    let first = Gc::downgrade(&garbage[0]);
    arm(&garbage[0], 2);
    drop(garbage);
    drop(by);
    assert_eq!(collect(), 2, "the bystanders only");
    assert_dropped_once([80, 81]);
    let got = contexts(&reports);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], ("trace of".into(), "trace call 2 of 1".into()));
    assert_eq!(got[1].0, "collection");
    assert!(
        got[1].1.contains("3 suspect objects are kept alive"),
        "{got:?}"
    );
    let first = first.upgrade().expect("kept alive, intact");
    assert_eq!(first.children.borrow()[0].id, 2);
    drop(first);
    assert_consistent();
    assert_eq!(collect(), 3);
    assert_dropped_once([1, 2, 3, 80, 81]);
    assert_heap_still_works();
}

#[test]
fn panic_in_trace_during_handle_weakrefs_does_not_stop_the_collection() {
    // Call 3 of a garbage object that owns a weak handle is the walk of
    // handle_weakrefs that clears the weak handles the garbage owns.
    let by = bystanders();
    let reports = capture_unraisable();
    let target = Node::new(50);
    let garbage = phased_ring(&[1, 2, 3]);
    *garbage[0].weak.borrow_mut() = Some(Gc::downgrade(&target));
    arm(&garbage[0], 3);
    drop(garbage);
    drop(by);
    assert_eq!(collect(), 5);
    assert_dropped_once([1, 2, 3, 80, 81]);
    assert_eq!(
        contexts(&reports),
        [("trace of".into(), "trace call 3 of 1".into())]
    );
    assert_eq!(target.id, 50, "the weak handle's target is intact");
    assert_eq!(Gc::weak_count(&target), 0, "and its weak handle is gone");
    drop(target);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Weak callbacks, finalizers, Drop
// ---------------------------------------------------------------------------

#[test]
fn panic_in_a_weak_callback_during_a_collection_is_reported() {
    let by = bystanders();
    let reports = capture_unraisable();
    let garbage = ring([1, 2]);
    let ran = Rc::new(Cell::new(0));
    let r = ran.clone();
    let w1 = Gc::downgrade_with_callback(&garbage[0], move || r.set(r.get() + 1));
    let w2 = Gc::downgrade_with_callback(&garbage[1], || panic!("callback"));
    drop(garbage);
    drop(by);
    assert_eq!(collect(), 4);
    assert_eq!(ran.get(), 1, "the other callback ran");
    assert_eq!(
        contexts(&reports),
        [("weakref callback for".into(), "callback".into())]
    );
    assert!(w1.upgrade().is_none() && w2.upgrade().is_none());
    assert_dropped_once([1, 2, 80, 81]);
    assert_heap_still_works();
}

/// A tracked object with a finalizer that panics if `explode`; its legacy
/// variant (made with `new_with_legacy_finalizer`) too.
#[derive(Trace)]
struct Fin {
    #[trace(skip)]
    id: u64,
    #[trace(skip)]
    explode: bool,
    #[trace(skip)]
    runs: Cell<u32>,
    edges: RefCell<Vec<Gc<Fin>>>,
}

impl Finalize for Fin {
    fn finalize(this: &Gc<Self>) {
        this.runs.set(this.runs.get() + 1);
        if this.explode {
            panic!("finalizer of {}", this.id);
        }
    }
}

impl Drop for Fin {
    fn drop(&mut self) {
        assert!(self.runs.get() <= 1, "finalized at most once");
        log_drop(self.id);
    }
}

fn fin(id: u64, explode: bool) -> Gc<Fin> {
    Gc::new_with_finalizer(Fin {
        id,
        explode,
        runs: Cell::new(0),
        edges: RefCell::new(Vec::new()),
    })
}

fn legacy(id: u64, explode: bool) -> Gc<Fin> {
    Gc::new_with_legacy_finalizer(Fin {
        id,
        explode,
        runs: Cell::new(0),
        edges: RefCell::new(Vec::new()),
    })
}

fn fin_link(from: &Gc<Fin>, to: &Gc<Fin>) {
    from.edges.borrow_mut().push(to.clone());
}

#[test]
fn panic_in_a_finalizer_during_a_collection_is_reported() {
    let by = bystanders();
    let reports = capture_unraisable();
    let a = fin(1, true);
    let b = fin(2, false);
    fin_link(&a, &b);
    fin_link(&b, &a);
    let (wa, wb) = (Gc::downgrade(&a), Gc::downgrade(&b));
    drop((a, b));
    drop(by);
    assert_eq!(collect(), 4);
    assert_eq!(
        contexts(&reports),
        [("finalizer of".into(), "finalizer of 1".into())]
    );
    assert!(wa.upgrade().is_none() && wb.upgrade().is_none());
    assert_dropped_once([1, 2, 80, 81]);
    assert_heap_still_works();
}

/// Panics in `Drop` after logging.
#[derive(Trace)]
struct Bomb {
    #[trace(skip)]
    id: u64,
    me: RefCell<Option<Gc<Bomb>>>,
    leaf: Option<Gc<Leaf>>,
}

impl Drop for Bomb {
    fn drop(&mut self) {
        log_drop(self.id);
        panic!("drop of {}", self.id);
    }
}

/// Untracked; panics in `Drop` after logging if `explode`.
struct Leaf {
    id: u64,
    explode: bool,
}

impl Trace for Leaf {
    const NEEDS_TRACE: bool = false;

    fn trace(&self, _visitor: &mut Visitor<'_>) {}
}

impl Drop for Leaf {
    fn drop(&mut self) {
        log_drop(self.id);
        if self.explode {
            panic!("drop of leaf {}", self.id);
        }
    }
}

#[test]
fn panic_in_drop_during_delete_garbage_is_reported_and_the_fields_still_go() {
    let by = bystanders();
    let reports = capture_unraisable();
    let b = Gc::new(Bomb {
        id: 1,
        me: RefCell::new(None),
        leaf: Some(Gc::new(Leaf {
            id: 2,
            explode: false,
        })),
    });
    *b.me.borrow_mut() = Some(b.clone());
    drop(b);
    drop(by);
    assert_eq!(collect(), 3);
    assert_eq!(contexts(&reports), [("drop of".into(), "drop of 1".into())]);
    assert_dropped_once([1, 2, 80, 81]);
    assert_heap_still_works();
}

#[test]
fn panic_in_drop_during_the_drain_after_a_collection_is_reported() {
    // The leaf loses its last handle when its owner is cleared; releases
    // are deferred while the collector walks its lists, so its Drop runs
    // in the drain when the collection ends.
    let by = bystanders();
    #[derive(Trace)]
    struct Owner {
        me: RefCell<Option<Gc<Owner>>>,
        leaf: Gc<Leaf>,
    }
    let reports = capture_unraisable();
    let o = Gc::new(Owner {
        me: RefCell::new(None),
        leaf: Gc::new(Leaf {
            id: 2,
            explode: true,
        }),
    });
    *o.me.borrow_mut() = Some(o.clone());
    drop(o);
    drop(by);
    assert_eq!(collect(), 3);
    assert_eq!(
        contexts(&reports),
        [("drop of".into(), "drop of leaf 2".into())]
    );
    assert_dropped_once([2, 80, 81]);
    assert_heap_still_works();
}

#[test]
fn panic_in_a_legacy_finalizer_run_during_a_collection_is_reported() {
    // A legacy object in no cycle, hanging off a collectable one: it dies
    // by reference counting when the cycle is cleared, inside the
    // collection, and its (panicking) legacy finalizer runs then.
    let by = bystanders();
    no_stress();
    let reports = capture_unraisable();
    let a = fin(1, false);
    let b = fin(2, false);
    fin_link(&a, &b);
    fin_link(&b, &a);
    fin_link(&a, &legacy(3, true));
    drop((a, b));
    drop(by);
    assert_eq!(collect(), 4);
    assert!(refcycle::garbage().is_empty(), "nothing uncollectable");
    assert_eq!(
        contexts(&reports),
        [("finalizer of".into(), "finalizer of 3".into())]
    );
    assert_dropped_once([1, 2, 3, 80, 81]);
    assert_heap_still_works();
}

#[test]
fn panic_in_the_unraisable_hook_falls_back_to_stderr_and_the_collection_runs() {
    let by = bystanders();
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    refcycle::set_unraisable_hook(Some(Rc::new(move |_| {
        c.set(c.get() + 1);
        panic!("the hook panics too");
    })));
    let a = fin(1, true);
    fin_link(&a, &a);
    drop(a);
    drop(by);
    assert_eq!(collect(), 3);
    assert_eq!(calls.get(), 1);
    refcycle::set_unraisable_hook(None);
    assert_dropped_once([1, 80, 81]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Everything at once
// ---------------------------------------------------------------------------

#[test]
fn panics_at_every_phase_of_one_collection_are_each_reported_once() {
    no_stress();
    let reports = capture_unraisable();
    let cb = panicking_callback(Phase::Start);
    let cb_stop = panicking_callback(Phase::Stop);
    add_callback(cb.clone());
    add_callback(cb_stop.clone());
    // handle_weakrefs: a garbage ring whose trace panics on call 3.
    let target = Node::new(50);
    let traced = phased_ring(&[1, 2]);
    *traced[0].weak.borrow_mut() = Some(Gc::downgrade(&target));
    arm(&traced[0], 3);
    // A weak callback, a finalizer and a Drop, in one cycle...
    let f = fin(3, true);
    fin_link(&f, &f);
    let w = Gc::downgrade_with_callback(&f, || panic!("callback"));
    let b = Gc::new(Bomb {
        id: 4,
        me: RefCell::new(None),
        // ...a Drop in the drain...
        leaf: Some(Gc::new(Leaf {
            id: 5,
            explode: true,
        })),
    });
    *b.me.borrow_mut() = Some(b.clone());
    // ...and a legacy finalizer.
    let c = fin(6, false);
    fin_link(&c, &c);
    fin_link(&c, &legacy(7, true));
    drop((traced, f, b, c));
    assert_eq!(collect(), 5, "1, 2, 3, 4, 6 (7 died by refcount)");
    let mut got: Vec<_> = contexts(&reports);
    got.sort();
    let want: Vec<(String, String)> = [
        ("drop of", "drop of 4"),
        ("drop of", "drop of leaf 5"),
        ("finalizer of", "finalizer of 3"),
        ("finalizer of", "finalizer of 7"),
        ("gc callback", "callback at Start"),
        ("gc callback", "callback at Stop"),
        ("trace of", "trace call 3 of 1"),
        ("weakref callback for", "callback"),
    ]
    .iter()
    .map(|(c, m)| (c.to_string(), m.to_string()))
    .collect();
    assert_eq!(got, want);
    assert!(w.upgrade().is_none());
    assert_dropped_once([1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(target.id, 50);
    assert!(remove_callback(&cb) && remove_callback(&cb_stop));
    drop(target);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Bugs
// ---------------------------------------------------------------------------

/// Panics in `Drop` while `armed`.
struct Armed(Rc<Cell<bool>>);

impl Drop for Armed {
    fn drop(&mut self) {
        if self.0.get() {
            panic!("dropped while armed");
        }
    }
}

#[test]
fn panic_from_dropping_a_gc_callback_removed_during_its_own_call_is_reported() {
    let by = bystanders();
    let reports = capture_unraisable();
    let armed = Rc::new(Cell::new(true));
    let me: Rc<RefCell<Option<GcCallback>>> = Rc::default();
    let (m, bomb) = (me.clone(), Armed(armed.clone()));
    let cb: GcCallback = Rc::new(move |_: Phase, _: &CallbackInfo| {
        let _ = &bomb;
        if let Some(me) = m.borrow_mut().take() {
            remove_callback(&me); // a one-shot callback
        }
    });
    add_callback(cb.clone());
    *me.borrow_mut() = Some(cb);
    drop(by);
    let mut found = 0;
    let escaped = support::catch(|| found = collect());
    armed.set(false);
    assert_eq!(validate(), Ok(()), "the guards kept the heap consistent");
    assert_eq!(escaped, None, "the panic escaped collect()");
    assert_eq!(found, 2);
    assert_eq!(
        contexts(&reports),
        [("gc callback".into(), "dropped while armed".into())]
    );
    assert_heap_still_works();
}

#[test]
fn panic_from_dropping_an_unraisable_hook_replaced_during_its_own_call_is_caught() {
    let armed = Rc::new(Cell::new(true));
    let bomb = Armed(armed.clone());
    refcycle::set_unraisable_hook(Some(Rc::new(move |_| {
        let _ = &bomb;
        drop(refcycle::set_unraisable_hook(None)); // a one-shot hook
    })));
    let a = fin(1, true); // its finalizer's panic calls the hook
    fin_link(&a, &a);
    drop(a);
    let mut found = 0;
    let escaped = support::catch(|| found = collect());
    armed.set(false);
    assert_eq!(validate(), Ok(()), "the guards kept the heap consistent");
    assert_eq!(escaped, None, "the panic escaped collect()");
    assert_eq!(found, 1);
    assert_dropped_once([1]);
    assert_heap_still_works();
}

/// A panic payload whose own `Drop` panics.
struct PanickyPayload;

impl Drop for PanickyPayload {
    fn drop(&mut self) {
        panic!("payload dropped");
    }
}

#[test]
fn panic_from_dropping_the_payload_of_a_panicking_unraisable_hook_is_contained() {
    refcycle::set_unraisable_hook(Some(Rc::new(|_| {
        std::panic::panic_any(PanickyPayload);
    })));
    let a = fin(1, true); // its finalizer's panic calls the hook
    fin_link(&a, &a);
    drop(a);
    let mut found = 0;
    let escaped = support::catch(|| found = collect());
    refcycle::set_unraisable_hook(None);
    assert_eq!(validate(), Ok(()), "the guards kept the heap consistent");
    assert_eq!(escaped, None, "the panic escaped collect()");
    assert_eq!(found, 1);
    assert_dropped_once([1]);
    assert_heap_still_works();
}
