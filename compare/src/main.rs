//! `compare`: refcycle against `std::rc::Rc` and the peer crates
//! (dumpster, rust-cc, bacon_rajan_cc, gcmodule, gc) on the same
//! workloads, measured side by side in one run, with ratios against `Rc`.
//!
//! ```text
//! cargo run --release -p compare              # the full run (~10 minutes)
//! cargo run --release -p compare -- --quick   # small sizes, seconds
//! cargo run --release -p compare -- --only W2,W3 --subjects Rc,refcycle
//! ```
//!
//! Every measurement runs in a child process of this binary (`--child
//! SUBJECT WORKLOAD SIZE`), so that a crate that overflows the stack is
//! reported as a crash, and so that no crate's heap or collector state
//! leaks into another's numbers. `docs/performance.md` explains each
//! workload and number.

mod report;
mod runner;
mod subject;
mod subjects;
mod workloads;

use subject::CountingAlloc;
use workloads::Sizes;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let sizes = if quick { Sizes::QUICK } else { Sizes::FULL };
    if args.first().map(String::as_str) == Some("--child") {
        std::process::exit(child(&args[1..], &sizes));
    }
    let list = |flag: &str| {
        let i = args.iter().position(|a| a == flag)?;
        Some(
            args.get(i + 1)?
                .split(',')
                .map(str::to_string)
                .collect::<Vec<_>>(),
        )
    };
    let only = list("--only");
    let chosen = list("--subjects");
    let subjects: Vec<&str> = match &chosen {
        None => subjects::NAMES.to_vec(),
        Some(c) => (subjects::NAMES.iter().chain(&subjects::OPTIONAL))
            .copied()
            .filter(|s| c.iter().any(|x| x == s))
            .collect(),
    };
    let jobs: Vec<_> = runner::jobs(&sizes, quick)
        .into_iter()
        .filter(|j| {
            only.as_ref()
                .is_none_or(|o| o.iter().any(|x| *x == j.workload))
        })
        .collect();
    print_preamble(&args, &sizes);
    let started = std::time::Instant::now();
    let results = runner::run_all(&jobs, &subjects, quick);
    let scale = if quick { 100 } else { 1 };
    let (w5f, w6) = (runner::w5f_sizes(scale), runner::w6_sizes(scale));
    for t in report::tables(w5f, w6, sizes.full_live) {
        if t.cols.iter().any(|c| results.contains_key(&c.job)) {
            report::print_table(&results, &t, &subjects);
        }
    }
    report::print_summary(&results, &subjects, w6[0]);
    println!("Run time: {:.0} s", started.elapsed().as_secs_f64());
}

fn print_preamble(args: &[String], sizes: &Sizes) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("model name"))?.to_string();
            Some(line.split(':').nth(1)?.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let command = format!("cargo run --release -p compare -- {}", args.join(" "));
    println!("## `{}`\n", command.trim_end().trim_end_matches(" --"));
    println!("Machine: {cpu}, {cores} cores. Sizes: {sizes:?}\n");
}

fn setup_subject<S: subject::Subject>() {
    S::setup();
}

/// Runs one measurement and prints `key value` lines; the exit code says
/// whether its checks passed.
fn child(args: &[String], sizes: &Sizes) -> i32 {
    let [subject, workload, param, ..] = args else {
        eprintln!("usage: compare --child SUBJECT WORKLOAD SIZE [--quick]");
        return 2;
    };
    let n: usize = param.parse().unwrap_or(0);
    let s = *sizes;
    with_subject!(subject.as_str(), setup_subject());
    use workloads::*;
    let out = match workload.as_str() {
        "W1" => with_subject!(subject.as_str(), clone_drop(s.w1_iters, 0)),
        "W1H" => with_subject!(subject.as_str(), clone_drop(s.w1_iters, s.w1h_live)),
        "W2" => with_subject!(subject.as_str(), binary_tree(s.w2_nodes)),
        "W3" => with_subject!(subject.as_str(), two_node_cycles(s.w3_pairs)),
        "W4" => with_subject!(subject.as_str(), random_graph(s.w4_nodes, s.w4_rounds)),
        "W5" => with_subject!(subject.as_str(), steady_state(&s)),
        "W5F" => with_subject!(subject.as_str(), young_collection(n, s.w5f_samples)),
        "FULL" => with_subject!(subject.as_str(), full_collection(n, s.full_samples)),
        "W6" => with_subject!(subject.as_str(), long_chain(n)),
        "HDR" => with_subject!(subject.as_str(), header_bytes()),
        _ => None,
    };
    match out {
        None => {
            eprintln!("unknown subject or workload: {subject} {workload}");
            2
        }
        Some(Ok(values)) => {
            for (k, v) in values {
                println!("{k} {v}");
            }
            0
        }
        Some(Err(message)) => {
            println!("fail {message}");
            3
        }
    }
}
