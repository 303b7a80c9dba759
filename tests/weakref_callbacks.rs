//! Weak-reference callbacks around finalization (`weakref.ref(obj, cb)`).
//!
//! - In a collection, every weak reference to the garbage dies before the
//!   first callback runs, so a callback cannot reach the garbage.
//! - Callbacks of weak references held outside the garbage run, before
//!   any finalizer; callbacks of weak references *owned by* the garbage
//!   never run, wherever they point (CPython's `handle_weakrefs`,
//!   bpo-38006).
//! - Several callbacks on one object run newest first, on both paths; on
//!   the reference-counting path they run after a (PEP 442) finalizer
//!   (see `weakrefs_in_finalizers.rs`; a legacy finalizer runs after them,
//!   see `legacy_finalizers.rs`).
//! - Dropping every `Weak` of a callback first cancels it; a callback may
//!   make new weak references and call `collect()`; a panicking callback
//!   is reported through the unraisable hook and the others still run.
//!
//! Ported from CPython's `Lib/test/test_weakref.py` (`test_multiple_callbacks`,
//! `test_multiple_selfref_callbacks`, `test_callback_in_cycle_resurrection`,
//! `test_callbacks_on_callback`, `test_callback_gcs`, `test_sf_bug_840829`)
//! and `Lib/test/test_gc.py` (`test_bug1055820b`, `test_trash_weakref_clear`).

mod support_fin;

use std::cell::RefCell;

use refcycle::{collect, Gc, Trace, Visitor, Weak};
use support_fin::{
    alive, callbacks, capture_unraisable, dropped, finalized, link, log_callback, note, notes,
    quiet, record, sorted, weaks, Event, Fin, OnFin,
};

thread_local! {
    static WRS: RefCell<Vec<Weak<Fin>>> = const { RefCell::new(Vec::new()) };
}

#[test]
fn callbacks_of_external_weak_refs_see_every_weak_ref_to_the_garbage_dead() {
    // Python (test_bug1055820b):
    //   def callback(ignored): ouch[:] = [wr() for wr in WRs]
    //   Cs = [C1055820(i) for i in range(2)]   # self-loops
    //   WRs = [weakref.ref(c, callback) for c in Cs]
    //   Cs = None; gc.collect() -> len(ouch) == 2, all None
    quiet();
    let cs: Vec<_> = (0..2).map(Fin::plain).collect();
    for c in &cs {
        link(c, c);
    }
    let callback = || {
        let ouch: Vec<bool> =
            WRS.with(|w| w.borrow().iter().map(|w| w.upgrade().is_some()).collect());
        note(format!("{ouch:?}"));
    };
    let wrs: Vec<_> = cs
        .iter()
        .map(|c| Gc::downgrade_with_callback(c, callback))
        .collect();
    WRS.with(|w| *w.borrow_mut() = wrs);
    assert_eq!(collect(), 0);
    assert!(notes().is_empty());
    drop(cs);
    assert_eq!(collect(), 2);
    assert_eq!(notes(), ["[false, false]", "[false, false]"]);
    assert_eq!(sorted(dropped()), [0, 1]);
    WRS.with(|w| w.borrow_mut().clear());
}

#[test]
fn callbacks_of_weak_refs_owned_by_the_garbage_never_run() {
    // Python (test_callback_in_cycle_resurrection):
    //   c1.c = c2; c2.c = c1
    //   c1.wr = weakref.ref(c2, c1.acallback); c2.wr = weakref.ref(c1, c2.acallback)
    //   wr = weakref.ref(C, C_went_away)      # C: the class, also garbage
    //   del c1, c2, C; gc.collect() -> alist == ["C went away"]; wr() is None
    quiet();
    let c1 = Fin::new(1, OnFin::Nothing);
    let c2 = Fin::new(2, OnFin::Nothing);
    link(&c1, &c2);
    link(&c2, &c1);
    c1.weaks
        .borrow_mut()
        .push(Gc::downgrade_with_callback(&c2, log_callback(1)));
    c2.weaks
        .borrow_mut()
        .push(Gc::downgrade_with_callback(&c1, log_callback(2)));
    let wr = Gc::downgrade_with_callback(&c1, log_callback(99));
    drop((c1, c2));
    assert!(
        callbacks().is_empty(),
        "dropping is not enough to free them"
    );
    assert_eq!(collect(), 2);
    assert_eq!(callbacks(), [99], "only the external weak ref's callback");
    assert!(wr.upgrade().is_none());
    assert_eq!(sorted(dropped()), [1, 2]);
    assert_eq!(collect(), 0);
    assert_eq!(callbacks(), [99]);
}

#[test]
fn callbacks_of_weak_refs_owned_by_the_garbage_to_live_objects_never_run() {
    // Python:
    //   x = C(); t = C(); t.me = t; t.w = weakref.ref(x, cb)
    //   del t; gc.collect(); del x   -> cb never runs
    quiet();
    let x = Fin::plain(1);
    let t = Fin::plain(2);
    link(&t, &t);
    t.weaks
        .borrow_mut()
        .push(Gc::downgrade_with_callback(&x, log_callback(1)));
    drop(t);
    assert_eq!(collect(), 1);
    drop(x);
    assert!(callbacks().is_empty());
    assert_eq!(dropped(), [2, 1]);
}

/// A box the collector cannot see into (CPython's `ContainerNoGC`): its
/// `Trace` reports nothing, so what it holds is invisible to the collector.
struct Opaque(#[allow(dead_code)] Gc<Fin>);

impl Trace for Opaque {
    const NEEDS_TRACE: bool = false;

    fn trace(&self, _: &mut Visitor<'_>) {}
}

#[derive(Trace)]
struct A {
    me: RefCell<Option<Gc<A>>>,
    y: Gc<Opaque>,
    wz: Weak<Fin>,
}

#[test]
fn callback_of_a_garbage_owned_weak_ref_does_not_run_when_a_hidden_referent_dies() {
    // Python (test_trash_weakref_clear, bpo-38006):
    //   a.a = a; a.y = ContainerNoGC(Z()); a.wz = weakref.ref(a.y.value, callback)
    //   del a; gc.collect() -> callback.assert_not_called()
    // Z dies by reference counting while the collector clears `a`; the
    // weak ref `a.wz` belongs to the garbage, so its callback must not run.
    quiet();
    let z = Fin::plain(1);
    let wz = Gc::downgrade_with_callback(&z, log_callback(1));
    let a = Gc::new(A {
        me: RefCell::new(None),
        y: Gc::new(Opaque(z)),
        wz,
    });
    *a.me.borrow_mut() = Some(a.clone());
    drop(a);
    assert_eq!(collect(), 1);
    assert_eq!(dropped(), [1], "Z died with the garbage");
    assert!(callbacks().is_empty(), "the trash weak ref's callback ran");
}

#[test]
fn external_callbacks_run_before_any_finalizer() {
    // Python:
    //   f = F(); f.me = f; w = weakref.ref(f, cb); del f; gc.collect()
    //   -> ['cb', 'del f']
    quiet();
    let nodes = support_fin::ring(&[OnFin::Nothing, OnFin::Nothing, OnFin::Nothing]);
    let _ws: Vec<_> = nodes
        .iter()
        .map(|n| Gc::downgrade_with_callback(n, log_callback(n.id)))
        .collect();
    drop(nodes);
    assert_eq!(collect(), 3);
    let events = support_fin::events();
    let last_cb = events
        .iter()
        .rposition(|e| matches!(e, Event::Callback(_)))
        .unwrap();
    let first_fin = events
        .iter()
        .position(|e| matches!(e, Event::Finalized(_)))
        .unwrap();
    assert!(last_cb < first_fin, "{events:?}");
    assert_eq!(sorted(callbacks()), [0, 1, 2]);
    assert_eq!(sorted(finalized()), [0, 1, 2]);
}

#[test]
fn several_callbacks_run_newest_first_on_the_refcount_path() {
    // Python 3.11:
    //   b = B(); ws = [weakref.ref(b, lambda r, i=i: log.append(i)) for i in range(3)]
    //   del b -> log == [2, 1, 0]
    quiet();
    let b = Fin::plain(1);
    let _ws: Vec<_> = (0..3)
        .map(|i| Gc::downgrade_with_callback(&b, log_callback(i)))
        .collect();
    drop(b);
    assert_eq!(callbacks(), [2, 1, 0]);
}

#[test]
fn several_callbacks_run_newest_first_on_the_collector_path() {
    // Python 3.11: the same with b.me = b and gc.collect() -> [2, 1, 0]
    quiet();
    let b = Fin::plain(1);
    link(&b, &b);
    let _ws: Vec<_> = (0..3)
        .map(|i| Gc::downgrade_with_callback(&b, log_callback(i)))
        .collect();
    drop(b);
    assert_eq!(collect(), 1);
    assert_eq!(callbacks(), [2, 1, 0]);
}

#[test]
fn every_weak_ref_is_dead_before_the_first_callback_runs() {
    // Python (test_multiple_selfref_callbacks): the callback of the newest
    // weak ref calls the oldest one, which must already be dead.
    quiet();
    let c = Fin::plain(1);
    WRS.with(|w| w.borrow_mut().push(Gc::downgrade(&c)));
    let check = || {
        let any = WRS.with(|w| w.borrow().iter().any(|w| w.upgrade().is_some()));
        note(format!("alive in callback: {any}"));
    };
    let _w1 = Gc::downgrade_with_callback(&c, check);
    let _w2 = Gc::downgrade_with_callback(&c, check);
    drop(c);
    assert_eq!(notes(), ["alive in callback: false"; 2]);
    WRS.with(|w| w.borrow_mut().clear());
}

#[test]
fn dropping_the_weak_ref_first_cancels_its_callback() {
    // Python:
    //   c = C(); w = weakref.ref(c, cb); del w; del c        -> no cb
    //   c.me = c; w = weakref.ref(c, cb); del w; del c; gc.collect() -> no cb
    quiet();
    let c = Fin::plain(1);
    let w = Gc::downgrade_with_callback(&c, log_callback(1));
    assert!(w.has_callback());
    drop(w);
    drop(c);
    assert_eq!(dropped(), [1]);

    let c = Fin::plain(2);
    link(&c, &c);
    drop(Gc::downgrade_with_callback(&c, log_callback(2)));
    drop(c);
    assert_eq!(collect(), 1);
    assert_eq!(dropped(), [1, 2]);
    assert!(callbacks().is_empty());
}

#[test]
fn a_callback_lives_as_long_as_any_clone_of_its_weak_ref() {
    quiet();
    let c = Fin::plain(1);
    let w = Gc::downgrade_with_callback(&c, log_callback(1));
    let w2 = w.clone();
    drop(w);
    assert!(w2.has_callback());
    drop(c);
    assert_eq!(callbacks(), [1], "a clone kept the callback");
    assert!(!w2.has_callback(), "it ran: it is gone");
}

#[test]
fn a_callback_may_create_new_weak_refs_with_callbacks() {
    // Python:
    //   k = K(); other = K()
    //   def cb1(r): global w_new; w_new = weakref.ref(other, new_cb)
    //   wk = weakref.ref(k, cb1); del k -> ['cb1']; del other -> ['cb1', 'new cb']
    quiet();
    let k = Fin::plain(1);
    let other = Fin::plain(2);
    let other_weak = Gc::downgrade(&other);
    let _wk = Gc::downgrade_with_callback(&k, move || {
        record(Event::Callback(1));
        let other = other_weak.upgrade().expect("other is alive");
        let w_new = Gc::downgrade_with_callback(&other, log_callback(2));
        WRS.with(|w| w.borrow_mut().push(w_new));
    });
    drop(k);
    assert_eq!(callbacks(), [1]);
    drop(other);
    assert_eq!(callbacks(), [1, 2]);
    WRS.with(|w| w.borrow_mut().clear());
}

#[test]
fn a_callback_run_by_the_collector_may_create_new_weak_refs() {
    quiet();
    let k = Fin::plain(1);
    link(&k, &k);
    let other = Fin::plain(2);
    let other_weak = Gc::downgrade(&other);
    let _wk = Gc::downgrade_with_callback(&k, move || {
        record(Event::Callback(1));
        let other = other_weak.upgrade().expect("other is alive");
        WRS.with(|w| {
            w.borrow_mut()
                .push(Gc::downgrade_with_callback(&other, log_callback(2)))
        });
    });
    drop(k);
    assert_eq!(collect(), 1);
    assert_eq!(callbacks(), [1]);
    drop(other);
    assert_eq!(callbacks(), [1, 2]);
    WRS.with(|w| w.borrow_mut().clear());
}

#[test]
fn weak_refs_on_a_callbacks_captures_follow_the_same_rules() {
    // Python (test_callbacks_on_callback): the callback object itself
    // (a bound method, c.cb) is referenced only by c.wr; d.wr is a weak ref
    // to it (with callback), external_wr too.
    //   c.other = d; d.other = c; c.wr = ref(d, callback)
    //   d.wr = ref(callback, d.cb); external_wr = ref(callback, safe_callback)
    //   del callback, c, d, C; gc.collect() -> alist == ["safe_callback called"]
    // Here the "callback object" is a Gc captured by c.wr's closure.
    quiet();
    let c = Fin::plain(1);
    let d = Fin::plain(2);
    link(&c, &d);
    link(&d, &c);
    let callback_object = Fin::plain(3);
    d.weaks.borrow_mut().push(Gc::downgrade_with_callback(
        &callback_object,
        log_callback(2),
    ));
    let external_wr = Gc::downgrade_with_callback(&callback_object, log_callback(99));
    let wr = Gc::downgrade_with_callback(&d, move || {
        let _owned = &callback_object;
        record(Event::Callback(1));
    });
    c.weaks.borrow_mut().push(wr);
    assert!(external_wr.upgrade().is_some());
    drop((c, d));
    assert!(callbacks().is_empty());
    assert_eq!(collect(), 2);
    assert_eq!(callbacks(), [99], "only the external callback ran");
    assert!(external_wr.upgrade().is_none());
    assert_eq!(sorted(dropped()), [1, 2, 3]);
    assert_eq!(collect(), 0);
    assert_eq!(callbacks(), [99]);
}

#[test]
fn a_panicking_callback_is_reported_and_the_other_callbacks_still_run() {
    // Python 3.11:
    //   d = D(); w1 = weakref.ref(d, lambda r: 1/0)
    //   w2 = weakref.ref(d, lambda r: print("second cb ran")); del d
    //   -> "second cb ran", then sys.unraisablehook gets ZeroDivisionError
    quiet();
    let reports = capture_unraisable();
    let d = Fin::plain(1);
    let _w1 = Gc::downgrade_with_callback(&d, || panic!("callback failed"));
    let _w2 = Gc::downgrade_with_callback(&d, log_callback(2));
    drop(d);
    assert_eq!(callbacks(), [2]);
    assert_eq!(dropped(), [1]);
    let r = reports.borrow();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].context, "weakref callback for");
    assert!(r[0].type_name.contains("Fin"), "{}", r[0].type_name);
    assert_eq!(r[0].message, "callback failed");
}

#[test]
fn a_panicking_callback_run_by_the_collector_does_not_stop_the_collection() {
    quiet();
    let reports = capture_unraisable();
    let nodes = support_fin::ring(&[OnFin::Nothing, OnFin::Nothing]);
    let wrs = weaks(&nodes);
    let _w1 = Gc::downgrade_with_callback(&nodes[0], || panic!("callback failed"));
    let _w2 = Gc::downgrade_with_callback(&nodes[1], log_callback(2));
    drop(nodes);
    assert_eq!(collect(), 2);
    assert_eq!(callbacks(), [2]);
    assert_eq!(sorted(finalized()), [0, 1]);
    assert_eq!(sorted(dropped()), [0, 1]);
    assert_eq!(alive(&wrs), 0);
    let r = reports.borrow();
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].context.as_str(), r[0].message.as_str()),
        ("weakref callback for", "callback failed")
    );
}

#[test]
fn a_callback_run_by_reference_counting_may_call_collect() {
    // Python (test_callback_gcs, test_sf_bug_840829):
    //   c = C(); w = weakref.ref(c, lambda r: res.append(gc.collect()))
    //   g = C(); g.me = g; del g; del c -> res == [1]   (only g)
    quiet();
    let c = Fin::plain(1);
    let _w = Gc::downgrade_with_callback(&c, || note(format!("collect: {}", collect())));
    let g = Fin::plain(2);
    link(&g, &g);
    drop(g);
    drop(c);
    assert_eq!(notes(), ["collect: 1"]);
    assert_eq!(sorted(dropped()), [1, 2]);
}

#[test]
fn a_callback_run_by_reference_counting_may_call_collect_safely() {
    // The same without the cycle: whatever the count, the dying object is
    // dropped once and nothing else is touched.
    quiet();
    let keep = Fin::plain(3);
    let c = Fin::plain(1);
    link(&c, &keep);
    let _w = Gc::downgrade_with_callback(&c, || {
        collect();
    });
    drop(c);
    assert_eq!(dropped(), [1]);
    assert_eq!(keep.edge_ids(), Vec::<u64>::new());
    assert_eq!(Gc::strong_count(&keep), 1);
    drop(keep);
    assert_eq!(dropped(), [1, 3]);
}

#[test]
fn a_callback_run_by_the_collector_gets_zero_from_collect() {
    // Collections do not nest: collect() inside one returns 0.
    quiet();
    let c = Fin::plain(3);
    link(&c, &c);
    let _w = Gc::downgrade_with_callback(&c, || note(format!("collect: {}", collect())));
    drop(c);
    assert_eq!(collect(), 1);
    assert_eq!(notes(), ["collect: 0"]);
    assert_eq!(dropped(), [3]);
}
