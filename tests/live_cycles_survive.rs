//! Cycles that are still reachable survive collections: a cycle held by a
//! Rust local, or hanging off a live object, is never freed, and its
//! reference counts are left exactly as they were. Once the last outside
//! handle is gone, the next collection frees it.

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use refcycle::{collect, collect_generation, Gc, Trace};
use support::{assert_dropped_once, drops, link, ring, scale, Node};

#[test]
fn cycle_held_by_a_local_survives_collect() {
    let nodes = ring([1, 2, 3]);
    let a = nodes[0].clone();
    drop(nodes);
    assert_eq!(collect(), 0);
    assert!(drops().is_empty());
    assert_eq!(a.child_ids(), [2]);
    let b = a.children.borrow()[0].clone();
    assert_eq!(b.child_ids(), [3]);
    drop(b);
    drop(a);
    assert_eq!(collect(), 3);
    assert_dropped_once([1, 2, 3]);
}

#[test]
fn cycle_hanging_off_a_live_object_survives_until_that_object_goes() {
    let root = Node::new(0);
    let cycle = ring([1, 2]);
    link(&root, &cycle[0]);
    drop(cycle);
    for _ in 0..3 {
        assert_eq!(collect(), 0);
    }
    assert!(drops().is_empty());
    drop(root);
    assert_eq!(drops(), [0], "the root is freed by refcount alone");
    assert_eq!(collect(), 2);
    assert_dropped_once([0, 1, 2]);
}

#[test]
fn collection_leaves_strong_counts_unchanged() {
    let nodes = ring([1, 2]);
    let extra = nodes[1].clone();
    let before: Vec<usize> = nodes.iter().map(Gc::strong_count).collect();
    assert_eq!(before, [2, 3]);
    for g in 0..3 {
        assert_eq!(collect_generation(g), 0);
    }
    let after: Vec<usize> = nodes.iter().map(Gc::strong_count).collect();
    assert_eq!(after, before);
    drop(extra);
}

#[test]
fn long_live_ring_survives_and_is_freed_after_the_last_handle_drops() {
    let n = scale(5_000) as u64;
    let nodes = ring(0..n);
    let keep = nodes[(n / 2) as usize].clone();
    drop(nodes);
    assert_eq!(collect(), 0);
    assert!(drops().is_empty());
    drop(keep);
    assert_eq!(collect(), n as usize);
    assert_dropped_once(0..n);
}

#[test]
fn object_reachable_only_through_a_live_cycle_survives() {
    let cycle = ring([1, 2]);
    let leaf = Node::new(3);
    let w = Gc::downgrade(&leaf);
    link(&cycle[1], &leaf);
    drop(leaf);
    assert_eq!(collect(), 0);
    assert_eq!(w.upgrade().map(|g| g.id), Some(3));
    drop(cycle);
    assert_eq!(collect(), 3);
    assert!(w.upgrade().is_none());
}

#[test]
fn weak_handles_do_not_keep_a_cycle_alive() {
    let nodes = ring([1, 2]);
    let w = Gc::downgrade(&nodes[0]);
    drop(nodes);
    assert_eq!(collect(), 2);
    assert!(w.upgrade().is_none());
    assert_dropped_once([1, 2]);
}

#[test]
fn handles_in_an_untraced_rc_keep_their_targets_alive() {
    // An Rc is opaque to the collector: the handles inside it are counted
    // in their targets' strong counts but never reported, so the targets
    // look held from outside and survive.
    #[derive(Trace)]
    struct Holder {
        shared: Rc<RefCell<Option<Gc<Node>>>>,
    }
    let shared = Rc::new(RefCell::new(None));
    let cycle = ring([1, 2]);
    *shared.borrow_mut() = Some(cycle[0].clone());
    let holder = Gc::new(Holder {
        shared: shared.clone(),
    });
    drop(cycle);
    drop(shared);
    assert_eq!(collect(), 0, "the Rc still holds the cycle");
    assert!(drops().is_empty());
    drop(holder);
    assert_eq!(collect(), 2);
    assert_dropped_once([1, 2]);
}

#[test]
fn cycle_held_by_a_handle_inside_an_untracked_container_survives() {
    let mut locals: Vec<Gc<Node>> = Vec::new();
    locals.push(ring([1, 2, 3]).remove(2));
    assert_eq!(collect(), 0);
    assert!(drops().is_empty());
    assert_eq!(locals[0].id, 3);
    locals.clear();
    assert_eq!(collect(), 3);
}
