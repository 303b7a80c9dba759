//! Leak diagnosis by counting: `leak_report()` counts the tracked objects
//! still alive per type, and what `garbage()` holds; `Snapshot` gives
//! per-type counts (`type_counts`, `most_common_types`) and their growth
//! between two snapshots (objgraph's `show_growth`: only the types that
//! grew, largest growth first). With `DEBUG_LEAK` set, the heap's teardown
//! at thread exit prints what survived its final collection.

mod support;

use std::cell::RefCell;

use refcycle::{
    clear_garbage, collect, leak_report, set_debug, snapshot, Gc, LeakReport, Snapshot, Trace,
    DEBUG_SAVEALL,
};
use support::{no_stress, ring, Node};

#[derive(Trace)]
struct Cache {
    entries: RefCell<Vec<Gc<Node>>>,
}

fn node_name() -> String {
    std::any::type_name::<Node>().to_string()
}

fn cache_name() -> String {
    std::any::type_name::<Cache>().to_string()
}

fn new_cache() -> Gc<Cache> {
    Gc::new(Cache {
        entries: RefCell::new(Vec::new()),
    })
}

// ---------------------------------------------------------------------------
// leak_report
// ---------------------------------------------------------------------------

#[test]
fn leak_report_counts_tracked_objects_per_type_most_common_first() {
    let _nodes: Vec<_> = (0..3).map(Node::new).collect();
    let _caches = (new_cache(), new_cache());
    let _untracked = Gc::new(5_u32);
    let report = leak_report();
    assert_eq!(report.alive, [(node_name(), 3), (cache_name(), 2)]);
    assert_eq!(report.total_alive(), 5);
    assert_eq!(report.alive_count(&node_name()), 3);
    assert_eq!(report.alive_count("nothing"), 0);
    assert!(report.garbage.is_empty());
}

#[test]
fn leak_report_of_an_empty_heap_is_empty() {
    assert_eq!(leak_report(), LeakReport::default());
}

#[test]
fn leak_report_sees_a_forgotten_cycle_until_it_is_collected() {
    no_stress();
    drop(ring([1, 2, 3]));
    assert_eq!(leak_report().alive_count(&node_name()), 3);
    assert_eq!(collect(), 3);
    assert_eq!(leak_report().total_alive(), 0);
}

#[test]
fn leak_report_counts_what_garbage_holds() {
    no_stress();
    set_debug(DEBUG_SAVEALL);
    drop(ring([1, 2]));
    assert_eq!(collect(), 2);
    let report = leak_report();
    assert_eq!(report.garbage, [(node_name(), 2)]);
    assert_eq!(report.total_garbage(), 2);
    assert_eq!(report.alive_count(&node_name()), 2, "garbage is alive too");
    set_debug(0);
    clear_garbage();
    assert_eq!(collect(), 2);
    assert_eq!(leak_report().total_alive(), 0);
}

#[test]
fn leak_report_prints_one_line_per_type() {
    let _nodes: Vec<_> = (0..2).map(Node::new).collect();
    let _cache = new_cache();
    let text = leak_report().to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "3 tracked objects alive",
            "       2  Node",
            "       1  Cache",
            "0 of them in gc.garbage",
        ]
    );
}

// ---------------------------------------------------------------------------
// Type counts and growth
// ---------------------------------------------------------------------------

#[test]
fn type_counts_and_most_common_types_agree() {
    let _nodes: Vec<_> = (0..4).map(Node::new).collect();
    let _caches = (new_cache(), new_cache());
    let snap = snapshot();
    let counts = snap.type_counts();
    assert_eq!(counts.len(), 2);
    assert_eq!(counts[&node_name()], 4);
    assert_eq!(counts[&cache_name()], 2);
    assert_eq!(
        snap.most_common_types(10),
        [(node_name(), 4), (cache_name(), 2)]
    );
    assert_eq!(snap.most_common_types(1), [(node_name(), 4)]);
    assert!(snap.most_common_types(0).is_empty());
}

#[test]
fn most_common_types_breaks_ties_by_name() {
    let _a = (Node::new(1), new_cache());
    let top = snapshot().most_common_types(2);
    let mut names = [node_name(), cache_name()];
    names.sort();
    assert_eq!(top, [(names[0].clone(), 1), (names[1].clone(), 1)]);
}

#[test]
fn growth_lists_only_the_types_that_grew_largest_first() {
    no_stress();
    let cache = new_cache();
    let old_nodes: Vec<_> = (0..2).map(Node::new).collect();
    let before = snapshot();
    // The workload: the cache keeps 10 nodes; one new cache; two old nodes go.
    for i in 0..10 {
        cache.entries.borrow_mut().push(Node::new(100 + i));
    }
    let _second = new_cache();
    drop(old_nodes);
    let after = snapshot();
    let growth = Snapshot::growth(&before, &after);
    assert_eq!(growth.len(), 2);
    assert_eq!(
        (
            growth[0].type_name.as_str(),
            growth[0].count,
            growth[0].delta
        ),
        (node_name().as_str(), 10, 8)
    );
    assert_eq!(
        (
            growth[1].type_name.as_str(),
            growth[1].count,
            growth[1].delta
        ),
        (cache_name().as_str(), 2, 1)
    );
    let row = growth[0].to_string();
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["Node", "10", "+8"]
    );
}

#[test]
fn growth_is_empty_when_nothing_grew() {
    let _nodes: Vec<_> = (0..3).map(Node::new).collect();
    let before = snapshot();
    let after = snapshot();
    assert!(Snapshot::growth(&before, &after).is_empty());
    assert!(Snapshot::growth(&after, &Snapshot::default()).is_empty());
    assert_eq!(Snapshot::growth(&Snapshot::default(), &after).len(), 1);
}

// ---------------------------------------------------------------------------
// DEBUG_LEAK at thread exit
// ---------------------------------------------------------------------------

const CHILD_ENV: &str = "REFCYCLE_LEAK_REPORT_CHILD";

/// In the child process: a thread that sets `DEBUG_LEAK`, forgets a cycle
/// (the final collection keeps it in `garbage()`, since `DEBUG_LEAK`
/// includes `DEBUG_SAVEALL`) and leaks one more node with `mem::forget`.
fn leaky_thread() {
    std::thread::spawn(|| {
        set_debug(refcycle::DEBUG_LEAK);
        drop(ring([1, 2]));
        std::mem::forget(Node::new(3));
        let _c = new_cache(); // freed normally: not reported
    })
    .join()
    .unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn processes")]
fn debug_leak_prints_what_survives_thread_exit() {
    if std::env::var_os(CHILD_ENV).is_some() {
        leaky_thread();
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "debug_leak_prints_what_survives_thread_exit",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .env_remove("REFCYCLE_STRESS")
        .output()
        .expect("run the child");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed: {stderr}");
    let report: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("gc: DEBUG_LEAK"))
        .collect();
    assert_eq!(
        report,
        [
            "gc: DEBUG_LEAK: still alive after the final collection at thread exit:",
            "gc:   3 tracked objects alive",
            "gc:          3  Node",
            "gc:   2 of them in gc.garbage",
            "gc:          2  Node",
        ],
        "stderr was:\n{stderr}"
    );
}
