//! Automatic collection, on CPython's thresholds: a young collection runs
//! when tracked allocations minus deallocations since the last one exceed
//! threshold 0 (default 700); a generation-1 collection replaces every
//! young one once more than threshold 1 young collections happened; a full
//! collection additionally waits for the long-lived objects pending
//! promotion to reach 25% of the old generation. Untracked allocations do
//! not count, and nothing is triggered while the collector is disabled.

mod support;

use refcycle::{
    collect, disable, enable, get_count, get_stats, get_threshold, is_enabled, set_threshold, Gc,
};
use support::{assert_dropped_once, drops, no_stress, ring, Node};

fn young_collections() -> usize {
    get_stats()[0].collections
}

#[test]
fn default_thresholds_are_cpythons() {
    assert_eq!(get_threshold(), (700, 10, 10));
    assert!(is_enabled());
}

#[test]
fn set_threshold_is_read_back_by_get_threshold() {
    set_threshold(5, 6, 7);
    assert_eq!(get_threshold(), (5, 6, 7));
}

#[test]
fn allocating_threshold_plus_one_tracked_objects_triggers_a_young_collection() {
    no_stress();
    set_threshold(10, 10, 10);
    let mut live = Vec::new();
    for i in 0..10 {
        live.push(Node::new(i));
        assert_eq!(get_count().0, i as usize + 1);
    }
    assert_eq!(young_collections(), 0, "10 is not more than the threshold");
    live.push(Node::new(10));
    assert_eq!(young_collections(), 1, "the 11th allocation triggered one");
    assert_eq!(
        get_count(),
        (0, 1, 0),
        "the count was reset by the collection"
    );
    assert!(drops().is_empty(), "everything was alive");
}

#[test]
fn automatic_collection_frees_a_garbage_cycle() {
    no_stress();
    set_threshold(10, 10, 10);
    drop(ring([100, 101])); // two allocations, not freed by refcount
    assert_eq!(get_count().0, 2);
    let mut live = Vec::new();
    for i in 0..8 {
        live.push(Node::new(i));
    }
    assert_eq!(get_count().0, 10);
    assert!(drops().is_empty());
    live.push(Node::new(8)); // the 11th tracked allocation
    assert_eq!(young_collections(), 1);
    assert_dropped_once([100, 101]);
    assert_eq!(get_stats()[0].collected, 2);
}

#[test]
fn deallocations_are_subtracted_from_the_count() {
    no_stress();
    set_threshold(10, 10, 10);
    for i in 0..1_000 {
        drop(Node::new(i)); // allocated and freed: net zero
    }
    assert_eq!(get_count().0, 0);
    assert_eq!(young_collections(), 0);
    assert_eq!(support::drop_total(), 1_000);
}

#[test]
fn untracked_allocations_do_not_count() {
    no_stress();
    set_threshold(5, 10, 10);
    let keep: Vec<Gc<u64>> = (0..100).map(Gc::new).collect();
    let strings: Vec<Gc<String>> = (0..100).map(|i| Gc::new(i.to_string())).collect();
    assert_eq!(get_count(), (0, 0, 0));
    assert_eq!(young_collections(), 0);
    assert_eq!((*keep[99], strings[99].as_str()), (99, "99"));
}

#[test]
fn nothing_is_triggered_while_disabled() {
    no_stress();
    set_threshold(5, 10, 10);
    disable();
    assert!(!is_enabled());
    drop(ring([100, 101]));
    let live: Vec<_> = (0..50).map(Node::new).collect();
    assert_eq!(get_count().0, 52, "the count keeps growing");
    assert_eq!(young_collections(), 0);
    assert!(drops().is_empty());
    assert_eq!(collect(), 2, "explicit collections still work");
    assert_dropped_once([100, 101]);
    enable();
    assert!(is_enabled());
    drop(ring([200, 201]));
    let more: Vec<_> = (0..5).map(Node::new).collect();
    assert_eq!(young_collections(), 1, "the 6th allocation after enable()");
    assert_dropped_once([100, 101, 200, 201]);
    drop((live, more));
}

#[test]
fn threshold_zero_disables_automatic_collection() {
    no_stress();
    set_threshold(0, 10, 10);
    let live: Vec<_> = (0..2_000).map(Node::new).collect();
    assert_eq!(young_collections(), 0);
    assert_eq!(get_count().0, 2_000);
    drop(live);
}

#[test]
fn default_threshold_triggers_after_701_tracked_allocations() {
    no_stress();
    let mut live: Vec<_> = (0..700).map(Node::new).collect();
    assert_eq!(young_collections(), 0);
    live.push(Node::new(700));
    assert_eq!(young_collections(), 1);
}

#[test]
fn middle_generation_is_collected_after_more_than_threshold1_young_collections() {
    no_stress();
    set_threshold(2, 2, 100);
    let mut live = Vec::new();
    // Every third allocation passes threshold 0 (count 3 > 2). The first
    // three triggers are young collections (generation-1 count 1, 2, 3);
    // the fourth finds that count above 2 and collects generation 1.
    for i in 0..12 {
        live.push(Node::new(i));
        let s = get_stats();
        let expected_young = match i {
            0..=1 => 0,
            2..=4 => 1,
            5..=7 => 2,
            _ => 3,
        };
        assert_eq!(s[0].collections, expected_young, "after allocation {i}");
        assert_eq!(
            s[1].collections,
            usize::from(i == 11),
            "after allocation {i}"
        );
    }
    assert_eq!(get_count(), (0, 0, 1));
    assert_eq!(get_stats()[2].collections, 0);
}

#[test]
fn full_collection_waits_for_a_quarter_of_the_old_generation() {
    no_stress();
    // 400 long-lived objects in the old generation.
    let old: Vec<_> = (0..400).map(Node::new).collect();
    assert_eq!(collect(), 0);
    let full_before = get_stats()[2].collections;
    assert_eq!(full_before, 1);
    // With thresholds 1/1/1, generation 2's count is over its threshold
    // after a few collections, but the full collection waits until the
    // objects promoted to the old generation since reach 100 (25% of 400).
    set_threshold(1, 1, 1);
    let mut young = Vec::new();
    let mut first_full = None;
    for i in 0..400 {
        young.push(Node::new(1_000 + i));
        if get_stats()[2].collections > full_before {
            first_full = Some(i + 1);
            break;
        }
    }
    let first_full = first_full.expect("a full collection eventually runs");
    assert!(
        (100..=120).contains(&first_full),
        "the first full collection ran after {first_full} new long-lived objects, \
         expected soon after 100"
    );
    assert!(
        get_count().2 <= 1,
        "the full collection reset generation 2's count"
    );
    assert!(drops().is_empty());
    drop((old, young));
}

#[test]
fn full_collection_runs_automatically_when_the_old_generation_is_small() {
    no_stress();
    set_threshold(1, 1, 1);
    let live: Vec<_> = (0..30).map(Node::new).collect();
    assert!(get_stats()[2].collections >= 1);
    drop(live);
}
