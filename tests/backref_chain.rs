//! `backref_chain(obj)` answers "why is this alive?": the shortest chain of
//! strong handles from an object held from outside the heap (a Rust local,
//! a thread-local, an older object held by either) down to `obj`. The
//! caller's own handle to `obj` does not count; any other outside handle
//! does. An object that nothing but the caller's handle keeps alive (held
//! by nothing else, or only by garbage cycles) has no chain.

mod support;

use std::cell::RefCell;

use refcycle::{backref_chain, collect, freeze, snapshot, unfreeze, Gc, Generation};
use support::{chain, link, no_stress, ring, scale, unlink_all, Node};

/// The node ids along `obj`'s chain, root first.
fn chain_ids(obj: &Gc<Node>) -> Option<Vec<u64>> {
    let chain = backref_chain(obj)?;
    Some(
        chain
            .objects()
            .iter()
            .map(|o| o.downcast::<Node>().expect("a Node").id)
            .collect(),
    )
}

#[test]
fn a_chain_from_a_rust_local_runs_down_the_structure() {
    let nodes = chain([1, 2, 3, 4]);
    let (head, tail) = (nodes[0].clone(), nodes[3].clone());
    drop(nodes);
    assert_eq!(chain_ids(&tail), Some(vec![1, 2, 3, 4]));
    assert_eq!(
        chain_ids(&head),
        None,
        "nothing but our own handle holds the head"
    );
    let also = head.clone();
    assert_eq!(
        chain_ids(&head),
        Some(vec![1]),
        "held from outside by `also`"
    );
    drop(also);
}

#[test]
fn a_chain_passes_through_a_cycle() {
    // root -> a <-> b -> target, with only root and target held locally.
    let (root, a, b, target) = (Node::new(1), Node::new(2), Node::new(3), Node::new(4));
    link(&root, &a);
    link(&a, &b);
    link(&b, &a);
    link(&b, &target);
    drop((a, b));
    assert_eq!(chain_ids(&target), Some(vec![1, 2, 3, 4]));
    unlink_all(&root);
    collect();
}

#[test]
fn a_cycle_member_s_chain_enters_the_cycle_once() {
    let root = Node::new(1);
    let members = ring([2, 3, 4]);
    link(&root, &members[0]);
    let last = members[2].clone();
    drop(members);
    assert_eq!(chain_ids(&last), Some(vec![1, 2, 3, 4]));
    unlink_all(&root);
    unlink_all(&last);
}

#[test]
fn a_chain_passes_through_an_old_generation_object() {
    no_stress();
    let old = Node::new(1);
    collect();
    collect(); // `old` is in the oldest generation
    let young = Node::new(2);
    link(&old, &young);
    let leaf = Node::new(3);
    link(&young, &leaf);
    drop(young);
    let snap = snapshot();
    assert_eq!(snap.find(&old).unwrap().generation, Generation::Gen(2));
    assert_eq!(snap.find(&leaf).unwrap().generation, Generation::Gen(0));
    assert_eq!(chain_ids(&leaf), Some(vec![1, 2, 3]));
}

#[test]
fn a_chain_passes_through_a_frozen_object() {
    no_stress();
    let holder = Node::new(1);
    freeze();
    let young = Node::new(2);
    link(&holder, &young);
    assert_eq!(chain_ids(&young), Some(vec![1, 2]));
    unfreeze();
}

thread_local! {
    static REGISTRY: RefCell<Option<Gc<Node>>> = const { RefCell::new(None) };
}

#[test]
fn a_chain_can_start_at_a_thread_local() {
    let registry = Node::new(1);
    let entry = Node::new(2);
    link(&registry, &entry);
    REGISTRY.with(|r| *r.borrow_mut() = Some(registry));
    assert_eq!(chain_ids(&entry), Some(vec![1, 2]));
    REGISTRY.with(|r| r.borrow_mut().take());
    assert_eq!(chain_ids(&entry), None, "only our own handle holds it now");
}

#[test]
fn an_object_held_from_outside_besides_the_caller_is_its_own_root() {
    let parent = Node::new(1);
    let child = Node::new(2);
    link(&parent, &child);
    let other_local = child.clone();
    assert_eq!(chain_ids(&child), Some(vec![2]));
    drop(other_local);
    assert_eq!(chain_ids(&child), Some(vec![1, 2]));
}

#[test]
fn the_shortest_of_several_chains_wins() {
    // root -> x -> y -> target and root -> z -> target.
    let root = Node::new(1);
    let long = chain([2, 3]);
    let short = Node::new(4);
    let target = Node::new(5);
    link(&root, &long[0]);
    link(&long[1], &target);
    link(&root, &short);
    link(&short, &target);
    drop((long, short));
    assert_eq!(chain_ids(&target), Some(vec![1, 4, 5]));
}

#[test]
fn an_object_reachable_only_from_garbage_has_no_chain() {
    no_stress();
    let members = ring([1, 2]);
    let target = Node::new(3);
    link(&members[1], &target);
    drop(members);
    assert_eq!(
        chain_ids(&target),
        None,
        "only our own handle and a dead cycle"
    );
    let first = support::drops().len();
    assert_eq!(collect(), 2);
    assert_eq!(support::drops().len(), first + 2);
    assert_eq!(chain_ids(&target), None, "only our own handle now");
}

#[test]
fn an_untracked_object_s_chain_ends_at_it() {
    #[derive(refcycle::Trace)]
    struct Labelled {
        label: Gc<String>,
    }
    let label = Gc::new(String::from("x"));
    let holder = Gc::new(Labelled {
        label: label.clone(),
    });
    let chain = backref_chain(&label).unwrap();
    assert_eq!(chain.objects().len(), 2);
    assert_eq!(chain.root().as_ptr(), Gc::as_ptr(&holder));
    assert_eq!(chain.to_string(), "<held from outside> Labelled -> String");
}

#[test]
fn the_chain_prints_as_a_readable_path() {
    let nodes = chain([1, 2, 3]);
    let (_head, tail) = (nodes[0].clone(), nodes[2].clone());
    drop(nodes);
    let chain = backref_chain(&tail).unwrap();
    assert_eq!(
        chain.to_string(),
        "<held from outside> Node -> Node -> Node"
    );
    assert_eq!(chain.type_names(), vec![std::any::type_name::<Node>(); 3]);
    assert!(std::ptr::eq(chain.root(), &chain.objects()[0]));
}

#[test]
fn a_long_chain_is_found_in_linear_time() {
    let n = scale(20_000);
    let nodes = chain(0..n as u64);
    let (head, tail) = (nodes[0].clone(), nodes[n - 1].clone());
    drop(nodes);
    let chain = backref_chain(&tail).unwrap();
    assert_eq!(chain.objects().len(), n);
    assert_eq!(chain.root().as_ptr(), Gc::as_ptr(&head));
}
