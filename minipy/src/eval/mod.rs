//! The evaluator: runs the resolved tree of `compile/`.
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` (here) | statement and expression dispatch |
//! | `names.rs` | reading and binding names, assignment targets |
//! | `frame.rs` | [`FrameState`], frame objects, traceback entries |
//! | `calls.rs` | calling: functions, classes, methods |
//! | `enter.rs` | entering a Python function: the positional fast path, running a frame |
//! | `bind.rs` | binding arguments to parameters |
//! | `define.rs` | `def` and `class` at run time, imports |
//! | `exceptions.rs` | `raise`, `try`, exception objects, traceback printing |
//! | `ops.rs` | arithmetic operators, hashing, truth |
//! | `compare.rs` | comparisons and `in` |
//! | `attr.rs` | attribute access |
//! | `subscript.rs` | indexing and slicing |
//! | `iterate.rs` | iteration and unpacking |
//! | `repr.rs`, `format.rs` | `repr`/`str`, float formatting, format specs |
//! | `interpolate.rs` | `%` formatting and `str.format` |
//!
//! Errors carry the line of the innermost failing expression
//! ([`Vm::eval`] records it) so traceback entries name the right line.

mod attr;
mod bind;
mod calls;
mod compare;
mod define;
mod enter;
mod exceptions;
pub mod format;
mod frame;
mod interpolate;
mod iterate;
mod names;
pub mod num;
pub mod ops;
mod repr;
mod subscript;
mod suggest;

use refcycle::Gc;

pub use frame::{FrameState, LocalStack};
pub use repr::addr;

use crate::compile::{CompBody, Expr, ExprKind, NameRef, Stmt, StmtKind, Target};
use crate::object::{new_list, Dict, DictStore, Set, Slice, Value};
use crate::vm::{Exc, PyResult, Vm};

/// Records `line` on an error that has no line yet (see [`Vm::eval`]).
#[cold]
fn at_line(mut x: Exc, line: u32) -> Exc {
    let i = x.inner();
    if !i.traced && i.line == 0 {
        i.line = line;
    }
    x
}

fn is_starred(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Starred(_))
}

/// How a block of statements ended.
pub enum Flow {
    /// It ran to the end.
    Normal,
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `return value`.
    Return(Value),
}

impl Vm {
    /// Runs statements; adds this frame's traceback entry to an exception
    /// that leaves them.
    pub fn exec_block(&self, f: &FrameState, body: &[Stmt]) -> PyResult<Flow> {
        for s in body {
            let r = self.exec_stmt(f, s);
            if self.has_orphans.get() {
                self.adopt_orphans(f);
            }
            match r {
                Ok(Flow::Normal) => {}
                Ok(flow) => return Ok(flow),
                Err(mut e) => {
                    self.add_traceback(f, &mut e, s.line);
                    return Err(e);
                }
            }
        }
        Ok(Flow::Normal)
    }

    /// Runs one statement: the frequent kinds here, inlined into
    /// [`Vm::exec_block`]'s loop; the others in [`Vm::exec_rare_stmt`].
    /// (Measured on `binary_trees`: one out-of-line `match` over every
    /// kind cost a call and a large stack frame per statement; this split
    /// took 4% off its instruction count and 7% off its time.)
    #[inline(always)]
    fn exec_stmt(&self, f: &FrameState, s: &Stmt) -> PyResult<Flow> {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.eval(f, e)?;
            }
            StmtKind::Assign(targets, value) => {
                let v = self.eval(f, value)?;
                match targets.as_slice() {
                    [t] => self.assign(f, t, v)?,
                    ts => {
                        for t in ts {
                            self.assign(f, t, v.clone())?;
                        }
                    }
                }
            }
            StmtKind::AugAssign(target, op, value) => self.aug_assign(f, target, *op, value)?,
            StmtKind::If(test, body, orelse) => {
                let block = if self.cond(f, test)? { body } else { orelse };
                if !block.is_empty() {
                    return self.exec_block(f, block);
                }
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(f, e)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Pass => {}
            _ => return self.exec_rare_stmt(f, s),
        }
        Ok(Flow::Normal)
    }

    /// The statements [`Vm::exec_stmt`] leaves out of line: loops, whose
    /// cost is in their body, and the kinds seldom run in a hot path. One
    /// `match`, longer than the style's 40 lines, as the dispatch it is.
    #[inline(never)]
    fn exec_rare_stmt(&self, f: &FrameState, s: &Stmt) -> PyResult<Flow> {
        match &s.kind {
            StmtKind::While(test, body, orelse) => return self.exec_while(f, test, body, orelse),
            StmtKind::For(target, iter, body, orelse) => {
                return self.exec_for(f, target, iter, body, orelse)
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Def(proto, target) => {
                let func = self.make_function(f, proto)?;
                self.assign(f, target, func)?;
            }
            StmtKind::Class(proto, target) => {
                let class = self.make_class(f, proto)?;
                self.assign(f, target, class)?;
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.delete(f, t)?;
                }
            }
            StmtKind::Raise(exc, cause) => return Err(self.exec_raise(f, exc, cause)?),
            StmtKind::Try(t) => return self.exec_try(f, t),
            StmtKind::Assert(test, msg) => self.exec_assert(f, test, msg.as_ref())?,
            StmtKind::Import(items) => {
                for (name, target) in items {
                    let m = self.import(name)?;
                    self.assign(f, target, m)?;
                }
            }
            StmtKind::ImportFrom(module, names) => self.import_from(f, module, names)?,
            StmtKind::Comp(body) => return self.exec_comp(f, body).map(Flow::Return),
            StmtKind::Expr(_)
            | StmtKind::Assign(..)
            | StmtKind::AugAssign(..)
            | StmtKind::If(..)
            | StmtKind::Return(_)
            | StmtKind::Pass => unreachable!("exec_stmt runs these"),
        }
        Ok(Flow::Normal)
    }

    fn exec_while(
        &self,
        f: &FrameState,
        test: &Expr,
        body: &[Stmt],
        orelse: &[Stmt],
    ) -> PyResult<Flow> {
        loop {
            if !self.cond(f, test)? {
                return self.exec_block(f, orelse);
            }
            match self.exec_block(f, body)? {
                Flow::Break => return Ok(Flow::Normal),
                Flow::Return(v) => return Ok(Flow::Return(v)),
                Flow::Normal | Flow::Continue => {}
            }
        }
    }

    fn exec_for(
        &self,
        f: &FrameState,
        target: &Target,
        iter: &Expr,
        body: &[Stmt],
        orelse: &[Stmt],
    ) -> PyResult<Flow> {
        let iterable = self.eval(f, iter)?;
        let mut it = self.iter_state(iterable)?;
        while let Some(v) = self.iter_next(&mut it)? {
            self.assign(f, target, v)?;
            match self.exec_block(f, body)? {
                Flow::Break => return Ok(Flow::Normal),
                Flow::Return(v) => return Ok(Flow::Return(v)),
                Flow::Normal | Flow::Continue => {}
            }
        }
        drop(it);
        self.exec_block(f, orelse)
    }

    fn exec_assert(&self, f: &FrameState, test: &Expr, msg: Option<&Expr>) -> PyResult<()> {
        let t = self.eval(f, test)?;
        if self.truthy(&t)? {
            return Ok(());
        }
        let args = match msg {
            Some(m) => vec![self.eval(f, m)?],
            None => Vec::new(),
        };
        let exc = self.new_exception(&self.types.assertion_error, args);
        Err(self.raise_instance(exc))
    }

    /// Runs a comprehension's loops, building its result.
    fn exec_comp(&self, f: &FrameState, body: &CompBody) -> PyResult<Value> {
        use crate::ast::CompKind;
        let result = match body.kind {
            CompKind::List => new_list(Vec::new()),
            CompKind::Set => Value::Set(Gc::new(Set::new())),
            CompKind::Dict => Value::Dict(Dict::new_gc()),
        };
        self.comp_level(f, body, 0, &result)?;
        Ok(result)
    }

    fn comp_level(&self, f: &FrameState, b: &CompBody, level: usize, out: &Value) -> PyResult<()> {
        let Some(g) = b.generators.get(level) else {
            let elt = self.eval(f, &b.elt)?;
            match out {
                Value::List(l) => l.push(elt),
                Value::Set(s) => {
                    s.add(self, elt)?;
                }
                Value::Dict(d) => {
                    let v = self.eval(f, b.value.as_ref().expect("dict comprehension value"))?;
                    d.set(self, elt, v)?;
                }
                _ => unreachable!("comprehension result is a list, set or dict"),
            }
            return Ok(());
        };
        let iterable = self.eval(f, &g.iter)?;
        let mut it = self.iter_state(iterable)?;
        'items: while let Some(v) = self.iter_next(&mut it)? {
            self.assign(f, &g.target, v)?;
            for cond in &g.ifs {
                let c = self.eval(f, cond)?;
                if !self.truthy(&c)? {
                    continue 'items;
                }
            }
            self.comp_level(f, b, level + 1, out)?;
        }
        Ok(())
    }

    /// Evaluates an expression, recording its line on an error that does
    /// not have one yet (the innermost failing expression wins).
    ///
    /// Constants and bound locals, the leaves of most expressions, are
    /// read here, inlined into the caller: going through the dispatch
    /// function for them cost a call, its prologue and the error check.
    #[inline(always)]
    pub fn eval(&self, f: &FrameState, e: &Expr) -> PyResult<Value> {
        match &e.kind {
            ExprKind::Const(v) => return Ok(v.clone()),
            ExprKind::Name(NameRef::Local(i)) => {
                if let Some(v) = f.get_local(*i as usize) {
                    return Ok(v);
                }
            }
            _ => {}
        }
        self.eval_node(f, e)
    }

    /// [`Vm::eval`] for the other nodes, with the error line bookkeeping.
    #[inline(never)]
    fn eval_node(&self, f: &FrameState, e: &Expr) -> PyResult<Value> {
        self.eval_inner(f, e).map_err(|x| at_line(x, e.line))
    }

    /// The truth of a condition (`if`, `while`, `a if c else b`). A
    /// comparison with one operator that needs no method (`is`, ints) is
    /// answered without making a `bool` object and asking its truth.
    #[inline]
    fn cond(&self, f: &FrameState, e: &Expr) -> PyResult<bool> {
        if let ExprKind::Compare(left, rest) = &e.kind {
            if let [(op, right)] = rest.as_slice() {
                // `x is None`, `n == 0`: the local is compared where it
                // lies, without the count increment and decrement (two
                // writes to the object) of reading it out.
                let peeked = match (&left.kind, &right.kind) {
                    (ExprKind::Name(NameRef::Local(i)), ExprKind::Const(c)) => {
                        f.peek_local(*i as usize, |a| compare::compare_fast(*op, a?, c))
                    }
                    (ExprKind::Name(NameRef::Local(i)), ExprKind::Name(NameRef::Local(j))) => f
                        .peek_local(*i as usize, |a| {
                            f.peek_local(*j as usize, |b| compare::compare_fast(*op, a?, b?))
                        }),
                    _ => None,
                };
                if let Some(r) = peeked {
                    return Ok(r);
                }
                let a = self.eval(f, left)?;
                let b = self.eval(f, right)?;
                if let Some(r) = compare::compare_fast(*op, &a, &b) {
                    return Ok(r);
                }
                let r = self.compare(*op, &a, &b).map_err(|x| at_line(x, e.line))?;
                // The operands go first, as when the comparison is a value.
                drop(b);
                drop(a);
                return self.truthy(&r);
            }
        }
        let v = self.eval(f, e)?;
        self.truthy(&v)
    }

    /// The expression dispatch for the frequent kinds; the others are in
    /// [`Vm::eval_other`], out of line, so that this function's frame stays
    /// small (it is entered once per node of every expression).
    #[inline(always)]
    fn eval_inner(&self, f: &FrameState, e: &Expr) -> PyResult<Value> {
        Ok(match &e.kind {
            ExprKind::Const(v) => v.clone(),
            ExprKind::Name(NameRef::Local(i)) => match f.get_local(*i as usize) {
                Some(v) => v,
                None => return Err(self.unbound_local(&f.code.local_names[*i as usize])),
            },
            ExprKind::Name(NameRef::Global(name, cache)) => match self.cached_global(f, cache) {
                Some(v) => v,
                None => self.load_global_miss(f, name, cache)?,
            },
            ExprKind::Name(r) => self.load(f, r)?,
            ExprKind::BinOp(op, l, r) => {
                let a = self.eval(f, l)?;
                let b = self.eval(f, r)?;
                if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                    if let Some(v) = ops::int_fast(*op, *x, *y) {
                        return Ok(v);
                    }
                }
                self.binary_op(*op, &a, &b)?
            }
            ExprKind::Attr(obj, name) => {
                let o = self.eval(f, obj)?;
                self.getattr(&o, name)?
            }
            ExprKind::Call(func, args) => self.eval_call(f, func, args)?,
            ExprKind::CallMethod(obj, name, args) => self.call_method_expr(f, obj, name, args)?,
            ExprKind::Compare(left, rest) => match rest.as_slice() {
                [(op, right)] => {
                    let a = self.eval(f, left)?;
                    let b = self.eval(f, right)?;
                    match compare::compare_fast(*op, &a, &b) {
                        Some(r) => Value::Bool(r),
                        None => self.compare(*op, &a, &b)?,
                    }
                }
                _ => self.eval_compare(f, left, rest)?,
            },
            ExprKind::Subscript(obj, index) => {
                let o = self.eval(f, obj)?;
                if let ExprKind::Slice(a, b, c) = &index.kind {
                    let bounds = self.eval_slice_bounds(f, a, b, c)?;
                    return self.get_slice(&o, bounds);
                }
                let i = self.eval(f, index)?;
                self.getitem(&o, &i)?
            }
            ExprKind::Tuple(items) => match items.as_slice() {
                [a, b] if !is_starred(a) && !is_starred(b) => {
                    let a = self.eval(f, a)?;
                    let b = self.eval(f, b)?;
                    self.new_pair(a, b)
                }
                _ => self.new_tuple(self.eval_items(f, items)?),
            },
            _ => self.eval_other(f, e)?,
        })
    }

    /// The less frequent kinds of expression (see [`Vm::eval_inner`]).
    #[inline(never)]
    fn eval_other(&self, f: &FrameState, e: &Expr) -> PyResult<Value> {
        Ok(match &e.kind {
            ExprKind::BoolOp(is_and, values) => {
                let mut v = Value::None;
                for x in values {
                    v = self.eval(f, x)?;
                    if self.truthy(&v)? != *is_and {
                        break;
                    }
                }
                v
            }
            ExprKind::Unary(op, x) => {
                let v = self.eval(f, x)?;
                self.unary_op(*op, &v)?
            }
            ExprKind::IfExp(test, a, b) => {
                if self.cond(f, test)? {
                    self.eval(f, a)?
                } else {
                    self.eval(f, b)?
                }
            }
            ExprKind::List(items) => new_list(self.eval_items(f, items)?),
            ExprKind::Set(items) => {
                let items = self.eval_items(f, items)?;
                let s = Gc::new(Set::new());
                for v in items {
                    s.add(self, v)?;
                }
                Value::Set(s)
            }
            ExprKind::Dict(pairs) => {
                let d = Dict::new_gc();
                for (k, v) in pairs {
                    let k = self.eval(f, k)?;
                    let v = self.eval(f, v)?;
                    d.set(self, k, v)?;
                }
                Value::Dict(d)
            }
            ExprKind::Starred(_) => {
                return Err(self.type_error("can't use starred expression here".into()))
            }
            ExprKind::Slice(a, b, c) => {
                let opt = |x: &Option<Box<Expr>>| match x {
                    Some(x) => self.eval(f, x),
                    None => Ok(Value::None),
                };
                let (start, stop, step) = (opt(a)?, opt(b)?, opt(c)?);
                Value::Slice(Gc::new(Slice { start, stop, step }))
            }
            ExprKind::Super { class_cell, first } => self.zero_arg_super(f, *class_cell, first)?,
            ExprKind::Lambda(proto) => self.make_function(f, proto)?,
            ExprKind::Comprehension(proto, iter) => {
                let iterable = self.eval(f, iter)?;
                self.run_comprehension(f, proto, iterable)?
            }
            ExprKind::FString(parts) => self.eval_fstring(f, parts)?,
            ExprKind::FrameCall(which, callee, args) => {
                let fv = self.eval(f, callee)?;
                let args = self.eval_args(f, args, None)?;
                match &fv {
                    Value::Builtin(b) if b.owner.is_none() && b.name == which.name() => {
                        crate::builtins::introspect::frame_call(self, *which, f, args)?
                    }
                    _ => self.call(&fv, args)?,
                }
            }
            _ => unreachable!("eval_inner handles the other kinds"),
        })
    }

    /// Evaluates display items, expanding `*x`.
    fn eval_items(&self, f: &FrameState, items: &[Expr]) -> PyResult<Vec<Value>> {
        let mut out = Vec::with_capacity(items.len());
        for x in items {
            if let ExprKind::Starred(inner) = &x.kind {
                let v = self.eval(f, inner)?;
                out.extend(self.collect_iterable(v)?);
            } else {
                out.push(self.eval(f, x)?);
            }
        }
        Ok(out)
    }

    fn eval_compare(
        &self,
        f: &FrameState,
        left: &Expr,
        rest: &[(crate::ast::CmpOp, Expr)],
    ) -> PyResult<Value> {
        let mut a = self.eval(f, left)?;
        let last = rest.len() - 1;
        for (i, (op, x)) in rest.iter().enumerate() {
            let b = self.eval(f, x)?;
            let r = self.compare(*op, &a, &b)?;
            if i == last {
                return Ok(r);
            }
            if !self.truthy(&r)? {
                return Ok(r);
            }
            a = b;
        }
        unreachable!("a comparison has at least one operator")
    }
}
