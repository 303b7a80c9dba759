//! Simple statements: `statement`, `simple_stmts` and each kind of simple
//! statement (assignments, `return`, `raise`, `del`, `assert`, `global`,
//! `nonlocal`, imports).

use std::rc::Rc;

use super::targets::{expr_name, invalid_target, TargetKind};
use super::{ExprStart, PResult, Parser};
use crate::ast::{BinOp, Expr, ExprKind, Stmt, StmtKind};
use crate::lexer::TokenKind;

/// The augmented assignment operators and the operation each performs.
const AUG_OPS: [(&str, BinOp); 12] = [
    ("+=", BinOp::Add),
    ("-=", BinOp::Sub),
    ("*=", BinOp::Mul),
    ("/=", BinOp::Div),
    ("//=", BinOp::FloorDiv),
    ("%=", BinOp::Mod),
    ("**=", BinOp::Pow),
    ("<<=", BinOp::LShift),
    (">>=", BinOp::RShift),
    ("&=", BinOp::BitAnd),
    ("|=", BinOp::BitOr),
    ("^=", BinOp::BitXor),
];

impl Parser<'_> {
    /// `statement: compound_stmt | simple_stmts`, appended to `body`.
    pub(super) fn statement(&mut self, body: &mut Vec<Stmt>) -> PResult<()> {
        match self.compound_stmt()? {
            Some(stmt) => {
                body.push(stmt);
                Ok(())
            }
            None => self.simple_stmts(body),
        }
    }

    /// `simple_stmts: simple_stmt (';' simple_stmt)* [';'] NEWLINE`
    pub(super) fn simple_stmts(&mut self, body: &mut Vec<Stmt>) -> PResult<()> {
        loop {
            body.push(self.simple_stmt()?);
            if !self.eat_op(";") || self.peek_kind() == TokenKind::Newline {
                break;
            }
        }
        if self.peek_kind() != TokenKind::Newline {
            return Err(self.invalid_syntax());
        }
        self.advance();
        Ok(())
    }

    /// `simple_stmt`: one statement of a logical line.
    fn simple_stmt(&mut self) -> PResult<Stmt> {
        let line = self.line();
        let kind = match self.peek_kind() {
            TokenKind::Keyword(kw) => match kw {
                "pass" => self.single_keyword(StmtKind::Pass),
                "break" => self.single_keyword(StmtKind::Break),
                "continue" => self.single_keyword(StmtKind::Continue),
                "return" => self.return_stmt()?,
                "raise" => self.raise_stmt()?,
                "del" => self.del_stmt()?,
                "assert" => self.assert_stmt()?,
                "global" | "nonlocal" => self.global_stmt(kw)?,
                "import" => self.import_name()?,
                "from" => self.import_from()?,
                "yield" => return Err(self.unsupported(self.peek(), "'yield'")),
                _ => self.assignment()?,
            },
            _ => self.assignment()?,
        };
        Ok(Stmt { line, kind })
    }

    fn single_keyword(&mut self, kind: StmtKind) -> StmtKind {
        self.advance();
        kind
    }

    /// True if the current token ends a simple statement.
    fn at_statement_end(&self) -> bool {
        matches!(self.peek_kind(), TokenKind::Newline | TokenKind::Op(";"))
    }

    /// The right-hand side of an assignment: `star_expressions`, with
    /// `yield` refused.
    fn assigned_value(&mut self) -> PResult<Expr> {
        if self.at_kw("yield") {
            return Err(self.unsupported(self.peek(), "'yield'"));
        }
        self.star_expressions()
    }

    /// `assignment` (plain, augmented or annotated), or failing that an
    /// expression statement.
    fn assignment(&mut self) -> PResult<StmtKind> {
        let start = self.expr_start();
        let first = self.star_expressions()?;
        if self.at_op("=") {
            return self.assign_chain(first, start);
        }
        if self.at_op(":") {
            return self.annotated_assignment(first, start);
        }
        if let TokenKind::Op(op) = self.peek_kind() {
            if let Some(&(_, bin)) = AUG_OPS.iter().find(|(o, _)| *o == op) {
                return self.aug_assign(first, start, bin);
            }
            if op == "@=" {
                return Err(self.unsupported(self.peek(), "'@='"));
            }
        }
        Ok(StmtKind::Expr(first))
    }

    /// `(star_targets '=')+ star_expressions`, each target checked.
    fn assign_chain(&mut self, first: Expr, start: ExprStart) -> PResult<StmtKind> {
        let mut targets = Vec::new();
        let (mut target, mut target_start) = (first, start);
        while self.at_op("=") {
            if let Some(bad) = invalid_target(&target, TargetKind::Store) {
                if targets.is_empty() {
                    self.maybe_meant_equals(&target, start)?;
                }
                return Err(self.invalid_target_error(
                    bad,
                    &target,
                    target_start,
                    TargetKind::Store,
                ));
            }
            self.advance();
            targets.push(target);
            target_start = self.expr_start();
            target = self.assigned_value()?;
        }
        Ok(StmtKind::Assign {
            targets,
            value: target,
        })
    }

    /// `single_target augassign ~ star_expressions`
    fn aug_assign(&mut self, target: Expr, start: ExprStart, op: BinOp) -> PResult<StmtKind> {
        if !matches!(
            target.kind,
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. }
        ) {
            let msg = format!(
                "'{}' is an illegal expression for augmented assignment",
                expr_name(&target)
            );
            return Err(self.error_at_expr(start, msg));
        }
        self.advance();
        let value = self.assigned_value()?;
        Ok(StmtKind::AugAssign { target, op, value })
    }

    /// `target: annotation = value`; the annotation is parsed and dropped.
    fn annotated_assignment(&mut self, target: Expr, start: ExprStart) -> PResult<StmtKind> {
        let problem = match target.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => None,
            ExprKind::Tuple(_) | ExprKind::List(_) => Some(format!(
                "only single target (not {}) can be annotated",
                expr_name(&target)
            )),
            _ => Some("illegal target for annotation".to_string()),
        };
        if let Some(msg) = problem {
            // CPython's `invalid_assignment` needs `':' expression` to match.
            let annotated = self.lookahead(|p| {
                p.advance();
                p.expression()
            });
            return Err(match annotated {
                Some(_) => self.error_at_expr(start, msg),
                None => self.invalid_syntax(),
            });
        }
        let colon = self.advance();
        self.expression()?;
        if !self.eat_op("=") {
            if self.at_statement_end() {
                return Err(self.unsupported(&colon, "annotations without a value"));
            }
            return Err(self.invalid_syntax());
        }
        let value = self.assigned_value()?;
        Ok(StmtKind::Assign {
            targets: vec![target],
            value,
        })
    }

    /// `return_stmt: 'return' [star_expressions]`
    fn return_stmt(&mut self) -> PResult<StmtKind> {
        self.advance();
        if self.at_statement_end() {
            return Ok(StmtKind::Return(None));
        }
        Ok(StmtKind::Return(Some(self.star_expressions()?)))
    }

    /// `raise_stmt: 'raise' [expression ['from' expression]]`
    fn raise_stmt(&mut self) -> PResult<StmtKind> {
        self.advance();
        if self.at_statement_end() {
            return Ok(StmtKind::Raise {
                exc: None,
                cause: None,
            });
        }
        let exc = Some(self.expression()?);
        let cause = if self.eat_kw("from") {
            Some(self.expression()?)
        } else {
            None
        };
        Ok(StmtKind::Raise { exc, cause })
    }

    /// `del_stmt: 'del' del_targets &(';' | NEWLINE)`. Like CPython, a
    /// parenthesised tuple stays one target: `del (a, b)` is
    /// `Delete([Tuple([a, b])])`.
    fn del_stmt(&mut self) -> PResult<StmtKind> {
        self.advance();
        let mut targets = Vec::new();
        loop {
            let start = self.expr_start();
            let target = self.star_expression()?;
            if let Some(bad) = invalid_target(&target, TargetKind::Del) {
                return Err(self.invalid_target_error(bad, &target, start, TargetKind::Del));
            }
            targets.push(target);
            if !self.eat_op(",") || self.at_statement_end() {
                break;
            }
        }
        if !self.at_statement_end() {
            return Err(self.invalid_syntax());
        }
        Ok(StmtKind::Delete(targets))
    }

    /// `assert_stmt: 'assert' expression [',' expression]`
    fn assert_stmt(&mut self) -> PResult<StmtKind> {
        self.advance();
        let test = self.expression()?;
        let msg = if self.eat_op(",") {
            Some(self.expression()?)
        } else {
            None
        };
        Ok(StmtKind::Assert { test, msg })
    }

    /// `global_stmt` / `nonlocal_stmt`: the keyword and `','.NAME+`.
    fn global_stmt(&mut self, keyword: &str) -> PResult<StmtKind> {
        self.advance();
        let mut names = vec![self.expect_name()?];
        while self.eat_op(",") {
            names.push(self.expect_name()?);
        }
        Ok(if keyword == "global" {
            StmtKind::Global(names)
        } else {
            StmtKind::Nonlocal(names)
        })
    }

    /// `import_name: 'import' dotted_as_names`
    fn import_name(&mut self) -> PResult<StmtKind> {
        self.advance();
        let mut names = Vec::new();
        loop {
            let module = self.dotted_name()?;
            names.push((module, self.as_name()?));
            if !self.eat_op(",") {
                return Ok(StmtKind::Import(names));
            }
        }
    }

    /// `dotted_name: NAME ('.' NAME)*`, joined with dots.
    fn dotted_name(&mut self) -> PResult<Rc<str>> {
        let mut name = self.expect_name()?.to_string();
        while self.eat_op(".") {
            name.push('.');
            name.push_str(&self.expect_name()?);
        }
        Ok(Rc::from(name))
    }

    /// `['as' NAME]`
    fn as_name(&mut self) -> PResult<Option<Rc<str>>> {
        if self.eat_kw("as") {
            Ok(Some(self.expect_name()?))
        } else {
            Ok(None)
        }
    }

    /// `import_from: 'from' dotted_name 'import' import_from_targets`
    /// (relative imports and `import *` are outside the subset).
    fn import_from(&mut self) -> PResult<StmtKind> {
        self.advance();
        if self.at_op(".") || self.at_op("...") {
            return Err(self.unsupported(self.peek(), "relative imports"));
        }
        let module = self.dotted_name()?;
        if !self.eat_kw("import") {
            return Err(self.invalid_syntax());
        }
        if self.at_op("*") {
            return Err(self.unsupported(self.peek(), "'import *'"));
        }
        let parenthesized = self.eat_op("(");
        let mut names = Vec::new();
        loop {
            let name = self.expect_name()?;
            names.push((name, self.as_name()?));
            if !self.eat_op(",") {
                break;
            }
            if parenthesized && self.at_op(")") {
                break;
            }
            if !parenthesized && self.at_statement_end() {
                return Err(
                    self.error_here("trailing comma not allowed without surrounding parentheses")
                );
            }
        }
        if parenthesized {
            self.expect_op(")")?;
        }
        Ok(StmtKind::ImportFrom { module, names })
    }
}
