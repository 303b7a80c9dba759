//! The scope checks CPython makes in `Python/symtable.c` once a module
//! has parsed: duplicate parameters, `global`/`nonlocal` declared after
//! a use or assignment, `nonlocal` with nothing to bind to.
//!
//! Like CPython it works in two steps. The walk records, for each scope
//! (module, function, lambda, comprehension, class), every name and how it
//! is used, raising the errors that depend on order ("used prior to global
//! declaration"); the analysis then resolves `nonlocal` names against the
//! enclosing function scopes. Only the checks are kept: the evaluator
//! resolves names itself.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::checks::{fail, Walk};
use super::SyntaxError;
use crate::ast::{ExceptHandler, Expr, ExprKind, FStringPart, FunctionDef, Line, Stmt, StmtKind};

/// A parameter of the scope.
const PARAM: u8 = 1;
/// Assigned, deleted, or defined (`def`, `class`, `for`, `except as`).
const LOCAL: u8 = 2;
/// Read.
const USE: u8 = 4;
/// Declared `global`.
const GLOBAL: u8 = 8;
/// Declared `nonlocal`.
const NONLOCAL: u8 = 16;
/// Bound by an import (not an "assignment" for the ordering checks).
const IMPORT: u8 = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Function,
    Class,
}

/// One scope and the names used in it, in order of first mention (the
/// order CPython reports analysis errors in).
#[derive(Debug)]
struct Scope {
    kind: ScopeKind,
    names: Vec<(Rc<str>, u8)>,
    index: HashMap<Rc<str>, usize>,
    /// The line of each name's first `global`/`nonlocal` declaration.
    declared_on: HashMap<Rc<str>, Line>,
    children: Vec<usize>,
}

/// Runs the walk and the analysis over a module. `duplicate_params` maps
/// a function's address to the parser's "duplicate argument" error for
/// it, which has the repeated name's exact position.
pub(super) fn check(
    body: &[Stmt],
    src: &str,
    duplicate_params: &HashMap<usize, SyntaxError>,
) -> Walk {
    let mut table = SymbolTable {
        src,
        duplicate_params,
        scopes: Vec::new(),
        current: 0,
    };
    table.push_scope(ScopeKind::Module);
    table.body(body)?;
    table.analyze(0, None)
}

struct SymbolTable<'a> {
    src: &'a str,
    duplicate_params: &'a HashMap<usize, SyntaxError>,
    scopes: Vec<Scope>,
    current: usize,
}

impl SymbolTable<'_> {
    fn push_scope(&mut self, kind: ScopeKind) -> usize {
        let scope = Scope {
            kind,
            names: Vec::new(),
            index: HashMap::new(),
            declared_on: HashMap::new(),
            children: Vec::new(),
        };
        self.scopes.push(scope);
        let id = self.scopes.len() - 1;
        if id > 0 {
            self.scopes[self.current].children.push(id);
        }
        id
    }

    /// Runs `f` inside a new child scope of the current one.
    fn in_scope(&mut self, kind: ScopeKind, f: impl FnOnce(&mut Self) -> Walk) -> Walk {
        let outer = self.current;
        self.current = self.push_scope(kind);
        let result = f(self);
        self.current = outer;
        result
    }

    fn flags(&self, name: &str) -> u8 {
        let scope = &self.scopes[self.current];
        scope.index.get(name).map_or(0, |&i| scope.names[i].1)
    }

    fn add(&mut self, name: &Rc<str>, flag: u8) {
        let scope = &mut self.scopes[self.current];
        match scope.index.get(name) {
            Some(&i) => scope.names[i].1 |= flag,
            None => {
                scope.index.insert(name.clone(), scope.names.len());
                scope.names.push((name.clone(), flag));
            }
        }
    }

    fn body(&mut self, body: &[Stmt]) -> Walk {
        body.iter().try_for_each(|stmt| self.stmt(stmt))
    }

    fn stmt(&mut self, stmt: &Stmt) -> Walk {
        match &stmt.kind {
            StmtKind::Expr(e) => self.expr(e, false),
            StmtKind::Assign { targets, value } => {
                targets.iter().try_for_each(|t| self.expr(t, true))?;
                self.expr(value, false)
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(target, true)?;
                self.expr(value, false)
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test, false)?;
                self.body(body)?;
                self.body(orelse)
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.expr(target, true)?;
                self.expr(iter, false)?;
                self.body(body)?;
                self.body(orelse)
            }
            StmtKind::Return(value) => value.iter().try_for_each(|v| self.expr(v, false)),
            StmtKind::Raise { exc, cause } => exc
                .iter()
                .chain(cause)
                .try_for_each(|e| self.expr(e, false)),
            StmtKind::Assert { test, msg } => std::iter::once(test)
                .chain(msg)
                .try_for_each(|e| self.expr(e, false)),
            StmtKind::Delete(targets) => targets.iter().try_for_each(|t| self.expr(t, true)),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.body(body)?;
                handlers.iter().try_for_each(|h| self.handler(h))?;
                self.body(orelse)?;
                self.body(finalbody)
            }
            StmtKind::FunctionDef(def) => {
                self.add(&def.name, LOCAL);
                self.function(def, stmt.line)
            }
            StmtKind::ClassDef(class) => {
                self.add(&class.name, LOCAL);
                class
                    .bases
                    .iter()
                    .chain(&class.decorators)
                    .try_for_each(|e| self.expr(e, false))?;
                self.in_scope(ScopeKind::Class, |t| t.body(&class.body))
            }
            StmtKind::Global(names) => self.declare(names, GLOBAL, stmt.line),
            StmtKind::Nonlocal(names) => self.declare(names, NONLOCAL, stmt.line),
            StmtKind::Import(names) => {
                for (module, alias) in names {
                    let first = module.split('.').next().unwrap_or(module);
                    self.add(&alias.clone().unwrap_or_else(|| Rc::from(first)), IMPORT);
                }
                Ok(())
            }
            StmtKind::ImportFrom { names, .. } => {
                names
                    .iter()
                    .for_each(|(name, alias)| self.add(alias.as_ref().unwrap_or(name), IMPORT));
                Ok(())
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Pass => Ok(()),
        }
    }

    fn handler(&mut self, handler: &ExceptHandler) -> Walk {
        if let Some(typ) = &handler.typ {
            self.expr(typ, false)?;
        }
        if let Some(name) = &handler.name {
            self.add(name, LOCAL);
        }
        self.body(&handler.body)
    }

    /// A `def` or lambda: defaults and decorators in the enclosing scope,
    /// parameters and body in its own.
    fn function(&mut self, def: &FunctionDef, line: Line) -> Walk {
        let defaults = def
            .params
            .args
            .iter()
            .chain(&def.params.kwonly)
            .filter_map(|(_, d)| d.as_ref());
        defaults
            .chain(&def.decorators)
            .try_for_each(|e| self.expr(e, false))?;
        self.in_scope(ScopeKind::Function, |t| {
            t.params(def, line)?;
            t.body(&def.body)
        })
    }

    fn params(&mut self, def: &FunctionDef, line: Line) -> Walk {
        let params = &def.params;
        let names = params.args.iter().map(|(n, _)| n).chain(&params.vararg);
        let names = names
            .chain(params.kwonly.iter().map(|(n, _)| n))
            .chain(&params.kwarg);
        for name in names {
            if self.flags(name) & PARAM != 0 {
                if let Some(error) = self
                    .duplicate_params
                    .get(&(def as *const FunctionDef as usize))
                {
                    return Err(Box::new(error.clone()));
                }
                let msg = format!("duplicate argument '{name}' in function definition");
                return Err(fail(self.src, msg, line));
            }
            self.add(name, PARAM);
        }
        Ok(())
    }

    /// `global` / `nonlocal`: refused after the name was a parameter,
    /// used, or assigned in this scope (CPython's `GLOBAL_AFTER_USE` ...).
    fn declare(&mut self, names: &[Rc<str>], flag: u8, line: Line) -> Walk {
        let what = if flag == GLOBAL { "global" } else { "nonlocal" };
        for name in names {
            let cur = self.flags(name);
            let problem = if cur & PARAM != 0 {
                Some(format!("name '{name}' is parameter and {what}"))
            } else if cur & USE != 0 {
                Some(format!("name '{name}' is used prior to {what} declaration"))
            } else if cur & LOCAL != 0 {
                Some(format!(
                    "name '{name}' is assigned to before {what} declaration"
                ))
            } else {
                None
            };
            if let Some(msg) = problem {
                return Err(fail(self.src, msg, line));
            }
            self.add(name, flag);
            self.scopes[self.current]
                .declared_on
                .entry(name.clone())
                .or_insert(line);
        }
        Ok(())
    }

    fn expr(&mut self, expr: &Expr, store: bool) -> Walk {
        match &expr.kind {
            ExprKind::Name(name) => {
                self.add(name, if store { LOCAL } else { USE });
                Ok(())
            }
            ExprKind::Starred(inner) => self.expr(inner, store),
            ExprKind::Tuple(elts) | ExprKind::List(elts) => {
                elts.iter().try_for_each(|e| self.expr(e, store))
            }
            ExprKind::Lambda(def) => self.function(def, expr.line),
            ExprKind::Comprehension {
                elt,
                value,
                generators,
                ..
            } => {
                // The first iterable is evaluated in the enclosing scope;
                // everything else in the comprehension's own.
                if let Some(first) = generators.first() {
                    self.expr(&first.iter, false)?;
                }
                self.in_scope(ScopeKind::Function, |t| {
                    for (i, gen) in generators.iter().enumerate() {
                        t.expr(&gen.target, true)?;
                        if i > 0 {
                            t.expr(&gen.iter, false)?;
                        }
                        gen.ifs.iter().try_for_each(|e| t.expr(e, false))?;
                    }
                    std::iter::once(&**elt)
                        .chain(value.as_deref())
                        .try_for_each(|e| t.expr(e, false))
                })
            }
            _ => super::checks::children(expr).try_for_each(|e| self.expr(e, false)),
        }
    }

    /// CPython's `analyze_block`: resolves `nonlocal` names against the
    /// names bound in enclosing function scopes (`bound`; `None` at module
    /// level, where `nonlocal` is not allowed at all).
    fn analyze(&self, id: usize, bound: Option<&HashSet<Rc<str>>>) -> Walk {
        let scope = &self.scopes[id];
        let mut inherited: HashSet<Rc<str>> = bound.cloned().unwrap_or_default();
        let class_bound = inherited.clone();
        let mut local = HashSet::new();
        for (name, flags) in &scope.names {
            let line = scope.declared_on.get(name).copied().unwrap_or(1);
            if flags & GLOBAL != 0 {
                if flags & NONLOCAL != 0 {
                    return Err(fail(
                        self.src,
                        format!("name '{name}' is nonlocal and global"),
                        line,
                    ));
                }
                inherited.remove(name);
            } else if flags & NONLOCAL != 0 {
                let Some(bound) = bound else {
                    return Err(fail(
                        self.src,
                        "nonlocal declaration not allowed at module level",
                        line,
                    ));
                };
                if !bound.contains(name) {
                    return Err(fail(
                        self.src,
                        format!("no binding for nonlocal '{name}' found"),
                        line,
                    ));
                }
            } else if flags & (LOCAL | PARAM | IMPORT) != 0 {
                local.insert(name.clone());
            }
        }
        let for_children = match scope.kind {
            ScopeKind::Class => class_bound,
            ScopeKind::Function => inherited.union(&local).cloned().collect(),
            ScopeKind::Module => inherited,
        };
        scope
            .children
            .iter()
            .try_for_each(|&child| self.analyze(child, Some(&for_children)))
    }
}

/// The expressions of an f-string's replacement fields.
pub(super) fn fstring_exprs(parts: &[FStringPart]) -> impl Iterator<Item = &Expr> {
    parts.iter().filter_map(|part| match part {
        FStringPart::Expr { expr, .. } => Some(&**expr),
        FStringPart::Literal(_) => None,
    })
}
