//! `freeze()` moves every tracked object to the permanent generation, which
//! no collection examines: a cycle frozen before it becomes garbage is not
//! collected. `get_freeze_count()` reports the frozen objects, and
//! `unfreeze()` moves them back to the oldest generation, where a full
//! collection frees them. Reference counting still frees frozen objects.

mod support;

use refcycle::{
    collect, collect_generation, freeze, get_count, get_freeze_count, is_tracked, unfreeze,
};
use support::{assert_dropped_once, drops, link, no_stress, ring, Node};

#[test]
fn frozen_garbage_cycle_is_not_collected() {
    no_stress();
    let nodes = ring([1, 2]);
    freeze();
    assert_eq!(get_freeze_count(), 2);
    drop(nodes);
    assert_eq!(collect(), 0);
    for g in 0..3 {
        assert_eq!(collect_generation(g), 0);
    }
    assert!(drops().is_empty());
    assert_eq!(get_freeze_count(), 2);
    // Leave nothing behind for Miri's leak checker.
    unfreeze();
    assert_eq!(collect(), 2);
}

#[test]
fn unfreeze_makes_a_frozen_cycle_collectable_again() {
    no_stress();
    let nodes = ring([1, 2, 3]);
    freeze();
    drop(nodes);
    assert_eq!(collect(), 0);
    unfreeze();
    assert_eq!(get_freeze_count(), 0);
    assert_eq!(collect(), 3);
    assert_dropped_once([1, 2, 3]);
}

#[test]
fn unfrozen_objects_go_to_the_oldest_generation() {
    no_stress();
    let nodes = ring([1, 2]);
    freeze();
    drop(nodes);
    unfreeze();
    assert_eq!(collect_generation(0), 0);
    assert_eq!(collect_generation(1), 0);
    assert!(drops().is_empty());
    assert_eq!(collect_generation(2), 2);
}

#[test]
fn freeze_resets_the_young_count() {
    no_stress();
    let live: Vec<_> = (0..5).map(Node::new).collect();
    assert_eq!(get_count().0, 5);
    freeze();
    assert_eq!(get_count().0, 0);
    assert_eq!(get_freeze_count(), 5);
    drop(live);
}

#[test]
fn freeze_count_covers_every_generation_and_only_tracked_objects() {
    no_stress();
    let old = ring([1]);
    collect(); // old generation
    let middle = ring([2, 3]);
    collect_generation(0); // middle generation
    let young = ring([4, 5, 6]);
    let _untracked = refcycle::Gc::new(9u64);
    freeze();
    assert_eq!(get_freeze_count(), 6);
    unfreeze();
    assert_eq!(get_freeze_count(), 0);
    drop((old, middle, young));
    assert_eq!(collect(), 6);
}

#[test]
fn objects_allocated_after_freeze_are_collected_normally() {
    no_stress();
    let frozen = ring([1, 2]);
    freeze();
    drop(ring([3, 4]));
    assert_eq!(collect(), 2);
    assert_dropped_once([3, 4]);
    assert_eq!(get_freeze_count(), 2);
    drop(frozen);
    unfreeze();
    assert_eq!(collect(), 2);
}

#[test]
fn frozen_objects_are_still_freed_by_refcount() {
    no_stress();
    let a = Node::new(1);
    let b = Node::new(2);
    freeze();
    assert!(is_tracked(&a));
    assert_eq!(get_freeze_count(), 2);
    drop(a);
    assert_eq!(drops(), [1]);
    assert_eq!(
        get_freeze_count(),
        1,
        "a freed object leaves the permanent generation"
    );
    drop(b);
    assert_eq!(get_freeze_count(), 0);
}

#[test]
fn young_cycle_held_by_frozen_garbage_survives_until_unfreeze() {
    no_stress();
    let holder = Node::new(0);
    link(&holder, &holder);
    freeze();
    let young = ring([1, 2]);
    link(&holder, &young[0]);
    drop(young);
    drop(holder);
    assert_eq!(
        collect(),
        0,
        "the frozen holder counts as an outside reference"
    );
    assert!(drops().is_empty());
    unfreeze();
    assert_eq!(collect(), 3);
    assert_dropped_once([0, 1, 2]);
}

#[test]
fn freezing_twice_keeps_everything_frozen() {
    no_stress();
    let a = ring([1]);
    freeze();
    let b = ring([2]);
    freeze();
    assert_eq!(get_freeze_count(), 2);
    drop((a, b));
    assert_eq!(collect(), 0);
    unfreeze();
    assert_eq!(collect(), 2);
}
