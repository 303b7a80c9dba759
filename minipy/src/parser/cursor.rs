//! The parser's cursor: looking at, consuming and expecting tokens, and
//! counting how deeply the input nests (see [`MAX_NESTING`]).

use std::rc::Rc;

use super::{ExprStart, PResult, Parser, MAX_NESTING, MAX_STATEMENT_DEPTH, MAX_TREE_DEPTH};
use crate::ast::{self, Expr, Line};
use crate::lexer::{same, Token, TokenKind};

impl<'src> Parser<'src> {
    pub(super) fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    pub(super) fn peek_kind(&self) -> TokenKind {
        self.peek().kind
    }

    pub(super) fn peek_nth(&self, n: usize) -> TokenKind {
        self.tokens[(self.pos + n).min(self.tokens.len() - 1)].kind
    }

    pub(super) fn at_op(&self, op: &str) -> bool {
        matches!(self.peek_kind(), TokenKind::Op(o) if same(o, op))
    }

    pub(super) fn at_kw(&self, kw: &str) -> bool {
        matches!(self.peek_kind(), TokenKind::Keyword(k) if same(k, kw))
    }

    pub(super) fn at_name(&self) -> bool {
        self.peek_kind() == TokenKind::Name
    }

    /// The line of the current token, as the tree records it.
    pub(super) fn line(&self) -> Line {
        self.peek().line + self.line_offset
    }

    /// The text of a token.
    pub(super) fn text(&self, tok: &Token) -> &'src str {
        &self.src[tok.start..tok.end]
    }

    /// Moves past the current token and returns it.
    pub(super) fn advance(&mut self) -> Token {
        let tok = *self.peek();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
            self.furthest = self.furthest.max(self.pos);
        }
        tok
    }

    pub(super) fn eat_op(&mut self, op: &str) -> bool {
        let found = self.at_op(op);
        if found {
            self.advance();
        }
        found
    }

    pub(super) fn eat_kw(&mut self, kw: &str) -> bool {
        let found = self.at_kw(kw);
        if found {
            self.advance();
        }
        found
    }

    /// Consumes `op` or fails with "invalid syntax" at the current token.
    pub(super) fn expect_op(&mut self, op: &str) -> PResult<Token> {
        if self.at_op(op) {
            Ok(self.advance())
        } else {
            Err(self.invalid_syntax())
        }
    }

    /// Consumes `op`, failing with "expected 'op'" (CPython's `&&op`).
    pub(super) fn expect_forced(&mut self, op: &str) -> PResult<Token> {
        if self.at_op(op) {
            Ok(self.advance())
        } else {
            Err(self.error_here(format!("expected '{op}'")))
        }
    }

    /// Consumes a NAME token and returns its text.
    pub(super) fn expect_name(&mut self) -> PResult<Rc<str>> {
        if self.at_name() {
            let tok = self.advance();
            Ok(Rc::from(self.text(&tok)))
        } else {
            Err(self.invalid_syntax())
        }
    }

    /// Runs `rule` as a lookahead: its result, with the cursor and depth
    /// restored whatever happens. Used where CPython's `invalid_*` rules
    /// look ahead to pick a message.
    pub(super) fn lookahead<T>(&mut self, rule: impl FnOnce(&mut Self) -> PResult<T>) -> Option<T> {
        let saved = (self.pos, self.depth, self.brackets);
        let result = rule(self).ok();
        (self.pos, self.depth, self.brackets) = saved;
        result
    }

    /// Makes an expression node on line `line`.
    pub(super) fn expr(line: Line, kind: ast::ExprKind) -> Expr {
        Expr { line, kind }
    }

    /// Where the next expression starts, to point errors at it later.
    pub(super) fn expr_start(&self) -> ExprStart {
        ExprStart(self.pos.min(self.tokens.len() - 1))
    }

    /// Enters one level of expression nesting (a recursion of the parser).
    pub(super) fn enter(&mut self) -> PResult<()> {
        self.depth.nesting += 1;
        self.depth.tree += 1;
        if self.depth.nesting > MAX_NESTING {
            let msg = if self.at_op("(") || self.at_op("[") || self.at_op("{") {
                "too many nested parentheses"
            } else {
                "minipy: expression nested too deeply"
            };
            return Err(self.error_here(msg));
        }
        self.check_tree_depth()
    }

    pub(super) fn leave(&mut self) {
        self.depth.nesting -= 1;
        self.depth.tree -= 1;
    }

    /// Enters one link of a chain (one level of tree, no recursion).
    pub(super) fn enter_link(&mut self) -> PResult<()> {
        self.depth.tree += 1;
        self.check_tree_depth()
    }

    /// Leaves the `links` links of a finished chain.
    pub(super) fn leave_links(&mut self, links: usize) {
        self.depth.tree -= links;
    }

    pub(super) fn check_tree_depth(&self) -> PResult<()> {
        if self.depth.tree > MAX_TREE_DEPTH {
            return Err(self.error_here("minipy: expression nested too deeply"));
        }
        Ok(())
    }

    /// Enters one level of statement nesting (a block, or an `elif`).
    pub(super) fn enter_statement(&mut self) -> PResult<()> {
        self.statement_depth += 1;
        if self.statement_depth > MAX_STATEMENT_DEPTH {
            return Err(self.error_here("too many statically nested blocks"));
        }
        Ok(())
    }
}
