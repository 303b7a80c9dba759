//! The parser's tests, one file per behaviour:
//!
//! - `trees`: what each construct parses to (precedence, literals,
//!   statements, line numbers);
//! - `errors`: the `SyntaxError` for each mistake, checked against a table
//!   made by CPython 3.11 (`syntax_errors.txt`), and the constructs
//!   outside minipy's subset;
//! - `robustness`: no panic and no stack overflow on any input (prefixes
//!   and mutations of real scripts, pathological nesting), and speed.
//!
//! This file holds the shared kit: [`tree`] prints a tree compactly so that
//! a test states the expected shape in one line.

mod errors;
mod robustness;
mod trees;

use super::{parse_module, SyntaxError};
use crate::ast::{Arg, BinOp, CmpOp, Expr, ExprKind, FStringPart, Params, Stmt, StmtKind, UnaryOp};

/// Parses `src` and prints its statements, one per line.
///
/// # Panics
///
/// If `src` does not parse (the message is the error).
pub(super) fn tree(src: &str) -> String {
    match parse_module(src) {
        Ok(module) => module.body.iter().map(stmt).collect::<Vec<_>>().join("\n"),
        Err(err) => panic!("{src:?} did not parse: {err} (col {})", err.col),
    }
}

/// The error `src` gives.
///
/// # Panics
///
/// If `src` parses.
pub(super) fn error(src: &str) -> SyntaxError {
    match parse_module(src) {
        Ok(module) => panic!("{src:?} parsed: {:?}", module.body),
        Err(err) => err,
    }
}

fn block(body: &[Stmt]) -> String {
    format!("[{}]", body.iter().map(stmt).collect::<Vec<_>>().join("; "))
}

fn exprs(items: &[Expr]) -> String {
    items.iter().map(expr).collect::<Vec<_>>().join(" ")
}

fn opt(item: &Option<Expr>) -> String {
    item.as_ref().map_or("_".to_string(), expr)
}

fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Expr(e) => expr(e),
        StmtKind::Assign { targets, value } => format!("(= {} {})", exprs(targets), expr(value)),
        StmtKind::AugAssign { target, op, value } => {
            format!("({}= {} {})", bin_op(*op), expr(target), expr(value))
        }
        StmtKind::If { test, body, orelse } => {
            format!("(if {} {} {})", expr(test), block(body), block(orelse))
        }
        StmtKind::While { test, body, orelse } => {
            format!("(while {} {} {})", expr(test), block(body), block(orelse))
        }
        StmtKind::For {
            target,
            iter,
            body,
            orelse,
        } => {
            format!(
                "(for {} {} {} {})",
                expr(target),
                expr(iter),
                block(body),
                block(orelse)
            )
        }
        StmtKind::Break => "break".into(),
        StmtKind::Continue => "continue".into(),
        StmtKind::Pass => "pass".into(),
        StmtKind::Return(v) => format!("(return {})", opt(v)),
        StmtKind::FunctionDef(f) => {
            let decorators = f
                .decorators
                .iter()
                .map(|d| format!("@{} ", expr(d)))
                .collect::<String>();
            format!(
                "({decorators}def {} {} {})",
                f.name,
                params(&f.params),
                block(&f.body)
            )
        }
        StmtKind::ClassDef(c) => {
            let decorators = c
                .decorators
                .iter()
                .map(|d| format!("@{} ", expr(d)))
                .collect::<String>();
            format!(
                "({decorators}class {} ({}) {})",
                c.name,
                exprs(&c.bases),
                block(&c.body)
            )
        }
        StmtKind::Global(names) => format!("(global {})", names.join(" ")),
        StmtKind::Nonlocal(names) => format!("(nonlocal {})", names.join(" ")),
        StmtKind::Delete(targets) => format!("(del {})", exprs(targets)),
        StmtKind::Raise { exc, cause } => format!("(raise {} {})", opt(exc), opt(cause)),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            let handlers = handlers
                .iter()
                .map(|h| {
                    format!(
                        " (except {} {} {})",
                        opt(&h.typ),
                        h.name.as_deref().unwrap_or("_"),
                        block(&h.body)
                    )
                })
                .collect::<String>();
            format!(
                "(try {}{handlers} {} {})",
                block(body),
                block(orelse),
                block(finalbody)
            )
        }
        StmtKind::Assert { test, msg } => format!("(assert {} {})", expr(test), opt(msg)),
        StmtKind::Import(names) => format!("(import{})", aliases(names)),
        StmtKind::ImportFrom { module, names } => {
            format!("(from {module} import{})", aliases(names))
        }
    }
}

fn aliases(names: &[(std::rc::Rc<str>, Option<std::rc::Rc<str>>)]) -> String {
    names
        .iter()
        .map(|(n, a)| match a {
            Some(a) => format!(" {n} as {a}"),
            None => format!(" {n}"),
        })
        .collect()
}

fn params(p: &Params) -> String {
    let one = |(name, default): &(std::rc::Rc<str>, Option<Expr>)| match default {
        Some(d) => format!("{name}={}", expr(d)),
        None => name.to_string(),
    };
    let mut out: Vec<String> = p.args.iter().map(one).collect();
    if let Some(v) = &p.vararg {
        out.push(format!("*{v}"));
    } else if !p.kwonly.is_empty() {
        out.push("*".into());
    }
    out.extend(p.kwonly.iter().map(one));
    if let Some(k) = &p.kwarg {
        out.push(format!("**{k}"));
    }
    format!("({})", out.join(" "))
}

fn bin_op(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "**",
        BinOp::LShift => "<<",
        BinOp::RShift => ">>",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
    }
}

fn cmp_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::NotEq => "!=",
        CmpOp::Lt => "<",
        CmpOp::LtE => "<=",
        CmpOp::Gt => ">",
        CmpOp::GtE => ">=",
        CmpOp::Is => "is",
        CmpOp::IsNot => "is-not",
        CmpOp::In => "in",
        CmpOp::NotIn => "not-in",
    }
}

fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.to_string(),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Float(f) => format!("{f:?}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::FString(parts) => {
            let parts = parts.iter().map(|p| match p {
                FStringPart::Literal(s) => format!(" {s:?}"),
                FStringPart::Expr {
                    expr: x,
                    conversion,
                    spec,
                } => {
                    let conv = conversion.map_or(String::new(), |c| format!(" !{c}"));
                    let spec = spec.as_ref().map_or(String::new(), |s| format!(" :{s:?}"));
                    format!(" {{{}{conv}{spec}}}", expr(x))
                }
            });
            format!("(f{})", parts.collect::<String>())
        }
        ExprKind::Bool(b) => (if *b { "True" } else { "False" }).into(),
        ExprKind::None => "None".into(),
        ExprKind::Ellipsis => "...".into(),
        ExprKind::List(items) => format!("[{}]", exprs(items)),
        ExprKind::Tuple(items) => format!("(tuple {})", exprs(items)),
        ExprKind::Set(items) => format!("{{{}}}", exprs(items)),
        ExprKind::Dict(items) => {
            let items = items
                .iter()
                .map(|(k, v)| format!(" {}:{}", expr(k), expr(v)));
            format!("(dict{})", items.collect::<String>())
        }
        ExprKind::Comprehension {
            kind,
            elt,
            value,
            generators,
        } => {
            let value = value
                .as_ref()
                .map_or(String::new(), |v| format!(":{}", expr(v)));
            let gens = generators.iter().map(|g| {
                let ifs = g
                    .ifs
                    .iter()
                    .map(|c| format!(" (if {})", expr(c)))
                    .collect::<String>();
                format!(" (for {} {}{ifs})", expr(&g.target), expr(&g.iter))
            });
            format!(
                "({kind:?}comp {}{value}{})",
                expr(elt),
                gens.collect::<String>()
            )
        }
        ExprKind::Attribute { value, attr } => format!("(. {} {attr})", expr(value)),
        ExprKind::Subscript { value, index } => format!("([] {} {})", expr(value), expr(index)),
        ExprKind::Slice { lower, upper, step } => {
            let part = |p: &Option<Box<Expr>>| p.as_deref().map_or("_".to_string(), expr);
            format!("(slice {} {} {})", part(lower), part(upper), part(step))
        }
        ExprKind::Call { func, args } => {
            let args = args.iter().map(|a| match a {
                Arg::Positional(x) => format!(" {}", expr(x)),
                Arg::Keyword(n, x) => format!(" {n}={}", expr(x)),
                Arg::Star(x) => format!(" *{}", expr(x)),
                Arg::DoubleStar(x) => format!(" **{}", expr(x)),
            });
            format!("(call {}{})", expr(func), args.collect::<String>())
        }
        ExprKind::BinOp { left, op, right } => {
            format!("({} {} {})", bin_op(*op), expr(left), expr(right))
        }
        ExprKind::UnaryOp { op, operand } => {
            let op = match op {
                UnaryOp::Neg => "neg",
                UnaryOp::Pos => "pos",
                UnaryOp::Invert => "~",
                UnaryOp::Not => "not",
            };
            format!("({op} {})", expr(operand))
        }
        ExprKind::BoolOp { op, values } => {
            format!("({} {})", format!("{op:?}").to_lowercase(), exprs(values))
        }
        ExprKind::Compare {
            left,
            ops,
            comparators,
        } => {
            let rest = ops
                .iter()
                .zip(comparators)
                .map(|(o, c)| format!(" {} {}", cmp_op(*o), expr(c)));
            format!("(cmp {}{})", expr(left), rest.collect::<String>())
        }
        ExprKind::IfExp { test, body, orelse } => {
            format!("(ifexp {} {} {})", expr(test), expr(body), expr(orelse))
        }
        ExprKind::Lambda(f) => format!("(lambda {} {})", params(&f.params), block(&f.body)),
        ExprKind::Starred(x) => format!("(* {})", expr(x)),
    }
}
