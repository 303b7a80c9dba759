//! Scope analysis, the first pass of compilation (CPython's `symtable`).
//!
//! For each scope (module, function, lambda, class body, comprehension) it
//! records the names the scope binds, the names it reads, its `global` and
//! `nonlocal` declarations, and the names its nested scopes need from
//! outside them (`child_free`). Lowering (`lower.rs`) then decides where
//! each name lives: a name bound in a function and needed by a nested one
//! is a cell; a name a function reads but does not bind is free if an
//! enclosing function binds it, global otherwise. Class scopes are skipped
//! when resolving names for the functions inside them, except for the
//! implicit `__class__` that `super()` needs.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::ast::{Arg, CompFor, Expr, ExprKind, FStringPart, FunctionDef, Stmt, StmtKind};

/// What kind of scope a [`Scope`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// The module.
    Module,
    /// A function or lambda.
    Function,
    /// A class body.
    Class,
    /// A comprehension.
    Comprehension,
}

/// The names of one scope.
pub struct Scope {
    /// What kind of scope.
    pub kind: ScopeKind,
    /// Parameter names, in slot order.
    pub params: Vec<Rc<str>>,
    /// Names bound here, in order of first binding.
    pub assigned: Vec<Rc<str>>,
    assigned_set: HashSet<Rc<str>>,
    /// Names read here.
    pub used: HashSet<Rc<str>>,
    /// `global` declarations.
    pub globals: HashSet<Rc<str>>,
    /// `nonlocal` declarations.
    pub nonlocals: HashSet<Rc<str>>,
    /// Names nested scopes need from outside themselves.
    pub child_free: HashSet<Rc<str>>,
    /// Nested scopes, keyed by the address of their AST node.
    pub children: HashMap<usize, Scope>,
}

/// The key of a nested scope: the address of its AST node.
pub fn key<T>(node: &T) -> usize {
    node as *const T as usize
}

impl Scope {
    fn new(kind: ScopeKind) -> Scope {
        Scope {
            kind,
            params: Vec::new(),
            assigned: Vec::new(),
            assigned_set: HashSet::new(),
            used: HashSet::new(),
            globals: HashSet::new(),
            nonlocals: HashSet::new(),
            child_free: HashSet::new(),
            children: HashMap::new(),
        }
    }

    /// Whether the scope binds `name` (assignment, parameter, `def`...).
    pub fn binds(&self, name: &str) -> bool {
        self.assigned_set.contains(name)
    }

    /// The names this scope's locals are: bound and not declared global
    /// or nonlocal (function-like scopes only).
    pub fn is_local(&self, name: &str) -> bool {
        self.binds(name) && !self.globals.contains(name) && !self.nonlocals.contains(name)
    }

    fn bind(&mut self, name: &Rc<str>) {
        if self.assigned_set.insert(name.clone()) {
            self.assigned.push(name.clone());
        }
    }

    /// The names this scope needs from the scopes around it.
    pub fn free_for_parent(&self) -> HashSet<Rc<str>> {
        let mut out: HashSet<Rc<str>> = self.nonlocals.clone();
        match self.kind {
            ScopeKind::Class => {
                for n in &self.used {
                    if !self.binds(n) && !self.globals.contains(n) {
                        out.insert(n.clone());
                    }
                }
                for n in &self.child_free {
                    if &**n != "__class__" {
                        out.insert(n.clone());
                    }
                }
            }
            _ => {
                for n in self.used.iter().chain(self.child_free.iter()) {
                    if !self.is_local(n) && !self.globals.contains(n) {
                        out.insert(n.clone());
                    }
                }
            }
        }
        out
    }

    fn add_child(&mut self, k: usize, child: Scope) {
        self.child_free.extend(child.free_for_parent());
        self.children.insert(k, child);
    }
}

/// Analyzes a module's statements.
pub fn analyze_module(body: &[Stmt]) -> Scope {
    let mut s = Scope::new(ScopeKind::Module);
    s.block(body);
    s
}

/// Analyzes a function or lambda (its defaults and decorators belong to
/// the enclosing scope and are not visited here).
pub fn analyze_function(fd: &FunctionDef) -> Scope {
    let mut s = Scope::new(ScopeKind::Function);
    let p = &fd.params;
    let names = p
        .args
        .iter()
        .map(|(n, _)| n)
        .chain(p.kwonly.iter().map(|(n, _)| n))
        .chain(p.vararg.iter())
        .chain(p.kwarg.iter());
    for n in names {
        s.params.push(n.clone());
        s.bind(n);
    }
    s.block(&fd.body);
    if s.used.contains("super") {
        // CPython makes `__class__` available to any function that names
        // `super`, so that the zero-argument form can find its class.
        s.used.insert("__class__".into());
    }
    s
}

/// Analyzes a comprehension: `.0` is its parameter; the first iterable is
/// evaluated outside.
pub fn analyze_comprehension(elt: &Expr, value: Option<&Expr>, gens: &[CompFor]) -> Scope {
    let mut s = Scope::new(ScopeKind::Comprehension);
    let arg: Rc<str> = ".0".into();
    s.params.push(arg.clone());
    s.bind(&arg);
    for (i, g) in gens.iter().enumerate() {
        s.store(&g.target);
        if i > 0 {
            s.expr(&g.iter);
        }
        for c in &g.ifs {
            s.expr(c);
        }
    }
    s.expr(elt);
    if let Some(v) = value {
        s.expr(v);
    }
    s
}

impl Scope {
    fn block(&mut self, body: &[Stmt]) {
        for st in body {
            self.stmt(st);
        }
    }

    fn stmt(&mut self, st: &Stmt) {
        match &st.kind {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { targets, value } => {
                targets.iter().for_each(|t| self.store(t));
                self.expr(value);
            }
            StmtKind::AugAssign { target, value, .. } => {
                if let ExprKind::Name(n) = &target.kind {
                    self.used.insert(n.clone());
                }
                self.store(target);
                self.expr(value);
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test);
                self.block(body);
                self.block(orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.store(target);
                self.expr(iter);
                self.block(body);
                self.block(orelse);
            }
            StmtKind::Return(e) => e.iter().for_each(|e| self.expr(e)),
            StmtKind::FunctionDef(fd) => {
                self.function_outer(fd);
                self.bind(&fd.name);
                self.add_child(key(&**fd), analyze_function(fd));
            }
            StmtKind::ClassDef(cd) => {
                cd.decorators.iter().for_each(|d| self.expr(d));
                cd.bases.iter().for_each(|b| self.expr(b));
                self.bind(&cd.name);
                let mut c = Scope::new(ScopeKind::Class);
                c.block(&cd.body);
                self.add_child(key(&**cd), c);
            }
            StmtKind::Global(names) => self.globals.extend(names.iter().cloned()),
            StmtKind::Nonlocal(names) => self.nonlocals.extend(names.iter().cloned()),
            StmtKind::Delete(targets) => targets.iter().for_each(|t| self.store(t)),
            StmtKind::Raise { exc, cause } => {
                exc.iter().chain(cause.iter()).for_each(|e| self.expr(e));
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.block(body);
                for h in handlers {
                    h.typ.iter().for_each(|t| self.expr(t));
                    if let Some(n) = &h.name {
                        self.bind(n);
                    }
                    self.block(&h.body);
                }
                self.block(orelse);
                self.block(finalbody);
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                msg.iter().for_each(|m| self.expr(m));
            }
            StmtKind::Import(items) => {
                for (module, alias) in items {
                    let first: Rc<str> = module.split('.').next().unwrap_or(module).into();
                    self.bind(alias.as_ref().unwrap_or(&first));
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for (name, alias) in names {
                    self.bind(alias.as_ref().unwrap_or(name));
                }
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
        }
    }

    /// The parts of a `def` or `lambda` evaluated where it is defined.
    fn function_outer(&mut self, fd: &FunctionDef) {
        fd.decorators.iter().for_each(|d| self.expr(d));
        let p = &fd.params;
        for (_, d) in p.args.iter().chain(p.kwonly.iter()) {
            d.iter().for_each(|d| self.expr(d));
        }
    }

    fn store(&mut self, target: &Expr) {
        match &target.kind {
            ExprKind::Name(n) => self.bind(n),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                items.iter().for_each(|t| self.store(t));
            }
            ExprKind::Starred(inner) => self.store(inner),
            _ => self.expr(target),
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => {
                self.used.insert(n.clone());
            }
            ExprKind::Lambda(fd) => {
                self.function_outer(fd);
                self.add_child(key(&**fd), analyze_function(fd));
            }
            ExprKind::Comprehension {
                elt,
                value,
                generators,
                ..
            } => {
                if let Some(g) = generators.first() {
                    self.expr(&g.iter);
                }
                let c = analyze_comprehension(elt, value.as_deref(), generators);
                self.add_child(key(e), c);
            }
            _ => self.children_of(e),
        }
    }

    fn children_of(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::List(v) | ExprKind::Tuple(v) | ExprKind::Set(v) => {
                v.iter().for_each(|x| self.expr(x));
            }
            ExprKind::Dict(pairs) => {
                for (k, v) in pairs {
                    self.expr(k);
                    self.expr(v);
                }
            }
            ExprKind::FString(parts) => {
                for p in parts {
                    if let FStringPart::Expr { expr, .. } = p {
                        self.expr(expr);
                    }
                }
            }
            ExprKind::Attribute { value, .. } => self.expr(value),
            ExprKind::Subscript { value, index } => {
                self.expr(value);
                self.expr(index);
            }
            ExprKind::Slice { lower, upper, step } => {
                for x in [lower, upper, step].into_iter().flatten() {
                    self.expr(x);
                }
            }
            ExprKind::Call { func, args } => {
                self.expr(func);
                for a in args {
                    match a {
                        Arg::Positional(x) | Arg::Keyword(_, x) | Arg::Star(x) => self.expr(x),
                        Arg::DoubleStar(x) => self.expr(x),
                    }
                }
            }
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left);
                self.expr(right);
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand),
            ExprKind::BoolOp { values, .. } => values.iter().for_each(|x| self.expr(x)),
            ExprKind::Compare {
                left, comparators, ..
            } => {
                self.expr(left);
                comparators.iter().for_each(|x| self.expr(x));
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test);
                self.expr(body);
                self.expr(orelse);
            }
            ExprKind::Starred(x) => self.expr(x),
            _ => {}
        }
    }
}
