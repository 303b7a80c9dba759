//! Collections do not nest: `collect()` called from code the collector
//! runs (a `Drop` impl of garbage, a finalizer) returns 0 at once and does
//! not disturb the collection under way, which still frees all its
//! garbage exactly once. Outside a collection (a `Drop` run by reference
//! counting), `collect()` from a `Drop` impl is an ordinary collection.

mod support;

use std::cell::{Cell, RefCell};

use refcycle::{collect, collect_generation, get_stats, is_finalized, Finalize, Gc, Trace};
use support::{assert_dropped_once, drops, log_drop, ring, Node};

thread_local! {
    /// What each nested `collect()` call returned.
    static NESTED: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    /// Which generation the nested calls ask for.
    static NESTED_GENERATION: Cell<usize> = const { Cell::new(2) };
}

fn nested_results() -> Vec<usize> {
    NESTED.with(|n| n.borrow().clone())
}

/// A cycle member whose `Drop` calls `collect_generation`.
#[derive(Trace)]
struct Collector {
    #[trace(skip)]
    id: u64,
    next: RefCell<Option<Gc<Collector>>>,
}

impl Drop for Collector {
    fn drop(&mut self) {
        let generation = NESTED_GENERATION.with(Cell::get);
        let n = collect_generation(generation);
        NESTED.with(|v| v.borrow_mut().push(n));
        log_drop(self.id);
    }
}

fn collector_ring(ids: &[u64]) -> Vec<Gc<Collector>> {
    let nodes: Vec<_> = ids
        .iter()
        .map(|&id| {
            Gc::new(Collector {
                id,
                next: RefCell::new(None),
            })
        })
        .collect();
    for (i, n) in nodes.iter().enumerate() {
        *n.next.borrow_mut() = Some(nodes[(i + 1) % nodes.len()].clone());
    }
    nodes
}

#[test]
fn collect_from_a_drop_during_a_collection_returns_zero() {
    support::no_stress();
    drop(collector_ring(&[1, 2, 3]));
    let before = get_stats()[2].collections;
    assert_eq!(collect(), 3);
    assert_eq!(nested_results(), [0, 0, 0]);
    assert_dropped_once([1, 2, 3]);
    assert_eq!(
        get_stats()[2].collections,
        before + 1,
        "the nested calls did not count as collections"
    );
}

#[test]
fn young_collect_from_a_drop_during_a_collection_returns_zero() {
    NESTED_GENERATION.with(|g| g.set(0));
    drop(collector_ring(&[1, 2]));
    assert_eq!(collect(), 2);
    assert_eq!(nested_results(), [0, 0]);
    assert_dropped_once([1, 2]);
}

#[test]
fn nested_collect_does_not_steal_the_outer_collections_garbage() {
    // Other garbage in the same collection is freed by the outer one, and
    // counted by it.
    let plain = ring([10, 11]);
    let collectors = collector_ring(&[1, 2]);
    drop((plain, collectors));
    assert_eq!(collect(), 4);
    assert_eq!(nested_results(), [0, 0]);
    assert_dropped_once([1, 2, 10, 11]);
    assert_eq!(collect(), 0);
}

#[test]
fn collect_from_a_drop_run_by_refcount_is_a_real_collection() {
    support::no_stress();
    // An acyclic Collector dropped by refcount (no collection under way)
    // collects the garbage cycle made before.
    drop(ring([10, 11]));
    let lone = Gc::new(Collector {
        id: 1,
        next: RefCell::new(None),
    });
    drop(lone);
    assert_eq!(nested_results(), [2]);
    assert_dropped_once([1, 10, 11]);
}

/// A cycle member whose finalizer calls `collect()`.
#[derive(Trace)]
struct Finalized {
    #[trace(skip)]
    id: u64,
    next: RefCell<Option<Gc<Finalized>>>,
}

impl Finalize for Finalized {
    fn finalize(this: &Gc<Self>) {
        assert!(is_finalized(this), "marked before the finalizer runs");
        let n = collect();
        NESTED.with(|v| v.borrow_mut().push(n));
    }
}

impl Drop for Finalized {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

fn finalized_ring(ids: &[u64]) -> Vec<Gc<Finalized>> {
    let nodes: Vec<_> = ids
        .iter()
        .map(|&id| {
            Gc::new_with_finalizer(Finalized {
                id,
                next: RefCell::new(None),
            })
        })
        .collect();
    for (i, n) in nodes.iter().enumerate() {
        *n.next.borrow_mut() = Some(nodes[(i + 1) % nodes.len()].clone());
    }
    nodes
}

#[test]
fn collect_from_a_finalizer_during_a_collection_returns_zero() {
    let plain = ring([10]);
    drop(finalized_ring(&[1, 2]));
    drop(plain);
    assert_eq!(collect(), 3);
    assert_eq!(nested_results(), [0, 0], "each finalizer ran once");
    assert_dropped_once([1, 2, 10]);
    assert_eq!(collect(), 0);
}

#[test]
fn collect_from_a_finalizer_run_by_refcount_is_a_real_collection() {
    support::no_stress();
    drop(ring([10, 11, 12]));
    // A self-cycle with a finalizer.
    drop(finalized_ring(&[1]));
    // An acyclic object with a finalizer, freed by refcount: its finalizer
    // runs outside any collection, so its collect() is a real one. That
    // collection runs the self-cycle's finalizer, whose collect() is nested.
    let lone = Gc::new_with_finalizer(Finalized {
        id: 2,
        next: RefCell::new(None),
    });
    drop(lone);
    assert_eq!(nested_results(), [0, 4], "nested first, then the real one");
    assert_eq!(collect(), 0);
    assert_dropped_once([1, 2, 10, 11, 12]);
}

thread_local! {
    static STASH: RefCell<Option<Gc<Node>>> = const { RefCell::new(None) };
}

#[test]
fn allocating_during_a_collection_does_not_break_it() {
    // A Drop impl that allocates tracked objects while the collector clears
    // the garbage: a new garbage cycle, and a node it stores in a global.
    // Both are left alone by the collection under way, even with thresholds
    // that would trigger one on every allocation.
    #[derive(Trace)]
    struct Allocator {
        next: RefCell<Option<Gc<Allocator>>>,
    }
    impl Drop for Allocator {
        fn drop(&mut self) {
            drop(ring([100, 101]));
            STASH.with(|s| *s.borrow_mut() = Some(Node::new(200)));
        }
    }
    support::no_stress();
    refcycle::set_threshold(1, 1, 1);
    let a = Gc::new(Allocator {
        next: RefCell::new(None),
    });
    *a.next.borrow_mut() = Some(a.clone());
    drop(a);
    let young_before = get_stats()[0].collections;
    assert_eq!(collect(), 1);
    assert!(
        drops().is_empty(),
        "the new cycle is not freed by the same collection"
    );
    assert_eq!(
        get_stats()[0].collections,
        young_before,
        "nothing was triggered"
    );
    refcycle::disable();
    assert_eq!(collect(), 2, "the next collection frees the new cycle");
    assert_dropped_once([100, 101]);
    let stashed = STASH.with(|s| s.borrow_mut().take()).expect("stored");
    assert_eq!(stashed.id, 200);
    drop(stashed);
    assert_dropped_once([100, 101, 200]);
}

#[test]
fn collect_from_a_drop_while_deep_releases_are_queued_counts_none_of_them() {
    // Dropping a long chain defers the releases past the trashcan depth to
    // a queue; those objects have no handle left but are still linked in
    // a generation. A collect() from a Drop impl that runs meanwhile must
    // leave them to reference counting: each is dropped once, and none is
    // counted as cyclic garbage (CPython never sees them in its lists).
    #[derive(Trace)]
    struct Link {
        #[trace(skip)]
        id: u64,
        next: Option<Gc<Link>>,
    }
    impl Drop for Link {
        fn drop(&mut self) {
            log_drop(self.id);
        }
    }
    /// Drops `chain` first (fields drop in order), then `collector`.
    #[derive(Trace)]
    struct Root {
        chain: Option<Gc<Link>>,
        collector: Gc<Collector>,
    }
    support::no_stress();
    let n = 100;
    let mut head = Gc::new(Link { id: 0, next: None });
    for id in 1..n {
        head = Gc::new(Link {
            id,
            next: Some(head),
        });
    }
    let root = Gc::new(Root {
        chain: Some(head),
        collector: Gc::new(Collector {
            id: 1_000,
            next: RefCell::new(None),
        }),
    });
    drop(root);
    assert_eq!(nested_results(), [0], "queued releases are not garbage");
    assert_dropped_once((0..n).chain([1_000]));
    assert_eq!(get_stats()[2].collected, 0);
    assert_eq!(refcycle::get_count().0, 0, "every link was untracked");
}
