//! Calls: evaluating arguments, binding them to parameters (with CPython's
//! error messages), running a function's frame, instantiating classes and
//! calling methods without making a bound-method object.
//!
//! Arguments are moved, never cloned, from the caller's evaluation into
//! the callee's locals, so `sys.getrefcount` sees CPython's counts.

use refcycle::Gc;

use super::enter::fits;
use super::FrameState;
use crate::compile::{CallArg, CallArgs, Expr, ExprKind, FuncProto, NameRef};
use crate::object::{flag, Args, Cell, Class, Function, Instance, Kind, PosArgs, PyStr, Value};
use crate::vm::{PyResult, Vm};

impl Vm {
    /// Evaluates a call's arguments; `first` is put before them (the
    /// receiver of a method call).
    pub(crate) fn eval_args(
        &self,
        f: &FrameState,
        ca: &CallArgs,
        first: Option<Value>,
    ) -> PyResult<Args> {
        let mut pos = PosArgs::new();
        pos.extend(first);
        if ca.positional_only {
            for a in &ca.items {
                if let CallArg::Pos(e) = a {
                    pos.push(self.eval(f, e)?);
                }
            }
            return Ok(Args::new(pos));
        }
        let mut kw: Vec<(Gc<PyStr>, Value)> = Vec::new();
        for a in &ca.items {
            match a {
                CallArg::Pos(e) => pos.push(self.eval(f, e)?),
                CallArg::Kw(name, e) => kw.push((name.clone(), self.eval(f, e)?)),
                CallArg::Star(e) => {
                    let v = self.eval(f, e)?;
                    pos.extend(self.collect_iterable(v)?);
                }
                CallArg::DoubleStar(e) => {
                    let v = self.eval(f, e)?;
                    self.spread_kwargs(v, &mut kw)?;
                }
            }
        }
        Ok(Args { pos, kw })
    }

    /// `func(args)`: Python functions and classes whose `__init__` is a
    /// Python function take a fast path that evaluates the arguments
    /// straight into the callee's locals.
    pub(crate) fn eval_call(&self, f: &FrameState, func: &Expr, ca: &CallArgs) -> PyResult<Value> {
        // Most callees are globals: read through the name's cache here
        // rather than through another round of the evaluator's dispatch.
        let cached = match &func.kind {
            ExprKind::Name(NameRef::Global(_, cache)) => self.cached_global(f, cache),
            _ => None,
        };
        let fv = match cached {
            Some(v) => v,
            None => self.eval(f, func)?,
        };
        if ca.positional_only {
            match &fv {
                Value::Function(fun) if fits(fun, ca.items.len()) => {
                    return self.call_simple(f, fun, &ca.items, None);
                }
                Value::Class(cls) if cls.kind != Kind::Builtin && !cls.has(flag::NEW) => {
                    if let Some(Value::Function(init)) = cls.lookup(&self.names.init) {
                        if fits(&init, ca.items.len() + 1) {
                            return self.instantiate_simple(f, cls, &init, &ca.items);
                        }
                    }
                }
                _ => {}
            }
        }
        self.call_with_args(f, &fv, ca, None)
    }

    /// Evaluates a call's arguments and calls `func` with them: the path
    /// of calls [`Vm::call_simple`] does not take, kept out of line so
    /// that the evaluator's dispatch does not carry its stack frame.
    #[inline(never)]
    fn call_with_args(
        &self,
        f: &FrameState,
        func: &Value,
        ca: &CallArgs,
        first: Option<Value>,
    ) -> PyResult<Value> {
        let args = self.eval_args(f, ca, first)?;
        self.call(func, args)
    }

    fn spread_kwargs(&self, v: Value, kw: &mut Vec<(Gc<PyStr>, Value)>) -> PyResult<()> {
        let Value::Dict(d) = &v else {
            let msg = format!(
                "argument after ** must be a mapping, not {}",
                self.type_name(&v)
            );
            return Err(self.err(&self.types.type_error, msg));
        };
        for (k, val) in d.items() {
            let Value::Str(s) = &k else {
                return Err(self.err(&self.types.type_error, "keywords must be strings".into()));
            };
            if kw.iter().any(|(n, _)| n.as_str() == s.as_str()) {
                let msg = format!("got multiple values for keyword argument '{}'", s.as_str());
                return Err(self.err(&self.types.type_error, msg));
            }
            kw.push((self.intern_str(s), val));
        }
        Ok(())
    }

    /// Calls any callable.
    pub fn call(&self, func: &Value, mut args: Args) -> PyResult<Value> {
        match func {
            Value::Function(fun) => self.call_function(fun, args),
            Value::Builtin(b) => {
                if let Some(s) = &b.bound {
                    args.pos.insert(0, s.clone());
                }
                (b.func)(self, args)
            }
            Value::Method(m) => {
                args.pos.insert(0, m.receiver.clone());
                let func = m.func.clone();
                self.call(&func, args)
            }
            Value::Class(c) => self.call_class(c, args),
            Value::WeakRef(w) => {
                crate::builtins::arity(self, "weakref", &args, 0, 0)?;
                Ok(w.target.upgrade().unwrap_or_default())
            }
            Value::Descr(d) if d.kind == crate::object::DescrKind::Static => {
                let func = d.func.clone();
                self.call(&func, args)
            }
            _ => {
                if let Value::Instance(i) = func {
                    if let Some(m) = i.class.lookup(&self.names.call) {
                        args.pos.insert(0, func.clone());
                        return self.call(&m, args);
                    }
                }
                let msg = format!("'{}' object is not callable", self.type_name(func));
                Err(self.err(&self.types.type_error, msg))
            }
        }
    }

    /// Calls `func` on behalf of Rust code (a finalizer, a callback): the
    /// frames it leaves referenced have no Python caller to adopt them
    /// (see `Vm::adopt_orphans`), so they are let go of here; orphans of
    /// the interrupted statement stay for it.
    pub fn call_unlinked(&self, func: &Value, args: Args) -> PyResult<Value> {
        let mark = self.orphans.borrow().len();
        let r = self.call(func, args);
        let extra = {
            let mut orphans = self.orphans.borrow_mut();
            let at = mark.min(orphans.len());
            let extra = orphans.split_off(at);
            self.has_orphans.set(!orphans.is_empty());
            extra
        };
        drop(extra);
        r
    }

    /// Calls with positional arguments only.
    pub fn call0(&self, func: &Value, pos: Vec<Value>) -> PyResult<Value> {
        self.call(func, Args::new(pos))
    }

    /// Calls a Python function.
    pub fn call_function(&self, fun: &Gc<Function>, args: Args) -> PyResult<Value> {
        let base = self.bind_args(fun, args)?;
        let code = &fun.code;
        let cells = if code.cell_names.is_empty() {
            Vec::new()
        } else {
            self.make_cells(code, fun.closure.as_ref(), base)
        };
        let fs = FrameState::new(self, code, Some(fun), &fun.globals, None, base, cells);
        self.run_frame(fs)
    }

    /// Runs a comprehension: its code as a call with the iterator of the
    /// first iterable as its one argument.
    pub(crate) fn run_comprehension(
        &self,
        f: &FrameState,
        proto: &FuncProto,
        iterable: Value,
    ) -> PyResult<Value> {
        let iterator = self.get_iter(iterable)?;
        let code = &proto.code;
        let closure: Vec<_> = proto
            .closure
            .iter()
            .map(|&i| f.cells[i as usize].clone())
            .collect();
        let mut cells: Vec<Gc<Cell>> = (0..code.ncells).map(|_| Gc::new(Cell::default())).collect();
        cells.extend(closure);
        let base = self.window_base();
        self.push_local(Some(iterator));
        self.fill_window(base, code.nlocals);
        let fs = FrameState::new(self, code, None, f.globals, None, base, cells);
        self.run_frame(fs)
    }

    /// Instantiates a class: `A(args)`.
    pub fn call_class(&self, cls: &Gc<Class>, mut args: Args) -> PyResult<Value> {
        if cls.kind == Kind::Builtin {
            return crate::builtins::construct(self, cls, args);
        }
        if cls.has(crate::object::flag::NEW) {
            if let Some(new) = cls.lookup(&self.names.new) {
                if matches!(new, Value::Function(_) | Value::Descr(_)) {
                    return self.call_user_new(cls, new, args);
                }
            }
        }
        let inst = self.new_instance(cls, &args.pos);
        match cls.lookup(&self.names.init) {
            Some(init) => {
                args.pos.insert(0, inst.clone());
                let r = self.call(&init, args)?;
                if !r.is_none() {
                    let msg = format!(
                        "__init__() should return None, not '{}'",
                        self.type_name(&r)
                    );
                    return Err(self.err(&self.types.type_error, msg));
                }
            }
            None if !args.pos.is_empty() || !args.kw.is_empty() => {
                let msg = format!("{}() takes no arguments", cls.name.as_str());
                return Err(self.err(&self.types.type_error, msg));
            }
            None => {}
        }
        Ok(inst)
    }

    /// A class with a Python `__new__`: call it, then `__init__` if it
    /// returned an instance of the class.
    fn call_user_new(&self, cls: &Gc<Class>, new: Value, args: Args) -> PyResult<Value> {
        let new = match new {
            Value::Descr(d) => d.func.clone(),
            other => other,
        };
        let mut new_args = Args::new(Vec::with_capacity(args.pos.len() + 1));
        new_args.pos.push(Value::Class(cls.clone()));
        new_args.pos.extend(args.pos.iter().cloned());
        new_args.kw = args
            .kw
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let inst = self.call(&new, new_args)?;
        let is_ours = matches!(&inst, Value::Instance(i) if i.class.is_subclass(cls));
        if is_ours {
            if let Some(init) = cls.lookup(&self.names.init) {
                let mut args = args;
                args.pos.insert(0, inst.clone());
                self.call(&init, args)?;
            }
        }
        Ok(inst)
    }

    /// A fresh instance of a user (or exception) class, with a finalizer
    /// if its class has `__del__`. `args` become an exception's `args`.
    pub fn new_instance(&self, cls: &Gc<Class>, args: &[Value]) -> Value {
        let exc = cls.kind == Kind::Exception;
        let inst = Instance::new(cls.clone(), exc);
        if let Some(state) = &inst.exc {
            *state.args.borrow_mut() = self.new_tuple(args.to_vec());
        }
        let g = if !cls.has_del.get() {
            Gc::new(inst)
        } else if self.options.legacy_del {
            Gc::new_with_legacy_finalizer(inst)
        } else {
            Gc::new_with_finalizer(inst)
        };
        Value::Instance(g)
    }

    /// `obj.name(args)`: looks the method up on the type and calls it with
    /// `obj` first, without a bound-method object (CPython's LOAD_METHOD).
    pub(crate) fn call_method_expr(
        &self,
        f: &FrameState,
        obj: &Expr,
        name: &Gc<PyStr>,
        ca: &CallArgs,
    ) -> PyResult<Value> {
        let o = self.eval(f, obj)?;
        match self.lookup_method(&o, name)? {
            Some(Value::Function(fun)) if ca.positional_only && fits(&fun, ca.items.len() + 1) => {
                self.call_simple(f, &fun, &ca.items, Some(o))
            }
            Some(func) => self.call_with_args(f, &func, ca, Some(o)),
            None => {
                let bound = self.getattr(&o, name)?;
                drop(o);
                self.call_with_args(f, &bound, ca, None)
            }
        }
    }

    /// The unbound method `name` of `obj`'s type, when calling it with
    /// `obj` prepended is what `obj.name(...)` means; `None` otherwise
    /// (instance attributes, properties, modules, classes...).
    fn lookup_method(&self, obj: &Value, name: &Gc<PyStr>) -> PyResult<Option<Value>> {
        let cls = match obj {
            Value::Instance(i) => {
                if i.attrs.borrow().contains(name) {
                    return Ok(None);
                }
                i.class.clone()
            }
            Value::Module(_) | Value::Class(_) | Value::Super(_) => return Ok(None),
            _ => self.class_of(obj),
        };
        Ok(match cls.lookup(name) {
            Some(v @ Value::Function(_)) => Some(v),
            Some(Value::Builtin(b)) if b.owner.is_some() && b.bound.is_none() => {
                Some(Value::Builtin(b))
            }
            _ => None,
        })
    }

    /// Zero-argument `super()`.
    pub(crate) fn zero_arg_super(
        &self,
        f: &FrameState,
        class_cell: u32,
        first: &Option<crate::compile::NameRef>,
    ) -> PyResult<Value> {
        let Some(Value::Class(cls)) = f.cells[class_cell as usize].get() else {
            return Err(self.err(
                &self.types.runtime_error,
                "super(): __class__ cell not found".into(),
            ));
        };
        let obj = match first {
            Some(r) => self.load(f, r).ok(),
            None => None,
        };
        let Some(obj) = obj else {
            return Err(self.err(&self.types.runtime_error, "super(): no arguments".into()));
        };
        self.make_super(cls, obj)
    }

    /// Runs an instance's `__del__`, reporting an exception as CPython's
    /// `PyErr_WriteUnraisable` does.
    pub fn call_del(&self, inst: &Gc<Instance>) {
        let Some(del) = inst.class.lookup(&self.names.del) else {
            return;
        };
        let r = self.call_unlinked(&del, Args::new(vec![Value::Instance(inst.clone())]));
        if let Err(e) = r {
            self.write_unraisable(e, Some(&del));
        }
    }
}
