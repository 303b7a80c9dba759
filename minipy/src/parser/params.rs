//! Parameter lists of `def` and `lambda` (`params`, `lambda_params`),
//! with CPython 3.11's messages for misordered parameters.
//!
//! One loop reads both kinds: a `def` list ends at `)` and may carry
//! annotations (parsed and dropped); a `lambda` list ends at `:`, where a
//! colon after a name ends the list instead of starting an annotation.

use std::rc::Rc;

use super::{PResult, Parser, SyntaxError};
use crate::ast::{Expr, FunctionDef, Params};
use crate::lexer::{same, TokenKind};

/// The names read so far, to find a repeated one.
#[derive(Default)]
struct Seen {
    names: Vec<Rc<str>>,
    /// "duplicate argument 'x' in function definition" at the first
    /// repeated name.
    duplicate: Option<SyntaxError>,
}

impl Parser<'_> {
    /// Parameters up to (not including) `close`, which is `")"` for a
    /// `def` and `":"` for a `lambda`.
    ///
    /// A repeated name is not an error yet: CPython finds it in its symbol
    /// table pass, after parsing. The error, with the repeated name's
    /// position, is returned for [`Parser::note_duplicate`].
    pub(super) fn params(&mut self, close: &str) -> PResult<(Params, Option<SyntaxError>)> {
        let mut params = Params::default();
        let mut seen = Seen::default();
        let mut seen_star = false;
        let mut seen_default = false;
        while !self.at_op(close) {
            if params.kwarg.is_some() {
                return Err(self.error_here("arguments cannot follow var-keyword argument"));
            }
            if self.at_op("(") && close == ")" {
                return Err(self.error_here("Function parameters cannot be parenthesized"));
            }
            if self.at_op("/") {
                return Err(self.unsupported(self.peek(), "positional-only parameters"));
            }
            if self.at_op("*") {
                if seen_star {
                    return Err(self.error_here("* argument may appear only once"));
                }
                seen_star = true;
                self.star_param(&mut params, &mut seen, close)?;
            } else if self.eat_op("**") {
                let name = self.param_name(&mut seen, close)?;
                if self.at_op("=") {
                    return Err(self.error_here("var-keyword argument cannot have default value"));
                }
                params.kwarg = Some(name);
            } else {
                let name_tok = *self.peek();
                let name = self.param_name(&mut seen, close)?;
                let default = self.param_default(close)?;
                if seen_star {
                    params.kwonly.push((name, default));
                } else {
                    // CPython's `invalid_parameters` wants the parameter
                    // complete (followed by `,` or the end) to say so.
                    let complete = self.at_op(",") || self.at_op(close);
                    if default.is_none() && seen_default && complete {
                        let msg = "non-default argument follows default argument";
                        return Err(self.error_at(&name_tok, msg));
                    }
                    seen_default |= default.is_some();
                    params.args.push((name, default));
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        if !self.at_op(close) {
            return Err(self.invalid_syntax());
        }
        Ok((params, seen.duplicate))
    }

    /// Records the duplicate-parameter error of the function `def`, for the
    /// symbol table checks to report at its exact position.
    pub(super) fn note_duplicate(&mut self, def: &Rc<FunctionDef>, duplicate: Option<SyntaxError>) {
        if let Some(error) = duplicate {
            self.duplicate_params
                .insert(Rc::as_ptr(def) as usize, error);
        }
    }

    /// `'*' [NAME]`: the `*args` parameter, or a bare `*` which must be
    /// followed by a keyword-only parameter.
    fn star_param(&mut self, params: &mut Params, seen: &mut Seen, close: &str) -> PResult<()> {
        let star = self.advance();
        if self.at_op(",") || self.at_op(close) {
            let bare_ok = self.at_op(",") && !self.peek_is(1, close) && !self.peek_is(1, "**");
            if bare_ok {
                return Ok(());
            }
            // CPython points at the `*` in a `def`, after it in a lambda.
            let msg = "named arguments must follow bare *";
            return Err(if close == ")" {
                self.error_at(&star, msg)
            } else {
                self.error_here(msg)
            });
        }
        params.vararg = Some(self.param_name(seen, close)?);
        if self.at_op("=") {
            return Err(self.error_here("var-positional argument cannot have default value"));
        }
        Ok(())
    }

    /// True if the token `n` ahead is the operator `op`.
    fn peek_is(&self, n: usize, op: &str) -> bool {
        matches!(self.peek_nth(n), TokenKind::Op(o) if same(o, op))
    }

    /// `param: NAME [':' expression]` (a `def`'s annotation is dropped).
    fn param_name(&mut self, seen: &mut Seen, close: &str) -> PResult<Rc<str>> {
        let tok = *self.peek();
        let name = self.expect_name()?;
        if !seen.names.contains(&name) {
            seen.names.push(name.clone());
        } else if seen.duplicate.is_none() {
            let msg = format!("duplicate argument '{name}' in function definition");
            seen.duplicate = Some(self.error_at(&tok, msg).error);
        }
        if close == ")" && self.eat_op(":") {
            self.expression()?;
        }
        Ok(name)
    }

    /// `default: '=' expression`, if present.
    fn param_default(&mut self, close: &str) -> PResult<Option<Expr>> {
        if !self.at_op("=") {
            return Ok(None);
        }
        if close == ")" && (self.peek_is(1, ",") || self.peek_is(1, ")")) {
            return Err(self.error_here("expected default value expression"));
        }
        self.advance();
        Ok(Some(self.expression()?))
    }
}
