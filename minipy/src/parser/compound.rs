//! Compound statements: `block` and the statements that own one (`if`,
//! `while`, `for`, `try`, `def`, `class`, with decorators).

use std::rc::Rc;

use super::{PResult, Parser};
use crate::ast::{ClassDef, ExceptHandler, Expr, FunctionDef, Line, Stmt, StmtKind};
use crate::lexer::TokenKind;

/// What a block belongs to, for "expected an indented block after 'if'
/// statement on line 3".
#[derive(Debug, Clone, Copy)]
struct BlockOf {
    /// As CPython words it: `"'if' statement"`, `"function definition"`.
    what: &'static str,
    /// The line of the statement's keyword.
    line: Line,
}

impl Parser<'_> {
    /// `compound_stmt`, or `None` if the current token starts none.
    pub(super) fn compound_stmt(&mut self) -> PResult<Option<Stmt>> {
        let stmt = match self.peek_kind() {
            TokenKind::Keyword("if") => self.if_stmt()?,
            TokenKind::Keyword("while") => self.while_stmt()?,
            TokenKind::Keyword("for") => self.for_stmt()?,
            TokenKind::Keyword("try") => self.try_stmt()?,
            TokenKind::Keyword("def") => self.function_def(Vec::new())?,
            TokenKind::Keyword("class") => self.class_def(Vec::new())?,
            TokenKind::Op("@") => self.decorated()?,
            TokenKind::Keyword("with") => return Err(self.unsupported(self.peek(), "'with'")),
            TokenKind::Keyword("async") => return Err(self.unsupported(self.peek(), "'async'")),
            TokenKind::Name if self.at_match_stmt() => {
                return Err(self.unsupported(self.peek(), "'match'"))
            }
            _ => return Ok(None),
        };
        Ok(Some(stmt))
    }

    /// True at the soft keyword `match` starting a match statement: the
    /// next token can start the subject and the logical line ends with
    /// `:` (which no expression statement or assignment can).
    fn at_match_stmt(&self) -> bool {
        if self.text(self.peek()) != "match" || !self.starts_expression_at(self.pos + 1) {
            return false;
        }
        let rest = &self.tokens[self.pos..];
        let end = rest.iter().position(|t| t.kind == TokenKind::Newline);
        matches!(end, Some(i) if i > 0 && rest[i - 1].kind == TokenKind::Op(":"))
    }

    /// `block: NEWLINE INDENT statements DEDENT | simple_stmts`
    fn block(&mut self, of: BlockOf) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        if self.peek_kind() != TokenKind::Newline {
            self.simple_stmts(&mut body)?;
            return Ok(body);
        }
        self.advance();
        if self.peek_kind() != TokenKind::Indent {
            let msg = format!(
                "expected an indented block after {} on line {}",
                of.what, of.line
            );
            let mut err = self.error_here(msg);
            err.error.kind = "IndentationError";
            return Err(err);
        }
        self.advance();
        self.enter_statement()?;
        while self.peek_kind() != TokenKind::Dedent {
            self.statement(&mut body)?;
        }
        self.advance();
        self.statement_depth -= 1;
        Ok(body)
    }

    /// The `:` ending a statement header. A missing one is "expected ':'"
    /// when the line ends there, else "invalid syntax" (CPython's
    /// `invalid_if_stmt` and friends).
    fn header_colon(&mut self) -> PResult<()> {
        if self.eat_op(":") {
            Ok(())
        } else if self.peek_kind() == TokenKind::Newline {
            Err(self.error_here("expected ':'"))
        } else {
            Err(self.invalid_syntax())
        }
    }

    /// `else_block: 'else' &&':' block`, if present.
    fn else_block(&mut self) -> PResult<Vec<Stmt>> {
        if !self.at_kw("else") {
            return Ok(Vec::new());
        }
        let line = self.line();
        self.advance();
        self.expect_forced(":")?;
        self.block(BlockOf {
            what: "'else' statement",
            line,
        })
    }

    /// `if_stmt` with its `elif` chain, built as nested `If`s in `orelse`.
    /// The chain is read in a loop, not by recursion, so that a long one
    /// cannot exhaust the stack.
    fn if_stmt(&mut self) -> PResult<Stmt> {
        let mut branches = Vec::new();
        loop {
            let line = self.line();
            let keyword = self.advance();
            let what = if self.text(&keyword) == "if" {
                "'if' statement"
            } else {
                "'elif' statement"
            };
            let test = self.named_expression()?;
            self.header_colon()?;
            let body = self.block(BlockOf { what, line })?;
            branches.push((line, test, body));
            if !self.at_kw("elif") {
                break;
            }
            self.enter_statement()?;
        }
        self.statement_depth -= branches.len() - 1;
        let mut orelse = self.else_block()?;
        while let Some((line, test, body)) = branches.pop() {
            let kind = StmtKind::If { test, body, orelse };
            orelse = vec![Stmt { line, kind }];
        }
        Ok(orelse
            .pop()
            .expect("an if statement has at least one branch"))
    }

    /// `while_stmt: 'while' named_expression ':' block [else_block]`
    fn while_stmt(&mut self) -> PResult<Stmt> {
        let line = self.line();
        self.advance();
        let test = self.named_expression()?;
        self.header_colon()?;
        let body = self.block(BlockOf {
            what: "'while' statement",
            line,
        })?;
        let orelse = self.else_block()?;
        Ok(Stmt {
            line,
            kind: StmtKind::While { test, body, orelse },
        })
    }

    /// `for_stmt: 'for' star_targets 'in' star_expressions ':' block [else_block]`
    fn for_stmt(&mut self) -> PResult<Stmt> {
        let line = self.line();
        self.advance();
        let target = self.for_targets_in()?;
        let iter = self.star_expressions()?;
        self.header_colon()?;
        let body = self.block(BlockOf {
            what: "'for' statement",
            line,
        })?;
        let orelse = self.else_block()?;
        Ok(Stmt {
            line,
            kind: StmtKind::For {
                target,
                iter,
                body,
                orelse,
            },
        })
    }

    /// `try_stmt`: `try` with `except` clauses, `else` and `finally`.
    fn try_stmt(&mut self) -> PResult<Stmt> {
        let line = self.line();
        self.advance();
        self.expect_forced(":")?;
        let body = self.block(BlockOf {
            what: "'try' statement",
            line,
        })?;
        let mut handlers = Vec::new();
        while self.at_kw("except") {
            handlers.push(self.except_block()?);
        }
        let orelse = if handlers.is_empty() {
            Vec::new()
        } else {
            self.else_block()?
        };
        let mut finalbody = Vec::new();
        if self.at_kw("finally") {
            let line = self.line();
            self.advance();
            self.expect_forced(":")?;
            finalbody = self.block(BlockOf {
                what: "'finally' statement",
                line,
            })?;
        } else if handlers.is_empty() {
            return Err(self.error_here("expected 'except' or 'finally' block"));
        }
        Ok(Stmt {
            line,
            kind: StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            },
        })
    }

    /// `except_block: 'except' [expression ['as' NAME]] ':' block`
    fn except_block(&mut self) -> PResult<ExceptHandler> {
        let line = self.line();
        self.advance();
        if self.at_op("*") {
            return Err(self.unsupported(self.peek(), "'except*'"));
        }
        let (mut typ, mut name) = (None, None);
        if !self.at_op(":") && self.peek_kind() != TokenKind::Newline {
            let start = self.expr_start();
            typ = Some(self.expression()?);
            if self.at_op(",")
                && self.lookahead(|p| p.except_multiple_without_parens()) == Some(true)
            {
                let msg = "multiple exception types must be parenthesized";
                return Err(self.error_at_expr(start, msg));
            }
            if self.eat_kw("as") {
                name = Some(self.expect_name()?);
            }
        }
        self.header_colon()?;
        let body = self.block(BlockOf {
            what: "'except' statement",
            line,
        })?;
        Ok(ExceptHandler {
            line,
            typ,
            name,
            body,
        })
    }

    /// CPython's `invalid_except_stmt`: `except A, B:` (the Python 2
    /// spelling) reads as `', '.expression+ ['as' NAME] ':'`.
    fn except_multiple_without_parens(&mut self) -> PResult<bool> {
        while self.eat_op(",") {
            self.expression()?;
        }
        if self.eat_kw("as") {
            self.expect_name()?;
        }
        Ok(self.at_op(":"))
    }

    /// `decorators` followed by a function or class definition.
    fn decorated(&mut self) -> PResult<Stmt> {
        let mut decorators = Vec::new();
        while self.eat_op("@") {
            decorators.push(self.named_expression()?);
            if self.peek_kind() != TokenKind::Newline {
                return Err(self.invalid_syntax());
            }
            self.advance();
        }
        match self.peek_kind() {
            TokenKind::Keyword("def") => self.function_def(decorators),
            TokenKind::Keyword("class") => self.class_def(decorators),
            TokenKind::Keyword("async") => Err(self.unsupported(self.peek(), "'async'")),
            _ => Err(self.invalid_syntax()),
        }
    }

    /// `function_def_raw: 'def' NAME &&'(' [params] ')' ['->' expression] &&':' block`
    /// (annotations are parsed and dropped).
    fn function_def(&mut self, decorators: Vec<Expr>) -> PResult<Stmt> {
        let line = self.line();
        self.advance();
        let name = self.expect_name()?;
        self.expect_forced("(")?;
        let (params, duplicate) = self.params(")")?;
        self.expect_op(")")?;
        if self.eat_op("->") {
            self.expression()?;
        }
        self.expect_forced(":")?;
        let body = self.block(BlockOf {
            what: "function definition",
            line,
        })?;
        let def = Rc::new(FunctionDef {
            line,
            name,
            params,
            body,
            decorators,
            is_lambda: false,
        });
        self.note_duplicate(&def, duplicate);
        Ok(Stmt {
            line,
            kind: StmtKind::FunctionDef(def),
        })
    }

    /// `class_def_raw: 'class' NAME ['(' [arguments] ')'] ':' block`
    /// (only positional bases are in the subset).
    fn class_def(&mut self, decorators: Vec<Expr>) -> PResult<Stmt> {
        let line = self.line();
        self.advance();
        let name = self.expect_name()?;
        let mut bases = Vec::new();
        if self.at_op("(") {
            let open = self.advance();
            for arg in self.arguments(false)? {
                match arg {
                    crate::ast::Arg::Positional(base) => bases.push(base),
                    _ => {
                        return Err(self.unsupported(
                            &open,
                            "keyword or unpacked arguments in a class definition",
                        ))
                    }
                }
            }
        }
        self.header_colon()?;
        let body = self.block(BlockOf {
            what: "class definition",
            line,
        })?;
        let def = ClassDef {
            line,
            name,
            bases,
            body,
            decorators,
        };
        Ok(Stmt {
            line,
            kind: StmtKind::ClassDef(Rc::new(def)),
        })
    }
}
