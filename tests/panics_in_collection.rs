//! Panics in user code that the collector runs are caught: a panicking
//! `Drop`, `Trace` or finalizer never unwinds out of `collect()`. Each
//! panic is reported through the unraisable hook (with the context and the
//! type name), the collection completes, every other garbage value is still
//! dropped exactly once, and the heap stays consistent: later collections
//! work and the counts are sane. The refcount path catches them too.

mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use refcycle::{collect, get_count, get_stats, is_finalized, Finalize, Gc, Trace, Visitor, Weak};
use support::{
    assert_dropped_once, capture_unraisable, drops, link, log_drop, no_stress, ring, Node, Reports,
};

/// Drops a fresh cycle and checks the heap still collects it exactly.
#[track_caller]
fn assert_heap_still_works() {
    let before = support::drop_total();
    drop(ring([900, 901]));
    assert_eq!(collect(), 2);
    assert_eq!(support::drop_total(), before + 2);
    assert_eq!(get_count(), (0, 0, 0), "counts are back to zero");
}

/// The reports with this context, as (type name, message) pairs.
fn reports_in(reports: &Reports, context: &str) -> Vec<(String, String)> {
    reports
        .borrow()
        .iter()
        .filter(|r| r.context == context)
        .map(|r| (r.type_name.clone(), r.message.clone()))
        .collect()
}

// ---------------------------------------------------------------------------
// Drop
// ---------------------------------------------------------------------------

/// Logs its drop, then panics if `explode`.
#[derive(Trace)]
struct Bomb {
    #[trace(skip)]
    id: u64,
    #[trace(skip)]
    explode: bool,
    next: RefCell<Option<Gc<Bomb>>>,
    node: Option<Gc<Node>>,
}

impl Drop for Bomb {
    fn drop(&mut self) {
        log_drop(self.id);
        if self.explode {
            panic!("boom {}", self.id);
        }
    }
}

fn bomb(id: u64, explode: bool) -> Gc<Bomb> {
    Gc::new(Bomb {
        id,
        explode,
        next: RefCell::new(None),
        node: None,
    })
}

fn bomb_ring(spec: &[(u64, bool)]) {
    let bombs: Vec<_> = spec.iter().map(|&(id, ex)| bomb(id, ex)).collect();
    for (i, b) in bombs.iter().enumerate() {
        *b.next.borrow_mut() = Some(bombs[(i + 1) % bombs.len()].clone());
    }
}

#[test]
fn panicking_drop_during_collection_is_reported_and_the_rest_is_dropped() {
    let reports = capture_unraisable();
    bomb_ring(&[(1, false), (2, true), (3, false), (4, true)]);
    assert_eq!(collect(), 4, "the collection completes");
    assert_dropped_once([1, 2, 3, 4]);
    let mut got = reports_in(&reports, "drop of");
    got.sort();
    assert_eq!(got.len(), 2, "{:?}", reports.borrow());
    assert!(got.iter().all(|(t, _)| t.contains("Bomb")), "{got:?}");
    assert_eq!(got[0].1, "boom 2");
    assert_eq!(got[1].1, "boom 4");
    assert_eq!(reports.borrow().len(), 2, "nothing else was reported");
    assert_heap_still_works();
}

#[test]
fn fields_of_a_value_whose_drop_panicked_are_still_dropped() {
    let reports = capture_unraisable();
    let b = Gc::new(Bomb {
        id: 1,
        explode: true,
        next: RefCell::new(None),
        node: Some(Node::new(2)),
    });
    *b.next.borrow_mut() = Some(b.clone());
    drop(b);
    assert_eq!(collect(), 2, "the bomb and its node");
    assert_dropped_once([1, 2]);
    assert_eq!(reports_in(&reports, "drop of").len(), 1);
    assert_heap_still_works();
}

#[test]
fn panicking_drop_on_the_refcount_path_is_reported() {
    let reports = capture_unraisable();
    let b = Gc::new(Bomb {
        id: 1,
        explode: true,
        next: RefCell::new(None),
        node: Some(Node::new(2)),
    });
    drop(b); // no cycle: freed at once, and the panic does not escape
    assert_dropped_once([1, 2]);
    let got = reports_in(&reports, "drop of");
    assert_eq!(got.len(), 1);
    assert!(got[0].0.contains("Bomb") && got[0].1 == "boom 1", "{got:?}");
    assert_heap_still_works();
}

#[test]
fn non_string_panic_payload_is_reported_too() {
    #[derive(Trace)]
    struct OddPanic {
        me: RefCell<Option<Gc<OddPanic>>>,
    }
    impl Drop for OddPanic {
        fn drop(&mut self) {
            std::panic::panic_any(42_u32);
        }
    }
    let reports = capture_unraisable();
    let x = Gc::new(OddPanic {
        me: RefCell::new(None),
    });
    *x.me.borrow_mut() = Some(x.clone());
    drop(x);
    assert_eq!(collect(), 1);
    let got = reports_in(&reports, "drop of");
    assert_eq!(got.len(), 1);
    assert!(got[0].0.contains("OddPanic"));
    assert!(!got[0].1.is_empty());
    assert_heap_still_works();
}

#[test]
fn panicking_unraisable_hook_does_not_break_the_collection() {
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    refcycle::set_unraisable_hook(Some(Rc::new(move |_| {
        c.set(c.get() + 1);
        panic!("the hook itself panics");
    })));
    bomb_ring(&[(1, true), (2, true), (3, false)]);
    assert_eq!(collect(), 3);
    assert_dropped_once([1, 2, 3]);
    assert_eq!(calls.get(), 2, "the hook was called for each panic");
    refcycle::set_unraisable_hook(None);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Trace
// ---------------------------------------------------------------------------

thread_local! {
    static TRACE_PANICS: Cell<bool> = const { Cell::new(true) };
}

/// Its trace reports its handles, then panics while `TRACE_PANICS` is set.
struct PanickyTrace {
    id: u64,
    me: RefCell<Option<Gc<PanickyTrace>>>,
    node: RefCell<Option<Gc<Node>>>,
}

impl Trace for PanickyTrace {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.me.trace(visitor);
        self.node.trace(visitor);
        if TRACE_PANICS.with(Cell::get) {
            panic!("trace failed");
        }
    }
}

impl Drop for PanickyTrace {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

#[test]
fn panicking_trace_keeps_its_object_alive_and_the_rest_is_freed() {
    let reports = capture_unraisable();
    let p = Gc::new(PanickyTrace {
        id: 1,
        me: RefCell::new(None),
        node: RefCell::new(Some(Node::new(2))),
    });
    *p.me.borrow_mut() = Some(p.clone());
    let w: Weak<PanickyTrace> = Gc::downgrade(&p);
    drop(p);
    drop(ring([10, 11]));
    assert_eq!(collect(), 2, "the ordinary cycle only");
    assert_dropped_once([10, 11]);
    let got = reports_in(&reports, "trace of");
    assert!(!got.is_empty(), "{:?}", reports.borrow());
    assert!(
        got.iter()
            .all(|(t, m)| t.contains("PanickyTrace") && m == "trace failed"),
        "{got:?}"
    );
    // The object whose trace panicked, and what it holds, are intact.
    let p = w.upgrade().expect("kept alive");
    assert_eq!(p.node.borrow().as_ref().map(|n| n.id), Some(2));
    drop(p);
    // Once its trace works, it is collected with its node.
    TRACE_PANICS.with(|t| t.set(false));
    assert_eq!(collect(), 2);
    assert_dropped_once([1, 2, 10, 11]);
    assert_heap_still_works();
}

#[test]
fn panicking_trace_of_a_live_object_is_reported_and_harmless() {
    let reports = capture_unraisable();
    let p = Gc::new(PanickyTrace {
        id: 1,
        me: RefCell::new(None),
        node: RefCell::new(Some(ring([2]).remove(0))), // a self-cycle
    });
    assert_eq!(collect(), 0);
    assert!(drops().is_empty());
    assert!(!reports_in(&reports, "trace of").is_empty());
    TRACE_PANICS.with(|t| t.set(false));
    drop(p);
    assert_eq!(collect(), 1, "the node's self-cycle");
    assert_dropped_once([1, 2]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Finalizers
// ---------------------------------------------------------------------------

/// A finalizer that counts its runs and panics if `explode`.
#[derive(Trace)]
struct Fin {
    #[trace(skip)]
    id: u64,
    #[trace(skip)]
    explode: bool,
    #[trace(skip)]
    runs: Cell<u32>,
    next: RefCell<Option<Gc<Fin>>>,
}

impl Finalize for Fin {
    fn finalize(this: &Gc<Self>) {
        this.runs.set(this.runs.get() + 1);
        if this.explode {
            panic!("finalizer {} failed", this.id);
        }
    }
}

impl Drop for Fin {
    fn drop(&mut self) {
        assert_eq!(self.runs.get(), 1, "finalized exactly once before the drop");
        log_drop(self.id);
    }
}

fn fin(id: u64, explode: bool) -> Gc<Fin> {
    Gc::new_with_finalizer(Fin {
        id,
        explode,
        runs: Cell::new(0),
        next: RefCell::new(None),
    })
}

#[test]
fn panicking_finalizer_is_reported_and_the_collection_completes() {
    let reports = capture_unraisable();
    let fins: Vec<_> = [(1, false), (2, true), (3, false)]
        .iter()
        .map(|&(id, ex)| fin(id, ex))
        .collect();
    for (i, f) in fins.iter().enumerate() {
        *f.next.borrow_mut() = Some(fins[(i + 1) % fins.len()].clone());
    }
    let weak: Vec<_> = fins.iter().map(Gc::downgrade).collect();
    drop(fins);
    assert_eq!(collect(), 3);
    assert_dropped_once([1, 2, 3]);
    assert!(weak.iter().all(|w| w.upgrade().is_none()));
    let got = reports_in(&reports, "finalizer of");
    assert_eq!(got.len(), 1, "{:?}", reports.borrow());
    assert!(got[0].0.contains("Fin"), "{got:?}");
    assert_eq!(got[0].1, "finalizer 2 failed");
    assert!(
        reports_in(&reports, "drop of").is_empty(),
        "every Drop saw exactly one finalizer run"
    );
    assert_heap_still_works();
}

#[test]
fn panicking_finalizer_on_the_refcount_path_is_reported() {
    let reports = capture_unraisable();
    let f = fin(1, true);
    assert!(!is_finalized(&f));
    drop(f);
    assert_dropped_once([1]);
    let got = reports_in(&reports, "finalizer of");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, "finalizer 1 failed");
    assert!(reports_in(&reports, "drop of").is_empty());
    assert_heap_still_works();
}

#[test]
fn panics_of_every_kind_in_one_collection() {
    no_stress();
    let reports = capture_unraisable();
    // A finalizer cycle with a panicking finalizer, a bomb ring, and a
    // plain node reached from the bombs, all garbage at once.
    let f1 = fin(1, true);
    let f2 = fin(2, false);
    *f1.next.borrow_mut() = Some(f2.clone());
    *f2.next.borrow_mut() = Some(f1.clone());
    drop((f1, f2));
    let b = Gc::new(Bomb {
        id: 3,
        explode: true,
        next: RefCell::new(None),
        node: Some(Node::new(4)),
    });
    *b.next.borrow_mut() = Some(b.clone());
    drop(b);
    let n = Node::new(5);
    link(&n, &n);
    drop(n);
    let before = get_stats()[2];
    assert_eq!(collect(), 5);
    assert_dropped_once([1, 2, 3, 4, 5]);
    assert_eq!(reports_in(&reports, "finalizer of").len(), 1);
    assert_eq!(reports_in(&reports, "drop of").len(), 1);
    let after = get_stats()[2];
    assert_eq!(after.collections, before.collections + 1);
    assert_eq!(after.collected, before.collected + 5);
    assert_heap_still_works();
}
