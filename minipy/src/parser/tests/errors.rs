//! The `SyntaxError` each mistake gives: CPython 3.11's kind, message,
//! line and (mostly) column, from the table in `syntax_errors.txt`; and
//! the message naming each construct outside minipy's subset.

use super::{error, tree};

/// One case of the table: (kind, line, col, message, source).
type Case<'a> = (&'a str, u32, Option<u32>, &'a str, String);

/// Parses `syntax_errors.txt` (format described at its top).
fn table() -> Vec<Case<'static>> {
    let mut cases = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in include_str!("syntax_errors.txt").lines().rev() {
        let Some(header) = line.strip_prefix("=== ") else {
            lines.push(line);
            continue;
        };
        let fields: Vec<&str> = header.splitn(4, " | ").collect();
        let [kind, line, col, msg] = fields[..] else {
            panic!("bad header {header:?}")
        };
        let col = if col == "-" {
            None
        } else {
            Some(col.parse().expect("a column"))
        };
        let source = lines.drain(..).rev().collect::<Vec<_>>().join("\n");
        cases.push((kind, line.parse().expect("a line"), col, msg, source));
    }
    cases.reverse();
    cases
}

#[test]
fn errors_match_cpython() {
    let cases = table();
    assert!(cases.len() > 200, "the table has {} cases", cases.len());
    let mut failures = Vec::new();
    for (kind, line, col, msg, source) in &cases {
        let err = error(source);
        let col_ok = col.is_none() || *col == Some(err.col);
        if err.kind != *kind || err.msg != *msg || err.line != *line || !col_ok {
            failures.push(format!(
                "{source:?}\n  want {kind}: {msg} @ {line}:{col:?}\n  got  {}: {} @ {}:{}",
                err.kind, err.msg, err.line, err.col
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn most_columns_match_cpython_too() {
    let cases = table();
    let with_col = cases.iter().filter(|c| c.2.is_some()).count();
    assert!(
        with_col * 10 >= cases.len() * 9,
        "only {with_col} of {} columns match",
        cases.len()
    );
}

#[test]
fn the_offending_line_is_reported_without_its_newline() {
    let err = error("x = 1\ny = = 2\nz = 3\n");
    assert_eq!(err.text.as_deref(), Some("y = = 2"));
    assert_eq!((err.line, err.col), (2, 5));
    let err = error("s = 'é' + = 1");
    assert_eq!(err.col, 11, "columns count characters, not bytes");
}

/// Asserts the error for a construct outside the subset: its message
/// and line.
fn unsupported(src: &str, what: &str, line: u32) {
    let err = error(src);
    assert_eq!(
        (err.kind, err.msg.as_str(), err.line),
        (
            "SyntaxError",
            format!("minipy does not support {what}").as_str(),
            line
        ),
        "source: {src:?}"
    );
}

#[test]
fn constructs_outside_the_subset_are_named() {
    unsupported("def f():\n    yield 1", "'yield'", 2);
    unsupported("def f():\n    x = yield", "'yield'", 2);
    unsupported("def f():\n    yield from g()", "'yield'", 2);
    unsupported("x = 1\nasync def f(): pass", "'async'", 2);
    unsupported("def f():\n    await g()", "'await'", 2);
    unsupported("with open(p) as f:\n    pass", "'with'", 1);
    unsupported("x = 1\nmatch x:\n    case 1: pass", "'match'", 2);
    unsupported("if (n := 10) > 5: pass", "':='", 1);
    unsupported("try:\n    pass\nexcept* E:\n    pass", "'except*'", 3);
    unsupported("x = b'abc'", "bytes literals", 1);
    unsupported("x = 1j", "complex literals", 1);
    unsupported("x = a @ b", "'@'", 1);
    unsupported("x @= b", "'@='", 1);
    unsupported("def f(a, /, b): pass", "positional-only parameters", 1);
    unsupported("x = {**a, 'b': 1}", "'**' in dict displays", 1);
    unsupported("from . import x", "relative imports", 1);
    unsupported("from os import *", "'import *'", 1);
    unsupported(
        "class C(metaclass=M): pass",
        "keyword or unpacked arguments in a class definition",
        1,
    );
    unsupported("x: int", "annotations without a value", 1);
    unsupported("x = '\\N{BULLET}'", "\\N{...} escapes", 1);
    unsupported(
        "x = f'{x:{width}}'",
        "nested replacement fields in f-string format specs",
        1,
    );
    unsupported("x = '\\ud800'", "surrogate code points in strings", 1);
}

#[test]
fn integer_literals_beyond_i64_are_errors() {
    for src in [
        "x = 9223372036854775808",
        "x = 0x1_0000_0000_0000_0000",
        "x = -9223372036854775808 ** 1",
    ] {
        let err = error(src);
        assert_eq!(
            (err.msg.as_str(), err.line),
            ("minipy: integer literal too large", 1),
            "{src}"
        );
    }
    assert_eq!(
        tree("x = 0xffff_ffff_ffff_fff"),
        "(= x 1152921504606846975)"
    );
}

#[test]
fn a_syntax_error_anywhere_wins_over_a_compile_time_check() {
    // CPython checks 'return' outside a function only once the module
    // has parsed; a later syntax error is reported instead.
    let err = error("return 1\nx = = 2\n");
    assert_eq!((err.msg.as_str(), err.line), ("invalid syntax", 2));
    // Symbol table errors come before the compiler's, wherever they are.
    let err = error("break\ndef f(a, a): pass\n");
    assert_eq!(
        (err.msg.as_str(), err.line),
        ("duplicate argument 'a' in function definition", 2)
    );
}

#[test]
fn a_tokenizer_error_later_in_the_file_wins_over_a_parse_error() {
    let err = error("x = = 1\ns = 'abc\n");
    assert_eq!(
        (err.msg.as_str(), err.line),
        ("unterminated string literal (detected at line 2)", 2)
    );
    // ...but a bad dedent is only reported when the parser gets there.
    let err = error("x = = 1\nif x:\n    pass\n  y = 1\n");
    assert_eq!((err.msg.as_str(), err.line), ("invalid syntax", 1));
}

#[test]
fn an_unsupported_construct_is_reported_where_it_is() {
    let err = error("from . import x\nif x:\n    pass\n        y\ns = '''\n");
    assert_eq!(
        (err.msg.as_str(), err.line),
        ("minipy does not support relative imports", 1)
    );
}

#[test]
fn checks_made_after_parsing() {
    let cases = [
        (
            "def f():\n    def g():\n        nonlocal x\n    x = 1\n",
            None,
        ),
        (
            "def f():\n    x = 1\n    class C:\n        def g():\n            nonlocal x\n",
            None,
        ),
        (
            "class C:\n    x = 1\n    def g():\n        nonlocal x\n",
            Some(("no binding for nonlocal 'x' found", 4)),
        ),
        ("x = [i for i in y]\nglobal i\n", None),
        ("import os\nglobal os\n", None),
        ("def f():\n    return [x for x in y]\n", None),
        (
            "while x:\n    def f():\n        return 1\n    break\n",
            None,
        ),
        (
            "for x in y:\n    try:\n        pass\n    finally:\n        continue\n",
            None,
        ),
        (
            "x = lambda: (yield)",
            Some(("minipy does not support 'yield'", 1)),
        ),
        ("f(x=1, **{'x': 2})", None),
        ("a, *b = c\n[*d] = e\n*f, = g", None),
        ("print(*a, *b)\nx = [*a], {*b}, (*c,)", None),
    ];
    for (src, want) in cases {
        match want {
            None => {
                tree(src);
            }
            Some((msg, line)) => {
                let err = error(src);
                assert_eq!((err.msg.as_str(), err.line), (msg, line), "{src}");
            }
        }
    }
}

#[test]
fn display_reads_like_a_summary() {
    let err = error("x = (1,\n");
    assert_eq!(
        err.to_string(),
        "SyntaxError: '(' was never closed (line 1)"
    );
}
