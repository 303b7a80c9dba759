//! Generations: new tracked objects start young; survivors of a collection
//! of generation `k` move to generation `k + 1` (the oldest keeps its own),
//! and `collect_generation(k)` only examines generations `0..=k`. So
//! garbage that has been promoted is freed only by a collection of its
//! generation or an older one, and a cycle held by an old object survives
//! young collections until that object is gone and an old enough
//! collection runs. The counts and statistics follow Python's `gc` module.

mod support;

use refcycle::{collect, collect_generation, get_count, get_stats, Gc, NUM_GENERATIONS};
use support::{assert_dropped_once, catch, drops, link, no_stress, ring, Node};

#[test]
fn there_are_three_generations() {
    assert_eq!(NUM_GENERATIONS, 3);
}

#[test]
fn new_garbage_is_freed_by_a_young_collection() {
    no_stress();
    drop(ring([1, 2]));
    assert_eq!(collect_generation(0), 2);
    assert_dropped_once([1, 2]);
}

#[test]
fn survivor_of_a_young_collection_is_not_freed_by_the_next_young_collection() {
    no_stress();
    let nodes = ring([1, 2]);
    assert_eq!(collect_generation(0), 0, "alive: promoted to generation 1");
    drop(nodes);
    assert_eq!(collect_generation(0), 0, "generation 1 is not examined");
    assert!(drops().is_empty());
    assert_eq!(collect_generation(1), 2);
    assert_dropped_once([1, 2]);
}

#[test]
fn survivor_of_a_young_collection_is_freed_by_a_full_collection() {
    no_stress();
    let nodes = ring([1, 2]);
    assert_eq!(collect_generation(0), 0);
    drop(nodes);
    assert_eq!(collect_generation(0), 0);
    assert_eq!(collect(), 2);
    assert_dropped_once([1, 2]);
}

#[test]
fn survivor_of_a_middle_collection_is_old_and_needs_a_full_collection() {
    no_stress();
    let nodes = ring([1, 2, 3]);
    assert_eq!(collect_generation(0), 0); // young -> middle
    assert_eq!(collect_generation(1), 0); // middle -> old
    drop(nodes);
    assert_eq!(collect_generation(0), 0);
    assert_eq!(collect_generation(1), 0);
    assert!(drops().is_empty());
    assert_eq!(collect_generation(2), 3);
    assert_dropped_once([1, 2, 3]);
}

#[test]
fn a_middle_collection_promotes_young_survivors_straight_to_old() {
    no_stress();
    let nodes = ring([1]);
    assert_eq!(collect_generation(1), 0); // young is part of 0..=1: -> old
    drop(nodes);
    assert_eq!(collect_generation(1), 0);
    assert_eq!(collect(), 1);
}

#[test]
fn survivors_of_a_full_collection_stay_old() {
    no_stress();
    let nodes = ring([1, 2]);
    assert_eq!(collect(), 0);
    assert_eq!(collect(), 0);
    drop(nodes);
    assert_eq!(collect_generation(1), 0);
    assert_eq!(collect(), 2);
}

#[test]
fn young_garbage_is_freed_while_old_garbage_waits() {
    no_stress();
    let old = ring([1, 2]);
    assert_eq!(collect(), 0); // old stays in generation 2
    drop(old);
    drop(ring([3, 4, 5]));
    assert_eq!(collect_generation(0), 3);
    assert_dropped_once([3, 4, 5]);
    assert_eq!(collect_generation(1), 0);
    assert_eq!(collect(), 2);
    assert_dropped_once(1..=5);
}

#[test]
fn young_cycle_held_by_an_old_object_survives_until_the_old_object_drops() {
    no_stress();
    let old = Node::new(0);
    assert_eq!(collect(), 0); // `old` is in generation 2
    let young = ring([1, 2]);
    link(&old, &young[0]);
    drop(young);
    // The old object's handle counts in the cycle's refcounts: no write
    // barrier is needed for the young collection to see it as held.
    assert_eq!(collect_generation(0), 0);
    assert!(drops().is_empty());
    drop(old);
    assert_eq!(drops(), [0], "the old object itself goes by refcount");
    // The cycle was promoted by the young collection it survived.
    assert_eq!(collect_generation(0), 0);
    assert_eq!(collect_generation(1), 2);
    assert_dropped_once([0, 1, 2]);
}

#[test]
fn cycle_referenced_only_by_old_garbage_is_freed_only_by_a_full_collection() {
    no_stress();
    // An old self-cycle that becomes garbage while it still points to a
    // young cycle: the young cycle looks held from outside (by the old
    // object) in every collection that does not include generation 2.
    let old = Node::new(0);
    link(&old, &old);
    assert_eq!(collect(), 0);
    let young = ring([1, 2]);
    link(&old, &young[0]);
    drop(young);
    drop(old);
    assert_eq!(collect_generation(0), 0);
    assert_eq!(collect_generation(1), 0);
    assert_eq!(collect_generation(0), 0);
    assert!(drops().is_empty());
    assert_eq!(collect_generation(2), 3);
    assert_dropped_once([0, 1, 2]);
}

#[test]
fn get_count_tracks_allocations_and_collections() {
    no_stress();
    assert_eq!(get_count(), (0, 0, 0));
    let nodes: Vec<Gc<Node>> = (0..3).map(Node::new).collect();
    let _untracked = Gc::new(7u64);
    assert_eq!(get_count(), (3, 0, 0), "three tracked allocations");
    collect_generation(0);
    assert_eq!(get_count(), (0, 1, 0), "one young collection since gen 1");
    collect_generation(0);
    assert_eq!(get_count(), (0, 2, 0));
    collect_generation(1);
    assert_eq!(get_count(), (0, 0, 1), "one gen-1 collection since gen 2");
    let more = Node::new(3);
    assert_eq!(get_count(), (1, 0, 1));
    collect();
    assert_eq!(get_count(), (0, 0, 0));
    drop(more);
    assert_eq!(
        get_count(),
        (0, 0, 0),
        "the young count never goes below zero"
    );
    drop(nodes);
}

#[test]
fn get_stats_counts_collections_per_generation() {
    no_stress();
    let zero = get_stats();
    assert!(zero.iter().all(|s| s.collections == 0 && s.collected == 0));
    drop(ring([1, 2]));
    collect_generation(0);
    drop(ring([3]));
    collect_generation(1);
    collect_generation(1);
    drop(ring([4, 5, 6]));
    collect();
    let s = get_stats();
    assert_eq!(
        [s[0].collections, s[1].collections, s[2].collections],
        [1, 2, 1]
    );
    assert_eq!([s[0].collected, s[1].collected, s[2].collected], [2, 1, 3]);
    assert!(s.iter().all(|g| g.uncollectable == 0));
}

#[test]
fn collect_generation_rejects_an_invalid_generation() {
    let message = catch(|| collect_generation(3)).expect("panics");
    assert!(message.contains("invalid generation"), "{message}");
    // The heap is untouched and works.
    drop(ring([1]));
    assert_eq!(collect(), 1);
}

/// The ids of generation `g`'s `Node`s, in list order.
fn node_ids(g: usize) -> Vec<u64> {
    refcycle::get_objects(Some(g))
        .iter()
        .filter_map(|o| o.downcast::<Node>())
        .map(|n| n.id)
        .collect()
}

#[test]
fn survivors_keep_their_order_and_garbage_is_cleared_in_it_whether_most_of_the_set_dies_or_lives() {
    // Allocation order is what later collections walk in (a structure
    // built bottom-up is met root first); neither a mostly-garbage nor a
    // mostly-live young collection may scramble it.
    for (live_per_gap, garbage_per_gap) in [(1, 6), (6, 1)] {
        no_stress();
        support::clear_drops();
        let mut live = Vec::new();
        let mut next = 1;
        for _ in 0..5 {
            for _ in 0..live_per_gap {
                live.push(ring([next]).remove(0));
                next += 1;
            }
            let ids: Vec<u64> = (next..next + garbage_per_gap).collect();
            next += garbage_per_gap;
            drop(ring(ids));
        }
        let live_ids: Vec<u64> = live.iter().map(|n| n.id).collect();
        let garbage = collect_generation(0);
        assert_eq!(garbage as u64, 5 * garbage_per_gap);
        assert_eq!(node_ids(1), live_ids, "survivors in allocation order");
        let dropped = drops();
        assert!(dropped.windows(2).all(|w| w[0] < w[1]), "{dropped:?}");
        drop(live);
        collect();
    }
}
