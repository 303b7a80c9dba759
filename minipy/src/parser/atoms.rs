//! Atoms (`atom`): names, constants, literals and the bracketed displays
//! (tuples, lists, dicts, sets and their comprehensions), plus the two
//! bracketed trailers of `primary`: call `arguments` and `slices`.
//!
//! A generator expression is read as a list comprehension: minipy
//! evaluates it eagerly (see [`CompKind::List`]).

use super::{ExprStart, PResult, ParseError, Parser};
use crate::ast::{Arg, CompFor, CompKind, Expr, ExprKind};
use crate::lexer::TokenKind;

impl Parser<'_> {
    /// `atom`
    pub(super) fn atom(&mut self) -> PResult<Expr> {
        let line = self.line();
        let kind = match self.peek_kind() {
            TokenKind::Name => ExprKind::Name(self.expect_name()?),
            TokenKind::Number => return self.number(),
            TokenKind::String => return self.strings(),
            TokenKind::Keyword("True") => self.constant(ExprKind::Bool(true)),
            TokenKind::Keyword("False") => self.constant(ExprKind::Bool(false)),
            TokenKind::Keyword("None") => self.constant(ExprKind::None),
            TokenKind::Op("...") => self.constant(ExprKind::Ellipsis),
            TokenKind::Op("(") => return self.bracketed(Parser::tuple_group_or_genexp),
            TokenKind::Op("[") => return self.bracketed(Parser::list_or_listcomp),
            TokenKind::Op("{") => return self.bracketed(Parser::dict_or_set),
            TokenKind::Keyword("yield") => return Err(self.unsupported(self.peek(), "'yield'")),
            _ => return Err(self.invalid_syntax()),
        };
        Ok(Parser::expr(line, kind))
    }

    fn constant(&mut self, kind: ExprKind) -> ExprKind {
        self.advance();
        kind
    }

    /// A bracketed display: counts one level of nesting and of brackets
    /// around `rule`, which consumes the brackets.
    fn bracketed(&mut self, rule: fn(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        self.enter()?;
        self.brackets += 1;
        let expr = rule(self)?;
        self.brackets -= 1;
        self.leave();
        Ok(expr)
    }

    /// `tuple | group | genexp`, from `(` to `)`.
    fn tuple_group_or_genexp(&mut self) -> PResult<Expr> {
        let line = self.line();
        self.advance();
        if self.at_op(")") || self.at_op("**") {
            return self.paren_edge_cases(line);
        }
        let start = self.expr_start();
        let first = self.star_named_expression()?;
        if self.at_op(")") && !matches!(first.kind, ExprKind::Starred(_)) {
            self.advance();
            return Ok(first);
        }
        self.paren_rest(line, first, start)
    }

    /// `()`, and CPython's error for `(**x)`.
    #[inline(never)]
    fn paren_edge_cases(&mut self, line: u32) -> PResult<Expr> {
        if self.at_op("**") {
            return Err(self.error_here("cannot use double starred expression here"));
        }
        self.advance();
        Ok(Parser::expr(line, ExprKind::Tuple(Vec::new())))
    }

    /// After `(` and a first item (not a plain group): a generator
    /// expression or a tuple. Kept out of the common path's frame, see
    /// `expression`'s helpers.
    #[inline(never)]
    fn paren_rest(&mut self, line: u32, first: Expr, start: ExprStart) -> PResult<Expr> {
        if self.at_kw("for") || self.at_kw("async") {
            let comp = self.comprehension(CompKind::List, first, None)?;
            self.expect_op(")")?;
            return Ok(Parser::expr(line, comp.kind));
        }
        if self.at_op(")") {
            return Err(self.error_at_expr(start, "cannot use starred expression here"));
        }
        if !self.at_op(",") {
            return Err(self.invalid_syntax());
        }
        let elts = self.display_items(first, start, ")")?;
        Ok(Parser::expr(line, ExprKind::Tuple(elts)))
    }

    /// After the first item (which started at `start`) and at a `,`: the
    /// remaining items of a tuple, list or set display, and the closing
    /// bracket.
    fn display_items(&mut self, first: Expr, start: ExprStart, close: &str) -> PResult<Vec<Expr>> {
        let mut elts = vec![first];
        while self.eat_op(",") {
            if self.at_op(close) {
                break;
            }
            if self.at_kw("for") && close != ")" {
                return Err(self.unparenthesized_target(start));
            }
            elts.push(self.star_named_expression()?);
        }
        if self.at_kw("for") && close != ")" {
            return Err(self.unparenthesized_target(start));
        }
        self.expect_op(close)?;
        Ok(elts)
    }

    /// `[a, b for ...]`: CPython's `invalid_comprehension` reads the
    /// clauses (whose own errors win) and then asks for parentheses.
    fn unparenthesized_target(&mut self, start: ExprStart) -> Box<ParseError> {
        if let Err(err) = self.for_if_clauses() {
            return err;
        }
        self.error_at_expr(
            start,
            "did you forget parentheses around the comprehension target?",
        )
    }

    /// `list | listcomp`, from `[` to `]`.
    fn list_or_listcomp(&mut self) -> PResult<Expr> {
        let line = self.line();
        self.advance();
        if self.eat_op("]") {
            return Ok(Parser::expr(line, ExprKind::List(Vec::new())));
        }
        let start = self.expr_start();
        let first = self.star_named_expression()?;
        if self.at_kw("for") || self.at_kw("async") {
            let comp = self.comprehension(CompKind::List, first, None)?;
            self.expect_op("]")?;
            return Ok(Parser::expr(line, comp.kind));
        }
        if !self.at_op(",") && !self.at_op("]") {
            return Err(self.invalid_syntax());
        }
        let elts = self.display_items(first, start, "]")?;
        Ok(Parser::expr(line, ExprKind::List(elts)))
    }

    /// `dict | set | dictcomp | setcomp`, from `{` to `}`.
    fn dict_or_set(&mut self) -> PResult<Expr> {
        let line = self.line();
        self.advance();
        if self.eat_op("}") {
            return Ok(Parser::expr(line, ExprKind::Dict(Vec::new())));
        }
        if self.at_op("**") {
            return Err(self.unsupported(self.peek(), "'**' in dict displays"));
        }
        let start = self.expr_start();
        let first = self.star_named_expression()?;
        if self.at_op(":") && !matches!(first.kind, ExprKind::Starred(_)) {
            return self.dict_rest(line, first);
        }
        if self.at_kw("for") || self.at_kw("async") {
            let comp = self.comprehension(CompKind::Set, first, None)?;
            self.expect_op("}")?;
            return Ok(Parser::expr(line, comp.kind));
        }
        if !self.at_op(",") && !self.at_op("}") {
            return Err(self.invalid_syntax());
        }
        let elts = self.display_items(first, start, "}")?;
        Ok(Parser::expr(line, ExprKind::Set(elts)))
    }

    /// `':' expression`, the value of a dict item.
    fn dict_value(&mut self) -> PResult<Expr> {
        let colon = self.advance();
        if self.at_op("}") || self.at_op(",") {
            return Err(self.error_at(&colon, "expression expected after dictionary key and ':'"));
        }
        self.expression()
    }

    /// The rest of a dict display or comprehension after its first key.
    fn dict_rest(&mut self, line: u32, first_key: Expr) -> PResult<Expr> {
        let first_value = self.dict_value()?;
        if self.at_kw("for") || self.at_kw("async") {
            let comp = self.comprehension(CompKind::Dict, first_key, Some(first_value))?;
            self.expect_op("}")?;
            return Ok(Parser::expr(line, comp.kind));
        }
        let mut items = vec![(first_key, first_value)];
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            if self.at_op("**") {
                return Err(self.unsupported(self.peek(), "'**' in dict displays"));
            }
            // CPython's `invalid_kvpair`: a key not followed by `:`, even
            // by a juxtaposed expression, is "':' expected".
            let outer = self.dict_key_level.replace(self.brackets);
            let key = self.expression();
            self.dict_key_level = outer;
            let key = key?;
            if !self.at_op(":") {
                let last = self.tokens[self.pos - 1];
                let col0 = (last.col as usize + (last.end - last.start)).saturating_sub(1);
                return Err(self.error_at_pos(
                    "SyntaxError",
                    "':' expected after dictionary key".into(),
                    last.line,
                    col0,
                ));
            }
            items.push((key, self.dict_value()?));
        }
        self.expect_op("}")?;
        Ok(Parser::expr(line, ExprKind::Dict(items)))
    }

    /// The `for_if_clauses` after the element of a comprehension; the
    /// result's line is the element's (callers re-home it on the bracket).
    fn comprehension(&mut self, kind: CompKind, elt: Expr, value: Option<Expr>) -> PResult<Expr> {
        if let ExprKind::Starred(_) = elt.kind {
            return Err(self.error_here("iterable unpacking cannot be used in comprehension"));
        }
        let generators = self.for_if_clauses()?;
        let line = elt.line;
        let kind = ExprKind::Comprehension {
            kind,
            elt: Box::new(elt),
            value: value.map(Box::new),
            generators,
        };
        Ok(Parser::expr(line, kind))
    }

    /// `for_if_clauses: ('for' star_targets 'in' disjunction ('if' disjunction)*)+`
    fn for_if_clauses(&mut self) -> PResult<Vec<CompFor>> {
        let mut generators = Vec::new();
        while self.at_kw("for") || self.at_kw("async") {
            if self.at_kw("async") {
                return Err(self.unsupported(self.peek(), "'async'"));
            }
            self.advance();
            let target = self.for_targets_in()?;
            let iter = self.disjunction_for_comprehension()?;
            let mut ifs = Vec::new();
            while self.eat_kw("if") {
                ifs.push(self.disjunction_for_comprehension()?);
            }
            generators.push(CompFor { target, iter, ifs });
        }
        Ok(generators)
    }

    /// A comprehension's iterable or condition: a `disjunction` (no
    /// unparenthesised conditional expression or lambda), with `:=`
    /// refused.
    fn disjunction_for_comprehension(&mut self) -> PResult<Expr> {
        let start = self.expr_start();
        let expr = self.disjunction()?;
        self.check_walrus(&expr, start)?;
        Ok(expr)
    }

    /// `arguments` of a call, from after `(` to its `)` inclusive.
    /// A class's bases are read with `genexp_allowed` false: a bare
    /// generator expression is only a call's argument.
    pub(super) fn arguments(&mut self, genexp_allowed: bool) -> PResult<Vec<Arg>> {
        let open_line = self.tokens[self.pos.saturating_sub(1)].line + self.line_offset;
        self.brackets += 1;
        let mut args = Vec::new();
        while !self.at_op(")") {
            let arg = self.argument(args.is_empty(), genexp_allowed, open_line)?;
            args.push(arg);
            if !self.eat_op(",") {
                break;
            }
        }
        self.check_argument_order(&args)?;
        if !self.at_op(")") {
            return Err(self.invalid_syntax());
        }
        self.advance();
        self.brackets -= 1;
        Ok(args)
    }

    /// One argument: `*e`, `**e`, `name=e`, `e`, or a generator expression
    /// (which must be the only argument).
    fn argument(&mut self, first: bool, genexp_allowed: bool, open_line: u32) -> PResult<Arg> {
        let start = self.expr_start();
        if self.eat_op("*") {
            return Ok(Arg::Star(self.expression()?));
        }
        if self.eat_op("**") {
            return Ok(Arg::DoubleStar(self.expression()?));
        }
        if self.peek_nth(1) == TokenKind::Op("=") {
            if self.at_name() {
                let name = self.expect_name()?;
                self.advance();
                return Ok(Arg::Keyword(name, self.expression()?));
            }
            if let TokenKind::Keyword(kw @ ("True" | "False" | "None")) = self.peek_kind() {
                return Err(self.error_here(format!("cannot assign to {kw}")));
            }
        }
        let expr = self.expression()?;
        self.check_walrus(&expr, start)?;
        if self.at_op("=") {
            return Err(self.error_at_expr(
                start,
                "expression cannot contain assignment, perhaps you meant \"==\"?",
            ));
        }
        if self.at_kw("for") || self.at_kw("async") {
            if !genexp_allowed {
                return Err(self.invalid_syntax());
            }
            let genexp = self.comprehension(CompKind::List, expr, None)?;
            if !first || !self.at_op(")") {
                return Err(self.error_at_expr(start, "Generator expression must be parenthesized"));
            }
            return Ok(Arg::Positional(Parser::expr(open_line, genexp.kind)));
        }
        Ok(Arg::Positional(expr))
    }

    /// CPython's ordering rules for call arguments, reported at the `)`
    /// as CPython does.
    fn check_argument_order(&self, args: &[Arg]) -> PResult<()> {
        let (mut keyword, mut double_star) = (false, false);
        for arg in args {
            let msg = match arg {
                Arg::Positional(_) if double_star => {
                    "positional argument follows keyword argument unpacking"
                }
                Arg::Positional(_) if keyword => "positional argument follows keyword argument",
                Arg::Star(_) if double_star => {
                    "iterable argument unpacking follows keyword argument unpacking"
                }
                Arg::Keyword(..) => {
                    keyword = true;
                    continue;
                }
                Arg::DoubleStar(_) => {
                    double_star = true;
                    continue;
                }
                _ => continue,
            };
            return Err(self.error_here(msg));
        }
        Ok(())
    }

    /// `slices`: one `slice`, or several making a tuple, inside `[...]`.
    pub(super) fn slices(&mut self) -> PResult<Expr> {
        let line = self.line();
        let first = self.slice()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut elts = vec![first];
        while self.eat_op(",") {
            if self.at_op("]") {
                break;
            }
            elts.push(if self.at_op("*") {
                self.star_expression()?
            } else {
                self.slice()?
            });
        }
        Ok(Parser::expr(line, ExprKind::Tuple(elts)))
    }

    /// `slice: [expression] ':' [expression] [':' [expression]] | named_expression`
    fn slice(&mut self) -> PResult<Expr> {
        let line = self.line();
        let lower = if self.at_op(":") {
            None
        } else {
            let start = self.expr_start();
            let expr = self.expression()?;
            self.check_walrus(&expr, start)?;
            if !self.at_op(":") {
                if self.at_op("=") {
                    self.meant_equality(&expr, start)?;
                }
                return Ok(expr);
            }
            Some(Box::new(expr))
        };
        self.advance();
        let bound = |p: &mut Self| -> PResult<Option<Box<Expr>>> {
            if p.at_op(":") || p.at_op("]") || p.at_op(",") {
                Ok(None)
            } else {
                Ok(Some(Box::new(p.expression()?)))
            }
        };
        let upper = bound(self)?;
        let step = if self.eat_op(":") { bound(self)? } else { None };
        Ok(Parser::expr(line, ExprKind::Slice { lower, upper, step }))
    }
}
