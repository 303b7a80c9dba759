//! Lowering statements and expressions, node by node (the scopes and
//! functions around them are in `lower.rs`).

use std::rc::Rc;

use refcycle::Gc;

use super::code::*;
use super::lower::{Ctx, Lowerer, Result};
use crate::ast;
use crate::object::{PyStr, Tuple, Value};

impl Lowerer<'_> {
    pub(super) fn stmt(&self, c: &Ctx<'_>, s: &ast::Stmt) -> Result<Stmt> {
        use ast::StmtKind as S;
        let kind = match &s.kind {
            S::Expr(e) => StmtKind::Expr(self.expr(c, e)?),
            S::Assign { targets, value } => StmtKind::Assign(
                targets
                    .iter()
                    .map(|t| self.target(c, t))
                    .collect::<Result<_>>()?,
                self.expr(c, value)?,
            ),
            S::AugAssign { target, op, value } => {
                StmtKind::AugAssign(self.target(c, target)?, *op, self.expr(c, value)?)
            }
            S::If { test, body, orelse } => StmtKind::If(
                self.expr(c, test)?,
                self.block(c, body)?,
                self.block(c, orelse)?,
            ),
            S::While { test, body, orelse } => StmtKind::While(
                self.expr(c, test)?,
                self.block(c, body)?,
                self.block(c, orelse)?,
            ),
            S::For {
                target,
                iter,
                body,
                orelse,
            } => StmtKind::For(
                self.target(c, target)?,
                self.expr(c, iter)?,
                self.block(c, body)?,
                self.block(c, orelse)?,
            ),
            S::Break => StmtKind::Break,
            S::Continue => StmtKind::Continue,
            S::Pass | S::Global(_) | S::Nonlocal(_) => StmtKind::Pass,
            S::Return(e) => StmtKind::Return(e.as_ref().map(|e| self.expr(c, e)).transpose()?),
            S::FunctionDef(fd) => StmtKind::Def(
                self.function(c, fd)?,
                Target::Name(self.resolve(c, &fd.name)),
            ),
            S::ClassDef(cd) => {
                StmtKind::Class(self.class(c, cd)?, Target::Name(self.resolve(c, &cd.name)))
            }
            S::Delete(ts) => StmtKind::Delete(
                ts.iter()
                    .map(|t| self.target(c, t))
                    .collect::<Result<_>>()?,
            ),
            S::Raise { exc, cause } => StmtKind::Raise(
                exc.as_ref().map(|e| self.expr(c, e)).transpose()?,
                cause.as_ref().map(|e| self.expr(c, e)).transpose()?,
            ),
            S::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => StmtKind::Try(Box::new(TryStmt {
                body: self.block(c, body)?,
                handlers: handlers
                    .iter()
                    .map(|h| {
                        Ok(Handler {
                            line: h.line,
                            typ: h.typ.as_ref().map(|t| self.expr(c, t)).transpose()?,
                            name: h.name.as_ref().map(|n| self.resolve(c, n)),
                            body: self.block(c, &h.body)?,
                        })
                    })
                    .collect::<Result<_>>()?,
                orelse: self.block(c, orelse)?,
                finalbody: self.block(c, finalbody)?,
            })),
            S::Assert { test, msg } => StmtKind::Assert(
                self.expr(c, test)?,
                msg.as_ref().map(|m| self.expr(c, m)).transpose()?,
            ),
            S::Import(items) => StmtKind::Import(
                items
                    .iter()
                    .map(|(m, alias)| {
                        let first: Rc<str> = m.split('.').next().unwrap_or(m).into();
                        let bound = alias.as_ref().unwrap_or(&first);
                        (self.intern(m), Target::Name(self.resolve(c, bound)))
                    })
                    .collect(),
            ),
            S::ImportFrom { module, names } => StmtKind::ImportFrom(
                self.intern(module),
                names
                    .iter()
                    .map(|(n, alias)| {
                        let bound = alias.as_ref().unwrap_or(n);
                        (self.intern(n), Target::Name(self.resolve(c, bound)))
                    })
                    .collect(),
            ),
        };
        Ok(Stmt { line: s.line, kind })
    }

    pub(super) fn expr(&self, c: &Ctx<'_>, e: &ast::Expr) -> Result<Expr> {
        use ast::ExprKind as E;
        let b = |x: &ast::Expr| self.expr(c, x).map(Box::new);
        let kind = match &e.kind {
            E::Name(n) => ExprKind::Name(self.resolve(c, n)),
            E::Int(i) => ExprKind::Const(Value::Int(*i)),
            E::Float(f) => ExprKind::Const(Value::Float(*f)),
            E::Str(s) => ExprKind::Const(self.str_const(s)),
            E::Bool(v) => ExprKind::Const(Value::Bool(*v)),
            E::None => ExprKind::Const(Value::None),
            E::Ellipsis => ExprKind::Const(self.vm.ellipsis()),
            E::FString(parts) => ExprKind::FString(
                parts
                    .iter()
                    .map(|p| {
                        Ok(match p {
                            ast::FStringPart::Literal(s) => FPart::Literal(self.intern_lit(s)),
                            ast::FStringPart::Expr {
                                expr,
                                conversion,
                                spec,
                            } => FPart::Field {
                                expr: self.expr(c, expr)?,
                                conversion: *conversion,
                                spec: spec.clone(),
                            },
                        })
                    })
                    .collect::<Result<_>>()?,
            ),
            E::List(v) => ExprKind::List(self.exprs(c, v)?),
            E::Tuple(v) => {
                let items = self.exprs(c, v)?;
                if items.is_empty() {
                    return Ok(Expr {
                        line: e.line,
                        kind: ExprKind::Const(self.vm.empty_tuple()),
                    });
                }
                match constant_tuple(&items) {
                    Some(values) => ExprKind::Const(Value::Tuple(Gc::new(Tuple::new(values)))),
                    None => ExprKind::Tuple(items),
                }
            }
            E::Set(v) => ExprKind::Set(self.exprs(c, v)?),
            E::Dict(pairs) => ExprKind::Dict(
                pairs
                    .iter()
                    .map(|(k, v)| Ok((self.expr(c, k)?, self.expr(c, v)?)))
                    .collect::<Result<_>>()?,
            ),
            E::Comprehension { .. } => return self.comprehension(c, e),
            E::Attribute { value, attr } => ExprKind::Attr(b(value)?, self.intern(attr)),
            E::Subscript { value, index } => ExprKind::Subscript(b(value)?, b(index)?),
            E::Slice { lower, upper, step } => {
                let o = |x: &Option<Box<ast::Expr>>| x.as_deref().map(b).transpose();
                ExprKind::Slice(o(lower)?, o(upper)?, o(step)?)
            }
            E::Call { func, args } => return self.call(c, e.line, func, args),
            E::BinOp { left, op, right } => ExprKind::BinOp(*op, b(left)?, b(right)?),
            E::UnaryOp { op, operand } => {
                let inner = self.expr(c, operand)?;
                match (op, &inner.kind) {
                    (ast::UnaryOp::Neg, ExprKind::Const(Value::Int(i))) if *i != i64::MIN => {
                        ExprKind::Const(Value::Int(-i))
                    }
                    (ast::UnaryOp::Neg, ExprKind::Const(Value::Float(f))) => {
                        ExprKind::Const(Value::Float(-f))
                    }
                    _ => ExprKind::Unary(*op, Box::new(inner)),
                }
            }
            E::BoolOp { op, values } => {
                ExprKind::BoolOp(*op == ast::BoolOp::And, self.exprs(c, values)?)
            }
            E::Compare {
                left,
                ops,
                comparators,
            } => ExprKind::Compare(
                b(left)?,
                ops.iter()
                    .zip(comparators)
                    .map(|(op, x)| Ok((*op, self.expr(c, x)?)))
                    .collect::<Result<_>>()?,
            ),
            E::IfExp { test, body, orelse } => ExprKind::IfExp(b(test)?, b(body)?, b(orelse)?),
            E::Lambda(fd) => ExprKind::Lambda(self.function(c, fd)?),
            E::Starred(x) => ExprKind::Starred(b(x)?),
        };
        Ok(Expr { line: e.line, kind })
    }

    fn intern_lit(&self, s: &str) -> Gc<PyStr> {
        match self.str_const(s) {
            Value::Str(s) => s,
            _ => unreachable!("str_const returns a str"),
        }
    }

    fn call(&self, c: &Ctx<'_>, line: u32, func: &ast::Expr, args: &[ast::Arg]) -> Result<Expr> {
        let mut ca = CallArgs {
            items: Vec::with_capacity(args.len()),
            positional_only: true,
        };
        for a in args {
            ca.items.push(match a {
                ast::Arg::Positional(x) => CallArg::Pos(self.expr(c, x)?),
                ast::Arg::Keyword(n, x) => CallArg::Kw(self.intern(n), self.expr(c, x)?),
                ast::Arg::Star(x) => CallArg::Star(self.expr(c, x)?),
                ast::Arg::DoubleStar(x) => CallArg::DoubleStar(self.expr(c, x)?),
            });
        }
        ca.positional_only = ca.items.iter().all(|a| matches!(a, CallArg::Pos(_)));
        let kind = match &func.kind {
            ast::ExprKind::Attribute { value, attr } => {
                ExprKind::CallMethod(Box::new(self.expr(c, value)?), self.intern(attr), ca)
            }
            ast::ExprKind::Name(n) if &**n == "super" && args.is_empty() => {
                match self.zero_arg_super(c) {
                    Some(k) => k,
                    None => ExprKind::Call(Box::new(self.expr(c, func)?), ca),
                }
            }
            ast::ExprKind::Name(n) => {
                let callee = Box::new(self.expr(c, func)?);
                let global = matches!(callee.kind, ExprKind::Name(NameRef::Global(..)));
                match FrameFn::by_name(n).filter(|_| global) {
                    Some(which) => ExprKind::FrameCall(which, callee, ca),
                    None => ExprKind::Call(callee, ca),
                }
            }
            _ => ExprKind::Call(Box::new(self.expr(c, func)?), ca),
        };
        Ok(Expr { line, kind })
    }

    /// `super()` in a method: the `__class__` cell and the first parameter.
    fn zero_arg_super(&self, c: &Ctx<'_>) -> Option<ExprKind> {
        if !c.function_like() || !matches!(self.resolve(c, &"super".into()), NameRef::Global(..)) {
            return None;
        }
        let class_cell = *c.cells.get("__class__")?;
        let first = c.scope.params.first().map(|p| self.resolve(c, p));
        Some(ExprKind::Super { class_cell, first })
    }
}
/// The values of a tuple display whose items are all constants (CPython
/// folds those into one constant tuple, owned by the code).
fn constant_tuple(items: &[Expr]) -> Option<Vec<Value>> {
    items
        .iter()
        .map(|i| match &i.kind {
            ExprKind::Const(v) => Some(v.clone()),
            _ => None,
        })
        .collect()
}
