//! The workloads, generic over [`Subject`]. Each runs in a child process
//! (see `runner.rs`), returns its measurements as `(key, value)` pairs,
//! and checks that every object it made was really freed: a workload
//! whose objects were not all freed fails instead of reporting a time.
//!
//! Times are in nanoseconds, from `Instant`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::subject::{bytes_allocated_by, frees, Payload, Subject};

/// The sizes of one run (`--quick` shrinks them for smoke tests).
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub w1_iters: usize,
    pub w1h_live: usize,
    pub w2_nodes: usize,
    pub w3_pairs: usize,
    pub w4_nodes: usize,
    pub w4_rounds: usize,
    pub w5_live: usize,
    pub w5_rounds: usize,
    pub w5_structures: usize,
    /// W5's time budget: a crate still running after it stops, and its
    /// total is extrapolated from the rounds it finished.
    pub w5_budget: Duration,
    pub w5f_samples: usize,
    pub full_live: usize,
    pub full_samples: usize,
}

impl Sizes {
    /// The sizes the issue names.
    pub const FULL: Sizes = Sizes {
        w1_iters: 10_000_000,
        w1h_live: 1_000_000,
        w2_nodes: 1_000_000,
        w3_pairs: 100_000,
        w4_nodes: 50_000,
        w4_rounds: 5,
        w5_live: 1_000_000,
        w5_rounds: 1_000,
        w5_structures: 100,
        w5_budget: Duration::from_secs(15),
        w5f_samples: 21,
        full_live: 1_000_000,
        full_samples: 5,
    };

    /// Small sizes that run in a few seconds in all.
    pub const QUICK: Sizes = Sizes {
        w1_iters: 100_000,
        w1h_live: 10_000,
        w2_nodes: 10_000,
        w3_pairs: 1_000,
        w4_nodes: 2_000,
        w4_rounds: 2,
        w5_live: 10_000,
        w5_rounds: 20,
        w5_structures: 100,
        w5_budget: Duration::from_secs(2),
        w5f_samples: 5,
        full_live: 10_000,
        full_samples: 3,
    };
}

/// A workload's measurements, or why its check failed.
pub type Out = Result<Vec<(&'static str, f64)>, String>;

/// Nanoseconds since `t`.
fn ns(t: Instant) -> f64 {
    t.elapsed().as_nanos() as f64
}

/// CPU time this thread has used, in nanoseconds: unlike wall time, it
/// does not count the time the scheduler gave other processes.
#[cfg(unix)]
pub fn thread_cpu_ns() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if r != 0 {
        return f64::NAN;
    }
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

/// No thread CPU clock here: NaN, which the tables show as n/a.
#[cfg(not(unix))]
pub fn thread_cpu_ns() -> f64 {
    f64::NAN
}

/// Fails unless exactly `n` payloads were freed since `base`.
fn expect_freed(base: u64, n: usize, when: &str) -> Result<(), String> {
    let got = frees() - base;
    if got == n as u64 {
        Ok(())
    } else {
        Err(format!("{when}: {got} of {n} objects freed"))
    }
}

/// A complete binary tree of exactly `n` nodes (node `i` holds `2i + 1`
/// and `2i + 2`), built bottom-up without recursion. `None` for `n == 0`.
pub fn tree<S: Subject>(n: usize) -> Option<S::Handle> {
    let mut slots: Vec<Option<S::Handle>> = Vec::new();
    slots.resize_with(n, || None);
    for i in (0..n).rev() {
        let h = S::node(i as u64);
        for c in [2 * i + 1, 2 * i + 2] {
            if let Some(child) = slots.get_mut(c).and_then(Option::take) {
                S::add_child(&h, child);
            }
        }
        slots[i] = Some(h);
    }
    slots.into_iter().next().flatten()
}

/// Frees a graph without a collector: takes every node's children,
/// breadth first (how a program using `Rc` tears down a cyclic graph).
pub fn dismantle<S: Subject>(roots: Vec<S::Handle>) {
    let mut work = roots;
    while let Some(h) = work.pop() {
        work.extend(S::take_children(&h));
    }
}

/// Drops `roots` and frees everything they reach: by hand for `Rc`, by a
/// full collection otherwise.
fn release_all<S: Subject>(roots: Vec<S::Handle>) {
    if S::HAS_COLLECTOR {
        drop(roots);
        S::collect();
    } else {
        dismantle::<S>(roots);
    }
}

/// W1 and W1H: clone and drop one handle `iters` times, with `live`
/// other objects in the heap.
pub fn clone_drop<S: Subject>(iters: usize, live: usize) -> Out {
    let base = frees();
    let heap = tree::<S>(live);
    let h = S::node(0);
    let t = Instant::now();
    for _ in 0..iters {
        drop(black_box(black_box(&h).clone()));
    }
    let total = ns(t);
    release_all::<S>(heap.into_iter().chain([h]).collect());
    expect_freed(base, live + 1, "after dropping everything")?;
    Ok(vec![("total_ns", total)])
}

/// W2: build an `n`-node binary tree, then drop it (and collect, so that
/// a tracing collector frees it too).
pub fn binary_tree<S: Subject>(n: usize) -> Out {
    let base = frees();
    let t = Instant::now();
    let root = tree::<S>(n);
    let build = ns(t);
    let t = Instant::now();
    drop(root);
    S::collect();
    let drop_ns = ns(t);
    expect_freed(base, n, "after dropping the tree")?;
    Ok(vec![("build_ns", build), ("drop_ns", drop_ns)])
}

/// One cycle of `len` nodes numbered from `first`; `Rc` breaks it by hand
/// before it is dropped. Returns one handle to it.
fn ring<S: Subject>(first: u64, len: u64) -> S::Handle {
    let head = S::node(first);
    let mut last = head.clone();
    for i in 1..len {
        let n = S::node(first + i);
        S::add_child(&last, n.clone());
        last = n;
    }
    S::add_child(&last, head.clone());
    head
}

/// W3: `pairs` two-node cycles, all dropped, then one full collection.
pub fn two_node_cycles<S: Subject>(pairs: usize) -> Out {
    let base = frees();
    let t = Instant::now();
    let heads: Vec<S::Handle> = (0..pairs as u64).map(|i| ring::<S>(2 * i, 2)).collect();
    if !S::HAS_COLLECTOR {
        heads.iter().for_each(|h| drop(S::take_children(h)));
    }
    drop(heads);
    let tc = Instant::now();
    S::collect();
    let collect = ns(tc);
    let total = ns(t);
    expect_freed(base, 2 * pairs, "after the collection")?;
    Ok(vec![("total_ns", total), ("collect_ns", collect)])
}

/// SplitMix64: a small seeded generator, the same graph for every crate.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Which nodes `roots` reach through `edges` (iterative marking).
pub fn reachable(edges: &[[u32; 3]], roots: impl Iterator<Item = usize>) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut work: Vec<usize> = roots.collect();
    while let Some(i) = work.pop() {
        if !std::mem::replace(&mut seen[i], true) {
            work.extend(edges[i].iter().map(|&j| j as usize));
        }
    }
    seen
}

/// Every 100th node is a root (1%).
const ROOT_EVERY: usize = 100;

/// W4: `rounds` random graphs of `n` nodes with 3 seeded random edges
/// each; 1% of the nodes are kept as roots, the rest dropped, then a full
/// collection. `Rc` instead marks from the roots and breaks the
/// unreachable nodes' edges by hand, inside the timed region.
pub fn random_graph<S: Subject>(n: usize, rounds: usize) -> Out {
    let mut rng = SplitMix(0x5EED);
    let (mut total, mut collect) = (0.0, 0.0);
    for _ in 0..rounds {
        let edges: Vec<[u32; 3]> = (0..n)
            .map(|_| [0; 3].map(|_: u32| rng.below(n) as u32))
            .collect();
        let garbage = reachable(&edges, (0..n).step_by(ROOT_EVERY))
            .iter()
            .filter(|r| !**r)
            .count();
        let base = frees();
        let t = Instant::now();
        let roots = random_graph_round::<S>(&edges);
        let tc = Instant::now();
        S::collect();
        collect += ns(tc);
        total += ns(t);
        expect_freed(base, garbage, "after the collection")?;
        release_all::<S>(roots);
        expect_freed(base, n, "after dropping the roots")?;
    }
    Ok(vec![("total_ns", total), ("collect_ns", collect)])
}

/// Builds one W4 graph and drops all but the roots, which it returns.
fn random_graph_round<S: Subject>(edges: &[[u32; 3]]) -> Vec<S::Handle> {
    let nodes: Vec<S::Handle> = (0..edges.len() as u64).map(S::node).collect();
    for (node, targets) in nodes.iter().zip(edges) {
        for &j in targets {
            S::add_child(node, nodes[j as usize].clone());
        }
    }
    if !S::HAS_COLLECTOR {
        let live = reachable(edges, (0..nodes.len()).step_by(ROOT_EVERY));
        for (node, _) in nodes.iter().zip(live).filter(|(_, l)| !l) {
            drop(S::take_children(node));
        }
    }
    nodes.into_iter().step_by(ROOT_EVERY).collect()
}

/// Makes `count` three-node cycles and drops them (broken by hand for
/// `Rc`); returns how many objects that made.
fn cyclic_garbage<S: Subject>(count: usize) -> usize {
    for i in 0..count as u64 {
        let h = ring::<S>(3 * i, 3);
        if !S::HAS_COLLECTOR {
            drop(S::take_children(&h));
        }
    }
    3 * count
}

/// W5's measurements so far.
#[derive(Default)]
struct Rounds {
    done: usize,
    made: usize,
    longest: f64,
    longest_cpu: f64,
    outstanding: usize,
}

/// W5: `live` long-lived nodes, then `rounds` rounds of `structures`
/// three-node cyclic garbage structures each. Crates that collect
/// automatically are left to do so; the others (and `Rc`'s hand-breaking)
/// collect at the end of each round.
pub fn steady_state<S: Subject>(sizes: &Sizes) -> Out {
    let base = frees();
    let tree = tree::<S>(sizes.w5_live);
    let mut r = Rounds::default();
    let start = Instant::now();
    while r.done < sizes.w5_rounds && start.elapsed() < sizes.w5_budget {
        let (t, cpu) = (Instant::now(), thread_cpu_ns());
        r.made += cyclic_garbage::<S>(sizes.w5_structures);
        if S::HAS_COLLECTOR && !S::AUTO_COLLECT {
            S::collect_young();
        }
        r.longest = r.longest.max(ns(t));
        r.longest_cpu = r.longest_cpu.max(thread_cpu_ns() - cpu);
        r.outstanding = r.outstanding.max(r.made - (frees() - base) as usize);
        r.done += 1;
    }
    let total = ns(start) * sizes.w5_rounds as f64 / r.done as f64;
    release_all::<S>(tree.into_iter().collect());
    expect_freed(base, sizes.w5_live + r.made, "after dropping everything")?;
    Ok(vec![
        ("total_ns", total),
        ("longest_ns", r.longest),
        ("longest_cpu_ns", r.longest_cpu),
        ("outstanding", r.outstanding as f64),
        ("rounds", r.done as f64),
    ])
}

/// Median of a non-empty sample.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// W5F: with `old` long-lived objects (collected once, so tenured where
/// there are generations), the time of the cheapest collection that frees
/// 100 new three-node cycles.
pub fn young_collection<S: Subject>(old: usize, samples: usize) -> Out {
    let base = frees();
    let tree = tree::<S>(old);
    S::collect();
    let mut times = Vec::new();
    for _ in 0..samples {
        let b = frees();
        let made = cyclic_garbage::<S>(100);
        let t = Instant::now();
        S::collect_young();
        times.push(ns(t));
        expect_freed(b, made, "after the young collection")?;
    }
    release_all::<S>(tree.into_iter().collect());
    expect_freed(base, old + samples * 300, "after dropping everything")?;
    Ok(vec![("young_ns", median(times))])
}

/// A full collection with `live` live objects (a tree), none of them
/// garbage: the median time, and per object.
pub fn full_collection<S: Subject>(live: usize, samples: usize) -> Out {
    let base = frees();
    let tree = tree::<S>(live);
    S::collect();
    let mut times = Vec::new();
    for _ in 0..samples {
        let t = Instant::now();
        S::collect();
        times.push(ns(t));
    }
    expect_freed(base, 0, "after collecting live objects")?;
    release_all::<S>(tree.into_iter().collect());
    expect_freed(base, live, "after dropping everything")?;
    let m = median(times);
    Ok(vec![("full_ns", m), ("per_object_ns", m / live as f64)])
}

/// W6: a singly linked list of `n` nodes dropped from its head, on a
/// thread with an 8 MiB stack. A stack overflow kills the process; the
/// runner reports it as a crash. Prints the phase it is in (to stdout)
/// so that the runner can say where it crashed.
pub fn long_chain<S: Subject>(n: usize) -> Out {
    let run = move || -> Out {
        let base = frees();
        println!("phase build");
        let mut head = S::node(n as u64 - 1);
        for i in (0..n as u64 - 1).rev() {
            let h = S::node(i);
            S::add_child(&h, head);
            head = h;
        }
        println!("phase drop");
        let t = Instant::now();
        drop(head);
        S::collect();
        let drop_ns = ns(t);
        expect_freed(base, n, "after dropping the head")?;
        Ok(vec![("drop_ns", drop_ns)])
    };
    std::thread::Builder::new()
        .name("8MiB".into())
        .stack_size(8 << 20)
        .spawn(run)
        .map_err(|e| e.to_string())?
        .join()
        .map_err(|_| "the workload thread panicked".to_string())?
}

/// Bytes per object beyond the value, as the allocator was asked for
/// them: a tracked node, and an untracked payload-only object.
pub fn header_bytes<S: Subject>() -> Out {
    const N: usize = 500; // below every crate's automatic trigger

    // First-use setup is not counted. Kept until the end: freed, their
    // memory could be reused (refcycle keeps freed boxes for reuse), and
    // the count would miss a box.
    let setup = (S::node(0), S::leaf(0));
    let mut nodes = Vec::with_capacity(N);
    let mut leaves = Vec::with_capacity(N);
    let node_bytes = bytes_allocated_by(|| nodes.extend((0..N as u64).map(S::node)));
    let leaf_bytes = bytes_allocated_by(|| leaves.extend((0..N as u64).map(S::leaf)));
    let per = |bytes: usize, size: usize| bytes as f64 / N as f64 - size as f64;
    let out = vec![
        ("tracked_b", per(node_bytes, std::mem::size_of::<S::Node>())),
        (
            "untracked_b",
            per(leaf_bytes, std::mem::size_of::<Payload>()),
        ),
    ];
    drop((nodes, leaves, setup));
    S::collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    //! Every workload at a tiny size, for every subject: the checks that
    //! everything was freed run as they do in a measurement. (Not the
    //! header sizes: the byte counter is process-wide and tests run in
    //! parallel.)

    use super::*;
    use crate::subjects::NAMES;

    fn all<S: Subject>() -> Result<(), String> {
        let tiny = Sizes {
            w5_live: 1_000,
            w5_rounds: 5,
            w5_structures: 10,
            ..Sizes::QUICK
        };
        clone_drop::<S>(1_000, 100)?;
        binary_tree::<S>(100)?;
        two_node_cycles::<S>(50)?;
        random_graph::<S>(300, 2)?;
        steady_state::<S>(&tiny)?;
        long_chain::<S>(100)?;
        if S::HAS_COLLECTOR {
            young_collection::<S>(100, 2)?;
        }
        if S::SCANS_HEAP {
            full_collection::<S>(100, 2)?;
        }
        Ok(())
    }

    #[test]
    fn every_workload_frees_everything_for_every_subject() {
        for name in NAMES.into_iter().chain(crate::subjects::OPTIONAL) {
            let result = crate::with_subject!(name, all());
            assert_eq!(result, Some(Ok(())), "{name}");
        }
    }

    #[test]
    fn the_random_graph_is_the_same_for_everyone() {
        let mut a = SplitMix(0x5EED);
        let mut b = SplitMix(0x5EED);
        assert!((0..100).all(|_| a.below(50_000) == b.below(50_000)));
    }
}
