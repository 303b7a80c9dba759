//! Legacy (Python 2 style) finalizers block collection: an unreachable
//! cycle through an object made with `Gc::new_with_legacy_finalizer` is
//! not freed. The legacy objects are appended to `garbage()` (`gc.garbage`)
//! and everything they reach stays alive and intact, counted as
//! "uncollectable"; nothing is finalized, no weak reference dies. Breaking
//! the cycle by hand and letting go of `garbage()` frees them, running the
//! finalizer then, once. A legacy object that is not in a cycle dies by
//! reference counting like any other, its finalizer running after its weak
//! references died (as CPython's `tp_del` does). `DEBUG_SAVEALL` keeps
//! *all* garbage in `garbage()` instead of freeing it, after running the
//! finalizers.
//!
//! Ported from CPython's `Lib/test/test_gc.py` (`test_legacy_finalizer`,
//! `test_saveall`, `GCCallbackTests.test_collect_garbage`) and
//! `Lib/test/test_finalization.py` (`LegacyFinalizationTest`), where the
//! legacy finalizer is `_testcapi.with_tp_del`'s `__tp_del__`.

mod support_fin;

use refcycle::{
    clear_garbage, collect, garbage, get_stats, is_finalized, set_debug, take_garbage, AnyGc, Gc,
    DEBUG_SAVEALL,
};
use support_fin::{
    alive, callbacks, clear_survivors, dropped, finalized, link, link_weak, log_callback, quiet,
    sorted, survivor_ids, survivors, weaks, Event, Fin, OnFin,
};

fn garbage_ptrs() -> Vec<*const ()> {
    garbage().iter().map(AnyGc::as_ptr).collect()
}

fn uncollectable_total() -> usize {
    get_stats().iter().map(|s| s.uncollectable).sum()
}

fn collected_total() -> usize {
    get_stats().iter().map(|s| s.collected).sum()
}

#[test]
fn legacy_self_cycle_lands_in_garbage_and_plain_cycles_are_still_freed() {
    // Python (test_legacy_finalizer, test_legacy_self_cycle):
    //   a = A() (with __tp_del__); a.a = a; b = B(); b.b = b; del a, b
    //   gc.collect() != 0; a is in gc.garbage; no __tp_del__ call;
    //   wr(a) is not None; then `del obj.a; gc.garbage.remove(obj)`.
    quiet();
    let a = Fin::legacy(1, OnFin::Nothing);
    link(&a, &a);
    let wa = Gc::downgrade(&a);
    let a_ptr = Gc::as_ptr(&a);
    let b = Fin::plain(2);
    link(&b, &b);
    drop((a, b));
    let (c0, u0) = (collected_total(), uncollectable_total());

    assert_eq!(collect(), 2, "one uncollectable + one collected");
    assert_eq!((collected_total(), uncollectable_total()), (c0 + 1, u0 + 1));
    assert_eq!(garbage_ptrs(), [a_ptr]);
    assert!(finalized().is_empty(), "the legacy finalizer did not run");
    assert_eq!(dropped(), [2], "the plain cycle was freed");
    let a = wa
        .upgrade()
        .expect("weak refs to uncollectable objects live");
    assert!(!is_finalized(&a));
    assert_eq!(a.edge_ids(), [1]);

    // Break the cycle by hand, then let go of gc.garbage.
    a.edges.borrow_mut().clear();
    drop(a);
    assert!(dropped() == [2], "garbage() still holds it");
    let g = take_garbage();
    assert_eq!(g.len(), 1);
    assert!(g[0].type_name().contains("Fin"), "{}", g[0].type_name());
    drop(g);
    assert_eq!(finalized(), [1], "the finalizer runs when it finally dies");
    assert_eq!(sorted(dropped()), [1, 2]);
    assert!(wa.upgrade().is_none());
    assert!(garbage().is_empty());
}

#[test]
fn everything_reachable_from_a_legacy_cycle_stays_alive_but_only_legacy_objects_are_listed() {
    // Python (with _testcapi.with_tp_del):
    //   l.next = p1; p1.next = p2; p2.next = l; p2.extra = p3
    //   wl = weakref.ref(l, cb); wp3 = weakref.ref(p3, cb); q.me = q
    //   del l, p1, p2, p3, q
    //   gc.collect() -> 5; gc.garbage == [<L l>]; stats: collected +1,
    //   uncollectable +4; wl() and wp3() alive; no callback, no __tp_del__.
    quiet();
    let l = Fin::legacy(1, OnFin::Nothing);
    let p1 = Fin::new(2, OnFin::Nothing); // a PEP 442 finalizer: blocked too
    let p2 = Fin::plain(3);
    let p3 = Fin::plain(4);
    link(&l, &p1);
    link(&p1, &p2);
    link(&p2, &l);
    link(&p2, &p3);
    let wl = Gc::downgrade_with_callback(&l, log_callback(1));
    let wp3 = Gc::downgrade_with_callback(&p3, log_callback(4));
    let all = weaks(&[l.clone(), p1.clone(), p2.clone(), p3.clone()]);
    let q = Fin::plain(9);
    link(&q, &q);
    let l_ptr = Gc::as_ptr(&l);
    drop((l, p1, p2, p3, q));
    let (c0, u0) = (collected_total(), uncollectable_total());

    assert_eq!(collect(), 5);
    assert_eq!((collected_total(), uncollectable_total()), (c0 + 1, u0 + 4));
    assert_eq!(garbage_ptrs(), [l_ptr], "only the legacy object is listed");
    assert_eq!(alive(&all), 4, "all reachable objects stay alive");
    assert!(wl.upgrade().is_some() && wp3.upgrade().is_some());
    assert!(callbacks().is_empty(), "no weak reference died");
    assert!(finalized().is_empty(), "no finalizer ran, not even p1's");
    assert_eq!(dropped(), [9]);
    let l = garbage()[0].downcast::<Fin>().unwrap();
    let p1 = l.edges.borrow()[0].clone();
    let p2 = p1.edges.borrow()[0].clone();
    assert_eq!((p1.id, p2.edge_ids()), (2, vec![1, 4]), "all intact");

    // garbage() holds the legacy object, so a second collection finds
    // nothing: the objects are reachable from there now.
    drop((l, p1, p2));
    assert_eq!(collect(), 0, "garbage() keeps them reachable now");
    assert_eq!(garbage().len(), 1);

    // Break the cycle: p2 -> l goes. Releasing garbage() frees them all.
    let l = garbage()[0].downcast::<Fin>().unwrap();
    let p2 = l.edges.borrow()[0].edges.borrow()[0].clone();
    p2.edges.borrow_mut().retain(|e| e.id != 1);
    drop((l, p2));
    clear_garbage();
    assert_eq!(sorted(finalized()), [1, 2], "finalizers run now, once");
    assert_eq!(sorted(callbacks()), [1, 4]);
    assert_eq!(sorted(dropped()), [1, 2, 3, 4, 9]);
    assert_eq!(alive(&all), 0);
    assert_eq!(collect(), 0);
}

#[test]
fn clearing_garbage_without_breaking_the_cycle_makes_it_uncollectable_again() {
    // Python:
    //   l = L(); l.me = l; del l
    //   gc.collect() -> 1, gc.garbage == [l]
    //   gc.garbage.clear(); gc.collect() -> 1, gc.garbage == [l] again
    quiet();
    let l = Fin::legacy(1, OnFin::Nothing);
    link(&l, &l);
    let ptr = Gc::as_ptr(&l);
    drop(l);
    assert_eq!(collect(), 1);
    assert_eq!(garbage_ptrs(), [ptr]);
    clear_garbage();
    assert!(dropped().is_empty(), "still a cycle");
    assert_eq!(collect(), 1);
    assert_eq!(garbage_ptrs(), [ptr]);
    assert!(finalized().is_empty());
    // Clean up: break it, let go.
    let l = take_garbage().pop().unwrap().downcast::<Fin>().unwrap();
    l.edges.borrow_mut().clear();
    drop(l);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
}

#[test]
fn uncollectable_pairs_are_counted_per_object() {
    // Python (GCCallbackTests.test_collect_garbage, with CPython's
    // Uncollectable pairs: a.partner = b, b.partner = a, both __tp_del__):
    //   Uncollectable(); Uncollectable(); C1055820(666); gc.collect()
    //   -> uncollectable 8 and collected 2 there (instances + their dicts),
    //   len(gc.garbage) == 4. Without dicts: 4 uncollectable, 1 collected.
    quiet();
    for pair in 0..2 {
        let a = Fin::legacy(10 * pair, OnFin::Nothing);
        let b = Fin::legacy(10 * pair + 1, OnFin::Nothing);
        link(&a, &b);
        link(&b, &a);
    }
    let c = Fin::plain(666);
    link(&c, &c);
    drop(c);
    let (c0, u0) = (collected_total(), uncollectable_total());
    assert_eq!(collect(), 5);
    assert_eq!((collected_total(), uncollectable_total()), (c0 + 1, u0 + 4));
    assert_eq!(garbage().len(), 4);
    for g in garbage() {
        assert!(g.downcast::<Fin>().is_some());
    }
    // Break each pair by hand, as the test's callback does.
    for g in take_garbage() {
        g.downcast::<Fin>().unwrap().edges.borrow_mut().clear();
    }
    assert_eq!(sorted(finalized()), [0, 1, 10, 11]);
    assert_eq!(sorted(dropped()), [0, 1, 10, 11, 666]);
}

#[test]
fn legacy_object_not_in_a_cycle_is_freed_by_refcount_and_finalized() {
    // Python (LegacyFinalizationTest.test_legacy):
    //   s = Legacy(); wr = weakref.ref(s); del s
    //   -> __tp_del__ called once, wr() is None; gc.collect() adds nothing.
    quiet();
    let s = Fin::legacy(1, OnFin::Nothing);
    let wr = Gc::downgrade(&s);
    drop(s);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
    assert!(wr.upgrade().is_none());
    assert_eq!(collect(), 0);
    assert!(garbage().is_empty());
    assert_eq!(finalized(), [1]);
}

#[test]
fn on_the_refcount_path_a_legacy_finalizer_runs_after_the_weak_refs_died() {
    // Python 3.11 (subtype_dealloc clears weak refs before tp_del):
    //   l = L(); wr = weakref.ref(l, lambda r: log.append('cb')); del l
    //   -> ['cb', 'tp_del, wr alive: False']
    // (A PEP 442 finalizer runs *before* them: see weakref_callbacks.rs.)
    quiet();
    let l = Fin::legacy(1, OnFin::Nothing);
    link_weak(&l, &l);
    l.set_hook(|this| {
        let alive = this.weaks.borrow()[0].upgrade().is_some();
        support_fin::note(format!("wr alive: {alive}"));
    });
    let _wr = Gc::downgrade_with_callback(&l, log_callback(1));
    drop(l);
    assert_eq!(
        support_fin::events(),
        [
            Event::Callback(1),
            Event::Finalized(1),
            Event::Note("wr alive: false".into()),
            Event::Dropped(1),
        ]
    );
}

#[test]
fn legacy_object_resurrected_on_the_refcount_path_is_finalized_once() {
    // Python (LegacyFinalizationTest.test_legacy_resurrect):
    //   s = LegacyResurrector(); wr = weakref.ref(s); del s
    //   -> tp_del_calls == [id], survivors == [s], wr() is None
    //      ("weakrefs are cleared before tp_del is called")
    //   survivors.clear() -> tp_del_calls == [id, id] (resurrected again)
    // The last step differs: CPython calls tp_del every time the count
    // reaches zero, while refcycle's legacy finalizer, a `Finalize` impl
    // like any other, runs at most once in the object's life.
    quiet();
    let s = Fin::legacy(1, OnFin::Resurrect);
    let wr = Gc::downgrade(&s);
    drop(s);
    assert_eq!(finalized(), [1]);
    assert_eq!(survivor_ids(), [1]);
    assert!(
        wr.upgrade().is_none(),
        "weak refs died before the finalizer"
    );
    let back = survivors().pop().unwrap();
    assert!(is_finalized(&back));
    drop(back);
    clear_survivors();
    assert_eq!(finalized(), [1], "not called a second time");
    assert!(survivor_ids().is_empty());
    assert_eq!(dropped(), [1]);
}

#[test]
fn legacy_object_hanging_off_a_collectable_cycle_is_freed_with_it() {
    // Python (with _testcapi.with_tp_del):
    //   a = P(); b = P(); a.o = b; b.o = a; a.l = L("hang"); del a, b
    //   gc.collect() -> 2; gc.garbage == []; __tp_del__ of "hang" ran.
    // The design agrees: only "a cycle that contains such an object" is
    // kept; this legacy object is in no cycle.
    quiet();
    let a = Fin::plain(1);
    let b = Fin::plain(2);
    link(&a, &b);
    link(&b, &a);
    link(&a, &Fin::legacy(3, OnFin::Nothing));
    drop((a, b));
    let n = collect();
    let kept = take_garbage().len();
    assert_eq!((n, kept), (2, 0));
    assert_eq!(finalized(), [3]);
    assert_eq!(sorted(dropped()), [1, 2, 3]);
}

#[test]
fn saveall_keeps_plain_cyclic_garbage_in_the_garbage_list() {
    // Python (test_saveall):
    //   L = []; L.append(L); gc.set_debug(gc.DEBUG_SAVEALL); del L
    //   gc.collect(); gc.set_debug(0); len(gc.garbage) == 1;
    //   gc.garbage.pop() is L.
    quiet();
    collect();
    assert!(garbage().is_empty());
    let l = Fin::plain(1);
    link(&l, &l);
    let ptr = Gc::as_ptr(&l);
    drop(l);
    set_debug(DEBUG_SAVEALL);
    assert_eq!(collect(), 1);
    set_debug(0);
    assert_eq!(garbage_ptrs(), [ptr]);
    assert!(dropped().is_empty(), "saved, not freed");
    let l = take_garbage().pop().unwrap().downcast::<Fin>().unwrap();
    assert_eq!(l.edge_ids(), [1], "intact");
    drop(l);
    assert_eq!(collect(), 1, "without SAVEALL it is freed");
    assert_eq!(dropped(), [1]);
}

#[test]
fn saveall_still_runs_finalizers_once_and_clears_weak_refs() {
    // Python:
    //   class F: __del__ logs; f.me = f; q.o = f; f.o = q; wf = ref(f)
    //   gc.set_debug(gc.DEBUG_SAVEALL); del f, q; gc.collect() -> 2
    //   len(gc.garbage) == 2; __del__ ran once; wf() is None
    //   gc.set_debug(0); gc.garbage.clear(); gc.collect() -> 2, no 2nd __del__
    quiet();
    let f = Fin::new(1, OnFin::Nothing);
    let q = Fin::plain(2);
    link(&f, &f);
    link(&q, &f);
    link(&f, &q);
    let wf = Gc::downgrade_with_callback(&f, log_callback(1));
    drop((f, q));
    set_debug(DEBUG_SAVEALL);
    assert_eq!(collect(), 2);
    set_debug(0);
    assert_eq!(garbage().len(), 2);
    assert_eq!(finalized(), [1]);
    assert_eq!(callbacks(), [1], "weak refs to the garbage were cleared");
    assert!(wf.upgrade().is_none());
    assert!(dropped().is_empty());
    clear_garbage();
    assert_eq!(collect(), 2);
    assert_eq!(finalized(), [1], "no second finalizer call");
    assert_eq!(sorted(dropped()), [1, 2]);
}

#[test]
fn saveall_lists_every_object_of_a_legacy_cycle() {
    // Under DEBUG_SAVEALL, CPython's handle_legacy_finalizers appends every
    // object of the `finalizers` list, not only those with tp_del.
    quiet();
    let l = Fin::legacy(1, OnFin::Nothing);
    let p = Fin::plain(2);
    link(&l, &p);
    link(&p, &l);
    drop((l, p));
    set_debug(DEBUG_SAVEALL);
    assert_eq!(collect(), 2);
    set_debug(0);
    assert_eq!(garbage().len(), 2);
    assert!(finalized().is_empty(), "legacy cycles are never finalized");
    for g in take_garbage() {
        g.downcast::<Fin>().unwrap().edges.borrow_mut().clear();
    }
    assert_eq!(finalized(), [1]);
    assert_eq!(sorted(dropped()), [1, 2]);
}
