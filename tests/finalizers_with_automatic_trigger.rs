//! Finalizers under automatic collection: collections triggered by
//! allocation (small thresholds, or stress mode) run finalizers exactly
//! once, resurrect what finalizers keep, and never nest, even when a
//! finalizer or a weak-reference callback allocates and so would trigger
//! another collection. Objects freed by reference counting *because* the
//! collector cleared a young cycle (an older object only that cycle held)
//! cannot reach the cleared objects through weak references.
//!
//! Ported from CPython's `Lib/test/test_gc.py` (`test_del`,
//! `test_del_newclass`, `test_trashcan`, `GCTogglingTests.test_bug1055820c`
//! and `test_bug1055820d`).

mod support_fin;

use std::cell::{Cell, RefCell};

use refcycle::{collect, enable, get_stats, set_stress, set_threshold, Gc, Weak};
use support_fin::{
    clear_survivors, dropped, finalized, link, note, notes, quiet, record, ring, scale, sorted,
    survivor_ids, Event, Fin, OnFin,
};

fn auto(t0: usize) {
    set_stress(false);
    set_threshold(t0, 10, 10);
    enable();
}

fn young_collections() -> usize {
    get_stats()[0].collections
}

#[test]
fn automatic_collections_finalize_each_garbage_cycle_once() {
    auto(10);
    let n = scale(300) as u64;
    for _ in 0..n {
        drop(ring(&[OnFin::Nothing, OnFin::Nothing]));
    }
    assert!(young_collections() > 0, "collections were triggered");
    assert!(
        !finalized().is_empty(),
        "some cycles were finalized automatically"
    );
    collect();
    // ring() numbers its nodes 0 and 1: count instead of comparing ids.
    assert_eq!(finalized().len(), 2 * n as usize);
    assert_eq!(dropped().len(), 2 * n as usize);
    assert_eq!(
        finalized().iter().filter(|&&id| id == 0).count(),
        n as usize
    );
}

#[test]
fn automatic_collections_resurrect_and_later_free_without_a_second_call() {
    auto(10);
    let n = scale(100) as u64;
    for id in 0..n {
        let z = Fin::new(id, OnFin::Resurrect);
        link(&z, &z);
        let a = Fin::new(1000 + id, OnFin::Nothing);
        link(&a, &a);
    }
    collect();
    assert_eq!(survivor_ids(), (0..n).collect::<Vec<_>>());
    assert_eq!(sorted(dropped()), (1000..1000 + n).collect::<Vec<_>>());
    clear_survivors();
    collect();
    let mut all: Vec<u64> = (0..n).chain(1000..1000 + n).collect();
    all.sort_unstable();
    assert_eq!(sorted(finalized()), all, "each finalizer ran once");
    assert_eq!(sorted(dropped()), all);
}

#[test]
fn a_finalizer_that_allocates_may_trigger_a_collection() {
    // Python (test_del, test_del_newclass):
    //   gc.enable(); gc.set_threshold(1)
    //   class A:
    //       def __del__(self): dir(self)      # allocates
    //   a = A(); del a
    auto(1);
    let a = Fin::new(1, OnFin::Nothing);
    a.set_hook(|this| {
        let junk: Vec<_> = (0..5).map(|i| Fin::plain(100 + i)).collect();
        note(format!("{} allocated {}", this.id, junk.len()));
    });
    let before = young_collections();
    drop(a);
    assert!(
        young_collections() > before,
        "the finalizer's allocations collected"
    );
    assert_eq!(finalized(), [1]);
    assert_eq!(notes(), ["1 allocated 5"]);
    assert_eq!(sorted(dropped()), [1, 100, 101, 102, 103, 104]);
}

#[test]
fn finalizers_that_allocate_during_an_automatic_collection_do_not_nest_it() {
    auto(3);
    for round in 0..scale(40) as u64 {
        let nodes = ring(&[OnFin::Nothing, OnFin::Nothing, OnFin::Nothing]);
        for n in &nodes {
            n.set_hook(move |this| {
                let extra = Fin::new(10_000 + this.id, OnFin::Nothing);
                link(&extra, &Fin::plain(20_000));
                record(Event::Note(format!("{round}")));
            });
        }
        drop(nodes);
    }
    collect();
    let rings = scale(40);
    // Each ring member finalized once, and the object each of their
    // finalizers made was finalized once too (by refcount, at once).
    assert_eq!(finalized().len(), 2 * 3 * rings);
    assert_eq!(notes().len(), 3 * rings);
    assert_eq!(dropped().len(), 3 * 3 * rings);
}

#[test]
fn finalizers_that_call_collect_during_deep_deallocations_are_safe() {
    // Python (test_trashcan):
    //   class Ouch:
    //       def __del__(self):
    //           Ouch.n += 1
    //           if Ouch.n % 17 == 0: gc.collect()
    //   gc.enable(); N = 150; t = []; for i in range(N): t = [t, Ouch()]
    auto(700);
    thread_local!(static OUCH: Cell<u64> = const { Cell::new(0) });
    let n = scale(150) as u64;
    for round in 0..2 {
        let mut t = Fin::plain(0);
        for i in 0..n {
            let ouch = Fin::new(1 + i, OnFin::Nothing);
            ouch.set_hook(|_| {
                let k = OUCH.with(|c| {
                    c.set(c.get() + 1);
                    c.get()
                });
                if k % 17 == 0 {
                    collect();
                }
            });
            let next = Fin::plain(0);
            link(&next, &t);
            link(&next, &ouch);
            t = next;
        }
        drop(t); // a deep chain, released by reference counting
        assert_eq!(finalized().len() as u64, n * (round + 1));
    }
    assert_eq!(OUCH.with(Cell::get), 2 * n);
}

/// CPython's `C1055820`: an object with a self-loop.
fn c1055820(id: u64) -> Gc<Fin> {
    let c = Fin::plain(id);
    link(&c, &c);
    c
}

thread_local! {
    static C2WR: RefCell<Weak<Fin>> = const { RefCell::new(Weak::new()) };
    static GC_HAPPENED: Cell<bool> = const { Cell::new(false) };
}

/// CPython's `GC_Detector`: a self-loop whose weak-ref callback records
/// that a collection freed it.
fn gc_detector() -> Weak<Fin> {
    GC_HAPPENED.with(|g| g.set(false));
    let trash = c1055820(666);
    Gc::downgrade_with_callback(&trash, || GC_HAPPENED.with(|g| g.set(true)))
}

fn allocate_until_gc_happens() -> usize {
    let mut junk = Vec::new();
    while !GC_HAPPENED.with(Cell::get) {
        assert!(
            junk.len() < 10_000,
            "gc didn't happen after 10000 iterations"
        );
        assert!(notes().is_empty(), "too early");
        junk.push(Fin::plain(7));
    }
    junk.len()
}

#[test]
fn a_weak_ref_callback_of_an_old_object_freed_by_a_young_collection_cannot_resurrect_garbage() {
    // Python (test_bug1055820c):
    //   c0 = C1055820(0); gc.collect()          # c0 -> generation 2
    //   c1 = C1055820(1); c1.keep_c0_alive = c0; del c0.loop
    //   c2 = C1055820(2); c2wr = weakref.ref(c2)
    //   c0wr = weakref.ref(c0, lambda _: ouch[:] = [c2wr()])
    //   c0 = c1 = c2 = None; allocate until a gc happens
    //   -> len(ouch) == 1 and ouch[0] is None
    auto(scale(50));
    let c0 = c1055820(0);
    collect();
    let c1 = c1055820(1);
    link(&c1, &c0);
    c0.edges.borrow_mut().clear(); // del c0.loop
    let c2 = c1055820(2);
    C2WR.with(|w| *w.borrow_mut() = Gc::downgrade(&c2));
    let _c0wr = Gc::downgrade_with_callback(&c0, || {
        let got = C2WR.with(|w| w.borrow().upgrade().is_some());
        note(format!("c2wr alive: {got}"));
    });
    drop((c0, c1, c2));
    let _detector = gc_detector();
    allocate_until_gc_happens();
    assert_eq!(notes(), ["c2wr alive: false"]);
    assert!(dropped().contains(&0) && dropped().contains(&2));
}

#[test]
fn a_finalizer_of_an_old_object_freed_by_a_young_collection_cannot_resurrect_garbage() {
    // Python (test_bug1055820d): the same with d0.__del__ doing
    //   ouch[:] = [c2wr()]  -> len(ouch) == 1 and ouch[0] is None
    auto(scale(50));
    let d0 = Fin::new(0, OnFin::Nothing);
    link(&d0, &d0);
    d0.set_hook(|_| {
        let got = C2WR.with(|w| w.borrow().upgrade().is_some());
        note(format!("c2wr alive: {got}"));
    });
    collect();
    let c1 = c1055820(1);
    link(&c1, &d0);
    d0.edges.borrow_mut().clear(); // del d0.loop
    let c2 = c1055820(2);
    C2WR.with(|w| *w.borrow_mut() = Gc::downgrade(&c2));
    drop((d0, c1, c2));
    let _detector = gc_detector();
    allocate_until_gc_happens();
    assert_eq!(notes(), ["c2wr alive: false"]);
    assert_eq!(finalized(), [0]);
    assert!(dropped().contains(&0) && dropped().contains(&2));
}

#[test]
fn stress_mode_runs_each_finalizer_once() {
    // A young collection on every tracked allocation, a full one on every
    // tenth: the rare interleavings become the common ones.
    quiet();
    set_stress(true);
    enable();
    let rounds = scale(60) as u64;
    for r in 0..rounds {
        let z = Fin::new(3 * r, OnFin::Resurrect);
        let a = Fin::new(3 * r + 1, OnFin::Suicide);
        let b = Fin::new(3 * r + 2, OnFin::Nothing);
        link(&z, &a);
        link(&a, &b);
        link(&b, &z);
        link(&b, &b);
    }
    set_stress(false);
    collect();
    clear_survivors();
    collect();
    let all: Vec<u64> = (0..3 * rounds).collect();
    assert_eq!(sorted(finalized()), all, "each finalizer exactly once");
    assert_eq!(sorted(dropped()), all, "each value dropped exactly once");
}
