//! `snapshot()` is linear in the size of the heap: the same linked list of
//! tracked nodes (each holding the next, plus an untracked `Gc<u64>`
//! payload that the walk sees and skips) at 100,000 and at 1,000,000
//! objects. Linear time means a 1M/100k ratio near 10.
//!
//! Run with `cargo bench --bench snapshot`. After criterion's report, the
//! program prints its own median of five timed snapshots per size (and at
//! 2M), the ratios and the cost per object, so the claim can be read off
//! two lines.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use refcycle::{snapshot, Gc, Trace};

#[derive(Trace)]
struct Node {
    payload: Gc<u64>,
    next: Option<Gc<Node>>,
}

const SIZES: [usize; 2] = [100_000, 1_000_000];

/// A list of `n` tracked nodes; returns the head (the only outside handle).
fn build(n: usize) -> Gc<Node> {
    let mut head: Option<Gc<Node>> = None;
    for i in 0..n {
        head = Some(Gc::new(Node {
            payload: Gc::new(i as u64),
            next: head,
        }));
    }
    head.expect("n > 0")
}

fn snapshots(c: &mut Criterion) {
    let mut group = c.benchmark_group("snapshot");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    for n in SIZES {
        let head = build(n);
        assert_eq!(snapshot().len(), n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| black_box(snapshot()))
        });
        drop(head);
    }
    group.finish();
}

/// The median wall time of `runs` snapshots of an `n`-object heap.
fn median_snapshot_time(n: usize, runs: usize) -> Duration {
    let head = build(n);
    black_box(snapshot()); // warm-up, as criterion does
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(snapshot());
            t.elapsed()
        })
        .collect();
    drop(head);
    times.sort();
    times[runs / 2]
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    snapshots(&mut c);
    c.final_summary();
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and
    // then criterion runs each benchmark once, as a test: skip the timing.
    if std::env::args().any(|a| a == "--bench") {
        report_ratio();
    }
}

/// Prints the medians, the 1M/100k ratio, and the cost per object, with a
/// 2M point: once the heap no longer fits in the caches, the cost per
/// object must stay flat for the time to be linear.
fn report_ratio() {
    let sizes = [SIZES[0], SIZES[1], 2 * SIZES[1]];
    let times = sizes.map(|n| median_snapshot_time(n, 5));
    for (n, t) in sizes.iter().zip(&times) {
        println!(
            "snapshot of {n:>9} objects: median {t:>9.1?}, {:.0} ns per object",
            t.as_secs_f64() * 1e9 / *n as f64
        );
    }
    println!(
        "snapshot: ratio 1M/100k = {:.2} (linear = 10), 2M/1M = {:.2} (linear = 2)",
        times[1].as_secs_f64() / times[0].as_secs_f64(),
        times[2].as_secs_f64() / times[1].as_secs_f64()
    );
}
