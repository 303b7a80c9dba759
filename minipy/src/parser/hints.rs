//! CPython's `invalid_*` rules that turn "invalid syntax" into a hint:
//! a `=` where `==` was meant, juxtaposed expressions (a missing comma, or
//! Python 2's `print x`), and `:=` (outside minipy's subset).
//!
//! CPython tries these only after a parse has failed. Here the rule that
//! meets the suspicious token calls them; each looks ahead (without
//! consuming) to see whether CPython's rule would match.

use super::targets::{expr_name, is_bitwise_or};
use super::{ExprStart, PResult, Parser};
use crate::ast::{Expr, ExprKind};
use crate::lexer::TokenKind;

impl Parser<'_> {
    /// `:=` after an expression: outside the subset after a name, and
    /// CPython's "cannot use assignment expressions with ..." otherwise.
    pub(super) fn check_walrus(&self, expr: &Expr, start: ExprStart) -> PResult<()> {
        if !self.at_op(":=") {
            return Ok(());
        }
        if matches!(expr.kind, ExprKind::Name(_)) {
            return Err(self.unsupported(self.peek(), "':='"));
        }
        Err(self.error_at_expr(
            start,
            format!("cannot use assignment expressions with {}", expr_name(expr)),
        ))
    }

    /// CPython's `invalid_named_expression` for the first target of an
    /// assignment: `f() = 1` gets "cannot assign to function call here.
    /// Maybe you meant '==' instead of '='?". In an unparenthesised tuple
    /// the item before the `=` is the one looked at (CPython reads the
    /// items as `star_named_expressions`), so `print(x), b = 1` gets
    /// "invalid syntax. Maybe you meant '==' or ':=' instead of '='?".
    pub(super) fn maybe_meant_equals(&mut self, target: &Expr, start: ExprStart) -> PResult<()> {
        match &target.kind {
            ExprKind::Tuple(elts) if self.tokens[start.0].kind != TokenKind::Op("(") => {
                let starts = self
                    .element_starts(start.0, false)
                    .filter(|s| s.len() == elts.len());
                match (elts.last(), starts.as_deref().and_then(<[usize]>::last)) {
                    (Some(last), Some(&at)) => self.meant_equality(last, ExprStart(at)),
                    _ => Ok(()),
                }
            }
            _ => self.meant_equality(target, start),
        }
    }

    /// `if x = 1:`: "invalid syntax. Maybe you meant '==' or ':=' instead
    /// of '='?" after a name, the "cannot assign to ... here" hint after
    /// other `bitwise_or`s.
    pub(super) fn meant_equality(&mut self, expr: &Expr, start: ExprStart) -> PResult<()> {
        let genexp = matches!(expr.kind, ExprKind::Comprehension { .. })
            && self.tokens[start.0].kind == TokenKind::Op("(");
        let excluded = genexp
            || matches!(
                expr.kind,
                ExprKind::List(_) | ExprKind::Tuple(_) | ExprKind::Bool(_) | ExprKind::None
            );
        if excluded || !is_bitwise_or(expr) {
            return Ok(());
        }
        let single_value = self.lookahead(|p| {
            p.advance();
            p.bitwise_or()?;
            Ok(!p.at_op("=") && !p.at_op(":="))
        });
        if single_value != Some(true) {
            return Ok(());
        }
        let msg = match expr.kind {
            ExprKind::Name(_) => {
                "invalid syntax. Maybe you meant '==' or ':=' instead of '='?".to_string()
            }
            _ => format!(
                "cannot assign to {} here. Maybe you meant '==' instead of '='?",
                expr_name(expr)
            ),
        };
        Err(self.error_at_expr(start, msg))
    }

    /// An expression directly followed by another: CPython's
    /// `invalid_legacy_expression` (`print "x"`) and, inside brackets,
    /// "invalid syntax. Perhaps you forgot a comma?". Otherwise the
    /// caller reports "invalid syntax" at the second expression.
    pub(super) fn juxtaposed(&mut self, first: &Expr, start: ExprStart) -> PResult<()> {
        if self.without_invalid || self.dict_key_level == Some(self.brackets) {
            return Ok(());
        }
        if let ExprKind::Name(name) = &first.kind {
            if matches!(&**name, "print" | "exec")
                && self.lookahead(Parser::star_expressions).is_some()
            {
                let msg =
                    format!("Missing parentheses in call to '{name}'. Did you mean {name}(...)?");
                return Err(self.error_at_expr(start, msg));
            }
        }
        let first_tok = self.tokens[start.0];
        // CPython 3.11 tests for a soft keyword with `strncmp` over the
        // name's length, so every prefix of one counts ("m", "ca" ...).
        let name = self.text(&first_tok);
        let soft_keyword = first_tok.kind == TokenKind::Name
            && ["match", "case", "_"].iter().any(|k| k.starts_with(name));
        let bad_prefix =
            first_tok.kind == TokenKind::Name && self.tokens[start.0 + 1].kind == TokenKind::String;
        if soft_keyword || bad_prefix {
            return Ok(());
        }
        // CPython reads the second expression before it looks at the
        // bracket level: how far that reads matters to which error wins
        // (see `resolve`), so the lookahead runs outside brackets too.
        let second = self.lookahead(|p| {
            p.without_invalid = true;
            let second = p.expression();
            p.without_invalid = false;
            second
        });
        let second = second.is_some();
        if second && self.brackets > 0 {
            return Err(self.error_at_expr(start, "invalid syntax. Perhaps you forgot a comma?"));
        }
        Ok(())
    }
}
