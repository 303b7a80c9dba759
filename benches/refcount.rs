//! `refcycle::Gc` against `std::rc::Rc`, measured in the same run.
//!
//! Two workloads:
//! - `clone_drop`: 1000 clone/drop pairs on one handle, the cost of the
//!   reference counting itself;
//! - `binary_tree`: allocate a complete binary tree of depth 16 (65,535
//!   nodes with two optional children) and drop it, the classic
//!   allocation benchmark. The `Gc` nodes are tracked by the collector,
//!   so `gc` includes the collections the automatic trigger runs;
//!   `gc_no_auto_collect` is the same with automatic collection disabled.
//!
//! Run with `cargo bench --bench refcount`; divide the `gc` time by the
//! `rc` time of the same group for the ratio.

use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use criterion::{criterion_main, Criterion};
use refcycle::{Gc, Trace};

const CLONES: usize = 1000;
const DEPTH: u32 = 16;

fn clone_drop(c: &mut Criterion) {
    let mut group = c.benchmark_group("clone_drop_1000");
    let rc = Rc::new(0u64);
    group.bench_function("rc", |b| {
        b.iter(|| {
            for _ in 0..CLONES {
                drop(black_box(Rc::clone(black_box(&rc))));
            }
        })
    });
    // A tracked object, so the handle is the same kind as in the tree.
    let gc = Gc::new(GcNode {
        left: None,
        right: None,
    });
    group.bench_function("gc", |b| {
        b.iter(|| {
            for _ in 0..CLONES {
                drop(black_box(Gc::clone(black_box(&gc))));
            }
        })
    });
    group.finish();
}

struct RcNode {
    left: Option<Rc<RcNode>>,
    right: Option<Rc<RcNode>>,
}

fn rc_tree(depth: u32) -> Rc<RcNode> {
    if depth == 0 {
        return Rc::new(RcNode {
            left: None,
            right: None,
        });
    }
    Rc::new(RcNode {
        left: Some(rc_tree(depth - 1)),
        right: Some(rc_tree(depth - 1)),
    })
}

#[derive(Trace)]
struct GcNode {
    left: Option<Gc<GcNode>>,
    right: Option<Gc<GcNode>>,
}

fn gc_tree(depth: u32) -> Gc<GcNode> {
    if depth == 0 {
        return Gc::new(GcNode {
            left: None,
            right: None,
        });
    }
    Gc::new(GcNode {
        left: Some(gc_tree(depth - 1)),
        right: Some(gc_tree(depth - 1)),
    })
}

fn count_rc(n: &RcNode) -> usize {
    1 + n.left.as_deref().map_or(0, count_rc) + n.right.as_deref().map_or(0, count_rc)
}

fn count_gc(n: &GcNode) -> usize {
    1 + n.left.as_deref().map_or(0, count_gc) + n.right.as_deref().map_or(0, count_gc)
}

fn binary_tree(c: &mut Criterion) {
    // Depth 16 counts the root as depth 0 here: 2^16 - 1 nodes.
    let depth = DEPTH - 1;
    assert_eq!(count_rc(&rc_tree(depth)), (1 << DEPTH) - 1);
    assert_eq!(count_gc(&gc_tree(depth)), (1 << DEPTH) - 1);

    let mut group = c.benchmark_group("binary_tree_depth_16");
    group.bench_function("rc", |b| b.iter(|| drop(black_box(rc_tree(depth)))));
    group.bench_function("gc", |b| b.iter(|| drop(black_box(gc_tree(depth)))));
    // The same without automatic collections: what the handles, tracking
    // and release path cost on their own.
    refcycle::disable();
    group.bench_function("gc_no_auto_collect", |b| {
        b.iter(|| drop(black_box(gc_tree(depth))))
    });
    refcycle::enable();
    group.finish();
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
    binary_tree(&mut c);
}

criterion_main!(benches);
