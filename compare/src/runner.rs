//! The runner: every measurement in a child process of this binary (so a
//! stack overflow in one crate is reported as a crash, and no crate's
//! heap or thresholds leak into another's measurement), crates
//! interleaved within each repetition, medians across repetitions.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::workloads::{median, Sizes};

/// One workload at one size, run `reps` times for each subject.
pub struct Job {
    /// Its name in the tables, e.g. `W5F-100000`.
    pub id: String,
    /// The child's workload argument.
    pub workload: &'static str,
    /// The child's size argument (0 when the workload takes none).
    pub param: usize,
    pub reps: usize,
}

/// The jobs of a run, in the order they run.
pub fn jobs(sizes: &Sizes, quick: bool) -> Vec<Job> {
    let job = |workload: &'static str, param: usize, reps: usize| Job {
        id: if param == 0 {
            workload.to_string()
        } else {
            format!("{workload}-{param}")
        },
        workload,
        param,
        reps: if quick { 1 } else { reps },
    };
    let scale = if quick { 100 } else { 1 };
    let mut v = vec![
        job("W1", 0, 5),
        job("W1H", 0, 5),
        job("W2", 0, 5),
        job("W3", 0, 5),
        job("W4", 0, 5),
        // Three: gcmodule spends its 15 s budget in each.
        job("W5", 0, 3),
    ];
    v.extend(w5f_sizes(scale).map(|n| job("W5F", n, 5)));
    v.push(job("FULL", sizes.full_live, 5));
    v.extend(
        w6_sizes(scale)
            .into_iter()
            .zip([5, 1, 1])
            .map(|(n, r)| job("W6", n, r)),
    );
    v.push(job("HDR", 0, 1));
    v
}

/// W5F's old-heap sizes.
pub fn w5f_sizes(scale: usize) -> [usize; 3] {
    [10_000, 100_000, 1_000_000].map(|n| n / scale)
}

/// W6's chain lengths.
pub fn w6_sizes(scale: usize) -> [usize; 3] {
    [100_000, 1_000_000, 10_000_000].map(|n| n / scale)
}

/// What one child run gave.
#[derive(Clone, Debug)]
pub enum Outcome {
    Ok(BTreeMap<String, f64>),
    /// Killed by a signal or exited abnormally; says in which phase.
    Crash(String),
    /// A check failed (objects not freed) or the child ran too long.
    Fail(String),
}

/// Runs one measurement in a child process and reads its report.
pub fn run_child(subject: &str, job: &Job, quick: bool, timeout: Duration) -> Outcome {
    let exe = std::env::current_exe().expect("the runner's own path");
    let dir = std::env::temp_dir();
    let out_path = dir.join(format!("compare-{}.out", std::process::id()));
    let err_path = dir.join(format!("compare-{}.err", std::process::id()));
    let mut cmd = Command::new(exe);
    cmd.args(["--child", subject, job.workload, &job.param.to_string()]);
    if quick {
        cmd.arg("--quick");
    }
    let files = (File::create(&out_path), File::create(&err_path));
    let (Ok(out), Ok(err)) = files else {
        return Outcome::Fail("cannot create the child's output files".into());
    };
    let child = cmd.stdin(Stdio::null()).stdout(out).stderr(err).spawn();
    let outcome = match child {
        Ok(child) => wait_for(child, timeout, &out_path, &err_path),
        Err(e) => Outcome::Fail(format!("cannot start the child: {e}")),
    };
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    outcome
}

fn wait_for(
    mut child: std::process::Child,
    timeout: Duration,
    out: &PathBuf,
    err: &PathBuf,
) -> Outcome {
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Outcome::Fail(format!("timeout ({} s)", timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Outcome::Fail(format!("wait: {e}")),
        }
    };
    let stdout = std::fs::read_to_string(out).unwrap_or_default();
    let stderr = std::fs::read_to_string(err).unwrap_or_default();
    parse(status, &stdout, &stderr)
}

/// Reads `key value` lines; `phase NAME` lines say where a crash was;
/// `fail MESSAGE` is a failed check.
fn parse(status: std::process::ExitStatus, stdout: &str, stderr: &str) -> Outcome {
    let mut values = BTreeMap::new();
    let mut phase = "start";
    for line in stdout.lines() {
        let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "phase" => phase = rest,
            "fail" => return Outcome::Fail(rest.to_string()),
            _ => {
                if let Ok(v) = rest.trim().parse::<f64>() {
                    values.insert(key.to_string(), v);
                }
            }
        }
    }
    if status.success() {
        return Outcome::Ok(values);
    }
    let why = if stderr.contains("overflowed its stack") {
        "stack overflow".to_string()
    } else {
        crash_cause(status, stderr)
    };
    Outcome::Crash(format!("{why} in {phase}"))
}

#[cfg(unix)]
fn crash_cause(status: std::process::ExitStatus, stderr: &str) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(s) => format!("signal {s}"),
        None => last_line(stderr, status),
    }
}

#[cfg(not(unix))]
fn crash_cause(status: std::process::ExitStatus, stderr: &str) -> String {
    last_line(stderr, status)
}

fn last_line(stderr: &str, status: std::process::ExitStatus) -> String {
    let line = stderr.lines().rev().find(|l| !l.trim().is_empty());
    line.map_or_else(|| status.to_string(), str::to_string)
}

/// All outcomes: by job id, then subject.
pub type Results = BTreeMap<String, BTreeMap<String, Vec<Outcome>>>;

/// Runs every job for every subject, interleaving the subjects within
/// each repetition (rotating their order from one repetition to the
/// next), and prints progress on stderr.
pub fn run_all(jobs: &[Job], subjects: &[&str], quick: bool) -> Results {
    let mut results = Results::new();
    for job in jobs {
        let mut order: Vec<&str> = subjects
            .iter()
            .copied()
            .filter(|s| applies(s, job))
            .collect();
        for rep in 0..job.reps {
            for &s in &order {
                let t = Instant::now();
                let o = run_child(s, job, quick, Duration::from_secs(300));
                eprintln!(
                    "{:<12} rep {}/{} {:<15} {:>7.2} s  {}",
                    job.id,
                    rep + 1,
                    job.reps,
                    s,
                    t.elapsed().as_secs_f64(),
                    summary(&o)
                );
                let per_job = results.entry(job.id.clone()).or_default();
                per_job.entry(s.to_string()).or_default().push(o);
            }
            order.rotate_left(1);
        }
    }
    results
}

/// Whether `job` means anything for `subject`: young and full collections
/// need a collector; a full collection of live objects needs one that
/// scans the heap.
fn applies(subject: &str, job: &Job) -> bool {
    let caps = crate::with_subject!(subject, capabilities()).unwrap_or((false, false));
    match job.workload {
        "W5F" => caps.0,
        "FULL" => caps.1,
        _ => true,
    }
}

/// `(HAS_COLLECTOR, SCANS_HEAP)`.
fn capabilities<S: crate::subject::Subject>() -> (bool, bool) {
    (S::HAS_COLLECTOR, S::SCANS_HEAP)
}

fn summary(o: &Outcome) -> String {
    match o {
        Outcome::Ok(v) => v
            .iter()
            .map(|(k, x)| format!("{k}={x:.0}"))
            .collect::<Vec<_>>()
            .join(" "),
        Outcome::Crash(c) => format!("CRASH {c}"),
        Outcome::Fail(f) => format!("FAIL {f}"),
    }
}

/// The median of `key` over the successful runs, or why there is none.
pub fn value(results: &Results, job: &str, subject: &str, key: &str) -> Result<f64, String> {
    let Some(runs) = results.get(job).and_then(|j| j.get(subject)) else {
        return Err("n/a".into());
    };
    for o in runs {
        match o {
            Outcome::Crash(c) => return Err(format!("crash ({c})")),
            Outcome::Fail(f) => return Err(format!("FAILED: {f}")),
            Outcome::Ok(_) => {}
        }
    }
    let xs: Vec<f64> = runs
        .iter()
        .filter_map(|o| match o {
            Outcome::Ok(v) => v.get(key).copied(),
            _ => None,
        })
        .collect();
    if xs.is_empty() {
        Err("n/a".into())
    } else {
        Ok(median(xs))
    }
}
