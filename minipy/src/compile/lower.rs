//! Lowering, the second pass: the AST becomes the resolved tree of
//! `code.rs`, one [`Code`] per scope, using the names `symtable.rs` found.

use std::collections::HashMap;
use std::rc::Rc;

use refcycle::Gc;

use super::code::*;
use super::symtable::{key, Scope, ScopeKind};
use super::CompileError;
use crate::ast::{self, CompKind};
use crate::object::{all_name_chars, PyStr, Value};
use crate::vm::Vm;

pub(super) type Result<T> = std::result::Result<T, CompileError>;

/// One scope being lowered, with a link to the scope around it.
pub(super) struct Ctx<'a> {
    pub(super) scope: &'a Scope,
    parent: Option<&'a Ctx<'a>>,
    /// `__qualname__` of this scope (empty for the module).
    qualname: String,
    slots: HashMap<Rc<str>, u32>,
    local_names: Vec<Rc<str>>,
    pub(super) cells: HashMap<Rc<str>, u32>,
    cell_names: Vec<Rc<str>>,
    ncells: usize,
}

/// The compiler: interns names as it goes.
pub(super) struct Lowerer<'v> {
    pub vm: &'v Vm,
    pub source: Rc<Source>,
}

impl<'a> Ctx<'a> {
    pub fn new(scope: &'a Scope, parent: Option<&'a Ctx<'a>>, qualname: String) -> Result<Self> {
        let mut c = Ctx {
            scope,
            parent,
            qualname,
            slots: HashMap::new(),
            local_names: Vec::new(),
            cells: HashMap::new(),
            cell_names: Vec::new(),
            ncells: 0,
        };
        c.layout()?;
        Ok(c)
    }

    pub(super) fn function_like(&self) -> bool {
        matches!(
            self.scope.kind,
            ScopeKind::Function | ScopeKind::Comprehension
        )
    }

    /// Assigns local slots (parameters first) and cells (own, then free).
    fn layout(&mut self) -> Result<()> {
        let s = self.scope;
        if self.function_like() {
            for n in s.params.iter().chain(s.assigned.iter()) {
                if s.is_local(n) && !self.slots.contains_key(n) {
                    self.slots.insert(n.clone(), self.local_names.len() as u32);
                    self.local_names.push(n.clone());
                }
            }
            for n in self.local_names.clone() {
                if s.child_free.contains(&n) {
                    self.add_cell(&n);
                }
            }
        } else if s.kind == ScopeKind::Class && s.child_free.contains("__class__") {
            self.add_cell(&"__class__".into());
        }
        self.ncells = self.cell_names.len();
        if s.kind == ScopeKind::Module {
            return Ok(());
        }
        let mut free: Vec<Rc<str>> = s
            .free_for_parent()
            .into_iter()
            .filter(|n| self.parent.is_some_and(|p| p.provides(n)))
            .collect();
        free.sort();
        for n in &s.nonlocals {
            if !free.contains(n) {
                return Err(CompileError::new(
                    format!("no binding for nonlocal '{n}' found"),
                    0,
                ));
            }
        }
        for n in free {
            self.add_cell(&n);
        }
        Ok(())
    }

    fn add_cell(&mut self, n: &Rc<str>) {
        self.cells.insert(n.clone(), self.cell_names.len() as u32);
        self.cell_names.push(n.clone());
    }

    /// Whether this scope, or one around it, binds `n` in a way nested
    /// functions can close over.
    fn provides(&self, n: &str) -> bool {
        match self.scope.kind {
            ScopeKind::Module => false,
            ScopeKind::Class => n == "__class__" || self.parent.is_some_and(|p| p.provides(n)),
            _ => {
                if self.scope.globals.contains(n) {
                    false
                } else if self.scope.is_local(n) {
                    true
                } else {
                    self.parent.is_some_and(|p| p.provides(n))
                }
            }
        }
    }

    /// The qualname of a scope nested in this one.
    pub fn child_qualname(&self, name: &str) -> String {
        match self.scope.kind {
            ScopeKind::Module => name.to_string(),
            ScopeKind::Class => format!("{}.{}", self.qualname, name),
            _ => format!("{}.<locals>.{}", self.qualname, name),
        }
    }
}

impl Lowerer<'_> {
    pub(super) fn intern(&self, s: &str) -> Gc<PyStr> {
        self.vm.intern(s)
    }

    fn names(&self, v: &[Rc<str>]) -> Vec<Gc<PyStr>> {
        v.iter().map(|n| self.intern(n)).collect()
    }

    /// Where name `n` lives in scope `c`.
    pub(super) fn resolve(&self, c: &Ctx<'_>, n: &Rc<str>) -> NameRef {
        let s = c.scope;
        match s.kind {
            ScopeKind::Module => NameRef::Global(self.intern(n), GlobalCache::default()),
            ScopeKind::Class => {
                if s.globals.contains(n) {
                    NameRef::Global(self.intern(n), GlobalCache::default())
                } else if let (true, Some(&i)) = (s.nonlocals.contains(n), c.cells.get(n)) {
                    NameRef::Deref(i)
                } else if s.binds(n) {
                    NameRef::Name(self.intern(n))
                } else if let Some(&i) = c.cells.get(n) {
                    NameRef::ClassDeref(self.intern(n), i)
                } else {
                    NameRef::Name(self.intern(n))
                }
            }
            _ => {
                if s.globals.contains(n) {
                    NameRef::Global(self.intern(n), GlobalCache::default())
                } else if let Some(&i) = c.cells.get(n) {
                    NameRef::Deref(i)
                } else if let Some(&i) = c.slots.get(n) {
                    NameRef::Local(i)
                } else {
                    NameRef::Global(self.intern(n), GlobalCache::default())
                }
            }
        }
    }

    /// Builds the [`Code`] of a scope from its lowered body.
    fn code(&self, c: &Ctx<'_>, name: &str, kind: CodeKind, line: u32, body: Vec<Stmt>) -> Code {
        let mut params = ParamSpec::default();
        let mut cell_params = Vec::new();
        for (i, p) in c.scope.params.iter().enumerate() {
            if let Some(&cell) = c.cells.get(p) {
                if (cell as usize) < c.ncells {
                    cell_params.push((cell as usize, i));
                }
            }
        }
        params.nargs = c.scope.params.len();
        Code {
            name: self.intern(name),
            qualname: self.intern(if c.qualname.is_empty() {
                name
            } else {
                &c.qualname
            }),
            kind,
            source: self.source.clone(),
            line,
            params,
            nlocals: c.local_names.len(),
            local_names: self.names(&c.local_names),
            ncells: c.ncells,
            cell_names: self.names(&c.cell_names),
            cell_params,
            body,
        }
    }

    /// Lowers the module.
    pub fn module(&self, m: &ast::Module, scope: &Scope) -> Result<Rc<Code>> {
        let c = Ctx::new(scope, None, String::new())?;
        let body = self.block(&c, &m.body)?;
        Ok(Rc::new(self.code(
            &c,
            "<module>",
            CodeKind::Module,
            1,
            body,
        )))
    }

    pub(super) fn block(&self, c: &Ctx<'_>, body: &[ast::Stmt]) -> Result<Vec<Stmt>> {
        body.iter().map(|s| self.stmt(c, s)).collect()
    }

    pub(super) fn function(&self, c: &Ctx<'_>, fd: &ast::FunctionDef) -> Result<Rc<FuncProto>> {
        let scope = &c.scope.children[&key(fd)];
        let inner =
            Ctx::new(scope, Some(c), c.child_qualname(&fd.name)).map_err(|e| e.at(fd.line))?;
        let body = self.block(&inner, &fd.body)?;
        let mut code = self.code(&inner, &fd.name, CodeKind::Function, fd.line, body);
        let p = &fd.params;
        code.params = ParamSpec {
            nargs: p.args.len(),
            nkwonly: p.kwonly.len(),
            vararg: p.vararg.is_some(),
            kwarg: p.kwarg.is_some(),
        };
        let defaults = p.args.iter().filter_map(|(_, d)| d.as_ref());
        let kwdefaults = p.kwonly.iter().filter_map(|(n, d)| Some((n, d.as_ref()?)));
        Ok(Rc::new(FuncProto {
            closure: closure_of(c, &inner),
            code: Rc::new(code),
            defaults: defaults.map(|d| self.expr(c, d)).collect::<Result<_>>()?,
            kwdefaults: kwdefaults
                .map(|(n, d)| Ok((self.intern(n), self.expr(c, d)?)))
                .collect::<Result<_>>()?,
            decorators: self.exprs(c, &fd.decorators)?,
        }))
    }

    pub(super) fn class(&self, c: &Ctx<'_>, cd: &ast::ClassDef) -> Result<Rc<ClassProto>> {
        let scope = &c.scope.children[&key(cd)];
        let inner =
            Ctx::new(scope, Some(c), c.child_qualname(&cd.name)).map_err(|e| e.at(cd.line))?;
        let body = self.block(&inner, &cd.body)?;
        let class_cell = inner
            .cells
            .get("__class__")
            .copied()
            .filter(|&i| (i as usize) < inner.ncells);
        let code = self.code(&inner, &cd.name, CodeKind::Class, cd.line, body);
        Ok(Rc::new(ClassProto {
            closure: closure_of(c, &inner),
            code: Rc::new(code),
            bases: self.exprs(c, &cd.bases)?,
            decorators: self.exprs(c, &cd.decorators)?,
            class_cell,
        }))
    }

    pub(super) fn comprehension(&self, c: &Ctx<'_>, e: &ast::Expr) -> Result<Expr> {
        let ast::ExprKind::Comprehension {
            kind,
            elt,
            value,
            generators,
        } = &e.kind
        else {
            unreachable!("comprehension() called on another expression")
        };
        let name = match kind {
            CompKind::List => "<listcomp>",
            CompKind::Set => "<setcomp>",
            CompKind::Dict => "<dictcomp>",
        };
        let scope = &c.scope.children[&key(e)];
        let inner = Ctx::new(scope, Some(c), c.child_qualname(name))?;
        let mut gens = Vec::new();
        for (i, g) in generators.iter().enumerate() {
            let iter = if i == 0 {
                Expr {
                    line: g.iter.line,
                    kind: ExprKind::Name(NameRef::Local(0)),
                }
            } else {
                self.expr(&inner, &g.iter)?
            };
            gens.push(CompGen {
                target: self.target(&inner, &g.target)?,
                iter,
                ifs: self.exprs(&inner, &g.ifs)?,
            });
        }
        let body = CompBody {
            kind: *kind,
            elt: self.expr(&inner, elt)?,
            value: value.as_ref().map(|v| self.expr(&inner, v)).transpose()?,
            generators: gens,
        };
        let stmt = Stmt {
            line: e.line,
            kind: StmtKind::Comp(Box::new(body)),
        };
        let code = self.code(&inner, name, CodeKind::Comprehension, e.line, vec![stmt]);
        let first = &generators[0].iter;
        let proto = FuncProto {
            closure: closure_of(c, &inner),
            code: Rc::new(code),
            defaults: Vec::new(),
            kwdefaults: Vec::new(),
            decorators: Vec::new(),
        };
        Ok(Expr {
            line: e.line,
            kind: ExprKind::Comprehension(Rc::new(proto), Box::new(self.expr(c, first)?)),
        })
    }

    pub(super) fn exprs(&self, c: &Ctx<'_>, v: &[ast::Expr]) -> Result<Vec<Expr>> {
        v.iter().map(|e| self.expr(c, e)).collect()
    }

    /// A string constant, interned when CPython would intern it.
    pub(super) fn str_const(&self, s: &str) -> Value {
        if all_name_chars(s) || s.chars().count() <= 1 {
            Value::Str(self.intern(s))
        } else {
            Value::Str(Gc::new(PyStr::new(s)))
        }
    }

    pub(super) fn target(&self, c: &Ctx<'_>, t: &ast::Expr) -> Result<Target> {
        Ok(match &t.kind {
            ast::ExprKind::Name(n) => Target::Name(self.resolve(c, n)),
            ast::ExprKind::Attribute { value, attr } => {
                Target::Attr(self.expr(c, value)?, self.intern(attr))
            }
            ast::ExprKind::Subscript { value, index } => {
                Target::Subscript(self.expr(c, value)?, self.expr(c, index)?)
            }
            ast::ExprKind::Tuple(items) | ast::ExprKind::List(items) => {
                let star = items
                    .iter()
                    .position(|i| matches!(i.kind, ast::ExprKind::Starred(_)));
                let targets = items
                    .iter()
                    .map(|i| match &i.kind {
                        ast::ExprKind::Starred(inner) => self.target(c, inner),
                        _ => self.target(c, i),
                    })
                    .collect::<Result<_>>()?;
                Target::Unpack(targets, star)
            }
            _ => {
                return Err(CompileError::new(
                    "cannot assign to expression".into(),
                    t.line,
                ))
            }
        })
    }
}

/// For each free variable of `inner`, the cell of `outer` that holds it.
fn closure_of(outer: &Ctx<'_>, inner: &Ctx<'_>) -> Vec<u32> {
    inner.cell_names[inner.ncells..]
        .iter()
        .map(|n| outer.cells.get(n).copied().unwrap_or(0))
        .collect()
}

impl Lowerer<'_> {}
