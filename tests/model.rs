//! Model test: one oracle, many drivers (STYLE.md principle 11).
//!
//! A reference graph model (`model/oracle.rs`) predicts, after every
//! operation, exactly which nodes are alive, which values were dropped,
//! which finalizers ran, what each handle's strong count is and which weak
//! handles still upgrade. The real heap (`model/real.rs`) runs the same
//! operations (`model/op.rs`), and [`check`] compares the two. Sequences
//! come from hand-written cases (a 2-cycle, a ring with a tail, a resurrected
//! cycle member) and from proptest.
//!
//! What is checked after every operation:
//! - no value is dropped twice and no finalizer runs twice;
//! - the dropped values are exactly the model's dead nodes, the finalizers
//!   that ran exactly the model's finalized nodes: so nothing reachable is
//!   ever dropped, refcounting frees acyclic garbage at once, a full
//!   collection frees exactly what is unreachable from the held handles
//!   (roots and the finalizers' resurrected list), and a young collection
//!   frees exactly the unreachable part of the generations it looks at;
//! - every node reachable from a held handle is intact: its value derefs,
//!   its children are the model's, its strong count is the model's;
//! - a weak handle is alive iff its node is alive and was not found
//!   unreachable since the handle was made (a resurrected node's old weak
//!   handles are dead, new ones work);
//! - `collect_generation` returns the number of values it freed.
//!
//! Each sequence ends by dropping every handle and collecting until nothing
//! is resurrected any more: then every node was dropped exactly once, and
//! every node with a finalizer ran it exactly once.

#[path = "model/op.rs"]
mod op;
#[path = "model/oracle.rs"]
mod oracle;
#[path = "model/real.rs"]
mod real;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use refcycle::Gc;

use op::Op::{self, *};
use oracle::Model;
use real::{Node, RealHeap};

/// Asserts that `log` names no id twice and returns its ids.
fn once_each(log: &[usize], what: &str) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    for &id in log {
        assert!(seen.insert(id), "node {id} {what} twice (log: {log:?})");
    }
    seen
}

/// Compares the real heap with the model.
fn check(model: &Model, heap: &RealHeap) {
    let dead: BTreeSet<usize> = (0..model.nodes.len())
        .filter(|&id| model.nodes[id].dead)
        .collect();
    let finalized: BTreeSet<usize> = (0..model.nodes.len())
        .filter(|&id| model.nodes[id].finalized)
        .collect();
    let dropped = once_each(&real::dropped(), "dropped");
    assert_eq!(
        dropped, dead,
        "dropped values (left) vs the model's dead nodes"
    );
    let ran = once_each(&real::finalized(), "finalized");
    assert_eq!(ran, finalized, "finalizers run (left) vs the model's");

    let root_ids: Vec<usize> = heap.roots.iter().map(|h| h.id).collect();
    assert_eq!(root_ids, model.roots, "root handles");
    let held = real::resurrected();
    let mut res_ids: Vec<usize> = held.iter().map(|h| h.id).collect();
    let mut expected = model.resurrected.clone();
    res_ids.sort_unstable();
    expected.sort_unstable();
    assert_eq!(res_ids, expected, "resurrected handles");

    check_reachable(model, heap.roots.iter().cloned().chain(held));

    for (w, weak) in heap.weaks.iter().enumerate() {
        let id = model.weaks[w].0;
        assert_eq!(
            weak.is_alive(),
            model.weak_alive(w),
            "weak handle {w} to node {id}"
        );
    }
}

/// Walks the real graph from `held` and checks each node against the model.
fn check_reachable(model: &Model, held: impl Iterator<Item = Gc<Node>>) {
    // `seen` keeps one clone per visited node (subtracted from its strong
    // count below); every other clone is gone once `todo` is empty.
    let mut seen: BTreeMap<usize, Gc<Node>> = BTreeMap::new();
    let mut todo: Vec<Gc<Node>> = held.collect();
    while let Some(h) = todo.pop() {
        let id = Gc::try_borrow(&h)
            .unwrap_or_else(|e| panic!("a reachable node was cleared: {e}"))
            .id;
        if seen.contains_key(&id) {
            continue;
        }
        todo.extend(h.children.borrow().iter().cloned());
        seen.insert(id, h);
    }
    let ids: BTreeSet<usize> = seen.keys().copied().collect();
    assert_eq!(
        ids,
        model.reachable(),
        "reachable nodes (left) vs the model's"
    );
    for (&id, h) in &seen {
        let node = &model.nodes[id];
        assert_eq!(h.child_ids(), node.children, "children of node {id}");
        assert_eq!(
            Gc::strong_count(h) - 1,
            model.refcount(id),
            "strong count of node {id}"
        );
        assert_eq!(
            refcycle::is_finalized(h),
            node.finalized,
            "is_finalized({id})"
        );
    }
}

/// Applies `op` to both drivers, compares what they return, then checks.
fn step(model: &mut Model, heap: &mut RealHeap, op: &Op, when: &str) {
    let predicted = model.apply(op);
    let observed = heap.apply(op);
    assert_eq!(observed, predicted, "{when}: {op:?}");
    check(model, heap);
}

/// Runs `ops` through both drivers, checking after each, then tears down.
fn run(ops: &[Op]) {
    real::reset();
    let mut model = Model::default();
    let mut heap = RealHeap::default();
    for (i, op) in ops.iter().enumerate() {
        step(&mut model, &mut heap, op, &format!("step {i}"));
    }
    finish(model, heap);
}

/// Drops every handle and collects until no finalizer resurrects anything;
/// then every node must be dead, dropped once, and finalized once if it had
/// a finalizer.
fn finish(mut model: Model, mut heap: RealHeap) {
    loop {
        step(&mut model, &mut heap, &Op::Adopt, "teardown");
        model.drop_roots();
        heap.roots.clear();
        check(&model, &heap);
        step(&mut model, &mut heap, &Op::Collect(2), "teardown");
        if model.resurrected.is_empty() {
            break;
        }
    }
    assert_eq!(model.alive(), BTreeSet::new(), "the model leaked");
    for (id, node) in model.nodes.iter().enumerate() {
        let has_finalizer = node.finalizer.is_some();
        assert_eq!(node.finalized, has_finalizer, "node {id} finalized");
    }
    assert!(heap.weaks.iter().all(|w| w.upgrade().is_none()));
}

fn config() -> Config {
    if cfg!(miri) {
        // Miri runs ~1000x slower: a handful of short sequences.
        Config {
            cases: 4,
            failure_persistence: None,
            ..Config::default()
        }
    } else {
        // 256 cases unless PROPTEST_CASES says otherwise.
        Config {
            failure_persistence: None,
            ..Config::default()
        }
    }
}

#[test]
fn random_sequences_match_the_model() {
    let max_len = if cfg!(miri) { 20 } else { 60 };
    let config = config();
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let ran = Cell::new(0u32);
    let result = runner.run(&vec(any::<Op>(), 0..max_len), |ops| {
        ran.set(ran.get() + 1);
        run(&ops);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Shrinking would also count, but it only happens after a failure.
    assert_eq!(ran.get(), cases, "every case ran");
    println!("model: {} proptest cases passed", ran.get());
}

// ---- Hand-written drivers through the same oracle ----

#[test]
fn two_cycle_is_freed_by_a_collection_of_its_generation() {
    run(&[
        Alloc,
        Alloc,
        Link(0, 1),
        Link(1, 0),
        Downgrade(0),
        DropHandle(0),
        Collect(0), // held through node 1: both survive into generation 1
        DropHandle(0),
        Upgrade(0), // garbage nobody found yet: the weak handle upgrades
        DropHandle(0),
        Collect(0), // generation 1 is not looked at: nothing freed
        Collect(1), // both freed
        Upgrade(0),
    ]);
}

#[test]
fn ring_with_a_tail_is_freed_by_one_full_collection() {
    run(&[
        // Ring 0 -> 1 -> 2 -> 0 with a tail 2 -> 3 -> 4.
        Alloc,
        Alloc,
        Alloc,
        Alloc,
        Alloc,
        Link(0, 1),
        Link(1, 2),
        Link(2, 0),
        Link(2, 3),
        Link(3, 4),
        Downgrade(4),
        DropHandle(4),
        DropHandle(3), // the tail lives on through the ring
        Collect(0),
        DropHandle(1),
        DropHandle(1),
        Collect(1), // the ring is still held by roots[0]: all move to generation 2
        DropHandle(0),
        Collect(1), // generation 2 is not looked at: nothing freed
        Collect(2), // the whole ring with its tail
        Upgrade(0),
    ]);
}

#[test]
fn resurrected_cycle_member_keeps_what_it_reaches() {
    run(&[
        // 0 (resurrects) <-> 1, and 1 -> 2 (finalizer that does not).
        AllocFinalizable { resurrect: true },
        Alloc,
        AllocFinalizable { resurrect: false },
        Link(0, 1),
        Link(1, 0),
        Link(1, 2),
        Downgrade(0),
        Downgrade(2),
        DropHandle(2),
        DropHandle(1),
        DropHandle(0),
        Collect(2), // both finalizers run; 0 resurrects itself, 1 and 2
        Upgrade(0), // old weak handles died when the garbage was found
        Upgrade(1),
        Adopt,
        Downgrade(0), // a new weak handle to the resurrected node works
        Upgrade(2),
        DropHandle(0),
        DropHandle(0),
        Collect(2), // freed now, without running any finalizer again
        Upgrade(2),
    ]);
}

#[test]
fn refcount_resurrection_keeps_weak_handles() {
    run(&[
        AllocFinalizable { resurrect: true },
        Alloc,
        Link(0, 1),
        Downgrade(0),
        DropHandle(0), // refcount path: the finalizer resurrects node 0...
        Upgrade(0),    // ...and its weak handles stay valid (CPython's order)
        DropHandle(1), // the upgraded handle; the resurrected list still holds 0
        Adopt,
        DropHandle(0),
        DropHandle(0), // gone for good, without a second finalizer run
        Upgrade(0),
    ]);
}
