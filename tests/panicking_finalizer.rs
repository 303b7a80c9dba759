//! A panic in a finalizer is caught and reported through the unraisable
//! hook (context `"finalizer of"`, the type's name, the panic message),
//! like CPython's "Exception ignored in: <function C.__del__ ...>". The
//! collection (or the release) goes on: every other finalizer runs, all
//! the garbage is freed exactly once, and the panicking object still
//! counts as finalized. With no hook installed, one line goes to stderr.
//!
//! Ported from the error paths of CPython's `Lib/test/test_finalization.py`
//! and `Lib/test/test_gc.py`, and from `sys.unraisablehook`'s behaviour.

mod support_fin;

use std::rc::Rc;

use refcycle::{collect, is_finalized, set_unraisable_hook, Finalize, Gc, Trace, Unraisable};
use support_fin::{
    alive, capture_unraisable, child_stderr, dropped, finalized, is_child, link, quiet, ring,
    sorted, survivor_ids, survivors, weaks, Fin, OnFin,
};

#[test]
fn a_panicking_finalizer_in_a_collection_is_reported_and_everything_is_freed_once() {
    // Python 3.11:
    //   class E:
    //       def __del__(self): raise ValueError("boom")
    //   e1 = E(); e1.me = e1; e2 = D(); e2.me = e2; e1.o = e2; del e1, e2
    //   gc.collect() -> 2; the hook gets one ValueError from E.__del__
    quiet();
    let reports = capture_unraisable();
    let nodes = ring(&[OnFin::Panic, OnFin::Nothing, OnFin::Nothing]);
    let other = Fin::plain(10);
    link(&other, &other);
    link(&nodes[1], &other);
    let wrs = weaks(&nodes);
    drop((nodes, other));

    assert_eq!(collect(), 4, "the collection completed");
    assert_eq!(sorted(finalized()), [0, 1, 2], "the others still ran");
    assert_eq!(sorted(dropped()), [0, 1, 2, 10], "all freed exactly once");
    assert_eq!(alive(&wrs), 0);
    let r = reports.borrow();
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].context, "finalizer of");
    assert!(r[0].type_name.ends_with("Fin"), "{}", r[0].type_name);
    assert_eq!(r[0].message, "finalizer 0 failed");
    drop(r);
    assert_eq!(collect(), 0);
    assert_eq!(sorted(finalized()), [0, 1, 2], "not retried");
}

#[test]
fn a_panicking_finalizer_on_the_refcount_path_is_reported_and_the_object_freed() {
    // Python 3.11: e = E(); del e -> hook gets ValueError; e is freed.
    quiet();
    let reports = capture_unraisable();
    let e = Fin::new(1, OnFin::Panic);
    let child = Fin::plain(2);
    link(&e, &child);
    drop(child);
    let cb_ran = support_fin::log_callback(1);
    let w = Gc::downgrade_with_callback(&e, cb_ran);
    drop(e);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1, 2], "freed, with what it owned");
    assert_eq!(support_fin::callbacks(), [1], "weak refs died as usual");
    assert!(w.upgrade().is_none());
    assert_eq!(reports.borrow().len(), 1);
    assert_eq!(reports.borrow()[0].context, "finalizer of");
}

#[test]
fn every_panicking_finalizer_of_a_collection_is_reported_once() {
    quiet();
    let reports = capture_unraisable();
    let n = support_fin::scale(50);
    let nodes = ring(&vec![OnFin::Panic; n]);
    drop(nodes);
    assert_eq!(collect(), n);
    assert_eq!(finalized().len(), n);
    assert_eq!(sorted(dropped()), (0..n as u64).collect::<Vec<_>>());
    let mut msgs: Vec<String> = reports.borrow().iter().map(|r| r.message.clone()).collect();
    msgs.sort();
    let mut want: Vec<String> = (0..n).map(|i| format!("finalizer {i} failed")).collect();
    want.sort();
    assert_eq!(msgs, want);
}

#[test]
fn a_finalizer_that_resurrects_and_then_panics_still_resurrected_its_object() {
    // The panic does not undo what the finalizer did before it, and the
    // object counts as finalized: its finalizer never runs again.
    quiet();
    let reports = capture_unraisable();
    let s = Fin::new(1, OnFin::Resurrect);
    link(&s, &s);
    s.set_hook(|this| panic!("after resurrecting {}", this.id));
    drop(s);
    assert_eq!(collect(), 0);
    assert_eq!(survivor_ids(), [1]);
    let back = survivors().pop().unwrap();
    assert!(is_finalized(&back));
    assert_eq!(back.edge_ids(), [1], "intact");
    drop(back);
    support_fin::clear_survivors();
    assert_eq!(collect(), 1);
    assert_eq!(finalized(), [1]);
    assert_eq!(dropped(), [1]);
    assert_eq!(reports.borrow().len(), 1);
    assert_eq!(reports.borrow()[0].message, "after resurrecting 1");
}

/// A finalizer that panics with a payload that is not a string.
#[derive(Trace)]
struct OddPanic {
    me: std::cell::RefCell<Option<Gc<OddPanic>>>,
}

impl Finalize for OddPanic {
    fn finalize(_this: &Gc<Self>) {
        std::panic::panic_any(42_u32);
    }
}

#[test]
fn a_non_string_panic_payload_is_reported_too() {
    quiet();
    let reports = capture_unraisable();
    let o = Gc::new_with_finalizer(OddPanic {
        me: std::cell::RefCell::new(None),
    });
    *o.me.borrow_mut() = Some(o.clone());
    drop(o);
    assert_eq!(collect(), 1);
    let r = reports.borrow();
    assert_eq!(r.len(), 1);
    assert!(r[0].type_name.ends_with("OddPanic"), "{}", r[0].type_name);
    assert_eq!(r[0].message, "<non-string panic payload>");
}

#[test]
fn a_panicking_hook_does_not_break_the_collection() {
    // Python: an exception in sys.unraisablehook is itself printed to
    // stderr; the collection is not affected.
    quiet();
    set_unraisable_hook(Some(Rc::new(|_: &Unraisable<'_>| panic!("hook failed"))));
    let nodes = ring(&[OnFin::Panic, OnFin::Panic]);
    drop(nodes);
    assert_eq!(collect(), 2);
    assert_eq!(sorted(finalized()), [0, 1]);
    assert_eq!(sorted(dropped()), [0, 1]);
    set_unraisable_hook(None);
}

#[test]
fn set_unraisable_hook_returns_the_previous_hook() {
    quiet();
    assert!(set_unraisable_hook(None).is_none(), "no hook by default");
    let reports = capture_unraisable();
    let previous = set_unraisable_hook(None).expect("the capturing hook");
    drop(Fin::new(1, OnFin::Panic)); // reported to stderr, not captured
    assert!(reports.borrow().is_empty());
    set_unraisable_hook(Some(previous));
    drop(Fin::new(2, OnFin::Panic));
    assert_eq!(reports.borrow().len(), 1);
    assert_eq!(reports.borrow()[0].message, "finalizer 2 failed");
}

/// A cycle member whose `Drop` panics.
#[derive(Trace)]
struct BadDrop {
    #[trace(skip)]
    id: u64,
    next: std::cell::RefCell<Option<Gc<BadDrop>>>,
}

impl Drop for BadDrop {
    fn drop(&mut self) {
        support_fin::record(support_fin::Event::Dropped(self.id));
        if self.id == 1 {
            panic!("drop {} failed", self.id);
        }
    }
}

#[test]
fn a_panicking_drop_in_a_collection_is_reported_as_drop_of() {
    quiet();
    let reports = capture_unraisable();
    let a = Gc::new(BadDrop {
        id: 1,
        next: std::cell::RefCell::new(None),
    });
    let b = Gc::new(BadDrop {
        id: 2,
        next: std::cell::RefCell::new(Some(a.clone())),
    });
    *a.next.borrow_mut() = Some(b.clone());
    drop((a, b));
    assert_eq!(collect(), 2);
    assert_eq!(sorted(dropped()), [1, 2]);
    let r = reports.borrow();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].context, "drop of");
    assert!(r[0].type_name.ends_with("BadDrop"), "{}", r[0].type_name);
    assert_eq!(r[0].message, "drop 1 failed");
}

#[test]
fn child_default_hook_prints_to_stderr() {
    if !is_child() {
        return;
    }
    quiet();
    let s = Fin::new(1, OnFin::Panic);
    link(&s, &s);
    drop(s);
    assert_eq!(collect(), 1);
    drop(Fin::new(2, OnFin::Panic));
}

#[test]
#[cfg_attr(miri, ignore = "spawns a process")]
fn the_default_hook_prints_one_line_per_panic_to_stderr() {
    // Python: "Exception ignored in: <function E.__del__ at 0x...>" then
    // the traceback. Ours: one line, "Exception ignored in finalizer of
    // <type>: <message>" (the panic itself is also printed by Rust's panic
    // hook, as "thread ... panicked at ...").
    let stderr = child_stderr("child_default_hook_prints_to_stderr");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("Exception ignored in"))
        .collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    for (line, id) in lines.iter().zip([1, 2]) {
        assert!(
            line.starts_with("Exception ignored in finalizer of "),
            "{line}"
        );
        assert!(line.contains("Fin: "), "{line}");
        assert!(
            line.ends_with(&format!(": finalizer {id} failed")),
            "{line}"
        );
    }
}
