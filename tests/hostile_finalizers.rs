//! Finalizers may do anything safe code can (DESIGN §2): allocate, call
//! `collect()`, drop the last handle of other garbage, resurrect their own
//! object and others (collection after collection), store handles in
//! thread-locals (even while the thread exits), or panic. Whatever they
//! do, the heap stays consistent (`refcycle::validate()`), nothing that is
//! reachable is dropped, every value is dropped at most once, each
//! finalizer runs at most once, and the next ordinary cycle is still
//! collected.

mod support;

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use refcycle::{collect, collect_generation, get_stats, validate, Finalize, Gc, Trace};
use support::{
    assert_dropped_once, capture_unraisable, drop_count, drops, drops_sorted, log_drop, no_stress,
    DropCounter, Node,
};

// ---------------------------------------------------------------------------
// Host: a tracked object whose finalizer runs a closure chosen per object
// ---------------------------------------------------------------------------

/// What a [`Host`]'s finalizer does after logging its run. The collector
/// does not see into closures, so an action must not own strong handles
/// (it reaches objects through the handle it is given).
type Action = Box<dyn Fn(&Gc<Host>)>;

#[derive(Trace)]
struct Host {
    #[trace(skip)]
    id: u64,
    #[trace(skip)]
    action: RefCell<Option<Action>>,
    edges: RefCell<Vec<Gc<Host>>>,
    nodes: RefCell<Vec<Gc<Node>>>,
    leaf: RefCell<Option<Gc<DropCounter>>>,
}

thread_local! {
    /// Ids whose finalizer ran, in order.
    static FINALIZED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    /// Where finalizers put the objects they resurrect.
    static KEPT: RefCell<Vec<Gc<Host>>> = const { RefCell::new(Vec::new()) };
    /// Nodes allocated by finalizers and kept.
    static KEPT_NODES: RefCell<Vec<Gc<Node>>> = const { RefCell::new(Vec::new()) };
    /// Free-form observations made inside finalizers.
    static SEEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

impl Finalize for Host {
    fn finalize(this: &Gc<Self>) {
        FINALIZED.with(|f| f.borrow_mut().push(this.id));
        let action = this.action.borrow_mut().take();
        if let Some(action) = action {
            action(this);
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

fn host(id: u64) -> Gc<Host> {
    Gc::new_with_finalizer(Host {
        id,
        action: RefCell::new(None),
        edges: RefCell::new(Vec::new()),
        nodes: RefCell::new(Vec::new()),
        leaf: RefCell::new(None),
    })
}

fn host_with(id: u64, action: impl Fn(&Gc<Host>) + 'static) -> Gc<Host> {
    let h = host(id);
    *h.action.borrow_mut() = Some(Box::new(action));
    h
}

fn link(from: &Gc<Host>, to: &Gc<Host>) {
    from.edges.borrow_mut().push(to.clone());
}

/// Hosts with these ids, each linked to the next, the last to the first.
fn host_ring(ids: &[u64]) -> Vec<Gc<Host>> {
    let hosts: Vec<_> = ids.iter().map(|&id| host(id)).collect();
    for (i, h) in hosts.iter().enumerate() {
        link(h, &hosts[(i + 1) % hosts.len()]);
    }
    hosts
}

fn finalized() -> Vec<u64> {
    FINALIZED.with(|f| f.borrow().clone())
}

fn finalized_sorted() -> Vec<u64> {
    let mut v = finalized();
    v.sort_unstable();
    v
}

fn seen() -> Vec<String> {
    SEEN.with(|s| s.borrow().clone())
}

fn note(s: impl Into<String>) {
    SEEN.with(|v| v.borrow_mut().push(s.into()));
}

fn kept_ids() -> Vec<u64> {
    KEPT.with(|k| k.borrow().iter().map(|h| h.id).collect())
}

fn clear_kept() {
    let kept = KEPT.with(|k| std::mem::take(&mut *k.borrow_mut()));
    drop(kept);
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
    let before = support::drop_total();
    drop(support::ring([900, 901]));
    assert_eq!(collect(), 2, "a later ordinary cycle is collected");
    assert_eq!(support::drop_total(), before + 2);
    assert_eq!((drop_count(900), drop_count(901)), (1, 1));
    assert_consistent();
}

// ---------------------------------------------------------------------------
// Allocating, collecting
// ---------------------------------------------------------------------------

#[test]
fn finalizer_that_allocates_during_a_collection_starts_no_nested_collection() {
    no_stress();
    refcycle::set_threshold(1, 1, 1); // every tracked allocation would collect
    let a = host_with(1, |_| {
        drop(support::ring([100, 101])); // new garbage
        KEPT_NODES.with(|k| k.borrow_mut().push(Node::new(102)));
        note(format!("collect={}", collect()));
        note(format!("validate={:?}", validate()));
    });
    link(&a, &a);
    drop(a);
    let before: usize = get_stats().iter().map(|s| s.collections).sum();
    assert_eq!(collect(), 1);
    let after: usize = get_stats().iter().map(|s| s.collections).sum();
    assert_eq!(after, before + 1, "the allocations triggered nothing");
    assert_eq!(seen(), ["collect=0", "validate=Ok(())"]);
    assert_dropped_once([1]);
    refcycle::disable();
    assert_consistent();
    // The finalizer's objects live on: the ring until the next collection,
    // the kept node as long as the thread-local holds it.
    assert_eq!(collect(), 2);
    assert_dropped_once([1, 100, 101]);
    let kept = KEPT_NODES.with(|k| k.borrow_mut().pop()).expect("kept");
    assert_eq!(kept.id, 102);
    drop(kept);
    assert_dropped_once([1, 100, 101, 102]);
    assert_heap_still_works();
}

#[test]
fn finalizer_run_by_refcount_may_collect_and_what_its_object_holds_survives() {
    no_stress();
    drop(support::ring([20, 21])); // unrelated garbage
    let inner = support::ring([10, 11]);
    let x = host_with(1, |this| {
        // A real collection: this object is held by the lent handle, so it
        // and its ring are alive; the unrelated ring is not.
        note(format!("collect={}", collect()));
        let ring = this.nodes.borrow();
        note(format!("ring={:?}", ring[0].child_ids()));
        note(format!("validate={:?}", validate()));
    });
    x.nodes.borrow_mut().push(inner[0].clone());
    drop(inner);
    drop(x);
    assert_eq!(seen(), ["collect=2", "ring=[11]", "validate=Ok(())"]);
    assert_dropped_once([1, 20, 21]);
    assert_eq!(collect(), 2, "the ring it held is garbage now");
    assert_dropped_once([1, 10, 11, 20, 21]);
    assert_eq!(finalized(), [1]);
    assert_heap_still_works();
}

#[test]
fn finalizers_that_each_make_the_next_garbage_cycle_are_collected_one_per_collection() {
    fn spawn_next(this: &Gc<Host>) {
        if this.id < 5 {
            let next = host_with(this.id + 1, spawn_next);
            link(&next, &next);
        }
    }
    let first = host_with(1, spawn_next);
    link(&first, &first);
    drop(first);
    for id in 1..=5 {
        assert_eq!(collect(), 1, "collection {id}");
        assert_dropped_once(1..=id);
        assert_consistent();
    }
    assert_eq!(collect(), 0);
    assert_eq!(finalized(), [1, 2, 3, 4, 5]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Dropping handles
// ---------------------------------------------------------------------------

#[test]
fn finalizer_that_drops_the_last_handle_of_other_garbage_frees_it_once() {
    // a -> a, a -> b, b <-> c, a -> node 10: all garbage. a's finalizer lets
    // go of node 10 and breaks the b <-> c cycle, so c and the node lose
    // their last handle while the collection runs.
    let a = host_with(1, |this| {
        this.nodes.borrow_mut().clear();
        let b = this.edges.borrow()[1].clone();
        b.edges.borrow_mut().clear();
    });
    let bc = host_ring(&[2, 3]);
    link(&a, &a);
    link(&a, &bc[0]);
    a.nodes.borrow_mut().push(Node::new(10));
    drop((a, bc));
    // Objects freed by reference counting during the collection are not
    // counted (CPython frees them before it counts): a and b are.
    assert_eq!(collect(), 2);
    assert_dropped_once([1, 2, 3, 10]);
    assert_eq!(finalized_sorted(), [1, 2, 3], "each finalizer ran once");
    assert_heap_still_works();
}

#[test]
fn finalizer_that_drops_handles_to_older_and_untracked_objects_leaves_them_to_refcounting() {
    no_stress();
    let old = host(50);
    collect(); // `old` is in the oldest generation now
    let a = host_with(1, |this| {
        this.edges.borrow_mut().retain(|e| Gc::ptr_eq(e, this));
        drop(this.leaf.borrow_mut().take());
    });
    link(&a, &a);
    link(&a, &old);
    *a.leaf.borrow_mut() = Some(Gc::new(DropCounter(60)));
    drop((a, old));
    assert_eq!(collect_generation(0), 1, "only the young cycle is garbage");
    // The old object and the leaf lost their last handle to the finalizer
    // and were freed by reference counting when the collection ended.
    assert_dropped_once([1, 50, 60]);
    assert_eq!(finalized(), [1, 50]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Resurrection
// ---------------------------------------------------------------------------

#[test]
fn finalizers_resurrecting_a_ring_collection_after_collection_keep_it_intact() {
    let ids = [1, 2, 3];
    let ring = host_ring(&ids);
    KEPT.with(|k| k.borrow_mut().extend(ring.iter().cloned()));
    drop(ring);
    for round in 0..5u64 {
        // A fresh garbage object whose finalizer resurrects the ring, which
        // is garbage again (held only by it) when the collection runs.
        let rescuer = host_with(100 + round, |this| {
            let ring: Vec<_> = this.edges.borrow()[1..].to_vec();
            KEPT.with(|k| k.borrow_mut().extend(ring));
        });
        link(&rescuer, &rescuer);
        KEPT.with(|k| {
            rescuer
                .edges
                .borrow_mut()
                .extend(k.borrow().iter().cloned())
        });
        clear_kept();
        drop(rescuer);
        assert_eq!(collect(), 1, "round {round}: only the rescuer dies");
        assert_dropped_once(100..=100 + round);
        assert_eq!(kept_ids(), ids, "round {round}");
        for (i, h) in KEPT.with(|k| k.borrow().clone()).iter().enumerate() {
            assert!(!Gc::is_cleared(h));
            assert_eq!(h.edges.borrow()[0].id, ids[(i + 1) % ids.len()]);
        }
        assert_consistent();
    }
    // The ring's own finalizers ran once, in the first round.
    let mut want: Vec<u64> = ids.to_vec();
    want.extend(100..105);
    want.sort_unstable();
    assert_eq!(finalized_sorted(), want);
    clear_kept();
    assert_eq!(collect(), 3);
    assert_dropped_once((100..105).chain(ids));
    assert_eq!(finalized_sorted(), want, "no finalizer ran twice");
    assert_heap_still_works();
}

#[test]
fn finalizers_that_resurrect_each_other_keep_the_whole_ring() {
    let ring = host_ring(&[1, 2, 3, 4]);
    for h in &ring {
        // Each keeps its successor; together they keep the whole ring.
        *h.action.borrow_mut() = Some(Box::new(|this: &Gc<Host>| {
            let next = this.edges.borrow()[0].clone();
            KEPT.with(|k| k.borrow_mut().push(next));
        }));
    }
    drop(ring);
    assert_eq!(collect(), 0);
    assert!(drops().is_empty());
    assert_eq!(finalized_sorted(), [1, 2, 3, 4]);
    let mut kept = kept_ids();
    kept.sort_unstable();
    assert_eq!(kept, [1, 2, 3, 4]);
    assert_consistent();
    clear_kept();
    assert_eq!(collect(), 4);
    assert_dropped_once([1, 2, 3, 4]);
    assert_eq!(finalized_sorted(), [1, 2, 3, 4], "not finalized again");
    assert_heap_still_works();
}

#[test]
fn finalizer_that_resurrects_and_lets_go_in_the_same_call_does_not_resurrect() {
    let let_go = |this: &Gc<Host>| {
        KEPT.with(|k| k.borrow_mut().push(this.clone()));
        let again = KEPT.with(|k| k.borrow_mut().pop());
        drop(again);
    };
    // In a collection...
    let a = host_with(1, let_go);
    link(&a, &a);
    drop(a);
    assert_eq!(collect(), 1);
    assert_dropped_once([1]);
    // ...and on the refcount path.
    drop(host_with(2, let_go));
    assert_dropped_once([1, 2]);
    assert_eq!(finalized(), [1, 2]);
    assert_heap_still_works();
}

#[test]
fn finalizer_that_hides_its_object_inside_other_garbage_does_not_resurrect_it() {
    let ab = host_ring(&[1, 2]);
    *ab[0].action.borrow_mut() = Some(Box::new(|this: &Gc<Host>| {
        let b = this.edges.borrow()[0].clone();
        b.edges.borrow_mut().push(this.clone());
    }));
    drop(ab);
    assert_eq!(collect(), 2, "a handle inside the garbage keeps nothing");
    assert_dropped_once([1, 2]);
    assert_heap_still_works();
}

#[test]
fn finalizer_that_resurrects_another_member_then_panics_keeps_the_cycle() {
    let reports = capture_unraisable();
    let ab = host_ring(&[1, 2]);
    *ab[0].action.borrow_mut() = Some(Box::new(|this: &Gc<Host>| {
        let b = this.edges.borrow()[0].clone();
        KEPT.with(|k| k.borrow_mut().push(b));
        panic!("after resurrecting");
    }));
    drop(ab);
    assert_eq!(collect(), 0, "the cycle was resurrected before the panic");
    assert!(drops().is_empty());
    let r = reports.borrow().clone();
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].context, "finalizer of");
    assert_eq!(r[0].message, "after resurrecting");
    let b = KEPT.with(|k| k.borrow()[0].clone());
    assert_eq!((b.id, b.edges.borrow()[0].id), (2, 1), "intact");
    drop(b);
    assert_consistent();
    clear_kept();
    assert_eq!(collect(), 2);
    assert_dropped_once([1, 2]);
    assert_eq!(finalized_sorted(), [1, 2]);
    assert_heap_still_works();
}

#[test]
fn finalizer_that_panics_while_holding_a_borrow_leaves_its_object_collectable() {
    let reports = capture_unraisable();
    let a = host_with(1, |this| {
        let _edges = this.edges.borrow_mut();
        panic!("with a borrow held");
    });
    link(&a, &a);
    drop(a);
    assert_eq!(collect(), 1, "the unwind released the borrow");
    assert_dropped_once([1]);
    assert_eq!(reports.borrow().len(), 1);
    assert_heap_still_works();
}

#[test]
fn finalizer_that_freezes_the_heap_mid_collection_still_frees_the_garbage() {
    no_stress();
    let live = Node::new(70);
    let a = host_with(1, |_| refcycle::freeze());
    link(&a, &a);
    drop(a);
    assert_eq!(collect(), 1);
    assert_dropped_once([1]);
    assert_eq!(refcycle::get_freeze_count(), 1, "the survivor was frozen");
    assert_consistent();
    refcycle::unfreeze();
    assert_eq!(refcycle::get_freeze_count(), 0);
    assert_eq!(collect(), 0, "the live node is still held");
    assert_eq!(live.id, 70);
    drop(live);
    assert_dropped_once([1, 70]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Thread-locals at thread exit
// ---------------------------------------------------------------------------

/// Shared between a test and the thread it runs: what happened, in order.
type Log = Arc<Mutex<Vec<String>>>;

/// A self-cycle whose finalizer runs `store` and then breaks the cycle, so
/// that whoever ends up with the stored handle frees it by refcount.
#[derive(Trace)]
struct Exiting {
    #[trace(skip)]
    name: &'static str,
    #[trace(skip)]
    log: Log,
    #[trace(skip)]
    store: fn(Gc<Exiting>),
    me: RefCell<Option<Gc<Exiting>>>,
}

impl Finalize for Exiting {
    fn finalize(this: &Gc<Self>) {
        this.log
            .lock()
            .unwrap()
            .push(format!("finalize {}", this.name));
        drop(this.me.borrow_mut().take());
        (this.store)(this.clone());
    }
}

impl Drop for Exiting {
    fn drop(&mut self) {
        self.log.lock().unwrap().push(format!("drop {}", self.name));
    }
}

thread_local! {
    /// First used before the heap: destroyed after the heap's teardown.
    static EARLY: RefCell<Vec<Gc<Exiting>>> = const { RefCell::new(Vec::new()) };
    /// First used by a finalizer during the teardown itself.
    static LATE: RefCell<Vec<Gc<Exiting>>> = const { RefCell::new(Vec::new()) };
    /// First used after the heap: destroyed before the heap's teardown.
    static GONE: RefCell<Vec<Gc<Exiting>>> = const { RefCell::new(Vec::new()) };
}

fn exiting(name: &'static str, log: &Log, store: fn(Gc<Exiting>)) {
    let e = Gc::new_with_finalizer(Exiting {
        name,
        log: log.clone(),
        store,
        me: RefCell::new(None),
    });
    *e.me.borrow_mut() = Some(e.clone());
}

#[test]
fn finalizers_storing_handles_in_thread_locals_at_thread_exit_are_freed_once() {
    let log: Log = Arc::default();
    let l = log.clone();
    std::thread::spawn(move || {
        EARLY.with(|_| ());
        let reports = l.clone();
        refcycle::set_unraisable_hook(Some(std::rc::Rc::new(move |u| {
            reports
                .lock()
                .unwrap()
                .push(format!("report {}", u.context));
        })));
        GONE.with(|_| ());
        exiting("early", &l, |h| EARLY.with(|e| e.borrow_mut().push(h)));
        exiting("late", &l, |h| LATE.with(|e| e.borrow_mut().push(h)));
        // GONE is destroyed when this finalizer runs: `with` panics, the
        // panic is reported, and the object is not resurrected.
        exiting("gone", &l, |h| GONE.with(|e| e.borrow_mut().push(h)));
    })
    .join()
    .expect("the thread exits cleanly");
    let log = log.lock().unwrap().clone();
    for name in ["early", "late", "gone"] {
        let count = |what: &str| {
            log.iter()
                .filter(|e| **e == format!("{what} {name}"))
                .count()
        };
        assert_eq!(count("finalize"), 1, "{name}: {log:?}");
        assert_eq!(count("drop"), 1, "{name}: {log:?}");
    }
    let reports: Vec<_> = log.iter().filter(|e| e.starts_with("report")).collect();
    assert_eq!(reports, ["report finalizer of"], "{log:?}");
}
