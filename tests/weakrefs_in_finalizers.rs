//! What weak references look like from inside finalizers.
//!
//! - In a collection, every weak reference to the garbage dies before any
//!   finalizer runs, and so does every weak handle the garbage itself owns
//!   (bpo-38006): a finalizer of the garbage cannot upgrade either.
//! - On the reference-counting path a (PEP 442) finalizer runs first,
//!   while weak references to its object still work.
//! - A weak reference a finalizer makes to the garbage dies before the
//!   collector drops the value it points to; its callback runs then.
//!
//! Ported from CPython's `Lib/test/test_gc.py` (`test_trash_weakref_clear`,
//! `test_function_tp_clear_leaves_consistent_state`) and the order of
//! `subtype_dealloc`; each test gives the Python 3.11 equivalent.

mod support_fin;

use std::cell::RefCell;

use refcycle::{collect, Gc, Weak};
use support_fin::{
    callbacks, dropped, finalized, link, link_weak, log_callback, note, notes, quiet, sorted,
    Event, Fin, OnFin,
};

thread_local! {
    /// Weak references made by finalizers, kept for the test to inspect.
    static WRS: RefCell<Vec<Weak<Fin>>> = const { RefCell::new(Vec::new()) };
}

/// Counts how many of `this`'s weak edges can be upgraded, as a note.
fn note_live_weaks(this: &Gc<Fin>) {
    let n = this.weaks.borrow().iter().filter(|w| w.is_alive()).count();
    let up = this
        .weaks
        .borrow()
        .iter()
        .filter(|w| w.upgrade().is_some())
        .count();
    note(format!("{}: {n} alive, {up} upgraded", this.id));
}

#[test]
fn weak_refs_to_a_collected_cycle_are_dead_inside_its_finalizers() {
    // Python:
    //   class F:
    //       def __del__(self): print([w() for w in self.ws])
    //   a, b = F(), F(); a.o = b; b.o = a
    //   a.ws = [ref(a), ref(b)]; b.ws = [ref(a), ref(b)]; del a, b
    //   gc.collect()   # prints [None, None] twice
    quiet();
    let nodes = support_fin::ring(&[OnFin::Nothing, OnFin::Nothing]);
    for n in &nodes {
        link_weak(n, &nodes[0]);
        link_weak(n, &nodes[1]);
        n.set_hook(note_live_weaks);
    }
    drop(nodes);
    assert_eq!(collect(), 2);
    assert_eq!(
        sorted_notes(),
        ["0: 0 alive, 0 upgraded", "1: 0 alive, 0 upgraded"]
    );
}

fn sorted_notes() -> Vec<String> {
    let mut v = notes();
    v.sort();
    v
}

#[test]
fn on_the_refcount_path_the_finalizer_runs_while_weak_refs_still_work() {
    // Python 3.11:
    //   class A:
    //       def __del__(self): print(wr() is self)
    //   a = A(); wr = weakref.ref(a, cb); del a
    //   -> True (in __del__); then cb runs; then wr() is None
    quiet();
    let a = Fin::new(1, OnFin::Nothing);
    link_weak(&a, &a);
    a.set_hook(|this| {
        let me = this.weaks.borrow()[0].upgrade();
        note(format!(
            "upgrade is self: {}",
            me.is_some_and(|m| Gc::ptr_eq(&m, this))
        ));
    });
    let wr = Gc::downgrade_with_callback(&a, log_callback(7));
    drop(a);
    assert_eq!(notes(), ["upgrade is self: true"]);
    assert_eq!(
        support_fin::events(),
        [
            Event::Finalized(1),
            Event::Note("upgrade is self: true".into()),
            Event::Callback(7),
            Event::Dropped(1),
        ]
    );
    assert!(wr.upgrade().is_none());
}

#[test]
fn a_weak_ref_made_by_a_finalizer_to_the_garbage_dies_with_it_and_its_callback_runs() {
    // Python 3.11:
    //   class F:
    //       def __del__(self):
    //           keep.append(weakref.ref(self.other, lambda r: log.append("cb")))
    //   f.other = o; o.f = f; del f, o
    //   gc.collect() -> 2; log == ['cb']; keep[0]() is None
    quiet();
    let f = Fin::new(1, OnFin::Nothing);
    let o = Fin::plain(2);
    link(&f, &o);
    link(&o, &f);
    f.set_hook(|this| {
        let other = this.edges.borrow()[0].clone();
        let w = Gc::downgrade_with_callback(&other, log_callback(2));
        WRS.with(|k| k.borrow_mut().push(w));
    });
    drop((f, o));
    assert_eq!(collect(), 2);
    assert_eq!(callbacks(), [2]);
    assert!(WRS.with(|k| k.borrow()[0].upgrade().is_none()));
    assert_eq!(sorted(dropped()), [1, 2]);
    WRS.with(|w| w.borrow_mut().clear());
}

thread_local! {
    /// CPython's global `latefin`.
    static LATEFIN: RefCell<Option<Gc<Fin>>> = const { RefCell::new(None) };
}

#[test]
fn a_weak_ref_made_by_a_finalizer_cannot_reach_a_cleared_value_later() {
    // CPython 3.11 differs (test_function_tp_clear_leaves_consistent_state,
    // gh-91636):
    //   latefin = LateFin(); cyc = Cyclic((func, latefin)); func.__module__ = cyc
    //   del func, cyc; gc.collect()
    //   Cyclic.__del__: latefin.ref = weakref.ref(func); del latefin (global)
    //   clearing func frees cyc, then latefin, whose __del__ does
    //   `func = self.ref()`; print(f"{func=}") -> "func=<function  at 0x...>":
    //   CPython hands out a function that tp_clear already emptied.
    // refcycle kills weak refs made by finalizers before dropping a value,
    // so the late finalizer gets None instead of a cleared object.
    quiet();
    let late = Fin::new(100, OnFin::Nothing);
    late.set_hook(|this| {
        let got = this.weaks.borrow().first().map(|w| w.upgrade().is_some());
        note(format!("late finalizer upgrade: {got:?}"));
    });
    let late_weak = Gc::downgrade(&late);
    let func = Fin::plain(1);
    let cyc = Fin::new(2, OnFin::Nothing);
    link(&cyc, &func); // cyc[0] = func
    link(&cyc, &late); // cyc[1] = latefin
    link(&func, &cyc); // func.__module__ = cyc
    LATEFIN.with(|l| *l.borrow_mut() = Some(late));
    cyc.set_hook(|this| {
        let edges = this.edges.borrow();
        link_weak(&edges[1], &edges[0]); // self[1].ref = weakref.ref(self[0])
        let global = LATEFIN.with(|l| l.borrow_mut().take()); // del latefin
        drop(global);
    });
    drop((func, cyc));
    assert_eq!(collect(), 2, "func and cyc; latefin was held by a global");
    assert!(late_weak.upgrade().is_none());
    assert_eq!(notes(), ["late finalizer upgrade: Some(false)"]);
    assert_eq!(sorted(finalized()), [2, 100]);
    assert_eq!(sorted(dropped()), [1, 2, 100]);
}

#[test]
fn a_weak_ref_owned_by_the_garbage_is_dead_inside_its_finalizers() {
    // Python 3.11:
    //   class X: pass
    //   x = X()
    //   class T:
    //       def __del__(self): print(self.w())
    //   t = T(); t.me = t; t.w = weakref.ref(x); del t; gc.collect()
    //   -> prints None (x itself is alive)
    quiet();
    let x = Fin::plain(1);
    let t = Fin::new(2, OnFin::Nothing);
    link(&t, &t);
    link_weak(&t, &x);
    t.set_hook(note_live_weaks);
    drop(t);
    assert_eq!(collect(), 1);
    assert_eq!(notes(), ["2: 0 alive, 0 upgraded"]);
    drop(x);
}
