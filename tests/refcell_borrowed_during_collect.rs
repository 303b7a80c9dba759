//! A `RefCell` that is mutably borrowed while a collection runs cannot be
//! traced. The object is then treated as held from outside for that
//! collection: it and everything it holds survive, nothing panics, and
//! nothing is reported (this is expected, not an error). Once the borrow
//! ends, the next collection frees whatever is garbage.

mod support;

use std::cell::RefCell;

use refcycle::{collect, collect_generation, set_threshold, Gc};
use support::{assert_dropped_once, capture_unraisable, drops, link, no_stress, ring, Node};

#[test]
fn mutably_borrowed_refcell_keeps_its_children_alive_during_collect() {
    let reports = capture_unraisable();
    let root = Node::new(0);
    let cycle = ring([1, 2]);
    link(&root, &cycle[0]);
    drop(cycle);
    {
        let guard = root.children.borrow_mut();
        assert_eq!(collect(), 0);
        assert_eq!(collect_generation(0), 0);
        assert!(drops().is_empty());
        assert_eq!(guard[0].child_ids(), [2], "the children are intact");
    }
    assert!(reports.borrow().is_empty(), "{:?}", reports.borrow());
    drop(root);
    assert_eq!(collect(), 2);
    assert_dropped_once([0, 1, 2]);
}

#[test]
fn borrowed_member_of_a_cycle_keeps_the_cycle_alive_until_the_borrow_ends() {
    let reports = capture_unraisable();
    let nodes = ring([1, 2, 3]);
    let a = nodes[0].clone();
    drop(nodes);
    let w = Gc::downgrade(&a);
    {
        let mut guard = a.children.borrow_mut();
        // Edit the graph while it is borrowed: move the edge a -> 2 into
        // a local, and collect in between.
        let two = guard.pop().expect("a -> 2");
        assert_eq!(collect(), 0);
        guard.push(two);
        assert_eq!(collect(), 0);
    }
    drop(a);
    assert!(drops().is_empty());
    assert_eq!(collect(), 3);
    assert!(w.upgrade().is_none());
    assert_dropped_once([1, 2, 3]);
    assert!(reports.borrow().is_empty(), "{:?}", reports.borrow());
}

#[test]
fn automatic_collection_during_a_borrow_keeps_the_children_alive() {
    no_stress();
    let reports = capture_unraisable();
    set_threshold(3, 10, 10);
    let root = Node::new(0);
    let cycle = ring([1, 2]);
    link(&root, &cycle[0]);
    drop(cycle);
    {
        let mut guard = root.children.borrow_mut();
        // Allocations inside the borrow trigger young collections.
        for i in 10..20 {
            guard.push(Node::new(i));
        }
        assert!(refcycle::get_stats()[0].collections >= 2);
        assert!(drops().is_empty());
    }
    assert!(reports.borrow().is_empty(), "{:?}", reports.borrow());
    drop(root);
    assert_eq!(drops().len(), 11, "the root and its ten acyclic children");
    assert_eq!(collect(), 2);
    assert_eq!(drops().len(), 13);
}

#[test]
fn shared_borrow_does_not_hide_the_children() {
    // Only a mutable borrow blocks tracing; a shared borrow of a garbage
    // cycle's member (through a handle that is then dropped) does not.
    let reports = capture_unraisable();
    let root = Node::new(0);
    let cycle = ring([1, 2]);
    link(&root, &cycle[0]);
    drop(cycle);
    {
        let guard = root.children.borrow();
        assert_eq!(guard.len(), 1);
        assert_eq!(collect(), 0, "held by root");
    }
    drop(root);
    assert_eq!(collect(), 2);
    assert!(reports.borrow().is_empty());
}

#[test]
fn leaked_borrow_keeps_a_garbage_cycle_alive_without_a_report() {
    // A RefMut that is forgotten leaves the RefCell borrowed for ever: the
    // collector never sees inside it, so the cycle through it leaks (a
    // leak, not a crash, and not an error to report).
    let reports = capture_unraisable();
    let nodes = ring([1, 2]);
    std::mem::forget(nodes[0].children.borrow_mut());
    let w2 = Gc::downgrade(&nodes[1]);
    drop(nodes);
    for _ in 0..3 {
        assert_eq!(collect(), 0);
    }
    assert!(drops().is_empty());
    assert!(reports.borrow().is_empty(), "{:?}", reports.borrow());
    // Break the cycle by hand through the node whose cell is not stuck.
    let two = w2.upgrade().expect("alive");
    assert!(two.children.try_borrow_mut().is_ok());
    support::unlink_all(&two); // drops the handle 2 -> 1: node 1 is freed
    assert_eq!(drops(), [1]);
    drop(two);
    assert_dropped_once([1, 2]);
}

#[test]
fn borrowed_refcell_in_a_derived_type_is_opaque_too() {
    #[derive(refcycle::Trace)]
    struct Pair {
        #[trace(skip)]
        id: u64,
        left: RefCell<Option<Gc<Pair>>>,
        right: RefCell<Option<Gc<Pair>>>,
    }
    impl Drop for Pair {
        fn drop(&mut self) {
            support::log_drop(self.id);
        }
    }
    let reports = capture_unraisable();
    let a = Gc::new(Pair {
        id: 1,
        left: RefCell::new(None),
        right: RefCell::new(None),
    });
    let b = Gc::new(Pair {
        id: 2,
        left: RefCell::new(Some(a.clone())),
        right: RefCell::new(None),
    });
    *a.left.borrow_mut() = Some(b.clone());
    *a.right.borrow_mut() = Some(a.clone());
    drop(b);
    {
        // Only `right` is borrowed; `left` is traced. The object as a whole
        // must still count as held, or b (reached through `left`) would be
        // judged by half the picture.
        let _guard = a.right.borrow_mut();
        assert_eq!(collect(), 0);
    }
    drop(a);
    assert!(drops().is_empty());
    assert_eq!(collect(), 2);
    assert_dropped_once([1, 2]);
    assert!(reports.borrow().is_empty());
}
