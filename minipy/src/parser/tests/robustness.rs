//! No input makes the parser panic or overflow the stack, and it is fast.
//!
//! Inputs: every prefix and random byte-level mutations of a set of
//! scripts (the samples below, plus minipy's test scripts when present),
//! pathologically deep nesting, and a 10,000-line file.

use super::parse_module;
use crate::parser::{MAX_NESTING, MAX_STATEMENT_DEPTH, MAX_TREE_DEPTH};

/// Scripts exercising most of the grammar.
const SAMPLES: &[&str] = &[
    include_str!("samples/grammar_tour.py"),
    "x = f'{a!r:>{1}}' if not b else [c for c in d if c]\n",
    "def f(a, *b, c=1, **d):\n    global g\n    return lambda: (a, b, c, d)\n",
    "class C(B):\n    @property\n    def p(self):\n        try:\n            return self.x[1:2, ::3]\n\
        except (A, B) as e:\n            raise E from e\n",
    "if a:\n\tb = '''\nx'''\nelif c: d = 0x1f; e = 1e-3\nelse:\n  del f\n",
];

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The scripts to mutate: the samples and minipy's test scripts.
fn corpus() -> Vec<String> {
    let mut scripts: Vec<String> = SAMPLES.iter().map(|s| s.to_string()).collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py") {
                scripts.extend(std::fs::read_to_string(&path).ok());
            }
        }
    }
    scripts
}

/// Parses `src`; any result but a panic is fine.
fn survives(src: &str) {
    let result = std::panic::catch_unwind(|| parse_module(src).map(|_| ()));
    assert!(result.is_ok(), "parser panicked on {src:?}");
}

#[test]
fn every_prefix_of_every_script_parses_or_errs() {
    for script in corpus().iter().take(60) {
        let mut cut = 0;
        while cut <= script.len() {
            if script.is_char_boundary(cut) {
                survives(&script[..cut]);
            }
            cut += 1 + cut / 400;
        }
    }
}

#[test]
fn mutated_scripts_parse_or_err() {
    const PIECES: &[&str] = &[
        "(", ")", "[", "]", "{", "}", ":", ",", "=", "'", "\"", "'''", "\\", "\n", "\t", "    ",
        "#", "f'{", "}", "*", "**", ".", "0x", "1_", "lambda", "if ", "else", "for ", " in ",
        "not ", "yield", "é", "\0", "\r",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for script in corpus() {
        for _ in 0..40 {
            let mut bytes = script.clone().into_bytes();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(3) {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    1 => bytes
                        .splice(at..at, PIECES[rng.below(PIECES.len())].bytes())
                        .for_each(drop),
                    _ => bytes.truncate(at),
                }
            }
            survives(&String::from_utf8_lossy(&bytes));
        }
    }
}

#[test]
fn random_text_parses_or_errs() {
    const ALPHABET: &[u8] = b"ab1 _()[]{}:;,.=+-*/%<>!~^&|@'\"\\#\n\t0xe";
    let mut rng = Rng(42);
    for _ in 0..3000 {
        let len = rng.below(40);
        let text: String = (0..len)
            .map(|_| ALPHABET[rng.below(ALPHABET.len())] as char)
            .collect();
        survives(&text);
    }
}

/// Runs `f` on a thread with a 2 MiB stack, as a test thread or a
/// spawned thread gets by default, so deep input shows any overflow.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("a thread")
        .join()
        .expect("no panic");
}

/// Asserts that `src` is rejected with `msg` on `line`.
fn too_deep(src: String, msg: &'static str, line: u32) {
    on_small_stack(move || {
        let err = parse_module(&src).expect_err("too deep");
        assert_eq!((err.msg.as_str(), err.line), (msg, line));
    });
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let parens = "too many nested parentheses";
    let deep = "minipy: expression nested too deeply";
    too_deep(
        format!("x = {}{}", "(".repeat(10_000), ")".repeat(10_000)),
        parens,
        1,
    );
    too_deep(
        format!("x = {}1{}", "[".repeat(150), "]".repeat(150)),
        parens,
        1,
    );
    too_deep(format!("x = {}", "f(".repeat(150)), parens, 1);
    too_deep(format!("x = {}1", "-".repeat(100_000)), deep, 1);
    too_deep(format!("x = {}1", "not ".repeat(100_000)), deep, 1);
    too_deep(format!("x = {}1", "lambda: ".repeat(100_000)), deep, 1);
    too_deep(format!("x = {}1", "1 if 2 else ".repeat(100_000)), deep, 1);
    too_deep(format!("x = {}1", "2 ** ".repeat(100_000)), deep, 1);
    too_deep(format!("x = {}", vec!["1"; 100_000].join(" + ")), deep, 1);
    too_deep(format!("x = a{}", ".b".repeat(100_000)), deep, 1);
    too_deep(format!("x = f{}", "()".repeat(100_000)), deep, 1);
    too_deep(
        format!("if x:\n pass\n{}", "elif x:\n pass\n".repeat(50_000)),
        "too many statically nested blocks",
        2002,
    );
}

#[test]
fn nesting_up_to_the_limits_parses_on_a_small_stack() {
    let n = MAX_NESTING - 2;
    let chain = MAX_TREE_DEPTH - 10;
    let sources = [
        format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        format!("x = {}1{}\n", "{1: ".repeat(n), "}".repeat(n)),
        format!("x = {}1{}\n", "f(".repeat(n), ")".repeat(n)),
        format!("x = {}\n", vec!["a"; chain].join(" + ")),
        format!("x = a{}\n", ".b".repeat(chain)),
        format!(
            "if x:\n pass\n{}",
            "elif x:\n pass\n".repeat(MAX_STATEMENT_DEPTH - 10)
        ),
        (0..98)
            .map(|i| format!("{}if x:\n", " ".repeat(i)))
            .collect::<String>()
            + &" ".repeat(98)
            + "pass\n",
    ];
    for src in sources {
        on_small_stack(move || {
            if let Err(err) = parse_module(&src) {
                panic!("{}: {err}", &src[..src.len().min(40)]);
            }
        });
    }
}

#[test]
fn too_many_indentation_levels_is_cpythons_error() {
    let src = (0..120)
        .map(|i| format!("{}if x:\n", " ".repeat(i)))
        .collect::<String>()
        + "  pass\n";
    let err = parse_module(&src).expect_err("too deep");
    assert_eq!(
        (err.kind, err.msg.as_str(), err.line),
        ("IndentationError", "too many levels of indentation", 101)
    );
}

#[test]
fn ten_thousand_lines_parse_quickly() {
    let mut src = String::new();
    for i in 0..2000 {
        src += &format!("def f{i}(a, b=1, *args, c, **kw):\n");
        src += &format!("    x = [j * 2 for j in range(a) if j % 3 == {i}]\n");
        src += "    y = {'k': (a + b) ** 2 - -c, 'v': f'{x!r:>10} {b}'}\n";
        src += "    if a < b <= c and not kw or args:\n";
        src += &format!("        return x[1:2], y['v'], lambda q: q + {i}\n");
    }
    let start = std::time::Instant::now();
    let module = parse_module(&src).expect("valid");
    assert_eq!(module.body.len(), 2000);
    // Milliseconds in a release build; generous for debug builds.
    assert!(
        start.elapsed().as_secs_f64() < 5.0,
        "took {:?}",
        start.elapsed()
    );
}
