//! Reference counting frees at once: dropping the last handle drops and
//! frees the value immediately, with no collection involved; `Gc` and
//! `Weak` follow `Rc`'s API; and types that can hold no handle are never
//! tracked by the collector.

mod support;

use std::cell::RefCell;

use refcycle::{collect, get_count, get_stats, is_tracked, AnyGc, Gc, Trace, Weak};
use support::{assert_dropped_once, chain, drops, link, no_stress, DropCounter, Node};

#[test]
fn dropping_the_last_handle_drops_the_value_immediately() {
    no_stress();
    let a = Node::new(1);
    let b = a.clone();
    drop(a);
    assert!(drops().is_empty(), "a handle is left: nothing is dropped");
    drop(b);
    assert_eq!(drops(), [1]);
}

#[test]
fn refcount_release_needs_no_collection_and_leaves_stats_alone() {
    no_stress();
    let before = get_stats();
    let a = Node::new(1);
    assert_eq!(get_count().0, 1, "one tracked allocation");
    drop(a);
    assert_eq!(drops(), [1]);
    assert_eq!(get_count().0, 0, "the deallocation is subtracted");
    assert_eq!(get_stats(), before, "no collection ran");
    assert_eq!(collect(), 0, "nothing left for the collector");
}

#[test]
fn dropping_a_tree_drops_every_node_in_one_go() {
    no_stress();
    let root = Node::new(0);
    for i in 1..=3 {
        let child = Node::new(i);
        link(&child, &Node::new(10 + i)); // a grandchild held only by the child
        link(&root, &child);
    }
    let shared = Node::new(100);
    link(&root, &shared);
    drop(root);
    assert_dropped_once([0, 1, 2, 3, 11, 12, 13]);
    assert_eq!(shared.id, 100, "a node held elsewhere survives");
    drop(shared);
    assert_dropped_once([0, 1, 2, 3, 11, 12, 13, 100]);
    assert_eq!(collect(), 0);
}

#[test]
fn dropping_a_chain_head_drops_the_whole_chain_in_order() {
    let nodes = chain(0..5);
    let head = nodes[0].clone();
    drop(nodes);
    assert!(drops().is_empty());
    drop(head);
    assert_eq!(
        drops(),
        [0, 1, 2, 3, 4],
        "a value's Drop runs before its fields'"
    );
}

#[test]
fn clone_increments_and_drop_decrements_the_strong_count() {
    let a = Gc::new(5u64);
    assert_eq!(Gc::strong_count(&a), 1);
    let b = a.clone();
    let c = Gc::clone(&b);
    assert_eq!(Gc::strong_count(&a), 3);
    drop(b);
    assert_eq!(Gc::strong_count(&c), 2);
    drop(c);
    assert_eq!(Gc::strong_count(&a), 1);
    assert_eq!(*a, 5);
}

#[test]
fn ptr_eq_compares_identity_not_value() {
    let a = Gc::new(7u64);
    let b = a.clone();
    let c = Gc::new(7u64);
    assert!(Gc::ptr_eq(&a, &b));
    assert!(!Gc::ptr_eq(&a, &c));
    assert_eq!(a, c, "PartialEq compares the values");
    assert_eq!(Gc::as_ptr(&a), Gc::as_ptr(&b));
    assert_ne!(Gc::as_ptr(&a), Gc::as_ptr(&c));
}

#[test]
fn downgrade_and_upgrade_while_alive() {
    let a = Node::new(1);
    let w = Gc::downgrade(&a);
    assert_eq!(Gc::weak_count(&a), 1);
    assert_eq!(w.strong_count(), 1);
    assert!(w.is_alive());
    let up = w.upgrade().expect("alive");
    assert!(Gc::ptr_eq(&a, &up));
    assert_eq!(Gc::strong_count(&a), 2, "upgrade makes a strong handle");
    drop(up);
    let w2 = w.clone();
    assert_eq!(Gc::weak_count(&a), 2);
    assert!(Weak::ptr_eq(&w, &w2));
    drop(w2);
    assert_eq!(Gc::weak_count(&a), 1);
    assert!(
        drops().is_empty(),
        "weak handles keep nothing alive, but a is held"
    );
}

#[test]
fn weak_dies_when_the_object_is_freed_by_refcount() {
    let a = Node::new(1);
    let w = Gc::downgrade(&a);
    drop(a);
    assert_eq!(drops(), [1], "the weak handle does not delay the drop");
    assert!(w.upgrade().is_none());
    assert!(!w.is_alive());
    assert_eq!(w.strong_count(), 0);
    let w2 = w.clone();
    assert!(w2.upgrade().is_none());
    drop(w);
    drop(w2); // the last weak handle frees the memory (checked by Miri)
}

#[test]
fn weak_new_never_upgrades() {
    let w: Weak<Node> = Weak::new();
    assert!(w.upgrade().is_none());
    assert_eq!(w.strong_count(), 0);
    let d: Weak<u64> = Weak::default();
    assert!(d.upgrade().is_none());
}

#[test]
fn weak_dies_when_a_cycle_is_collected() {
    no_stress();
    let a = Node::new(1);
    link(&a, &a);
    let w = Gc::downgrade(&a);
    drop(a);
    assert!(
        w.upgrade().is_some(),
        "refcounting alone cannot free a cycle"
    );
    assert_eq!(collect(), 1);
    assert_eq!(drops(), [1]);
    assert!(w.upgrade().is_none());
}

#[test]
fn untracked_types_are_not_tracked() {
    no_stress();
    let n = Gc::new(42u64);
    let s = Gc::new(String::from("hello"));
    let leaf = Gc::new(DropCounter(9));
    let v = Gc::new(vec![1u8, 2, 3]);
    let opt: Gc<Option<(u32, String)>> = Gc::new(Some((1, "x".into())));
    const _: () = assert!(!<u64 as Trace>::NEEDS_TRACE); // decided at compile time
    assert!(!is_tracked(&n));
    assert!(!is_tracked(&s));
    assert!(!is_tracked(&leaf));
    assert!(!is_tracked(&v));
    assert!(!is_tracked(&opt));
    assert_eq!(
        get_count(),
        (0, 0, 0),
        "untracked allocations are not counted"
    );
    assert_eq!((*n, s.as_str(), leaf.0), (42, "hello", 9));
    drop(leaf);
    assert_eq!(drops(), [9], "untracked objects are freed by refcount too");
}

#[test]
fn derived_types_without_handles_are_not_tracked() {
    #[derive(Trace)]
    struct Plain {
        a: u32,
        b: String,
        c: Vec<(u8, char)>,
    }
    const _: () = assert!(!<Plain as Trace>::NEEDS_TRACE);
    let p = Gc::new(Plain {
        a: 1,
        b: "b".into(),
        c: vec![(1, 'c')],
    });
    assert!(!is_tracked(&p));
    assert_eq!((p.a, p.b.as_str(), p.c[0]), (1, "b", (1, 'c')));
}

#[test]
fn types_that_can_hold_handles_are_tracked() {
    no_stress();
    #[derive(Trace)]
    struct Holder {
        slot: RefCell<Option<Gc<u64>>>,
    }
    let node = Node::new(1);
    let holder = Gc::new(Holder {
        slot: RefCell::new(None),
    });
    let vec_of_handles: Gc<Vec<Gc<u64>>> = Gc::new(vec![Gc::new(1)]);
    let weak_holder: Gc<Weak<u64>> = Gc::new(Weak::new());
    assert!(is_tracked(&node));
    assert!(is_tracked(&holder), "tracked even while the slot is empty");
    assert!(is_tracked(&vec_of_handles));
    assert!(is_tracked(&weak_holder));
    assert!(holder.slot.borrow().is_none());
    assert_eq!(get_count().0, 4);
}

#[test]
fn tracked_object_is_untracked_when_freed() {
    no_stress();
    let a = Node::new(1);
    let b = Node::new(2);
    assert_eq!(get_count().0, 2);
    drop(a);
    assert_eq!(get_count().0, 1);
    drop(b);
    assert_eq!(get_count().0, 0);
    assert_eq!(drops(), [1, 2]);
}

/// A tracked object whose `Drop` panics when its last handle goes: the
/// panic is reported, not propagated; the object still leaves its list and
/// the young count, its fields (a child it alone held) are still dropped,
/// and the heap goes on releasing and collecting as before.
#[test]
fn a_tracked_object_whose_drop_panics_on_release_is_reported_untracked_and_freed() {
    no_stress();
    #[derive(Trace)]
    struct Loud {
        child: Option<Gc<Node>>,
    }
    impl Drop for Loud {
        fn drop(&mut self) {
            panic!("loud drop");
        }
    }
    let reports = support::capture_unraisable();
    let loud = Gc::new(Loud {
        child: Some(Node::new(7)),
    });
    assert!(is_tracked(&loud));
    assert_eq!(get_count().0, 2, "the Loud and its child");
    drop(loud);
    let got = support::reports(&reports);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].context, "drop of");
    assert!(got[0].type_name.ends_with("Loud"), "{:?}", got[0]);
    assert_eq!(drops(), [7], "the child went with the unwinding fields");
    assert_eq!(get_count().0, 0, "both left the young generation");
    let next = Node::new(8);
    link(&next, &next);
    drop(next);
    assert_eq!(collect(), 1, "the collector still finds a new cycle");
    assert_eq!(drops(), [7, 8]);
    refcycle::set_unraisable_hook(None);
}

#[test]
fn clone_of_an_untracked_handle_shares_the_value() {
    let a = Gc::new(DropCounter(3));
    let b = a.clone();
    drop(a);
    assert!(drops().is_empty());
    assert_eq!(b.0, 3);
    drop(b);
    assert_eq!(drops(), [3]);
}

/// An untracked object has no vtable in its memory (16 bytes of header,
/// `docs/internals.md`): type-erased code carries it beside the pointer.
/// Every type-erased path still finds the type: names, downcasts, the
/// release through the last `AnyGc` or the last `Weak`, and a panicking
/// `Drop` reported under the type's name.
#[test]
fn untracked_objects_behind_type_erased_handles_keep_their_type() {
    no_stress();
    let typed = Gc::new(DropCounter(5));
    let erased = AnyGc::new(typed.clone());
    assert!(erased.type_name().ends_with("DropCounter"));
    assert!(erased.name().ends_with("DropCounter"));
    assert!(erased.downcast::<u64>().is_none());
    assert_eq!(erased.downcast::<DropCounter>().map(|g| g.0), Some(5));
    let weak = Gc::downgrade(&typed);
    drop(typed);
    assert!(drops().is_empty(), "the AnyGc still holds it");
    drop(erased);
    assert_eq!(drops(), [5], "the last AnyGc released it");
    assert!(weak.upgrade().is_none());
    drop(weak); // the last Weak frees the memory (Miri checks it)

    struct Loud;
    impl Trace for Loud {
        const NEEDS_TRACE: bool = false;
        fn trace(&self, _: &mut refcycle::Visitor<'_>) {}
    }
    impl Drop for Loud {
        fn drop(&mut self) {
            panic!("loud drop");
        }
    }
    let reports = support::capture_unraisable();
    let loud = AnyGc::new(Gc::new(Loud));
    drop(loud);
    let reports = support::reports(&reports);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].context, "drop of");
    assert!(reports[0].type_name.ends_with("Loud"), "{:?}", reports[0]);
    refcycle::set_unraisable_hook(None);
}
