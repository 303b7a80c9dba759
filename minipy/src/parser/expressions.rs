//! Expressions from `star_expressions` down to `primary`, one function
//! per rule of CPython's grammar, lowest precedence first; the six
//! binary-operator rules (`bitwise_or` ... `term`) share one
//! precedence-climbing loop.
//!
//! Every recursion (brackets, unary operators, `**`, conditionals,
//! lambdas) counts against [`MAX_NESTING`](super::MAX_NESTING) through
//! `enter`/`leave`, and every link of a chain (`a + b`, `a.b`, `a(b)`)
//! against [`MAX_TREE_DEPTH`](super::MAX_TREE_DEPTH) through `enter_link`,
//! so no input can make this recursion, or a later walk over the tree,
//! overflow the stack.

use std::rc::Rc;

use super::literals::integer_value;
use super::{ExprStart, PResult, Parser};
use crate::ast::{BinOp, BoolOp, CmpOp, Expr, ExprKind, FunctionDef, Stmt, StmtKind, UnaryOp};
use crate::lexer::TokenKind;

/// The operators of CPython's `bitwise_or` ... `term` rules, with their
/// precedence level (higher binds tighter). `@` is outside the subset.
const BINARY_OPERATORS: [(&str, BinOp, u8); 11] = [
    ("|", BinOp::BitOr, 1),
    ("^", BinOp::BitXor, 2),
    ("&", BinOp::BitAnd, 3),
    ("<<", BinOp::LShift, 4),
    (">>", BinOp::RShift, 4),
    ("+", BinOp::Add, 5),
    ("-", BinOp::Sub, 5),
    ("*", BinOp::Mul, 6),
    ("/", BinOp::Div, 6),
    ("//", BinOp::FloorDiv, 6),
    ("%", BinOp::Mod, 6),
];

impl Parser<'_> {
    /// True if token `index` can start an expression.
    pub(super) fn starts_expression_at(&self, index: usize) -> bool {
        let Some(tok) = self.tokens.get(index) else {
            return false;
        };
        match tok.kind {
            TokenKind::Name | TokenKind::Number | TokenKind::String => true,
            TokenKind::Op(op) => matches!(op, "(" | "[" | "{" | "-" | "+" | "~" | "..." | "*"),
            TokenKind::Keyword(kw) => matches!(
                kw,
                "True" | "False" | "None" | "not" | "lambda" | "await" | "yield"
            ),
            _ => false,
        }
    }

    /// `star_expressions: star_expression (',' star_expression)* [',']`;
    /// a comma makes a tuple.
    pub(super) fn star_expressions(&mut self) -> PResult<Expr> {
        let line = self.line();
        let first = self.star_expression()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut elts = vec![first];
        while self.eat_op(",") && self.starts_expression_at(self.pos) {
            elts.push(self.star_expression()?);
        }
        Ok(Parser::expr(line, ExprKind::Tuple(elts)))
    }

    /// `star_expression: '*' bitwise_or | expression`
    pub(super) fn star_expression(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            let line = self.line();
            self.advance();
            let inner = self.bitwise_or()?;
            return Ok(Parser::expr(line, ExprKind::Starred(Box::new(inner))));
        }
        self.expression()
    }

    /// `star_named_expression: '*' bitwise_or | named_expression`
    pub(super) fn star_named_expression(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            return self.star_expression();
        }
        self.named_expression()
    }

    /// `named_expression`: an expression where `:=` would be allowed
    /// (refused: outside the subset), with CPython's hints for a `=` typed
    /// where `==` was meant (`invalid_named_expression`).
    pub(super) fn named_expression(&mut self) -> PResult<Expr> {
        let start = self.expr_start();
        let expr = self.expression()?;
        self.check_walrus(&expr, start)?;
        if self.at_op("=") {
            self.meant_equality(&expr, start)?;
        }
        Ok(expr)
    }

    /// `expression: disjunction ['if' disjunction 'else' expression] | lambdef`
    pub(super) fn expression(&mut self) -> PResult<Expr> {
        if self.at_kw("lambda") {
            return self.lambdef();
        }
        let start = self.expr_start();
        let body = self.disjunction()?;
        if self.at_kw("if") {
            return self.conditional(body, start);
        }
        if self.starts_expression_at(self.pos) && !self.at_op("*") {
            self.juxtaposed(&body, start)?;
        }
        Ok(body)
    }

    /// The `'if' disjunction 'else' expression` after `body`, which
    /// started at `start`.
    ///
    /// This and the other `..._rest` helpers below hold the uncommon part
    /// of a rule that every bracket nesting passes through, so that the
    /// common path's stack frame stays small (`#[inline(never)]` keeps it
    /// so in release builds too).
    #[inline(never)]
    fn conditional(&mut self, body: Expr, start: ExprStart) -> PResult<Expr> {
        let if_pos = self.pos;
        self.advance();
        let test = self.disjunction()?;
        if !self.eat_kw("else") {
            if self.without_invalid {
                // CPython's `expression_without_invalid` backtracks to the
                // plain `disjunction`.
                self.pos = if_pos;
                return Ok(body);
            }
            if self.at_op(":") {
                return Err(self.invalid_syntax());
            }
            return Err(self.error_at_expr(start, "expected 'else' after 'if' expression"));
        }
        self.enter()?;
        let orelse = self.expression()?;
        self.leave();
        let kind = ExprKind::IfExp {
            test: Box::new(test),
            body: Box::new(body),
            orelse: Box::new(orelse),
        };
        Ok(Parser::expr(
            self.tokens[start.0].line + self.line_offset,
            kind,
        ))
    }

    /// `lambdef: 'lambda' [lambda_params] ':' expression`
    fn lambdef(&mut self) -> PResult<Expr> {
        self.enter()?;
        let line = self.line();
        self.advance();
        let (params, duplicate) = self.params(":")?;
        self.advance();
        let body = self.expression()?;
        let ret = Stmt {
            line: body.line,
            kind: StmtKind::Return(Some(body)),
        };
        let def = Rc::new(FunctionDef {
            line,
            name: Rc::from("<lambda>"),
            params,
            body: vec![ret],
            decorators: Vec::new(),
            is_lambda: true,
        });
        self.note_duplicate(&def, duplicate);
        self.leave();
        Ok(Parser::expr(line, ExprKind::Lambda(def)))
    }

    /// `disjunction: conjunction ('or' conjunction)*`, one flat `BoolOp`.
    pub(super) fn disjunction(&mut self) -> PResult<Expr> {
        let line = self.line();
        let first = self.conjunction()?;
        if !self.at_kw("or") {
            return Ok(first);
        }
        self.bool_op_rest(line, first, BoolOp::Or)
    }

    /// `conjunction: inversion ('and' inversion)*`, one flat `BoolOp`.
    fn conjunction(&mut self) -> PResult<Expr> {
        let line = self.line();
        let first = self.inversion()?;
        if !self.at_kw("and") {
            return Ok(first);
        }
        self.bool_op_rest(line, first, BoolOp::And)
    }

    /// The operands after the first of an `or` / `and` chain.
    #[inline(never)]
    fn bool_op_rest(&mut self, line: u32, first: Expr, op: BoolOp) -> PResult<Expr> {
        let keyword = if op == BoolOp::Or { "or" } else { "and" };
        let mut values = vec![first];
        while self.eat_kw(keyword) {
            values.push(if op == BoolOp::Or {
                self.conjunction()?
            } else {
                self.inversion()?
            });
        }
        Ok(Parser::expr(line, ExprKind::BoolOp { op, values }))
    }

    /// `inversion: 'not' inversion | comparison`
    fn inversion(&mut self) -> PResult<Expr> {
        if !self.at_kw("not") {
            return self.comparison();
        }
        self.enter()?;
        let line = self.line();
        self.advance();
        let operand = Box::new(self.inversion()?);
        self.leave();
        Ok(Parser::expr(
            line,
            ExprKind::UnaryOp {
                op: UnaryOp::Not,
                operand,
            },
        ))
    }

    /// `comparison: bitwise_or (compare_op bitwise_or)*`, one flat
    /// `Compare` for a chain.
    fn comparison(&mut self) -> PResult<Expr> {
        let line = self.line();
        let left = self.bitwise_or()?;
        match self.compare_op() {
            Some(op) => self.comparison_rest(line, left, op),
            None => Ok(left),
        }
    }

    /// The comparisons after `left` and its first operator `op`.
    #[inline(never)]
    fn comparison_rest(&mut self, line: u32, left: Expr, op: CmpOp) -> PResult<Expr> {
        let mut ops = vec![op];
        let mut comparators = vec![self.bitwise_or()?];
        while let Some(op) = self.compare_op() {
            ops.push(op);
            comparators.push(self.bitwise_or()?);
        }
        Ok(Parser::expr(
            line,
            ExprKind::Compare {
                left: Box::new(left),
                ops,
                comparators,
            },
        ))
    }

    /// Consumes a comparison operator (`not in` and `is not` are two
    /// tokens each), if one is next.
    fn compare_op(&mut self) -> Option<CmpOp> {
        let op = match self.peek_kind() {
            TokenKind::Op("==") => CmpOp::Eq,
            TokenKind::Op("!=") => CmpOp::NotEq,
            TokenKind::Op("<") => CmpOp::Lt,
            TokenKind::Op("<=") => CmpOp::LtE,
            TokenKind::Op(">") => CmpOp::Gt,
            TokenKind::Op(">=") => CmpOp::GtE,
            TokenKind::Keyword("in") => CmpOp::In,
            TokenKind::Keyword("not") if self.peek_nth(1) == TokenKind::Keyword("in") => {
                self.advance();
                CmpOp::NotIn
            }
            TokenKind::Keyword("is") if self.peek_nth(1) == TokenKind::Keyword("not") => {
                self.advance();
                CmpOp::IsNot
            }
            TokenKind::Keyword("is") => CmpOp::Is,
            _ => return None,
        };
        self.advance();
        Some(op)
    }

    /// `bitwise_or`, and below it `bitwise_xor`, `bitwise_and`,
    /// `shift_expr`, `sum` and `term`.
    pub(super) fn bitwise_or(&mut self) -> PResult<Expr> {
        self.binary_operators(1)
    }

    /// The six left-associative binary operator rules in one loop, by
    /// precedence climbing: operators of `min_level` and tighter. One
    /// function instead of six (each calling the next) because every
    /// bracket nesting goes through all of them: fewer frames per level
    /// means deep nesting needs less stack.
    ///
    /// Each link nests the tree one level deeper and counts as one level
    /// of depth.
    fn binary_operators(&mut self, min_level: u8) -> PResult<Expr> {
        let line = self.line();
        let left = self.factor()?;
        match self.binary_operator(min_level)? {
            Some(found) => self.binary_operators_rest(line, left, min_level, found),
            None => Ok(left),
        }
    }

    /// The operator at the current token and its level, if it binds at
    /// least as tightly as `min_level`.
    fn binary_operator(&self, min_level: u8) -> PResult<Option<(BinOp, u8)>> {
        if self.at_op("@") && !self.without_invalid {
            return Err(self.unsupported(self.peek(), "'@'"));
        }
        // `@` only reaches here in a lookahead, where it reads as `*`.
        let found = if self.at_op("@") {
            Some((BinOp::Mul, 6))
        } else {
            BINARY_OPERATORS
                .iter()
                .find(|(tok, _, _)| self.at_op(tok))
                .map(|&(_, op, level)| (op, level))
        };
        Ok(found.filter(|&(_, level)| level >= min_level))
    }

    /// The links of a chain after its first operand `left`, the first
    /// operator being `found`.
    #[inline(never)]
    fn binary_operators_rest(
        &mut self,
        line: u32,
        mut left: Expr,
        min_level: u8,
        found: (BinOp, u8),
    ) -> PResult<Expr> {
        let mut links = 0;
        let mut next = Some(found);
        while let Some((op, level)) = next {
            self.advance();
            self.enter_link()?;
            links += 1;
            let right = self.binary_operators(level + 1)?;
            left = Parser::expr(
                line,
                ExprKind::BinOp {
                    left: Box::new(left),
                    op,
                    right: Box::new(right),
                },
            );
            next = self.binary_operator(min_level)?;
        }
        self.leave_links(links);
        Ok(left)
    }

    /// `factor: ('+' | '-' | '~') factor | power`
    fn factor(&mut self) -> PResult<Expr> {
        match self.peek_kind() {
            TokenKind::Op("-") => self.unary(UnaryOp::Neg),
            TokenKind::Op("+") => self.unary(UnaryOp::Pos),
            TokenKind::Op("~") => self.unary(UnaryOp::Invert),
            _ => self.power(),
        }
    }

    /// A unary `-`, `+` or `~` and its operand.
    #[inline(never)]
    fn unary(&mut self, op: UnaryOp) -> PResult<Expr> {
        if op == UnaryOp::Neg {
            if let Some(min) = self.negative_min_int() {
                return Ok(min);
            }
        }
        self.enter()?;
        let line = self.line();
        self.advance();
        let operand = Box::new(self.factor()?);
        self.leave();
        Ok(Parser::expr(line, ExprKind::UnaryOp { op, operand }))
    }

    /// `-9223372036854775808`, the one integer whose digits do not fit in
    /// an i64 although its value does, read as `i64::MIN` when nothing
    /// binds tighter than the minus sign.
    fn negative_min_int(&mut self) -> Option<Expr> {
        let tok = self.tokens.get(self.pos + 1)?;
        let binds_tighter = matches!(self.peek_nth(2), TokenKind::Op("**" | "." | "(" | "["));
        let min = Some(Ok(i64::MIN.unsigned_abs()));
        if tok.kind != TokenKind::Number || binds_tighter || integer_value(self.text(tok)) != min {
            return None;
        }
        let line = self.line();
        self.advance();
        self.advance();
        Some(Parser::expr(line, ExprKind::Int(i64::MIN)))
    }

    /// `power: await_primary ['**' factor]` (right-associative through
    /// `factor`, so `-2 ** 2 == -4` and `2 ** -1` parse as in Python).
    fn power(&mut self) -> PResult<Expr> {
        if self.at_kw("await") {
            return Err(self.unsupported(self.peek(), "'await'"));
        }
        let line = self.line();
        let base = self.primary()?;
        if !self.at_op("**") {
            return Ok(base);
        }
        self.power_rest(line, base)
    }

    /// `'**' factor` after `base`.
    #[inline(never)]
    fn power_rest(&mut self, line: u32, base: Expr) -> PResult<Expr> {
        self.advance();
        self.enter()?;
        let exponent = self.factor()?;
        self.leave();
        Ok(Parser::expr(
            line,
            ExprKind::BinOp {
                left: Box::new(base),
                op: BinOp::Pow,
                right: Box::new(exponent),
            },
        ))
    }

    /// `primary: atom ('.' NAME | '(' arguments ')' | '[' slices ']')*`
    fn primary(&mut self) -> PResult<Expr> {
        let line = self.line();
        let atom = self.atom()?;
        if !matches!(self.peek_kind(), TokenKind::Op("." | "(" | "[")) {
            return Ok(atom);
        }
        self.primary_rest(line, atom)
    }

    /// The trailers after an atom. Each link nests the tree one level
    /// deeper; calls and subscripts also recurse.
    #[inline(never)]
    fn primary_rest(&mut self, line: u32, mut expr: Expr) -> PResult<Expr> {
        let mut links = 0;
        loop {
            let kind = match self.peek_kind() {
                TokenKind::Op(".") => {
                    self.advance();
                    let attr = self.expect_name()?;
                    ExprKind::Attribute {
                        value: Box::new(expr),
                        attr,
                    }
                }
                TokenKind::Op("(") => {
                    self.enter()?;
                    self.advance();
                    let args = self.arguments(true)?;
                    self.leave();
                    ExprKind::Call {
                        func: Box::new(expr),
                        args,
                    }
                }
                // Inside brackets `a[]` reads as `a` followed by an empty
                // list, so that CPython's missing-comma hint applies.
                TokenKind::Op("[")
                    if self.brackets > 0 && self.peek_nth(1) == TokenKind::Op("]") =>
                {
                    break
                }
                TokenKind::Op("[") => {
                    self.enter()?;
                    self.advance();
                    self.brackets += 1;
                    let index = self.slices()?;
                    self.expect_op("]")?;
                    self.brackets -= 1;
                    self.leave();
                    ExprKind::Subscript {
                        value: Box::new(expr),
                        index: Box::new(index),
                    }
                }
                _ => break,
            };
            expr = Parser::expr(line, kind);
            self.enter_link()?;
            links += 1;
        }
        self.leave_links(links);
        Ok(expr)
    }
}
