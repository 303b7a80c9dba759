//! Runs every script under `tests/scripts/<topic>/` with the `minipy`
//! binary and compares what it prints with what CPython 3.11 printed for
//! the same script (`tests/regen.sh` writes those expectations; a few
//! scripts marked `# expect: hand-written (...)` have them written by
//! hand). See `tests/scripts/README.md`.
//!
//! For each `<name>.py`, run as `minipy [flags] <name>.py` from the script's
//! directory (flags from a `# args:` line in the first two lines):
//! - stdout must equal `<name>.out` exactly;
//! - the exit status must equal `<name>.exit` (0 when that file is absent);
//! - stderr must equal `<name>.err` (empty when absent) after normalizing
//!   both sides alike: every `0x<hex>` becomes `0x?`, and CPython's source
//!   echo (lines starting with four spaces) and caret lines (only
//!   whitespace, `^` and `~`) are dropped.
//!
//! One test per topic directory, so a failure names its topic; each
//! collects every mismatch of its topic before failing. Set
//! `MINIPY_SCRIPT=<substring>` to run only the scripts whose
//! `<topic>/<name>.py` contains it, and `MINIPY_SCRIPT_TIMEOUT=<seconds>`
//! to change the per-script time limit (default 60).
//!
//! `every_script_under_stress` runs them all again with refcycle's stress
//! mode on (a collection at every allocation); the output must not change.
//!
//! There is deliberately no "bless" mode: expectations come from CPython.

use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// One `#[test]` per topic directory, and `TOPICS`, the list of them
/// (`topic_directories_match_the_tests` keeps it in step with the disk).
macro_rules! topics {
    ($($topic:ident),* $(,)?) => {
        const TOPICS: &[&str] = &[$(stringify!($topic)),*];
        $(
            #[test]
            fn $topic() {
                run_topic(stringify!($topic));
            }
        )*
    };
}

topics!(
    basics, classes, exceptions, leaks, finalizers, weakrefs, gc_module, sys_module, legacy,
    bad_input,
);

/// Fewer scripts than this means the directory was damaged or moved.
const MIN_SCRIPTS: usize = 80;

const HAND_WRITTEN: &str = "# expect: hand-written";
const ARGS: &str = "# args:";

fn scripts_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("scripts")
}

/// One test script and how to run it.
struct Script {
    /// `<topic>/<name>.py`, for messages and the `MINIPY_SCRIPT` filter.
    rel: String,
    dir: PathBuf,
    /// The file stem: `<name>`.
    stem: String,
    flags: Vec<String>,
    hand_written: bool,
}

impl Script {
    fn load(topic: &str, path: &Path) -> Script {
        let text = fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let head: Vec<&str> = text.lines().take(2).collect();
        let hand_written = head.first().is_some_and(|l| l.starts_with(HAND_WRITTEN));
        let flags = head
            .iter()
            .find_map(|l| l.strip_prefix(ARGS))
            .map(|rest| rest.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        Script {
            rel: format!("{topic}/{stem}.py"),
            dir: path.parent().unwrap().to_path_buf(),
            stem,
            flags,
            hand_written,
        }
    }

    fn sibling(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", self.stem))
    }
}

/// The scripts of one topic, sorted by name.
fn scripts_of(topic: &str) -> Vec<Script> {
    let dir = scripts_root().join(topic);
    let entries =
        fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    paths.sort();
    paths.iter().map(|p| Script::load(topic, p)).collect()
}

/// What a script is expected to do, or what it did.
struct Outcome {
    stdout: String,
    stderr: String,
    exit: Option<i32>,
}

fn expected(script: &Script) -> Result<Outcome, String> {
    let stdout = fs::read_to_string(script.sibling("out")).map_err(|e| {
        format!(
            "  no expectation {}.out ({e}); run minipy/tests/regen.sh\n",
            script.stem
        )
    })?;
    let stderr = fs::read_to_string(script.sibling("err")).unwrap_or_default();
    let exit = match fs::read_to_string(script.sibling("exit")) {
        Ok(s) => s
            .trim()
            .parse()
            .map_err(|e| format!("  bad {}.exit {:?}: {e}\n", script.stem, s.trim()))?,
        Err(_) => 0,
    };
    Ok(Outcome {
        stdout,
        stderr,
        exit: Some(exit),
    })
}

fn timeout() -> Duration {
    let secs = std::env::var("MINIPY_SCRIPT_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    Duration::from_secs(secs)
}

fn read_all(mut from: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = from.read_to_end(&mut buf);
        buf
    })
}

/// Waits for `child`, killing it after `limit`; `None` on timeout.
fn wait_with_timeout(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for minipy") {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn run(script: &Script, stress: bool) -> Result<Outcome, String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minipy"));
    if stress {
        command.env("REFCYCLE_STRESS", "1");
    } else {
        command.env_remove("REFCYCLE_STRESS");
    }
    let mut child = command
        .args(&script.flags)
        .arg(format!("{}.py", script.stem))
        .current_dir(&script.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("  cannot start minipy: {e}\n"))?;
    let out = read_all(child.stdout.take().unwrap());
    let err = read_all(child.stderr.take().unwrap());
    let limit = timeout();
    // On a timeout the readers are left behind: a grandchild may still
    // hold the pipes open.
    let status = wait_with_timeout(&mut child, limit)
        .ok_or_else(|| format!("  timed out after {limit:?} (killed)\n"))?;
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    Ok(Outcome {
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
        exit: status.code(),
    })
}

/// Replaces every `0x` followed by hex digits with `0x?`.
fn mask_addresses(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        let digits = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_hexdigit())
                .len();
        if digits > 0 {
            out.push('?');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// The stderr lines that matter: no source echo, no carets, no addresses.
fn normalize_stderr(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with("    "))
        .filter(|l| !l.chars().all(|c| c.is_whitespace() || c == '^' || c == '~'))
        .map(mask_addresses)
        .collect()
}

/// One line of a diff: ' ' both, '-' expected only, '+' actual only.
type DiffLine<'a> = (char, &'a str);

/// A line diff by longest common subsequence (outputs are short).
fn diff_lines<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<DiffLine<'a>> {
    let (n, m) = (old.len(), new.len());
    if n.saturating_mul(m) > 4_000_000 {
        // Too big for the table: everything from the first difference on.
        let same = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let mut d: Vec<DiffLine<'a>> = old[..same].iter().map(|l| (' ', *l)).collect();
        d.extend(old[same..].iter().map(|l| ('-', *l)));
        d.extend(new[same..].iter().map(|l| ('+', *l)));
        return d;
    }
    // lcs[i][j]: length of the LCS of old[i..] and new[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut d) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            d.push((' ', old[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            d.push(('-', old[i]));
            i += 1;
        } else {
            d.push(('+', new[j]));
            j += 1;
        }
    }
    d
}

/// A unified-style rendering: changed lines with two lines of context,
/// at most `MAX_SHOWN` lines.
fn render_diff(what: &str, expected: &[&str], actual: &[&str]) -> String {
    const CONTEXT: usize = 2;
    const MAX_SHOWN: usize = 40;
    let d = diff_lines(expected, actual);
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT + 1).min(d.len());
        d[lo..hi].iter().any(|(tag, _)| *tag != ' ')
    };
    let mut out = format!("    --- expected {what}\n    +++ actual {what}\n");
    let (mut shown, mut skipped) = (0, false);
    for (k, (tag, line)) in d.iter().enumerate() {
        if !near_change(k) {
            skipped = true;
            continue;
        }
        if shown == MAX_SHOWN {
            out.push_str("    ... (diff truncated)\n");
            break;
        }
        if skipped {
            out.push_str("    @@\n");
            skipped = false;
        }
        let _ = writeln!(out, "    {tag}{line}");
        shown += 1;
    }
    out
}

/// Compares one script's run with its expectation; `Err` explains how
/// they differ.
fn check(script: &Script, stress: bool) -> Result<(), String> {
    let want = expected(script)?;
    let got = run(script, stress)?;
    if stress && STRESS_VARIANTS.contains(&script.rel.as_str()) {
        return check_stress_variant(&want, &got);
    }
    let mut problems = String::new();
    if got.exit != want.exit {
        let show = |e: Option<i32>| e.map_or("killed by a signal".to_string(), |c| c.to_string());
        let _ = writeln!(
            problems,
            "  exit status: expected {}, got {}",
            show(want.exit),
            show(got.exit)
        );
    }
    if got.stdout != want.stdout {
        let (w, g): (Vec<&str>, Vec<&str>) = (
            want.stdout.split('\n').collect(),
            got.stdout.split('\n').collect(),
        );
        problems.push_str("  stdout differs:\n");
        problems.push_str(&render_diff("stdout", &w, &g));
    }
    let (want_err, got_err) = (
        normalize_stderr(&want.stderr),
        normalize_stderr(&got.stderr),
    );
    if want_err != got_err {
        let w: Vec<&str> = want_err.iter().map(String::as_str).collect();
        let g: Vec<&str> = got_err.iter().map(String::as_str).collect();
        problems.push_str("  stderr differs (normalized):\n");
        problems.push_str(&render_diff("stderr", &w, &g));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn filter() -> Option<String> {
    std::env::var("MINIPY_SCRIPT")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Runs every (selected) script of `topic` and fails naming all the
/// scripts that did not match, with their diffs.
fn run_topic(topic: &str) {
    let all = scripts_of(topic);
    assert!(!all.is_empty(), "no scripts in tests/scripts/{topic}");
    let only = filter();
    let selected: Vec<&Script> = all
        .iter()
        .filter(|s| only.iter().all(|f| s.rel.contains(f.as_str())))
        .collect();
    let mut failures = Vec::new();
    for script in &selected {
        if let Err(why) = check(script, false) {
            let mark = if script.hand_written {
                " (hand-written expectation)"
            } else {
                ""
            };
            failures.push((
                script.rel.clone(),
                format!("FAIL {}{mark}\n{why}", script.rel),
            ));
        }
    }
    eprintln!(
        "{topic}: {} of {} scripts passed",
        selected.len() - failures.len(),
        selected.len()
    );
    if !failures.is_empty() {
        let details: Vec<&str> = failures.iter().map(|(_, d)| d.as_str()).collect();
        let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
        panic!(
            "\n{}\n{} of {} scripts in {topic}/ do not match:\n  {}\n",
            details.join("\n"),
            failures.len(),
            selected.len(),
            names.join("\n  ")
        );
    }
}

/// Scripts that print what the collector did (counts, statistics, what a
/// nested collection found): with a collection at every allocation their
/// output legitimately differs, so under stress only their exit status is
/// checked, and that they report no internal error.
const STRESS_VARIANTS: &[&str] = &[
    "gc_module/get_stats.py",
    "gc_module/get_objects.py",
    "gc_module/get_count.py",
    "finalizers/nested_collect.py",
];

fn check_stress_variant(want: &Outcome, got: &Outcome) -> Result<(), String> {
    if got.exit != want.exit || got.stderr.contains("internal error") {
        return Err(format!(
            "  exit status {:?} (expected {:?}), stderr:\n{}",
            got.exit, want.exit, got.stderr
        ));
    }
    Ok(())
}

/// Every script again with refcycle's stress mode on (a young collection
/// at every tracked allocation, a full one at every tenth): collections
/// then run inside nearly every interpreter operation, in the middle of
/// building lists, calling functions and running `__del__`. The output
/// must not change (except for the scripts that print collector
/// statistics, `STRESS_VARIANTS`): the interpreter keeps every object it
/// uses reachable, and never holds a borrow the collector would trip on.
#[test]
fn every_script_under_stress() {
    let only = filter();
    let mut failures = Vec::new();
    let mut count = 0;
    for topic in TOPICS {
        for script in scripts_of(topic) {
            if !only.iter().all(|f| script.rel.contains(f.as_str())) {
                continue;
            }
            count += 1;
            if let Err(why) = check(&script, true) {
                failures.push(format!("FAIL {} (stress)\n{why}", script.rel));
            }
        }
    }
    eprintln!(
        "stress: {} of {count} scripts passed",
        count - failures.len()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Deleting or moving the scripts must not make the suite pass silently.
#[test]
fn enough_scripts_with_expectations() {
    let scripts: Vec<Script> = TOPICS.iter().copied().flat_map(scripts_of).collect();
    assert!(
        scripts.len() >= MIN_SCRIPTS,
        "only {} scripts under {}, expected at least {MIN_SCRIPTS}",
        scripts.len(),
        scripts_root().display()
    );
    for s in &scripts {
        assert!(
            s.sibling("out").is_file(),
            "{} has no .out; run minipy/tests/regen.sh",
            s.rel
        );
        assert!(
            s.hand_written || s.flags.is_empty(),
            "{}: '# args:' needs a hand-written expectation (CPython cannot take minipy flags)",
            s.rel
        );
    }
}

/// Every topic directory has its test, and every test its directory.
#[test]
fn topic_directories_match_the_tests() {
    let mut on_disk: Vec<String> = fs::read_dir(scripts_root())
        .expect("tests/scripts exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut known: Vec<String> = TOPICS.iter().map(|t| t.to_string()).collect();
    known.sort();
    assert_eq!(
        on_disk, known,
        "add a #[test] for each topic directory in tests/scripts.rs"
    );
}

#[test]
fn stderr_normalization() {
    let cpython = "Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>\n    \
                   print(x[1])\n          ~^^^\nIndexError: list index out of range\n\n\
                   Exception ignored in: <function cb at 0x7f3a2b>\n";
    assert_eq!(
        normalize_stderr(cpython),
        [
            "Traceback (most recent call last):",
            "  File \"a.py\", line 3, in <module>",
            "IndexError: list index out of range",
            "Exception ignored in: <function cb at 0x?>",
        ]
    );
    assert_eq!(
        mask_addresses("0x 0xZ 0x1f at 0xABCdef!"),
        "0x 0xZ 0x? at 0x?!"
    );
}

#[test]
fn diff_shows_changes_with_context() {
    let d = render_diff(
        "stdout",
        &["a", "b", "c", "d", "e", "f"],
        &["a", "b", "X", "d", "e", "f"],
    );
    assert!(d.contains("    -c\n    +X\n"), "{d}");
    assert!(d.contains("     a\n") && !d.contains("     f\n"), "{d}");
}
