//! Model test: one oracle, many drivers (STYLE.md principle 11).
//!
//! A reference graph model (`model/oracle.rs`, `model/collect.rs`)
//! predicts, op by op, exactly which nodes are alive, which values are
//! dropped, which finalizers and weak-reference callbacks run and in what
//! order, what each handle's strong count is, which weak handles still
//! upgrade and what `garbage()` holds. The real heap (`model/real.rs`)
//! runs the same operations (`model/op.rs`), and `model/harness.rs`
//! compares the two after every op (its docs list the checks).
//!
//! The nodes may have a finalizer that resurrects its object or not, a
//! legacy finalizer (`Gc::new_with_legacy_finalizer`) likewise, and weak
//! handles with callbacks owned by the test or by other nodes. So the
//! sequences exercise: nothing reachable is ever dropped, nothing is
//! finalized twice, every legacy cycle ends in `garbage()` (and is freed
//! once broken by hand), callbacks run when CPython runs them and never
//! when their weak handle is owned by the garbage.
//!
//! Drivers: hand-written cases, proptest, fixed byte strings through the
//! fuzz target's decoder here, and the fuzz target itself
//! (`fuzz/fuzz_targets/model.rs`, which includes these same files).

#[path = "model/collect.rs"]
mod collect;
#[path = "model/harness.rs"]
mod harness;
#[path = "model/op.rs"]
mod op;
#[path = "model/oracle.rs"]
mod oracle;
#[path = "model/real.rs"]
mod real;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use harness::{Mode, Outcome};
use op::Op::{self, *};

/// Runs `ops` with every check on, known divergences included.
fn run(ops: &[Op]) {
    assert_eq!(harness::run(ops, Mode::Strict), Outcome::Checked);
}

/// Random ops, weighted so that sequences build and break cycles often.
fn any_op() -> impl Strategy<Value = Op> {
    // Indices range a little past MAX_NODES so that `%` spreads them.
    let ix = || 0..16usize;
    let resurrect = any::<bool>;
    prop_oneof![
        3 => Just(Alloc),
        3 => resurrect().prop_map(|resurrect| AllocFinalizable { resurrect }),
        2 => resurrect().prop_map(|resurrect| AllocLegacy { resurrect }),
        5 => (ix(), ix()).prop_map(|(a, b)| Link(a, b)),
        2 => (ix(), ix()).prop_map(|(a, k)| Unlink(a, k)),
        2 => (ix(), ix()).prop_map(|(a, k)| Descend(a, k)),
        1 => ix().prop_map(CloneHandle),
        5 => ix().prop_map(DropHandle),
        1 => Just(DropRoots),
        2 => ix().prop_map(Downgrade),
        3 => (ix(), proptest::option::of(ix())).prop_map(|(i, o)| DowngradeWithCallback(i, o)),
        1 => ix().prop_map(DropWeak),
        3 => ix().prop_map(Upgrade),
        1 => Just(Adopt),
        1 => Just(AdoptGarbage),
        1 => Just(ClearGarbage),
        4 => (0..=2usize).prop_map(Collect),
    ]
}

fn config() -> Config {
    if cfg!(miri) {
        // Miri runs ~1000x slower: a handful of short sequences (with the
        // hand-written cases, the Miri run stays near a minute).
        Config {
            cases: 3,
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
    let max_len = if cfg!(miri) { 16 } else { 60 };
    let config = config();
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let ran = Cell::new(0u32);
    let cut = RefCell::new(BTreeMap::new());
    let result = runner.run(&vec(any_op(), 0..max_len), |ops| {
        ran.set(ran.get() + 1);
        if let Outcome::CutShort(d) = harness::run(&ops, Mode::Tolerant) {
            *cut.borrow_mut().entry(format!("{d:?}")).or_insert(0) += 1;
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Shrinking would also count, but it only happens after a failure.
    assert_eq!(ran.get(), cases, "every case ran");
    println!(
        "model: {} proptest cases passed; stopped early at a known divergence: {:?}",
        ran.get(),
        cut.borrow()
    );
}

#[test]
fn decoded_byte_strings_match_the_model() {
    // The fuzz target's decoder on fixed pseudo-random bytes (xorshift).
    let (strings, max_len) = if cfg!(miri) { (1, 24) } else { (64, 160) };
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..strings {
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let len = next() as usize % max_len;
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        harness::run(&op::decode(&bytes), Mode::Tolerant);
    }
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

#[test]
fn legacy_cycle_is_parked_in_garbage_until_broken_by_hand() {
    run(&[
        AllocLegacy { resurrect: false },
        Alloc,
        Link(0, 1),
        Link(1, 0),
        Downgrade(0),
        DropHandle(1),
        DropHandle(0),
        Collect(2),    // found (2), uncollectable: node 0 goes to garbage()
        Upgrade(0),    // weak references to it were not cleared
        ClearGarbage,  // the upgraded root still holds it
        Collect(2),    // nothing unreachable
        Unlink(0, 0),  // break the cycle by hand: node 1 is freed at once
        DropHandle(0), // node 0's finalizer runs now, then it is freed
    ]);
}

#[test]
fn uncollectable_cycle_returns_to_garbage_until_broken() {
    run(&[
        AllocLegacy { resurrect: true },
        Link(0, 0),
        DropHandle(0),
        Collect(0),   // parked, and moved to generation 1 with the old ones
        ClearGarbage, // not broken: still a cycle, held by nobody
        Collect(0),   // generation 1 is not looked at
        Collect(1),   // parked again
        AdoptGarbage,
        Unlink(0, 0),
        DropHandle(0), // its finalizer resurrects it
        Adopt,
        DropHandle(0), // freed, the finalizer does not run twice
    ]);
}

#[test]
fn refcount_death_runs_callbacks_newest_first_after_the_finalizer() {
    run(&[
        AllocFinalizable { resurrect: false },
        DowngradeWithCallback(0, None), // weak 0
        Downgrade(0),                   // weak 1: no callback
        DowngradeWithCallback(0, None), // weak 2
        DropWeak(2),                    // dropping weak 2 cancels its callback
        DowngradeWithCallback(0, None), // weak 3
        DropHandle(0),                  // finalizer, callback 3, callback 0, drop
    ]);
}

#[test]
fn a_collection_runs_callbacks_before_finalizers() {
    run(&[
        AllocFinalizable { resurrect: true },
        Link(0, 0),
        DowngradeWithCallback(0, None),
        DropHandle(0),
        Collect(0), // callback, then the finalizer, which resurrects
        Adopt,
        DowngradeWithCallback(0, None), // a new callback on the resurrected node
        DropHandle(0),
        Collect(2), // its callback runs; the finalizer does not run again
    ]);
}

#[test]
fn callbacks_of_weak_handles_owned_by_garbage_never_run() {
    run(&[
        Alloc, // 0 <-> 1, the garbage
        Alloc,
        Link(0, 1),
        Link(1, 0),
        DowngradeWithCallback(1, Some(0)), // owned by 0, to 1: garbage to garbage
        Alloc,                             // 2 stays alive
        DowngradeWithCallback(2, Some(0)), // owned by 0, to 2
        DowngradeWithCallback(0, None),    // held by the test, to 0: runs
        DowngradeWithCallback(1, Some(2)), // owned by 2 (alive), to 1: runs
        DropHandle(0),
        DropHandle(0),
        Collect(2),
        DropHandle(0), // node 2: the weak handle 0 owned was cleared, no callback
    ]);
}

#[test]
fn releases_after_a_collection_run_callbacks_of_older_objects() {
    run(&[
        Alloc, // 0 <-> 1 young, 1 -> 2 old
        Alloc,
        AllocFinalizable { resurrect: false },
        Collect(1), // all three move to generation 2...
        Alloc,
        Alloc,
        Link(3, 4),
        Link(4, 3),
        Link(4, 2),
        DowngradeWithCallback(2, None),
        DowngradeWithCallback(3, None),
        DropHandle(4),
        DropHandle(3),
        DropHandle(2), // 2 is held only by the young garbage
        Collect(0),    // 3 and 4 freed; then 2 is released by refcount
    ]);
}

#[test]
fn legacy_object_hanging_off_a_cycle_is_freed_with_the_cycle() {
    run(&[
        Alloc, // 0 <-> 1, and 0 -> 2 (legacy)
        Alloc,
        AllocLegacy { resurrect: false },
        Link(0, 1),
        Link(1, 0),
        Link(0, 2),
        DowngradeWithCallback(2, None),
        DropRoots,
        // 0 and 1 are freed; then 2, which only 0 held, is freed by
        // refcounting (its callback, then its finalizer run): it is not
        // uncollectable, and garbage() stays empty (CPython's count: 2).
        Collect(2),
    ]);
}

// ---- Known bugs and CPython divergences (harness::KNOWN_DIVERGENCES) ----

#[test]
fn node_owning_the_last_weak_handle_to_itself_is_freed_once() {
    run(&[
        Alloc,
        DowngradeWithCallback(0, Some(0)), // owned by 0, to 0
        DropHandle(0),                     // the callback runs, then the value drops the handle
    ]);
}

#[test]
fn refcount_resurrection_moves_the_node_to_the_young_generation() {
    run(&[
        AllocFinalizable { resurrect: true },
        Collect(2),    // node 0 is in generation 2
        DropHandle(0), // its finalizer resurrects it: generation 0 in CPython
        Adopt,
        Link(0, 0),
        DropHandle(0),
        Collect(1), // CPython frees the cycle (1); refcycle does not look (0)
    ]);
}

#[test]
fn weak_handle_owned_by_resurrected_garbage_is_cleared() {
    run(&[
        Alloc,                                // 0: stays alive
        AllocFinalizable { resurrect: true }, // 1: in a cycle, resurrects
        Link(1, 1),
        DowngradeWithCallback(0, Some(1)), // owned by 1, to 0
        DropHandle(1),
        Collect(2), // 1 resurrected; its weak handle was cleared (bpo-38006)
        Adopt,
        DropHandle(0), // node 0 dies: the cleared handle's callback does not run
    ]);
}
