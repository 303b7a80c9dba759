//! The collector frees reference cycles that counting cannot: a self-cycle,
//! a two-node cycle, a long ring, cycles with acyclic garbage hanging off
//! them. `collect()` returns the exact number of tracked objects it found
//! unreachable, and every value is dropped exactly once.

mod support;

use std::cell::RefCell;

use refcycle::{collect, get_count, get_stats, is_tracked, Gc, Trace};
use support::{assert_dropped_once, drops, link, ring, scale, DropCounter, Node};

#[test]
fn collect_with_no_garbage_returns_zero() {
    assert_eq!(collect(), 0);
    let live = ring(0..3);
    assert_eq!(collect(), 0);
    assert!(drops().is_empty());
    assert_eq!(live[0].child_ids(), [1]);
}

#[test]
fn self_cycle_is_freed_by_collect() {
    let a = Node::new(1);
    link(&a, &a);
    assert_eq!(Gc::strong_count(&a), 2);
    drop(a);
    assert!(drops().is_empty(), "refcounting cannot free a self-cycle");
    assert_eq!(collect(), 1);
    assert_dropped_once([1]);
    assert_eq!(collect(), 0, "nothing is freed twice");
    assert_dropped_once([1]);
}

#[test]
fn two_node_cycle_is_freed_by_collect() {
    let nodes = ring([1, 2]);
    drop(nodes);
    assert!(drops().is_empty());
    assert_eq!(collect(), 2);
    assert_dropped_once([1, 2]);
    assert_eq!(collect(), 0);
}

#[test]
fn long_ring_is_freed_by_collect() {
    let n = scale(10_000) as u64;
    let nodes = ring(0..n);
    drop(nodes);
    assert!(drops().is_empty());
    assert_eq!(collect(), n as usize);
    assert_dropped_once(0..n);
}

#[test]
fn several_independent_cycles_are_freed_by_one_collect() {
    let cycles = [ring([1]), ring([2, 3]), ring([4, 5, 6])];
    drop(cycles);
    assert_eq!(collect(), 6);
    assert_dropped_once(1..=6);
}

#[test]
fn densely_connected_garbage_is_freed() {
    // Every node points to every node, itself included.
    let nodes: Vec<_> = (0..6).map(Node::new).collect();
    for a in &nodes {
        for b in &nodes {
            link(a, b);
        }
    }
    assert_eq!(Gc::strong_count(&nodes[0]), 7);
    drop(nodes);
    assert_eq!(collect(), 6);
    assert_dropped_once(0..6);
}

#[test]
fn acyclic_garbage_hanging_off_a_cycle_is_freed_and_counted() {
    let cycle = ring([1, 2]);
    let tail = support::chain([10, 11, 12]);
    link(&cycle[0], &tail[0]);
    drop(tail);
    drop(cycle);
    assert!(drops().is_empty());
    assert_eq!(collect(), 5, "the tail is tracked and unreachable too");
    assert_dropped_once([1, 2, 10, 11, 12]);
}

#[test]
fn untracked_values_held_by_a_cycle_are_freed_but_not_counted() {
    #[derive(Trace)]
    struct Holder {
        #[trace(skip)]
        id: u64,
        leaf: Gc<DropCounter>,
        next: RefCell<Option<Gc<Holder>>>,
    }
    impl Drop for Holder {
        fn drop(&mut self) {
            support::log_drop(self.id);
        }
    }
    let leaf = Gc::new(DropCounter(100));
    assert!(!is_tracked(&leaf));
    let a = Gc::new(Holder {
        id: 1,
        leaf: leaf.clone(),
        next: RefCell::new(None),
    });
    let b = Gc::new(Holder {
        id: 2,
        leaf: Gc::new(DropCounter(200)),
        next: RefCell::new(Some(a.clone())),
    });
    *a.next.borrow_mut() = Some(b);
    drop(a);
    assert_eq!(collect(), 2, "only the two tracked objects are counted");
    assert_dropped_once([1, 2, 200]);
    assert_eq!(leaf.0, 100, "an untracked leaf held elsewhere survives");
    assert_eq!(Gc::strong_count(&leaf), 1);
}

#[test]
fn collect_updates_stats_and_counts() {
    support::no_stress();
    let before = get_stats()[2];
    drop(ring(0..4));
    assert_eq!(get_count().0, 4);
    assert_eq!(collect(), 4);
    let after = get_stats()[2];
    assert_eq!(after.collections, before.collections + 1);
    assert_eq!(after.collected, before.collected + 4);
    assert_eq!(after.uncollectable, before.uncollectable);
    assert_eq!(
        get_count(),
        (0, 0, 0),
        "a full collection resets every count"
    );
}

#[test]
fn cycle_through_weak_and_strong_handles_is_freed() {
    #[derive(Trace)]
    struct Parent {
        children: RefCell<Vec<Gc<Child>>>,
    }
    #[derive(Trace)]
    struct Child {
        parent: refcycle::Weak<Parent>,
        sibling: RefCell<Option<Gc<Child>>>,
    }
    let p = Gc::new(Parent {
        children: RefCell::new(Vec::new()),
    });
    let c1 = Gc::new(Child {
        parent: Gc::downgrade(&p),
        sibling: RefCell::new(None),
    });
    let c2 = Gc::new(Child {
        parent: Gc::downgrade(&p),
        sibling: RefCell::new(Some(c1.clone())),
    });
    *c1.sibling.borrow_mut() = Some(c2.clone());
    p.children.borrow_mut().extend([c1, c2]);
    let w = Gc::downgrade(&p);
    // Dropping the parent frees it by refcount (weak back-references do not
    // keep it alive); the children's sibling cycle is left for the collector.
    drop(p);
    assert!(w.upgrade().is_none());
    assert_eq!(collect(), 2);
}

#[test]
fn garbage_cycle_is_freed_while_unrelated_live_cycle_is_kept() {
    let live = ring([1, 2]);
    drop(ring([3, 4, 5]));
    assert_eq!(collect(), 3);
    assert_dropped_once([3, 4, 5]);
    assert_eq!(live[1].child_ids(), [1]);
    drop(live);
    assert_eq!(collect(), 2);
    assert_dropped_once(1..=5);
}
