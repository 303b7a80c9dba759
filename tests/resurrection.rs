//! Resurrection (PEP 442): after the finalizers of a collection ran, the
//! garbage is examined again. Whatever a finalizer made reachable again
//! survives, with everything it reaches, intact (no value dropped); it is
//! not counted as collected, and it moves on to the next generation like
//! any survivor. A finalizer may also break its own cycle, in which case
//! the object simply dies.
//!
//! Ported from CPython's `Lib/test/test_gc.py`
//! (`test_resurrection_is_transitive`,
//! `test_resurrection_does_not_block_cleanup_of_other_objects`) and
//! `Lib/test/test_finalization.py` (`test_simple_suicide`,
//! `check_resurrecting_chain`).

mod support_fin;

use refcycle::{collect, collect_generation, get_stats, is_tracked, Gc};
use support_fin::{
    alive, clear_survivors, dropped, finalized, link, quiet, ring, sorted, survivor_ids, survivors,
    weaks, Fin, OnFin,
};

#[test]
fn resurrection_is_transitive() {
    // Python (test_resurrection_is_transitive):
    //   laz.cargo = cargo; cargo.laz = laz; cargo.me = cargo; del laz, cargo
    //   gc.collect(): Lazarus.__del__ resurrects laz; laz.cargo is the same
    //   cargo object, intact.
    quiet();
    let laz = Fin::new(1, OnFin::Resurrect);
    let cargo = Fin::plain(2);
    link(&laz, &cargo);
    link(&cargo, &laz);
    link(&cargo, &cargo);
    let cargo_ptr = Gc::as_ptr(&cargo);
    drop((laz, cargo));

    assert_eq!(collect(), 0, "everything was resurrected");
    assert!(dropped().is_empty());
    let laz = survivors().pop().unwrap();
    clear_survivors();
    assert_eq!(laz.edge_ids(), [2]);
    let cargo = laz.edges.borrow()[0].clone();
    assert_eq!(Gc::as_ptr(&cargo), cargo_ptr);
    assert_eq!(cargo.edge_ids(), [1, 2], "cargo's value was not dropped");
    assert!(Gc::try_borrow(&cargo).is_ok());
    drop((laz, cargo));
    assert_eq!(collect(), 2);
    assert_eq!(sorted(dropped()), [1, 2]);
    assert_eq!(finalized(), [1]);
}

#[test]
fn resurrecting_one_member_keeps_the_whole_cycle_alive_and_intact() {
    // Python (check_resurrecting_chain, [ChainedResurrector, SimpleChained] * 2):
    //   every __del__ runs, survivors are the resurrectors, nothing is
    //   cleared; after survivors.clear() + gc.collect() no __del__ runs again.
    quiet();
    let nodes = ring(&[OnFin::Resurrect, OnFin::Nothing, OnFin::Nothing]);
    let wrs = weaks(&nodes);
    drop(nodes);

    assert_eq!(collect(), 0);
    assert_eq!(sorted(finalized()), [0, 1, 2], "all finalizers ran first");
    assert_eq!(survivor_ids(), [0]);
    assert!(dropped().is_empty(), "no member of the cycle was dropped");
    assert_eq!(alive(&wrs), 0, "weak refs died before the finalizers");
    let first = survivors().pop().unwrap();
    let second = first.edges.borrow()[0].clone();
    let third = second.edges.borrow()[0].clone();
    assert_eq!(
        (first.edge_ids(), second.edge_ids(), third.edge_ids()),
        (vec![1], vec![2], vec![0]),
        "every edge of the ring is intact"
    );
    assert!(Gc::ptr_eq(&third.edges.borrow()[0], &first));
    for n in [&first, &second, &third] {
        assert!(!Gc::is_cleared(n));
        assert!(is_tracked(n));
    }
    drop((first, second, third));

    clear_survivors();
    assert_eq!(collect(), 3);
    assert_eq!(sorted(finalized()), [0, 1, 2], "no finalizer ran twice");
    assert_eq!(sorted(dropped()), [0, 1, 2]);
    assert!(survivor_ids().is_empty());
}

#[test]
fn every_resurrector_of_a_cycle_survives_and_nothing_is_dropped() {
    // Python (test_homogenous_resurrect: [ChainedResurrector] * 3).
    quiet();
    let nodes = ring(&[OnFin::Resurrect; 3]);
    drop(nodes);
    assert_eq!(collect(), 0);
    assert_eq!(survivor_ids(), [0, 1, 2]);
    assert!(dropped().is_empty());
    clear_survivors();
    assert_eq!(collect(), 3);
    assert_eq!(sorted(finalized()), [0, 1, 2]);
    assert_eq!(sorted(dropped()), [0, 1, 2]);
}

#[test]
fn a_finalizer_may_resurrect_another_member_of_its_cycle() {
    // The finalizer of 0 stores a handle to 1 (not to itself): 1 survives,
    // and so does 0, which 1 reaches.
    quiet();
    let nodes = ring(&[OnFin::Nothing, OnFin::Nothing]);
    nodes[0].set_hook(|this| {
        let next = this.edges.borrow()[0].clone();
        KEPT.with(|k| k.borrow_mut().push(next));
    });
    drop(nodes);
    assert_eq!(collect(), 0);
    assert!(dropped().is_empty());
    let kept = KEPT.with(|k| std::mem::take(&mut *k.borrow_mut()));
    assert_eq!(kept[0].id, 1);
    assert_eq!(kept[0].edge_ids(), [0]);
    drop(kept);
    assert_eq!(collect(), 2);
    assert_eq!(sorted(dropped()), [0, 1]);
    assert_eq!(sorted(finalized()), [0, 1]);
}

thread_local! {
    static KEPT: std::cell::RefCell<Vec<Gc<Fin>>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[test]
fn a_finalizer_may_resurrect_its_object_into_a_live_object() {
    // The finalizer stores its handle in an object outside the garbage.
    quiet();
    let holder = Fin::plain(100);
    let weak_holder = Gc::downgrade(&holder);
    let s = Fin::new(1, OnFin::Nothing);
    link(&s, &s);
    s.set_hook(move |this| link(&weak_holder.upgrade().unwrap(), this));
    drop(s);
    assert_eq!(collect(), 0);
    assert_eq!(holder.edge_ids(), [1]);
    assert!(dropped().is_empty());
    drop(holder); // holder dies by refcount; the self-cycle is left
    assert_eq!(dropped(), [100]);
    assert_eq!(collect(), 1);
    assert_eq!(sorted(dropped()), [1, 100]);
    assert_eq!(finalized(), [1]);
}

#[test]
fn resurrected_objects_move_to_the_next_generation_like_survivors() {
    // Python:
    //   z = Z(); z.me = z; del z; gc.collect(0) -> 0 (resurrected)
    //   z in gc.get_objects(1), not in 0 or 2
    //   zs.clear(); gc.collect(0) -> 0; gc.collect(1) -> 1
    // (CPython's handle_resurrected_objects moves them to `old`, the
    // generation after the collected ones, where the survivors went.)
    quiet();
    collect();
    let z = Fin::new(1, OnFin::Resurrect);
    let cargo = Fin::plain(2);
    link(&z, &z);
    link(&z, &cargo);
    drop((z, cargo));
    assert_eq!(collect_generation(0), 0);
    assert_eq!(survivor_ids(), [1]);
    clear_survivors();
    assert_eq!(
        collect_generation(0),
        0,
        "no longer in the young generation"
    );
    assert!(dropped().is_empty());
    assert_eq!(collect_generation(1), 2, "in generation 1, with its cargo");
    assert_eq!(sorted(dropped()), [1, 2]);
}

#[test]
fn objects_resurrected_by_a_full_collection_stay_in_the_oldest_generation() {
    quiet();
    let z = Fin::new(1, OnFin::Resurrect);
    link(&z, &z);
    drop(z);
    assert_eq!(collect(), 0);
    clear_survivors();
    assert_eq!(collect_generation(0), 0);
    assert_eq!(collect_generation(1), 0);
    assert!(dropped().is_empty());
    assert_eq!(collect(), 1);
    assert_eq!(dropped(), [1]);
}

#[test]
fn a_finalizer_that_breaks_its_own_cycle_lets_the_object_die() {
    // Python (SelfCycleFinalizationTest.test_simple_suicide):
    //   s.ref = s; __del__ does self.ref = None; del s; gc.collect()
    //   -> __del__ once, no survivors, wr() is None; gc.collect() again
    //   calls nothing. (The object dies when its finalizer drops the last
    //   reference, by reference counting.)
    quiet();
    let s = Fin::new(1, OnFin::Suicide);
    link(&s, &s);
    let wr = Gc::downgrade(&s);
    drop(s);
    collect();
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
    assert!(survivor_ids().is_empty());
    assert!(wr.upgrade().is_none());
    assert_eq!(collect(), 0);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
}

#[test]
fn a_suicidal_self_cycle_is_not_counted_as_collected() {
    // Python 3.11:
    //   class S:
    //       def __del__(self): self.ref = None
    //   s = S(); s.ref = s; del s
    //   print(gc.collect())            # 0
    // The finalizer dropped the last reference, so reference counting
    // freed the object; the collector itself cleared nothing.
    quiet();
    let s = Fin::new(1, OnFin::Suicide);
    link(&s, &s);
    drop(s);
    let before = get_stats()[2].collected;
    assert_eq!(collect(), 0);
    assert_eq!(get_stats()[2].collected, before);
    assert_eq!(dropped(), [1]);
}

#[test]
fn suicidal_and_plain_members_of_a_ring_all_die_once() {
    // Python (test_homogenous_suicidal, test_heterogenous_suicidal_one/two).
    quiet();
    for actions in [
        vec![OnFin::Suicide; 3],
        vec![
            OnFin::Suicide,
            OnFin::Nothing,
            OnFin::Suicide,
            OnFin::Nothing,
        ],
        vec![
            OnFin::Suicide,
            OnFin::Suicide,
            OnFin::Nothing,
            OnFin::Nothing,
        ],
    ] {
        support_fin::clear_events();
        let n = actions.len() as u64;
        let nodes = ring(&actions);
        let wrs = weaks(&nodes);
        drop(nodes);
        collect();
        assert_eq!(sorted(finalized()), (0..n).collect::<Vec<_>>());
        assert_eq!(sorted(dropped()), (0..n).collect::<Vec<_>>());
        assert_eq!(alive(&wrs), 0);
        assert_eq!(collect(), 0);
        assert_eq!(sorted(finalized()), (0..n).collect::<Vec<_>>());
    }
}

#[test]
fn resurrection_does_not_block_cleanup_of_other_objects() {
    // Python (test_resurrection_does_not_block_cleanup_of_other_objects),
    // with N self-loops A() (no __del__) and self-loops Z() whose __del__
    // resurrects (CPython also counts each instance's dict; we have none):
    //   N x A()            -> collect() == N, stats collected += N
    //   Z()                -> collect() == 0, stats unchanged
    //   N x A() + Z()      -> collect() == N
    //   zs.clear()         -> collect() == 2 (the two Z), collected += 2
    quiet();
    collect();
    let n = support_fin::scale(100);
    let stats = || {
        let s = get_stats()[2];
        (s.collected, s.uncollectable)
    };
    let make_a = |id: u64| {
        let a = Fin::plain(id);
        link(&a, &a);
    };
    let make_z = |id: u64| {
        let z = Fin::new(id, OnFin::Resurrect);
        link(&z, &z);
    };

    let (c0, u0) = stats();
    (0..n as u64).for_each(make_a);
    assert_eq!(collect(), n);
    assert_eq!(stats(), (c0 + n, u0));

    make_z(1000);
    assert_eq!(collect(), 0, "Z() is merely resurrected");
    assert_eq!(stats(), (c0 + n, u0));

    (0..n as u64).for_each(make_a);
    make_z(1001);
    assert_eq!(collect(), n);
    assert_eq!(stats(), (c0 + 2 * n, u0));
    assert_eq!(survivor_ids(), [1000, 1001]);

    clear_survivors();
    assert_eq!(collect(), 2);
    assert_eq!(stats(), (c0 + 2 * n + 2, u0));
    assert_eq!(finalized(), [1000, 1001], "each Z finalized once");
}

#[test]
fn a_resurrected_object_accepts_new_weak_references() {
    quiet();
    let s = Fin::new(1, OnFin::Resurrect);
    link(&s, &s);
    drop(s);
    collect();
    let back = survivors().pop().unwrap();
    clear_survivors();
    let wr = Gc::downgrade(&back);
    assert!(wr.upgrade().is_some(), "a new weak ref to a survivor works");
    drop(back);
    assert!(wr.upgrade().is_some(), "still a self-cycle");
    assert_eq!(collect(), 1);
    assert!(wr.upgrade().is_none());
}
