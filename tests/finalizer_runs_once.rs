//! A finalizer runs at most once in an object's life (PEP 442), whichever
//! path reaches it first: the last handle dropping (reference counting) or
//! the collector finding the object in unreachable garbage. A finalizer
//! that resurrects its object does not run again when the object dies for
//! good, and [`refcycle::is_finalized`] says whether it has run.
//!
//! Ported from CPython's `Lib/test/test_finalization.py`
//! (`SimpleFinalizationTest`, `SelfCycleFinalizationTest`) and
//! `Lib/test/test_gc.py` (`test_is_finalized`,
//! `test_resurrection_only_happens_once_per_object`).

mod support_fin;

use refcycle::{collect, is_finalized, Finalize, Gc, Trace, Visitor};
use support_fin::{
    alive, clear_survivors, dropped, finalized, link, quiet, record, survivor_ids, survivors,
    Event, Fin, OnFin,
};

#[test]
fn finalizer_runs_once_when_the_last_handle_drops() {
    // Python (test_simple): s = Simple(); wr = weakref.ref(s); del s
    //   -> __del__ called once, wr() is None; gc.collect() calls nothing more.
    quiet();
    let s = Fin::new(1, OnFin::Nothing);
    let wr = Gc::downgrade(&s);
    assert!(!is_finalized(&s));
    drop(s);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
    assert!(wr.upgrade().is_none());
    assert_eq!(collect(), 0);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
}

#[test]
fn finalizer_runs_before_the_value_is_dropped() {
    quiet();
    drop(Fin::new(1, OnFin::Nothing));
    assert_eq!(
        support_fin::events(),
        [Event::Finalized(1), Event::Dropped(1)]
    );
}

#[test]
fn object_resurrected_on_the_refcount_path_is_not_finalized_again() {
    // Python (test_simple_resurrect): __del__ appends self to survivors.
    //   After `del s`: del_calls == [id], survivors == [s], wr() is not None
    //   (weak refs are cleared only after __del__, and it resurrected).
    //   After survivors.clear(): no second __del__; wr() is None.
    quiet();
    let s = Fin::new(1, OnFin::Resurrect);
    let wr = Gc::downgrade(&s);
    drop(s);
    assert_eq!(finalized(), [1]);
    assert_eq!(survivor_ids(), [1]);
    assert!(dropped().is_empty(), "resurrected, not freed");
    let back = wr
        .upgrade()
        .expect("weak refs survive a refcount resurrection");
    assert!(is_finalized(&back));
    assert_eq!(Gc::strong_count(&back), 2, "survivors list + `back`");
    drop(back);

    assert_eq!(collect(), 0, "alive: nothing to collect");
    clear_survivors();
    assert_eq!(finalized(), [1], "no second finalizer call");
    assert_eq!(dropped(), [1]);
    assert!(wr.upgrade().is_none());
    assert_eq!(collect(), 0);
    assert_eq!(finalized(), [1]);
}

#[test]
fn self_cycle_is_finalized_once_by_the_collector() {
    // Python (SelfCycleFinalizationTest.test_simple): s.ref = s; del s;
    //   gc.collect() -> __del__ once, wr() is None; again -> nothing more.
    quiet();
    let s = Fin::new(1, OnFin::Nothing);
    link(&s, &s);
    let wr = Gc::downgrade(&s);
    drop(s);
    assert!(
        finalized().is_empty(),
        "a cycle is not freed by refcounting"
    );
    assert_eq!(collect(), 1);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
    assert!(wr.upgrade().is_none());
    assert_eq!(collect(), 0);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
}

#[test]
fn self_cycle_resurrected_by_the_collector_is_freed_later_without_a_second_call() {
    // Python (SelfCycleFinalizationTest.test_simple_resurrect and
    // test_gc.test_resurrection_only_happens_once_per_object):
    //   del s; gc.collect() -> __del__ once, survivors == [s], wr() is None
    //   ("XXX is this desirable?": the collector cleared it before __del__).
    //   survivors.clear(); gc.collect() -> no second __del__, s freed.
    quiet();
    let s = Fin::new(1, OnFin::Resurrect);
    link(&s, &s);
    let wr = Gc::downgrade(&s);
    drop(s);
    assert_eq!(collect(), 0, "resurrected: nothing was collected");
    assert_eq!(finalized(), [1]);
    assert_eq!(survivor_ids(), [1]);
    assert!(dropped().is_empty());
    assert!(
        wr.upgrade().is_none(),
        "weak refs died before the finalizer"
    );
    let back = survivors().pop().unwrap();
    assert!(is_finalized(&back));
    assert_eq!(back.edge_ids(), [1], "its self edge is intact");
    drop(back);

    clear_survivors();
    assert!(dropped().is_empty(), "still a self-cycle");
    assert_eq!(collect(), 1);
    assert_eq!(finalized(), [1], "no second finalizer call");
    assert_eq!(dropped(), [1]);
    assert!(survivor_ids().is_empty(), "not resurrected again");
    assert_eq!(collect(), 0);
}

#[test]
fn object_resurrected_by_the_collector_and_later_freed_by_refcount_is_not_finalized_again() {
    quiet();
    let s = Fin::new(1, OnFin::Resurrect);
    link(&s, &s);
    drop(s);
    assert_eq!(collect(), 0);
    let back = survivors().pop().unwrap();
    clear_survivors();
    // Break the cycle by hand: the last handle then frees it at once.
    back.edges.borrow_mut().clear();
    assert!(dropped().is_empty());
    drop(back);
    assert_eq!(dropped(), [1]);
    assert_eq!(finalized(), [1], "no second finalizer call");
    assert!(survivor_ids().is_empty());
}

#[test]
fn object_finalized_by_refcount_then_collected_in_a_cycle_is_not_finalized_again() {
    // The finalizer resurrects the object *into a self-cycle*: the
    // collector later finds it and frees it without calling it again.
    quiet();
    let s = Fin::new(1, OnFin::Nothing);
    s.set_hook(|this| link(this, this));
    drop(s);
    assert_eq!(finalized(), [1]);
    assert!(dropped().is_empty(), "the self edge resurrected it");
    assert_eq!(collect(), 1);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
}

#[test]
fn a_resurrected_object_can_be_resurrected_only_by_its_one_finalizer_call() {
    // The finalizer resurrects every time it is called; it is called once,
    // so the second death is final (test_resurrection_only_happens_once_per_object).
    quiet();
    let nodes = support_fin::ring(&[OnFin::Resurrect, OnFin::Resurrect]);
    let wrs = support_fin::weaks(&nodes);
    drop(nodes);
    assert_eq!(collect(), 0);
    assert_eq!(support_fin::sorted(finalized()), [0, 1]);
    assert_eq!(survivor_ids(), [0, 1]);
    assert_eq!(alive(&wrs), 0);
    clear_survivors();
    assert_eq!(collect(), 2);
    assert_eq!(support_fin::sorted(finalized()), [0, 1]);
    assert_eq!(support_fin::sorted(dropped()), [0, 1]);
    assert!(survivor_ids().is_empty());
}

#[test]
fn is_finalized_is_false_before_and_true_after_the_finalizer_ran() {
    // Python (test_gc.test_is_finalized):
    //   gc.is_finalized(3) is False; lazarus = Lazarus() -> False;
    //   del lazarus; gc.collect(); lazarus = storage.pop() -> True.
    quiet();
    let three = Gc::new(3_u32);
    assert!(!is_finalized(&three), "no finalizer: never finalized");
    let plain = Gc::new(std::cell::RefCell::new(Vec::<Gc<u32>>::new()));
    assert!(!is_finalized(&plain));

    let lazarus = Fin::new(1, OnFin::Resurrect);
    assert!(!is_finalized(&lazarus));
    link(&lazarus, &lazarus);
    drop(lazarus);
    collect();
    let lazarus = survivors().pop().unwrap();
    assert!(is_finalized(&lazarus));
    clear_survivors();
    drop(lazarus);
    assert_eq!(collect(), 1);
}

#[test]
fn is_finalized_is_true_for_an_object_resurrected_on_the_refcount_path() {
    quiet();
    drop(Fin::new(1, OnFin::Resurrect));
    let back = survivors().pop().unwrap();
    clear_survivors();
    assert!(is_finalized(&back));
    drop(back);
    assert_eq!(dropped(), [1]);
    assert_eq!(finalized(), [1]);
}

/// An untracked type (it holds no handle) with a finalizer that resurrects.
struct Leaf(u64);

impl Trace for Leaf {
    const NEEDS_TRACE: bool = false;

    fn trace(&self, _: &mut Visitor<'_>) {}
}

thread_local! {
    static LEAF_SURVIVORS: std::cell::RefCell<Vec<Gc<Leaf>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl Finalize for Leaf {
    fn finalize(this: &Gc<Self>) {
        record(Event::Finalized(this.0));
        LEAF_SURVIVORS.with(|s| s.borrow_mut().push(this.clone()));
    }
}

impl Drop for Leaf {
    fn drop(&mut self) {
        record(Event::Dropped(self.0));
    }
}

#[test]
fn untracked_object_resurrected_by_its_finalizer_is_finalized_once() {
    // CPython (test_non_gc_resurrect, with _testcapi.without_gc) calls
    // __del__ of a *non-GC* object again each time it dies, because such
    // objects have no header to remember it:
    //   del s -> del_calls == [id]; survivors.clear() -> del_calls == [id, id].
    // refcycle keeps the "finalized" bit for untracked objects too, so
    // PEP 442's "at most once" holds for every object.
    quiet();
    let s = Gc::new_with_finalizer(Leaf(7));
    assert!(!refcycle::is_tracked(&s));
    drop(s);
    assert_eq!(finalized(), [7]);
    let back = LEAF_SURVIVORS.with(|s| s.borrow_mut().pop().unwrap());
    assert!(is_finalized(&back));
    drop(back);
    assert_eq!(finalized(), [7], "no second finalizer call");
    assert_eq!(dropped(), [7]);
}

#[test]
fn many_self_cycles_are_each_finalized_once() {
    quiet();
    let n = support_fin::scale(500) as u64;
    for id in 0..n {
        let s = Fin::new(id, OnFin::Nothing);
        link(&s, &s);
    }
    assert_eq!(collect(), n as usize);
    assert_eq!(support_fin::sorted(finalized()), (0..n).collect::<Vec<_>>());
    assert_eq!(support_fin::sorted(dropped()), (0..n).collect::<Vec<_>>());
}
