//! Assignment, `for` and `del` targets: parsing them where the grammar
//! needs a dedicated rule, and CPython's errors for invalid ones ("cannot
//! assign to literal"), with the caret on the offending part.

use super::{ExprStart, PResult, ParseError, Parser};
use crate::ast::{Expr, ExprKind};
use crate::lexer::TokenKind;

/// Which statement a target belongs to, for the wording of its error
/// (CPython's `TARGETS_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TargetKind {
    /// `a = ...` and `for a in ...`: "cannot assign to ...".
    Store,
    /// `del a`: "cannot delete ...".
    Del,
}

/// CPython's name for an expression in error messages
/// (`_PyPegen_get_expr_name`).
pub(super) fn expr_name(expr: &Expr) -> &'static str {
    match &expr.kind {
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::Name(_) => "name",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::Lambda(_) => "lambda",
        ExprKind::Call { .. } => "function call",
        ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } | ExprKind::BoolOp { .. } => "expression",
        ExprKind::Comprehension { kind, .. } => match kind {
            crate::ast::CompKind::List => "list comprehension",
            crate::ast::CompKind::Set => "set comprehension",
            crate::ast::CompKind::Dict => "dict comprehension",
        },
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::FString(_) => "f-string expression",
        ExprKind::None => "None",
        ExprKind::Bool(true) => "True",
        ExprKind::Bool(false) => "False",
        ExprKind::Ellipsis => "ellipsis",
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => "literal",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::Slice { .. } => "slice",
    }
}

/// The first part of `target` that cannot be assigned to (or deleted),
/// searching into tuples, lists and starred items as CPython's
/// `_PyPegen_get_invalid_target` does.
pub(super) fn invalid_target(target: &Expr, kind: TargetKind) -> Option<&Expr> {
    match &target.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => None,
        ExprKind::Tuple(elts) | ExprKind::List(elts) => {
            elts.iter().find_map(|e| invalid_target(e, kind))
        }
        ExprKind::Starred(inner) if kind == TargetKind::Store => invalid_target(inner, kind),
        _ => Some(target),
    }
}

/// True for the expressions that CPython's `bitwise_or` rule can produce
/// (everything but comparisons, `not`, `and`/`or`, conditionals, lambdas
/// and starred items): the "Maybe you meant '=='" hints apply only to them.
pub(super) fn is_bitwise_or(expr: &Expr) -> bool {
    !matches!(
        expr.kind,
        ExprKind::Compare { .. }
            | ExprKind::BoolOp { .. }
            | ExprKind::UnaryOp {
                op: crate::ast::UnaryOp::Not,
                ..
            }
            | ExprKind::IfExp { .. }
            | ExprKind::Lambda(_)
            | ExprKind::Starred(_)
    )
}

/// True if `part` is `whole` or one of the items inside it that
/// [`invalid_target`] searches.
fn contains(whole: &Expr, part: &Expr) -> bool {
    std::ptr::eq(whole, part)
        || match &whole.kind {
            ExprKind::Tuple(elts) | ExprKind::List(elts) => elts.iter().any(|e| contains(e, part)),
            ExprKind::Starred(inner) => contains(inner, part),
            _ => false,
        }
}

impl Parser<'_> {
    /// "cannot assign to literal" / "cannot delete function call", with
    /// the caret on the offending part of the target.
    pub(super) fn invalid_target_error(
        &self,
        bad: &Expr,
        whole: &Expr,
        start: ExprStart,
        kind: TargetKind,
    ) -> Box<ParseError> {
        let verb = if kind == TargetKind::Del {
            "delete"
        } else {
            "assign to"
        };
        let msg = format!("cannot {verb} {}", expr_name(bad));
        self.error_at_part(start, whole, bad, msg)
    }

    /// `star_targets` where they are followed by `in` (`for` loops and
    /// comprehensions): `','.('*'? bitwise_or)+ [',']`. Parsing at the
    /// `bitwise_or` level keeps `in` out of the target; each item is then
    /// checked, as CPython's `invalid_for_target` does.
    /// `star_targets 'in'` of a `for` loop or comprehension. Without the
    /// `in`, CPython re-reads the targets as `star_expressions`
    /// (`invalid_for_target`), which can give a more specific message.
    pub(super) fn for_targets_in(&mut self) -> PResult<Expr> {
        let start = self.pos;
        let target = self.for_targets()?;
        if self.eat_kw("in") {
            return Ok(target);
        }
        let generic = self.invalid_syntax();
        let (pos, depth, brackets) = (self.pos, self.depth, self.brackets);
        self.pos = start;
        let reread = self.star_expressions();
        (self.pos, self.depth, self.brackets) = (pos, depth, brackets);
        match reread {
            Err(err) if err.error.msg != "invalid syntax" => Err(err),
            _ => Err(generic),
        }
    }

    fn for_targets(&mut self) -> PResult<Expr> {
        let line = self.line();
        let start = self.expr_start();
        let mut elts = Vec::new();
        loop {
            let item_line = self.line();
            let item = if self.eat_op("*") {
                let inner = self.bitwise_or()?;
                Parser::expr(item_line, ExprKind::Starred(Box::new(inner)))
            } else {
                self.bitwise_or()?
            };
            elts.push(item);
            if !self.at_op(",") {
                break;
            }
            self.advance();
            if self.at_kw("in") {
                break;
            }
        }
        let comma = elts.len() > 1 || self.tokens[self.pos - 1].kind == TokenKind::Op(",");
        let target = if comma {
            Parser::expr(line, ExprKind::Tuple(elts))
        } else {
            elts.remove(0)
        };
        if let Some(bad) = invalid_target(&target, TargetKind::Store) {
            return Err(self.invalid_target_error(bad, &target, start, TargetKind::Store));
        }
        Ok(target)
    }

    /// The token at which `part`, a target item inside `whole`, starts,
    /// `whole` starting at token `start`. The tree records no columns, so
    /// the tokens of a tuple or list are split at its top-level commas;
    /// `None` if the shapes do not match (the caller then points at the
    /// whole target).
    pub(super) fn locate(&self, start: usize, whole: &Expr, part: &Expr) -> Option<usize> {
        if std::ptr::eq(whole, part) {
            return Some(start);
        }
        match &whole.kind {
            ExprKind::Starred(inner) if self.tokens[start].kind == TokenKind::Op("*") => {
                self.locate(start + 1, inner, part)
            }
            ExprKind::Tuple(elts) | ExprKind::List(elts) => {
                let i = elts.iter().position(|e| contains(e, part))?;
                let starts = self
                    .element_starts(start, true)
                    .filter(|s| s.len() == elts.len())
                    .or_else(|| {
                        self.element_starts(start, false)
                            .filter(|s| s.len() == elts.len())
                    })?;
                self.locate(starts[i], &elts[i], part)
            }
            _ => None,
        }
    }

    /// Where the items of a display starting at token `start` begin:
    /// inside its brackets if `bracketed`, else up to the first token that
    /// cannot continue an unbracketed tuple.
    pub(super) fn element_starts(&self, start: usize, bracketed: bool) -> Option<Vec<usize>> {
        let opens = |k: TokenKind| matches!(k, TokenKind::Op("(" | "[" | "{"));
        let closes = |k: TokenKind| matches!(k, TokenKind::Op(")" | "]" | "}"));
        if bracketed && !matches!(self.tokens[start].kind, TokenKind::Op("(" | "[")) {
            return None;
        }
        let first = start + usize::from(bracketed);
        let mut starts = vec![first];
        let mut depth = 0usize;
        for i in first..self.tokens.len() {
            let kind = self.tokens[i].kind;
            if opens(kind) {
                depth += 1;
            } else if closes(kind) {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            } else if depth == 0 && kind == TokenKind::Op(",") {
                let next = self.tokens.get(i + 1)?.kind;
                if !closes(next) && !matches!(next, TokenKind::Op("=") | TokenKind::Newline) {
                    starts.push(i + 1);
                }
            } else if depth == 0 && !bracketed && !self.continues_tuple(kind) {
                break;
            }
        }
        Some(starts)
    }

    /// True if a token may appear at the top level of an unbracketed
    /// target tuple (anything but the tokens that end one: the end of the
    /// statement, `in`, `=`, `:`, an augmented assignment operator).
    fn continues_tuple(&self, kind: TokenKind) -> bool {
        match kind {
            TokenKind::Newline | TokenKind::EndMarker | TokenKind::Error => false,
            TokenKind::Keyword(kw) => kw != "in",
            TokenKind::Op(op) => {
                let comparison = matches!(op, "==" | "!=" | "<=" | ">=");
                !matches!(op, "=" | ";" | ":") && (comparison || !op.ends_with('='))
            }
            _ => true,
        }
    }
}
