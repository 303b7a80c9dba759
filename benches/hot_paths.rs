//! refcycle's own hot paths, so that a regression shows: `cargo bench
//! --bench hot_paths`. `Rc` runs beside refcycle where it has the same
//! operation (clone/drop, allocation), for the ratio.
//!
//! - `clone_drop`: 1,000 clone+drop pairs of one handle;
//! - `alloc_drop`: 1,000 objects allocated then dropped, tracked (a node
//!   with a children vector) and untracked (a bare `u64`);
//! - `young_collection`: a young collection that frees 100 three-node
//!   cycles, with 100,000 old objects in the heap (which it must not
//!   touch);
//! - `full_collection`: a full collection of 100,000 live objects (a
//!   binary tree), none of them garbage;
//! - `finalizer_collection`: a full collection of 100 two-node cycles
//!   whose objects all have finalizers (finalize_garbage, the resurrection
//!   check, then delete_garbage).
//!
//! The workloads against the peer crates are in `compare/`.

use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use criterion::{criterion_main, Criterion};
use refcycle::{Finalize, Gc, Trace};

#[derive(Trace)]
struct Node {
    children: RefCell<Vec<Gc<Node>>>,
}

impl Finalize for Node {
    fn finalize(this: &Gc<Self>) {
        black_box(Gc::strong_count(this));
    }
}

fn node() -> Gc<Node> {
    Gc::new(Node {
        children: RefCell::new(Vec::new()),
    })
}

fn link(from: &Gc<Node>, to: &Gc<Node>) {
    from.children.borrow_mut().push(to.clone());
}

/// A complete binary tree of `n` nodes, built without recursion.
fn tree(n: usize) -> Gc<Node> {
    let mut slots: Vec<Option<Gc<Node>>> = (0..n).map(|_| None).collect();
    for i in (0..n).rev() {
        let h = node();
        for c in [2 * i + 1, 2 * i + 2] {
            if let Some(child) = slots.get_mut(c).and_then(Option::take) {
                h.children.borrow_mut().push(child);
            }
        }
        slots[i] = Some(h);
    }
    slots[0].take().expect("n > 0")
}

/// `count` rings of `len` nodes, dropped: cyclic garbage.
fn rings(count: usize, len: usize, make: fn() -> Gc<Node>) {
    for _ in 0..count {
        let nodes: Vec<Gc<Node>> = (0..len).map(|_| make()).collect();
        for i in 0..len {
            link(&nodes[i], &nodes[(i + 1) % len]);
        }
    }
}

/// `iters` times: make garbage (not timed), then time a collection of
/// `generation`, which must find `expected` objects. (Criterion's batched
/// setup would make many batches of garbage before the first collection.)
fn timed_collections(iters: u64, setup: impl Fn(), generation: usize, expected: usize) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        setup();
        let t = Instant::now();
        let found = refcycle::collect_generation(generation);
        total += t.elapsed();
        assert_eq!(found, expected);
    }
    total
}

fn clone_drop(c: &mut Criterion) {
    let mut group = c.benchmark_group("clone_drop");
    let rc = Rc::new(0u64);
    group.bench_function("rc", |b| {
        b.iter(|| {
            for _ in 0..1000 {
                drop(black_box(Rc::clone(black_box(&rc))));
            }
        })
    });
    let gc = node();
    group.bench_function("gc", |b| {
        b.iter(|| {
            for _ in 0..1000 {
                drop(black_box(Gc::clone(black_box(&gc))));
            }
        })
    });
    group.finish();
}

fn alloc_drop(c: &mut Criterion) {
    let mut group = c.benchmark_group("alloc_drop");
    group.bench_function("rc_u64", |b| {
        b.iter(|| (0..1000u64).for_each(|i| drop(black_box(Rc::new(i)))))
    });
    group.bench_function("gc_u64_untracked", |b| {
        b.iter(|| (0..1000u64).for_each(|i| drop(black_box(Gc::new(i)))))
    });
    group.bench_function("gc_node_tracked", |b| {
        b.iter(|| (0..1000).for_each(|_| drop(black_box(node()))))
    });
    group.finish();
}

fn young_collection(c: &mut Criterion) {
    let old = tree(100_000);
    refcycle::collect();
    c.bench_function("young_collection_300_garbage_100k_old", |b| {
        b.iter_custom(|iters| timed_collections(iters, || rings(100, 3, node), 0, 300))
    });
    drop(old);
    refcycle::collect();
}

fn full_collection(c: &mut Criterion) {
    let live = tree(100_000);
    refcycle::collect();
    c.bench_function("full_collection_100k_live", |b| {
        b.iter(|| assert_eq!(refcycle::collect(), 0))
    });
    drop(live);
    refcycle::collect();
}

fn finalizer_collection(c: &mut Criterion) {
    let with_finalizer = || {
        Gc::new_with_finalizer(Node {
            children: RefCell::new(Vec::new()),
        })
    };
    c.bench_function("finalizer_collection_200_finalizable", |b| {
        b.iter_custom(|iters| timed_collections(iters, || rings(100, 2, with_finalizer), 2, 200))
    });
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

/// The benchmark group (what `criterion_group!` would write, with a doc
/// comment so the crate's `missing_docs` lint is satisfied).
fn benches() {
    let mut c = config().configure_from_args();
    clone_drop(&mut c);
    alloc_drop(&mut c);
    young_collection(&mut c);
    full_collection(&mut c);
    finalizer_collection(&mut c);
}

criterion_main!(benches);
