//! The checks CPython's compiler (`Python/compile.c`) makes after the
//! symbol table: `return`, `break` and `continue` where they may not be,
//! a bare `except:` before another handler, a repeated keyword argument,
//! and starred expressions outside a display or an assignment target.
//!
//! Also the entry point [`check_module`], which runs the symbol-table
//! checks first, as CPython does, so that their errors win.

use std::collections::{HashMap, HashSet};

use super::{symtable, SyntaxError};
use crate::ast::{Arg, CompFor, ExceptHandler, Expr, ExprKind, FunctionDef, Line, Stmt, StmtKind};

/// All post-parse checks, in CPython's order: `__future__` imports,
/// symbol table, compiler. `duplicate_params` are the parser's
/// duplicate-parameter errors (see [`symtable::check`]).
pub(super) fn check_module(
    body: &[Stmt],
    src: &str,
    duplicate_params: &HashMap<usize, SyntaxError>,
) -> Result<(), SyntaxError> {
    let checks = || -> Walk {
        let future_line = future_imports(body, src)?;
        symtable::check(body, src, duplicate_params)?;
        Checker {
            src,
            future_line,
            in_function: false,
            loops: 0,
        }
        .body(body)
    };
    checks().map_err(|err| *err)
}

/// The features `from __future__ import` accepts in Python 3.11.
const FUTURE_FEATURES: [&str; 10] = [
    "nested_scopes",
    "generators",
    "division",
    "absolute_import",
    "with_statement",
    "print_function",
    "unicode_literals",
    "barry_as_FLUFL",
    "generator_stop",
    "annotations",
];

/// CPython's `future.c`: the `from __future__` imports that open a module
/// (after an optional docstring) must name known features. Returns the
/// line of the last of them (0 if none); a later one is an error the
/// compiler reports.
fn future_imports(body: &[Stmt], src: &str) -> Result<Line, Box<SyntaxError>> {
    let mut last = 0;
    let docstring = matches!(
        body.first(),
        Some(Stmt {
            kind: StmtKind::Expr(Expr {
                kind: ExprKind::Str(_),
                ..
            }),
            ..
        })
    );
    for stmt in &body[usize::from(docstring)..] {
        let StmtKind::ImportFrom { module, names } = &stmt.kind else {
            break;
        };
        if &**module != "__future__" {
            break;
        }
        for (name, _) in names {
            if &**name == "braces" {
                return Err(fail(src, "not a chance", stmt.line));
            }
            if !FUTURE_FEATURES.contains(&&**name) {
                return Err(fail(
                    src,
                    format!("future feature {name} is not defined"),
                    stmt.line,
                ));
            }
        }
        last = stmt.line;
    }
    Ok(last)
}

/// An error on `line`, with the caret on the line's first non-blank
/// character (the tree records no columns; for a statement that is where
/// CPython puts it).
pub(super) fn error_on_line(src: &str, msg: impl Into<String>, line: Line) -> SyntaxError {
    let text = src
        .split('\n')
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("");
    let col0 = text.len() - text.trim_start().len();
    SyntaxError::at("SyntaxError", msg, src, line, col0)
}

/// The result of a check: errors are boxed to keep the walks' frames
/// small, as they recurse once per level of the tree.
pub(super) type Walk = Result<(), Box<SyntaxError>>;

/// [`error_on_line`], boxed.
pub(super) fn fail(src: &str, msg: impl Into<String>, line: Line) -> Box<SyntaxError> {
    Box::new(error_on_line(src, msg, line))
}

/// The direct sub-expressions of `expr`, in evaluation order.
pub(super) fn children(expr: &Expr) -> std::vec::IntoIter<&Expr> {
    let mut out: Vec<&Expr> = Vec::new();
    match &expr.kind {
        ExprKind::Name(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::None
        | ExprKind::Ellipsis => {}
        ExprKind::FString(parts) => out.extend(symtable::fstring_exprs(parts)),
        ExprKind::List(elts) | ExprKind::Tuple(elts) | ExprKind::Set(elts) => out.extend(elts),
        ExprKind::Dict(items) => items.iter().for_each(|(k, v)| out.extend([k, v])),
        ExprKind::Comprehension {
            elt,
            value,
            generators,
            ..
        } => {
            for gen in generators {
                out.push(&gen.iter);
                out.push(&gen.target);
                out.extend(&gen.ifs);
            }
            out.push(elt);
            out.extend(value.as_deref());
        }
        ExprKind::Attribute { value, .. } => out.push(value),
        ExprKind::Subscript { value, index } => out.extend([&**value, &**index]),
        ExprKind::Slice { lower, upper, step } => {
            out.extend([lower, upper, step].into_iter().flatten().map(|e| &**e))
        }
        ExprKind::Call { func, args } => {
            out.push(func);
            out.extend(args.iter().map(arg_expr));
        }
        ExprKind::BinOp { left, right, .. } => out.extend([&**left, &**right]),
        ExprKind::UnaryOp { operand, .. } => out.push(operand),
        ExprKind::BoolOp { values, .. } => out.extend(values),
        ExprKind::Compare {
            left, comparators, ..
        } => {
            out.push(left);
            out.extend(comparators);
        }
        ExprKind::IfExp { test, body, orelse } => out.extend([&**test, &**body, &**orelse]),
        ExprKind::Lambda(def) => {
            out.extend(
                def.params
                    .args
                    .iter()
                    .chain(&def.params.kwonly)
                    .filter_map(|(_, d)| d.as_ref()),
            );
            out.extend(lambda_body(def));
        }
        ExprKind::Starred(inner) => out.push(inner),
    }
    out.into_iter()
}

/// The expression of a call argument.
fn arg_expr(arg: &Arg) -> &Expr {
    match arg {
        Arg::Positional(e) | Arg::Keyword(_, e) | Arg::Star(e) | Arg::DoubleStar(e) => e,
    }
}

/// A lambda's body expression (its one `return`).
fn lambda_body(def: &FunctionDef) -> Option<&Expr> {
    match def.body.first().map(|s| &s.kind) {
        Some(StmtKind::Return(Some(e))) => Some(e),
        _ => None,
    }
}

/// The compiler-phase walk: what encloses the current statement.
struct Checker<'a> {
    src: &'a str,
    /// The line of the last `from __future__` import of the module's
    /// opening block (see [`future_imports`]).
    future_line: Line,
    in_function: bool,
    /// Loops enclosing the current statement within the current function
    /// or class body (a `def` or `class` starts again from 0).
    loops: usize,
}

type Checked = Walk;

impl Checker<'_> {
    fn error(&self, msg: impl Into<String>, line: Line) -> Box<SyntaxError> {
        fail(self.src, msg, line)
    }

    fn body(&mut self, body: &[Stmt]) -> Checked {
        body.iter().try_for_each(|stmt| self.stmt(stmt))
    }

    /// Checks `body` as the body of a new function (or class) scope.
    fn nested(&mut self, in_function: bool, f: impl FnOnce(&mut Self) -> Checked) -> Checked {
        let saved = (self.in_function, self.loops);
        (self.in_function, self.loops) = (in_function, 0);
        let result = f(self);
        (self.in_function, self.loops) = saved;
        result
    }

    /// One statement. Compound statements go to helpers so that this
    /// frame, on the recursion path of every nested block, stays small.
    fn stmt(&mut self, stmt: &Stmt) -> Checked {
        let line = stmt.line;
        match &stmt.kind {
            StmtKind::Expr(e) => self.value(e),
            StmtKind::Assign { targets, value } => self.assign(targets, value),
            StmtKind::AugAssign { target, value, .. } => {
                self.value(value)?;
                self.expr(target)
            }
            StmtKind::If { test, body, orelse } => {
                self.value(test)?;
                self.body(body)?;
                self.body(orelse)
            }
            StmtKind::While { test, body, orelse } => self.loop_stmt(None, test, body, orelse),
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => self.loop_stmt(Some(target), iter, body, orelse),
            StmtKind::Break if self.loops == 0 => Err(self.error("'break' outside loop", line)),
            StmtKind::Continue if self.loops == 0 => {
                Err(self.error("'continue' not properly in loop", line))
            }
            StmtKind::Return(_) if !self.in_function => {
                Err(self.error("'return' outside function", line))
            }
            StmtKind::Return(value) => self.values(value.iter()),
            StmtKind::Raise { exc, cause } => self.values(exc.iter().chain(cause)),
            StmtKind::Assert { test, msg } => self.values(std::iter::once(test).chain(msg)),
            StmtKind::Delete(targets) => targets.iter().try_for_each(|t| self.expr(t)),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_stmt(body, handlers, orelse, finalbody),
            StmtKind::FunctionDef(def) => self.function(def),
            StmtKind::ClassDef(class) => {
                self.values(class.decorators.iter().chain(&class.bases))?;
                self.nested(false, |c| c.body(&class.body))
            }
            StmtKind::ImportFrom { module, .. }
                if &**module == "__future__" && line > self.future_line =>
            {
                Err(self.error(
                    "from __future__ imports must occur at the beginning of the file",
                    line,
                ))
            }
            _ => Ok(()),
        }
    }

    fn values<'e>(&mut self, exprs: impl Iterator<Item = &'e Expr>) -> Checked {
        for expr in exprs {
            self.value(expr)?;
        }
        Ok(())
    }

    /// `a = b = value`: CPython compiles the value first.
    fn assign(&mut self, targets: &[Expr], value: &Expr) -> Checked {
        self.value(value)?;
        targets.iter().try_for_each(|t| self.target(t))
    }

    /// A `while` (no target) or `for` loop: `break` and `continue` are
    /// allowed in the body, not in the `else`.
    fn loop_stmt(
        &mut self,
        target: Option<&Expr>,
        test_or_iter: &Expr,
        body: &[Stmt],
        orelse: &[Stmt],
    ) -> Checked {
        self.value(test_or_iter)?;
        if let Some(target) = target {
            self.target(target)?;
        }
        self.loops += 1;
        let result = self.body(body);
        self.loops -= 1;
        result?;
        self.body(orelse)
    }

    fn try_stmt(
        &mut self,
        body: &[Stmt],
        handlers: &[ExceptHandler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
    ) -> Checked {
        self.body(body)?;
        for (i, handler) in handlers.iter().enumerate() {
            if handler.typ.is_none() && i + 1 < handlers.len() {
                return Err(self.error("default 'except:' must be last", handler.line));
            }
            self.values(handler.typ.iter())?;
            self.body(&handler.body)?;
        }
        self.body(orelse)?;
        self.body(finalbody)
    }

    /// A `def` or lambda: decorators and defaults in the enclosing code,
    /// the body as a new function.
    fn function(&mut self, def: &FunctionDef) -> Checked {
        let defaults = def
            .params
            .args
            .iter()
            .chain(&def.params.kwonly)
            .filter_map(|(_, d)| d.as_ref());
        self.values(def.decorators.iter().chain(defaults))?;
        if def.is_lambda {
            return self.nested(true, |c| c.values(lambda_body(def).into_iter()));
        }
        self.nested(true, |c| c.body(&def.body))
    }

    /// An expression in a position where a starred item is not allowed.
    fn value(&mut self, expr: &Expr) -> Checked {
        if let ExprKind::Starred(_) = expr.kind {
            return Err(self.error("can't use starred expression here", expr.line));
        }
        self.expr(expr)
    }

    /// Any expression; a starred item only directly in a display.
    fn expr(&mut self, expr: &Expr) -> Checked {
        match &expr.kind {
            ExprKind::List(elts) | ExprKind::Tuple(elts) | ExprKind::Set(elts) => {
                let unstarred = elts.iter().map(|elt| match &elt.kind {
                    ExprKind::Starred(inner) => &**inner,
                    _ => elt,
                });
                self.values(unstarred)
            }
            ExprKind::Call { args, .. } => self.call(expr, args),
            ExprKind::Lambda(def) => self.function(def),
            ExprKind::Comprehension { generators, .. } => self.comprehension(expr, generators),
            ExprKind::Starred(_) => Err(self.error("can't use starred expression here", expr.line)),
            _ => self.values(children(expr)),
        }
    }

    /// A call: a keyword may be given once.
    fn call(&mut self, call: &Expr, args: &[Arg]) -> Checked {
        let mut seen = HashSet::new();
        for arg in args {
            if let Arg::Keyword(name, value) = arg {
                if !seen.insert(name) {
                    return Err(
                        self.error(format!("keyword argument repeated: {name}"), value.line)
                    );
                }
            }
        }
        self.values(children(call))
    }

    /// A comprehension: its targets are targets, the rest values.
    fn comprehension(&mut self, comp: &Expr, generators: &[CompFor]) -> Checked {
        for gen in generators {
            self.target(&gen.target)?;
        }
        let is_target = |e: &&Expr| generators.iter().any(|g| std::ptr::eq(&g.target, *e));
        self.values(children(comp).filter(|e| !is_target(e)))
    }

    /// An assignment or `for` target: a starred item only inside a tuple
    /// or list, and at most one per level.
    fn target(&mut self, target: &Expr) -> Checked {
        match &target.kind {
            ExprKind::Starred(_) => Err(self.error(
                "starred assignment target must be in a list or tuple",
                target.line,
            )),
            ExprKind::Tuple(elts) | ExprKind::List(elts) => {
                let starred = elts
                    .iter()
                    .filter(|e| matches!(e.kind, ExprKind::Starred(_)))
                    .count();
                if starred > 1 {
                    return Err(
                        self.error("multiple starred expressions in assignment", target.line)
                    );
                }
                for elt in elts {
                    match &elt.kind {
                        ExprKind::Starred(inner) => self.target(inner)?,
                        _ => self.target(elt)?,
                    }
                }
                Ok(())
            }
            _ => self.expr(target),
        }
    }
}
