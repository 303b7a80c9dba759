//! What each construct parses to. The expected trees are written in the
//! compact form of [`super::tree`]; each was checked against CPython's
//! `ast` module.

use super::{parse_module, tree};
use crate::ast::{ExprKind, StmtKind};

/// Asserts that `src` parses to the statements `expected`.
fn parses_to(src: &str, expected: &str) {
    assert_eq!(tree(src), expected, "source: {src:?}");
}

#[test]
fn power_binds_tighter_than_unary_minus_on_its_left() {
    parses_to("-2**2", "(neg (** 2 2))");
    parses_to("2**-1", "(** 2 (neg 1))");
    parses_to("-x.y**2", "(neg (** (. x y) 2))");
}

#[test]
fn power_is_right_associative() {
    parses_to("a**b**c", "(** a (** b c))");
}

#[test]
fn arithmetic_is_left_associative() {
    parses_to("a - b - c", "(- (- a b) c)");
    parses_to("a / b * c // d % e", "(% (// (* (/ a b) c) d) e)");
}

#[test]
fn operator_precedence_follows_the_grammar() {
    parses_to(
        "a | b ^ c & d << e + f * g",
        "(| a (^ b (& c (<< d (+ e (* f g))))))",
    );
    parses_to(
        "a * b + c << d & e ^ f | g",
        "(| (^ (& (<< (+ (* a b) c) d) e) f) g)",
    );
    parses_to("~a + -b * +c", "(+ (~ a) (* (neg b) (pos c)))");
    parses_to("a + b < c * d", "(cmp (+ a b) < (* c d))");
}

#[test]
fn boolean_operators_and_not() {
    parses_to("a or b and not c", "(or a (and b (not c)))");
    parses_to("a and b and c", "(and a b c)");
    parses_to("not a == b", "(not (cmp a == b))");
    parses_to("not not a", "(not (not a))");
}

#[test]
fn comparisons_chain_and_have_two_word_operators() {
    parses_to("a < b <= c", "(cmp a < b <= c)");
    parses_to("a not in b is not c", "(cmp a not-in b is-not c)");
    parses_to(
        "a is b in c != d > e >= f == g",
        "(cmp a is b in c != d > e >= f == g)",
    );
}

#[test]
fn conditional_expressions_nest_to_the_right() {
    parses_to("a if b else c if d else e", "(ifexp b a (ifexp d c e))");
    parses_to("x = (a if b else c)", "(= x (ifexp b a c))");
}

#[test]
fn lambdas_take_full_parameter_lists() {
    parses_to("lambda: 0", "(lambda () [(return 0)])");
    parses_to(
        "lambda a, b=1, *c, d, e=2, **f: a",
        "(lambda (a b=1 *c d e=2 **f) [(return a)])",
    );
    parses_to("lambda *, k: k", "(lambda (* k) [(return k)])");
    parses_to(
        "f(lambda x: x + 1)",
        "(call f (lambda (x) [(return (+ x 1))]))",
    );
}

#[test]
fn integer_literals_in_every_base() {
    parses_to(
        "0; 00; 42; 1_000; 0x_ff; 0o17; 0B101",
        "0\n0\n42\n1000\n255\n15\n5",
    );
    parses_to("9223372036854775807", "9223372036854775807");
    parses_to("-9223372036854775808", "-9223372036854775808");
    parses_to("-0x8000_0000_0000_0000", "-9223372036854775808");
}

#[test]
fn float_literals() {
    parses_to(
        "1.5; 1.; .5; 1e3; 1.5E-3; 1_0.0_1; 0777.5; 0e0",
        "1.5\n1.0\n0.5\n1000.0\n0.0015\n10.01\n777.5\n0.0",
    );
    parses_to("1e999", "inf");
}

#[test]
fn keywords_directly_after_numbers() {
    parses_to("x = 1if y else 2", "(= x (ifexp y 1 2))");
    // CPython reads `0x1for` as `0x1f or`.
    parses_to("[0x1for x in y]", "[(or 31 (cmp x in y))]");
}

#[test]
fn string_escapes_are_decoded() {
    parses_to(r#"'a\n\t\\\'\"'"#, r#""a\n\t\\'\"""#);
    parses_to(r#""\x41\u00e9\U0001F600\101\0""#, "\"Aé😀A\\0\"");
    parses_to(r#""\d\q""#, r#""\\d\\q""#);
    parses_to("'a\\\nb'", "\"ab\"");
}

#[test]
fn raw_strings_keep_backslashes() {
    parses_to(r#"r'\n\''"#, r#""\\n\\'""#);
    parses_to(r#"R"\d+""#, r#""\\d+""#);
}

#[test]
fn triple_quoted_and_prefixed_strings() {
    parses_to("'''a\n'b'\n'''", "\"a\\n'b'\\n\"");
    parses_to("u'x' \"y\"", "\"xy\"");
    parses_to("x = ('a'\n     'b')", "(= x \"ab\")");
}

#[test]
fn f_strings_split_into_parts() {
    parses_to(r#"f"a{x}b""#, r#"(f "a" {x} "b")"#);
    parses_to(r#"f"{x!r:>10}""#, r#"(f {x !r :">10"})"#);
    parses_to(r#"f"{{}}{x + 1:.2f}""#, r#"(f "{}" {(+ x 1) :".2f"})"#);
    parses_to(r#"f"{x=}""#, r#"(f "x=" {x !r})"#);
    parses_to(r#"f"{ x = :5}""#, r#"(f " x = " {x :"5"})"#);
    parses_to(r#"f"{'a' if x else 'b'}""#, r#"(f {(ifexp x "a" "b")})"#);
    parses_to(
        r#"f"{d['k']}" "!" f'{a!s}'"#,
        r#"(f {([] d "k")} "!" {a !s})"#,
    );
    parses_to(r#"rf"\d{x}""#, r#"(f "\\d" {x})"#);
    parses_to(r#"f"{a, b}""#, "(f {(tuple a b)})");
}

#[test]
fn displays() {
    parses_to("()", "(tuple )");
    parses_to("(1,)", "(tuple 1)");
    parses_to("1,", "(tuple 1)");
    parses_to("(1)", "1");
    parses_to("[1, 2,]", "[1 2]");
    parses_to("{1, 2}", "{1 2}");
    parses_to("{}", "(dict)");
    parses_to("{1: 2, 'a': b,}", "(dict 1:2 \"a\":b)");
    parses_to("[*a, *b]", "[(* a) (* b)]");
    parses_to("x = *a, b", "(= x (tuple (* a) b))");
}

#[test]
fn comprehensions() {
    parses_to("[x for x in y]", "(Listcomp x (for x y))");
    parses_to(
        "{k: v for k, v in d if k if v}",
        "(Dictcomp k:v (for (tuple k v) d (if k) (if v)))",
    );
    parses_to(
        "{x for x in a for y in x}",
        "(Setcomp x (for x a) (for y x))",
    );
    parses_to(
        "[x for x in a if b if c]",
        "(Listcomp x (for x a (if b) (if c)))",
    );
    parses_to("(x for x in y)", "(Listcomp x (for x y))");
    parses_to("sum(x for x in y)", "(call sum (Listcomp x (for x y)))");
    parses_to(
        "[(a, b) for a, in c]",
        "(Listcomp (tuple a b) (for (tuple a) c))",
    );
}

#[test]
fn calls_keep_argument_order() {
    parses_to("f(a, *b, c=1, **d)", "(call f a *b c=1 **d)");
    parses_to("f(a,)(b)(c=d)", "(call (call (call f a) b) c=d)");
    parses_to("f(**a, b=1)", "(call f **a b=1)");
}

#[test]
fn subscripts_and_slices() {
    parses_to("a[1]", "([] a 1)");
    parses_to("a[1:2]", "([] a (slice 1 2 _))");
    parses_to("a[::-1]", "([] a (slice _ _ (neg 1)))");
    parses_to("a[:]", "([] a (slice _ _ _))");
    parses_to("a[i, j]", "([] a (tuple i j))");
    parses_to("a[1:2, ::3]", "([] a (tuple (slice 1 2 _) (slice _ _ 3)))");
    parses_to("a[b][c].d", "(. ([] ([] a b) c) d)");
}

#[test]
fn assignments() {
    parses_to("a = b = 1", "(= a b 1)");
    parses_to("a, b = b, a", "(= (tuple a b) (tuple b a))");
    parses_to("[a, (b, c)] = x", "(= [a (tuple b c)] x)");
    parses_to("a, *b = x", "(= (tuple a (* b)) x)");
    parses_to("x.y[0] = 1", "(= ([] (. x y) 0) 1)");
    parses_to("(a) = 1", "(= a 1)");
    parses_to("x: int = 1", "(= x 1)");
    parses_to("x.y: 'T' = f()", "(= (. x y) (call f))");
}

#[test]
fn all_twelve_augmented_assignments() {
    let ops = [
        "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^",
    ];
    for op in ops {
        parses_to(&format!("x {op}= 1"), &format!("({op}= x 1)"));
    }
    parses_to("a.b[c] += 1, 2", "(+= ([] (. a b) c) (tuple 1 2))");
}

#[test]
fn simple_statements() {
    parses_to(
        "pass; x; del a, b[0], c.d",
        "pass\nx\n(del a ([] b 0) (. c d))",
    );
    parses_to("del (a, b)", "(del (tuple a b))");
    parses_to("assert x, 'msg'", "(assert x \"msg\")");
    parses_to("raise", "(raise _ _)");
    parses_to("raise E from e", "(raise E e)");
    parses_to("global a, b", "(global a b)");
    parses_to("import a.b as c, d", "(import a.b as c d)");
    parses_to("from a.b import (c as d, e,)", "(from a.b import c as d e)");
    parses_to("...", "...");
}

#[test]
fn compound_statements() {
    parses_to("if a: b\nelif c: d\nelse: e", "(if a [b] [(if c [d] [e])])");
    parses_to(
        "while x:\n    x -= 1\nelse:\n    pass",
        "(while x [(-= x 1)] [pass])",
    );
    parses_to(
        "for k, v in d.items(): pass",
        "(for (tuple k v) (call (. d items)) [pass] [])",
    );
    parses_to(
        "for x in 1, 2: pass\nelse: pass",
        "(for x (tuple 1 2) [pass] [pass])",
    );
    parses_to(
        "try:\n a\nexcept (A, B) as e:\n b\nexcept C:\n c\nexcept:\n d\nelse:\n e\nfinally:\n f",
        "(try [a] (except (tuple A B) e [b]) (except C _ [c]) (except _ _ [d]) [e] [f])",
    );
    parses_to("try: a\nfinally: b", "(try [a] [] [b])");
}

#[test]
fn definitions() {
    parses_to(
        "def f(a, b: int = 1, *args: str, c, d=2, **kw) -> None:\n    return a",
        "(def f (a b=1 *args c d=2 **kw) [(return a)])",
    );
    parses_to("def f(*, a): pass", "(def f (* a) [pass])");
    parses_to(
        "@a.b(1)\n@c\ndef f(): pass",
        "(@(call (. a b) 1) @c def f () [pass])",
    );
    parses_to("class C: pass", "(class C () [pass])");
    parses_to("class C(): pass", "(class C () [pass])");
    parses_to(
        "class C(A, B.C):\n    x = 1",
        "(class C (A (. B C)) [(= x 1)])",
    );
    parses_to("@d\nclass C: pass", "(@d class C () [pass])");
}

#[test]
fn blocks_indentation_and_continuations() {
    parses_to(
        "if a:\n    b\n    if c:\n        pass\n    d\ne",
        "(if a [b; (if c [pass] []); d] [])\ne",
    );
    parses_to(
        "if a:\n\tb\n\tif c:\n\t\tpass\n\td",
        "(if a [b; (if c [pass] []); d] [])",
    );
    parses_to("x = 1 + \\\n    2", "(= x (+ 1 2))");
    parses_to("x = [1,\n# comment\n\n  2]", "(= x [1 2])");
    parses_to("if a:\n\n    # c\n    b\n\n", "(if a [b] [])");
    parses_to("x = 1;", "(= x 1)");
    parses_to("\n\n", "");
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark() {
    parses_to("\u{feff}if a:\r\n    b\r\nc\r\n", "(if a [b] [])\nc");
    parses_to("a\rb", "a\nb");
}

#[test]
fn soft_keyword_names_stay_names() {
    parses_to(
        "match = 1\nmatch(x)\ncase = _",
        "(= match 1)\n(call match x)\n(= case _)",
    );
    parses_to("print(match, case)", "(call print match case)");
}

#[test]
fn unicode_identifiers() {
    parses_to("héllo = 蟒 + x\u{0301}", "(= héllo (+ 蟒 x\u{0301}))");
}

#[test]
fn statements_record_their_first_line() {
    let module = parse_module(
        "x = 1\n\n@d\ndef f(\n  a):\n    return (\n  a)\nif a:\n  pass\nelif b:\n  pass\n",
    )
    .unwrap();
    let lines: Vec<u32> = module.body.iter().map(|s| s.line).collect();
    assert_eq!(lines, [1, 4, 8]);
    let StmtKind::FunctionDef(f) = &module.body[1].kind else {
        panic!()
    };
    assert_eq!((f.line, f.decorators[0].line, f.body[0].line), (4, 3, 6));
    let StmtKind::If { orelse, .. } = &module.body[2].kind else {
        panic!()
    };
    assert_eq!(orelse[0].line, 10);
}

#[test]
fn expressions_record_the_line_of_their_first_token() {
    let module =
        parse_module("x = (a +\n  b)\ny = f(\n  1,\n  g(2))\nz = '''\n''' + f'''{\nq}'''\n")
            .unwrap();
    let value = |i: usize| match &module.body[i].kind {
        StmtKind::Assign { value, .. } => value.clone(),
        _ => panic!(),
    };
    assert_eq!(value(0).line, 1);
    let ExprKind::Call { args, .. } = value(1).kind else {
        panic!()
    };
    let lines: Vec<u32> = args
        .iter()
        .map(|a| match a {
            crate::ast::Arg::Positional(e) => e.line,
            _ => 0,
        })
        .collect();
    assert_eq!(lines, [4, 5]);
    let ExprKind::BinOp { right, .. } = value(2).kind else {
        panic!()
    };
    let ExprKind::FString(parts) = right.kind else {
        panic!()
    };
    let crate::ast::FStringPart::Expr { expr, .. } = &parts[0] else {
        panic!()
    };
    assert_eq!((right.line, expr.line), (7, 8));
}
