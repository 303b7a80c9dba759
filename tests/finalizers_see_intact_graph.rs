//! Every finalizer of a collected cycle runs before any value of the
//! garbage is dropped, so each one sees every other member intact: its
//! fields readable, its edges in place (or changed only by other
//! finalizers). This is what makes PEP 442 finalizers safe where legacy
//! ones were not.
//!
//! Ported from CPython's `Lib/test/test_finalization.py`
//! (`CycleChainFinalizationTest`: `ChainedBase.check_sanity` run from each
//! `__del__`) and `Lib/test/test_gc.py` (`test_bug21435`).

mod support_fin;

use std::cell::{Cell, RefCell};

use refcycle::{collect, Finalize, Gc, Trace};
use support_fin::{
    dropped, finalized, link, note, notes, quiet, record, sorted, Event, Fin, OnFin,
};

// ---------------------------------------------------------------------------
// CPython's ChainedBase: a doubly linked ring whose finalizers check it
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `SimpleChained`.
    Simple,
    /// `ChainedResurrector`: stores itself in SURVIVORS.
    Resurrector,
    /// `SuicidalChained`: drops `left` and `right`.
    Suicidal,
}

#[derive(Trace)]
struct Chained {
    #[trace(skip)]
    id: u64,
    #[trace(skip)]
    kind: Kind,
    #[trace(skip)]
    suicided: Cell<bool>,
    left: RefCell<Option<Gc<Chained>>>,
    right: RefCell<Option<Gc<Chained>>>,
}

thread_local! {
    static SURVIVORS: RefCell<Vec<Gc<Chained>>> = const { RefCell::new(Vec::new()) };
    /// Sanity-check failures seen by finalizers (CPython's `errors`).
    static ERRORS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn error(msg: String) {
    ERRORS.with(|e| e.borrow_mut().push(msg));
}

fn errors() -> Vec<String> {
    ERRORS.with(|e| e.borrow().clone())
}

fn survivor_ids() -> Vec<u64> {
    SURVIVORS.with(|s| sorted(s.borrow().iter().map(|g| g.id).collect()))
}

fn clear_survivors() {
    let s = SURVIVORS.with(|s| std::mem::take(&mut *s.borrow_mut()));
    drop(s);
}

impl Chained {
    /// `ChainedBase.check_sanity`: my neighbours are intact and point back
    /// to me, unless they (or I) broke their links on purpose.
    fn check_sanity(this: &Gc<Chained>) {
        let me = this.id;
        if this.suicided.get() {
            if this.left.borrow().is_some() || this.right.borrow().is_some() {
                error(format!("{me}: suicided but still linked"));
            }
            return;
        }
        let left = this.left.borrow().clone();
        let right = this.right.borrow().clone();
        let (Some(left), Some(right)) = (left, right) else {
            return error(format!("{me}: a link is missing"));
        };
        for (side, n) in [("left", &left), ("right", &right)] {
            if let Err(e) = Gc::try_borrow(n) {
                return error(format!("{me}: {side} neighbour was cleared: {e}"));
            }
        }
        let back = |n: &Gc<Chained>, field: &RefCell<Option<Gc<Chained>>>| {
            let b = field.borrow();
            if n.suicided.get() {
                b.is_none()
            } else {
                b.as_ref().is_some_and(|b| Gc::ptr_eq(b, this))
            }
        };
        if !back(&left, &left.right) {
            error(format!("{me}: left.right is not me"));
        }
        if !back(&right, &right.left) {
            error(format!("{me}: right.left is not me"));
        }
    }
}

impl Finalize for Chained {
    fn finalize(this: &Gc<Self>) {
        record(Event::Finalized(this.id));
        Chained::check_sanity(this);
        match this.kind {
            Kind::Simple => {}
            Kind::Resurrector => SURVIVORS.with(|s| s.borrow_mut().push(this.clone())),
            Kind::Suicidal => {
                this.suicided.set(true);
                let l = this.left.borrow_mut().take();
                let r = this.right.borrow_mut().take();
                drop((l, r));
            }
        }
    }
}

impl Drop for Chained {
    fn drop(&mut self) {
        record(Event::Dropped(self.id));
    }
}

/// CPython's `build_chain`: `nodes[i].chain(nodes[i-1])`, i.e.
/// `nodes[i].left = nodes[i-1]; nodes[i-1].right = nodes[i]`, cyclically.
fn build_chain(kinds: &[Kind]) -> Vec<Gc<Chained>> {
    let nodes: Vec<Gc<Chained>> = kinds
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            Gc::new_with_finalizer(Chained {
                id: i as u64,
                kind,
                suicided: Cell::new(false),
                left: RefCell::new(None),
                right: RefCell::new(None),
            })
        })
        .collect();
    let n = nodes.len();
    for i in 0..n {
        let left = &nodes[(i + n - 1) % n];
        *nodes[i].left.borrow_mut() = Some(left.clone());
        *left.right.borrow_mut() = Some(nodes[i].clone());
    }
    nodes
}

fn all_ids(n: usize) -> Vec<u64> {
    (0..n as u64).collect()
}

/// CPython's `check_non_resurrecting_chain`.
fn check_non_resurrecting_chain(kinds: &[Kind]) {
    quiet();
    let n = kinds.len();
    let nodes = build_chain(kinds);
    let wrs: Vec<_> = nodes.iter().map(Gc::downgrade).collect();
    drop(nodes);
    collect();
    assert_eq!(
        errors(),
        Vec::<String>::new(),
        "finalizers saw a broken graph"
    );
    assert_eq!(sorted(finalized()), all_ids(n));
    assert!(survivor_ids().is_empty());
    assert!(wrs.iter().all(|w| w.upgrade().is_none()));
    collect();
    assert_eq!(sorted(finalized()), all_ids(n), "no finalizer ran twice");
    assert_eq!(sorted(dropped()), all_ids(n), "each value dropped once");
}

/// CPython's `check_resurrecting_chain`.
fn check_resurrecting_chain(kinds: &[Kind]) {
    quiet();
    let n = kinds.len();
    let nodes = build_chain(kinds);
    let survivor_want: Vec<u64> = nodes
        .iter()
        .filter(|c| c.kind == Kind::Resurrector)
        .map(|c| c.id)
        .collect();
    let wrs: Vec<_> = nodes.iter().map(Gc::downgrade).collect();
    drop(nodes);
    collect();
    assert_eq!(
        errors(),
        Vec::<String>::new(),
        "finalizers saw a broken graph"
    );
    assert_eq!(sorted(finalized()), all_ids(n));
    assert_eq!(survivor_ids(), survivor_want);
    // "XXX desirable?": the collector cleared every weak ref first.
    assert!(wrs.iter().all(|w| w.upgrade().is_none()));
    for s in SURVIVORS.with(|s| s.borrow().clone()) {
        assert!(!Gc::is_cleared(&s), "a survivor's value was dropped");
    }
    clear_survivors();
    collect();
    assert_eq!(sorted(finalized()), all_ids(n), "no finalizer ran twice");
    assert!(survivor_ids().is_empty());
    assert_eq!(sorted(dropped()), all_ids(n), "each value dropped once");
}

use Kind::{Resurrector, Simple, Suicidal};

#[test]
fn homogenous_chain_finalizers_see_intact_neighbours() {
    check_non_resurrecting_chain(&[Simple; 3]);
}

#[test]
fn homogenous_resurrecting_chain_finalizers_see_intact_neighbours() {
    check_resurrecting_chain(&[Resurrector; 3]);
}

#[test]
fn homogenous_suicidal_chain_finalizers_see_consistent_neighbours() {
    check_non_resurrecting_chain(&[Suicidal; 3]);
}

#[test]
fn heterogenous_suicidal_chain_one() {
    check_non_resurrecting_chain(&[Suicidal, Simple, Suicidal, Simple]);
}

#[test]
fn heterogenous_suicidal_chain_two() {
    check_non_resurrecting_chain(&[Suicidal, Suicidal, Simple, Simple]);
}

#[test]
fn heterogenous_resurrecting_chain_one() {
    check_resurrecting_chain(&[Resurrector, Simple, Resurrector, Simple]);
}

#[test]
fn heterogenous_resurrecting_chain_two() {
    check_resurrecting_chain(&[Resurrector, Simple, Suicidal, Resurrector, Simple, Suicidal]);
}

#[test]
fn heterogenous_resurrecting_chain_three() {
    check_resurrecting_chain(&[Resurrector, Resurrector, Simple, Simple, Suicidal, Suicidal]);
}

// ---------------------------------------------------------------------------
// Whole-graph checks with the kit's Fin
// ---------------------------------------------------------------------------

#[test]
fn every_finalizer_of_a_ring_reads_every_other_member() {
    quiet();
    let n = support_fin::scale(100);
    let nodes = support_fin::ring(&vec![OnFin::Nothing; n]);
    for node in &nodes {
        node.set_hook(move |this| {
            // Walk the whole ring from here, reading each value.
            let mut seen = vec![this.id];
            let mut cur = this.edges.borrow()[0].clone();
            while !Gc::ptr_eq(&cur, this) {
                let v = Gc::try_borrow(&cur).expect("a member was cleared");
                seen.push(v.id);
                let next = v.edges.borrow()[0].clone();
                cur = next;
            }
            note(format!("{} saw {}", this.id, seen.len()));
        });
    }
    drop(nodes);
    assert_eq!(collect(), n);
    let saw = notes();
    assert_eq!(saw.len(), n);
    for line in saw {
        assert!(line.ends_with(&format!(" saw {n}")), "{line}");
    }
    assert_eq!(sorted(dropped()), all_ids(n));
}

#[test]
fn all_finalizers_run_before_any_value_is_dropped() {
    quiet();
    // A ring mixing finalizable members and plain ones (no finalizer).
    let a = Fin::new(0, OnFin::Nothing);
    let b = Fin::plain(1);
    let c = Fin::new(2, OnFin::Nothing);
    let d = Fin::plain(3);
    link(&a, &b);
    link(&b, &c);
    link(&c, &d);
    link(&d, &a);
    for f in [&a, &c] {
        f.set_hook(|this| {
            let next = &this.edges.borrow()[0];
            note(format!("{} -> {:?}", this.id, next.edge_ids()));
        });
    }
    drop((a, b, c, d));
    assert_eq!(collect(), 4);
    let events = support_fin::events();
    let last_fin = events
        .iter()
        .rposition(|e| matches!(e, Event::Finalized(_)))
        .unwrap();
    let first_drop = events
        .iter()
        .position(|e| matches!(e, Event::Dropped(_)))
        .unwrap();
    assert!(last_fin < first_drop, "{events:?}");
    assert_eq!(notes().len(), 2);
    assert!(notes().contains(&"0 -> [2]".to_string()));
    assert!(notes().contains(&"2 -> [0]".to_string()));
    assert_eq!(sorted(dropped()), [0, 1, 2, 3]);
}

#[test]
fn a_finalizer_mutating_the_garbage_does_not_break_the_collection() {
    // Python (test_bug21435):
    //   class B:
    //       def __init__(self, x): self.x = x
    //       def __del__(self): self.attr = None
    //   a = A(); b = B(A()); a.attr = b; b.attr = a; del a, b; gc.collect()
    quiet();
    let a = Fin::plain(1);
    let b = Fin::new(2, OnFin::Nothing);
    link(&b, &Fin::plain(3)); // b.x
    link(&a, &b); // a.attr = b
    link(&b, &a); // b.attr = a
    b.set_hook(|this| {
        // self.attr = None
        let attr = this.edges.borrow_mut().pop();
        drop(attr);
    });
    drop((a, b));
    collect();
    assert_eq!(finalized(), [2]);
    assert_eq!(sorted(dropped()), [1, 2, 3]);
    assert_eq!(collect(), 0);
}

#[test]
fn a_finalizer_may_allocate_and_attach_new_objects_to_the_garbage() {
    quiet();
    let s = Fin::new(1, OnFin::Nothing);
    link(&s, &s);
    s.set_hook(|this| {
        // A new object with a finalizer, owned only by the garbage.
        let child = Fin::new(this.id + 100, OnFin::Nothing);
        link(&child, &Fin::plain(this.id + 200));
        link(this, &child);
    });
    drop(s);
    collect();
    // 1 was cleared by the collector; dropping its edges freed the new
    // objects by reference counting (101's finalizer ran then).
    assert_eq!(finalized(), [1, 101]);
    assert_eq!(sorted(dropped()), [1, 101, 201]);
    assert_eq!(collect(), 0);
}
