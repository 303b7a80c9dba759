//! minipy against CPython, command by command, in the same run.
//!
//! Runs each script of `benches/scripts/` with the `minipy` binary and with
//! `python3`, alternating the two, several times; prints the median wall
//! time of each and their ratio. For `big_heap_collect.py` it also compares
//! the time of `gc.collect()` itself, which the script measures and prints
//! (`collect_seconds <s>`), so that start-up and heap building are left out.
//!
//! ```text
//! cargo bench -p minipy --bench vs_cpython            # 5 repetitions
//! MINIPY_BENCH_REPS=9 cargo bench -p minipy --bench vs_cpython
//! ```
//!
//! The machines this runs on are shared and noisy, so only the ratios of
//! one run mean much; absolute times are printed for context.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The scripts, with the target ratio (minipy time over CPython time) the
/// project sets for each, where it sets one.
const SCRIPTS: &[(&str, Option<f64>)] = &[
    ("cycle_churn.py", Some(1.5)),
    ("binary_trees.py", None),
    ("big_heap_collect.py", None),
];

/// One run of one script: wall time, and the `collect_seconds` it printed.
struct Sample {
    wall: Duration,
    collect: Option<f64>,
}

fn run(program: &Path, script: &Path) -> Sample {
    let start = Instant::now();
    let out = Command::new(program)
        .arg(script)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let wall = start.elapsed();
    assert!(
        out.status.success(),
        "{} {} failed ({}):\n{}",
        program.display(),
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let collect = stdout
        .lines()
        .find_map(|l| l.strip_prefix("collect_seconds "))
        .map(|s| s.trim().parse().expect("collect_seconds is a float"));
    Sample { wall, collect }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// The output of both must be the same, or the timing compares different
/// work.
fn check_same_output(minipy: &Path, python: &Path, script: &Path) {
    let a = Command::new(minipy)
        .arg(script)
        .output()
        .expect("minipy runs");
    let b = Command::new(python)
        .arg(script)
        .output()
        .expect("python3 runs");
    let strip = |s: &[u8]| -> String {
        String::from_utf8_lossy(s)
            .lines()
            .filter(|l| !l.starts_with("collect_seconds "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(&a.stdout),
        strip(&b.stdout),
        "{}: minipy and python3 print different output",
        script.display()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects scripts.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let reps: usize = std::env::var("MINIPY_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let minipy = PathBuf::from(env!("CARGO_BIN_EXE_minipy"));
    let python = PathBuf::from("python3");
    if Command::new(&python).arg("--version").output().is_err() {
        println!("python3 not found: nothing to compare against; benchmark skipped");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scripts");
    println!("minipy against python3, median of {reps} alternating runs each\n");
    println!(
        "| script | python3 | minipy | minipy / python3 | target |\n| --- | --- | --- | --- | --- |"
    );
    for &(name, target) in SCRIPTS {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let script = dir.join(name);
        check_same_output(&minipy, &python, &script);
        let (mut py, mut mp) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            py.push(run(&python, &script));
            mp.push(run(&minipy, &script));
        }
        let wall = |v: &[Sample]| median(v.iter().map(|s| s.wall.as_secs_f64()).collect());
        let (p, m) = (wall(&py), wall(&mp));
        let verdict = |ratio: f64, target: Option<f64>| match target {
            Some(t) if ratio <= t => format!("<= {t}x: met"),
            Some(t) => format!("<= {t}x: missed"),
            None => "-".to_string(),
        };
        println!(
            "| {name} (whole run) | {:.1} ms | {:.1} ms | {:.2}x | {} |",
            p * 1e3,
            m * 1e3,
            m / p,
            verdict(m / p, target)
        );
        let collect = |v: &[Sample]| -> Option<f64> {
            v.iter()
                .map(|s| s.collect)
                .collect::<Option<Vec<_>>>()
                .map(median)
        };
        if let (Some(p), Some(m)) = (collect(&py), collect(&mp)) {
            println!(
                "| {name} (gc.collect() alone) | {:.2} ms | {:.2} ms | {:.2}x | {} |",
                p * 1e3,
                m * 1e3,
                m / p,
                verdict(m / p, Some(1.0))
            );
        }
    }
}
