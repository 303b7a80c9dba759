//! Exceptions: making and raising them (with implicit `__context__`
//! chaining), `try`/`except`/`finally`, and printing tracebacks the way
//! CPython 3.11 does, chained exceptions and "Exception ignored in"
//! reports included.

use refcycle::Gc;

use super::{Flow, FrameState};
use crate::compile::{Expr, Handler, TryStmt};
use crate::object::{Class, Instance, PyStr, Traceback, Value};
use crate::vm::{Exc, PyResult, Vm};

/// Entries of one frame repeated more than this many times in a row are
/// summarized ("[Previous line repeated N more times]").
const RECURSIVE_CUTOFF: usize = 3;
/// `sys.tracebacklimit`'s default: only the innermost entries are shown.
const TRACEBACK_LIMIT: usize = 1000;

impl Vm {
    /// A new exception instance of `class` with these `args` (not raised).
    pub fn new_exception(&self, class: &Gc<Class>, args: Vec<Value>) -> Gc<Instance> {
        match self.new_instance(class, &args) {
            Value::Instance(i) => i,
            _ => unreachable!("new_instance makes an instance"),
        }
    }

    /// Raises a new `class(msg)`.
    pub fn err(&self, class: &Gc<Class>, msg: String) -> Exc {
        let inst = self.new_exception(class, vec![self.new_str(msg)]);
        self.raise_instance(inst)
    }

    /// `TypeError(msg)`.
    pub fn type_error(&self, msg: String) -> Exc {
        self.err(&self.types.type_error, msg)
    }

    /// `ValueError(msg)`.
    pub fn value_error(&self, msg: String) -> Exc {
        self.err(&self.types.value_error, msg)
    }

    /// `IndexError(msg)`.
    pub fn index_error(&self, msg: &str) -> Exc {
        self.err(&self.types.index_error, msg.to_string())
    }

    /// `OverflowError(msg)`.
    pub fn overflow(&self, msg: &str) -> Exc {
        self.err(&self.types.overflow_error, msg.to_string())
    }

    /// `KeyError(key)`.
    pub fn key_error(&self, key: Value) -> Exc {
        let inst = self.new_exception(&self.types.key_error, vec![key]);
        self.raise_instance(inst)
    }

    /// `UnboundLocalError` for a local read before assignment.
    pub fn unbound_local(&self, name: &Gc<PyStr>) -> Exc {
        let msg = format!(
            "cannot access local variable '{}' where it is not associated with a value",
            name.as_str()
        );
        self.err(&self.types.unbound_local_error, msg)
    }

    /// `NameError` for an undefined name (with `name` set, for the
    /// "Did you mean" suggestion).
    pub fn name_error(&self, _f: &FrameState, name: &Gc<PyStr>) -> Exc {
        let msg = format!("name '{}' is not defined", name.as_str());
        let inst = self.new_exception(&self.types.name_error, vec![self.new_str(msg)]);
        if let Some(s) = &inst.exc {
            *s.hint.borrow_mut() = Some(crate::object::Hint::Name(name.clone()));
        }
        self.raise_instance(inst)
    }

    /// Raises an existing exception instance: it gets the exception being
    /// handled as its `__context__` (CPython's `_PyErr_SetObject`, which
    /// also cuts a cycle the chain would form).
    pub fn raise_instance(&self, inst: Gc<Instance>) -> Exc {
        let handled = self.handling.borrow().last().cloned();
        if let (Some(ctx), Some(state)) = (handled, &inst.exc) {
            if !Gc::ptr_eq(&ctx, &inst) {
                cut_context_cycle(&ctx, &inst);
                let old = state.context.replace(Value::Instance(ctx));
                drop(old);
            }
        }
        Exc::new(inst)
    }

    /// The exception instance `raise v` raises: `v` itself, or `v()` for
    /// a class.
    fn exception_from(&self, v: Value, what: &str) -> PyResult<Gc<Instance>> {
        match &v {
            Value::Instance(i) if i.exc.is_some() => return Ok(i.clone()),
            Value::Class(c) if c.is_subclass(&self.types.base_exception) => {
                if let Value::Instance(i) = self.call_class(c, Default::default())? {
                    if i.exc.is_some() {
                        return Ok(i);
                    }
                }
                let msg = format!(
                    "calling {} should have returned an instance of BaseException",
                    self.repr_string(&v)?
                );
                return Err(self.type_error(msg));
            }
            _ => {}
        }
        Err(self.type_error(format!("{what} must derive from BaseException")))
    }

    /// `raise`, `raise exc`, `raise exc from cause`.
    pub(crate) fn exec_raise(
        &self,
        f: &FrameState,
        exc: &Option<Expr>,
        cause: &Option<Expr>,
    ) -> PyResult<Exc> {
        let Some(exc) = exc else {
            let current = self.handling.borrow().last().cloned();
            return match current {
                Some(v) => {
                    let mut e = Exc::new(v);
                    // CPython's bare `raise` adds no traceback entry here.
                    e.inner().traced = true;
                    Ok(e)
                }
                None => Err(self.err(
                    &self.types.runtime_error,
                    "No active exception to reraise".into(),
                )),
            };
        };
        let v = self.eval(f, exc)?;
        let inst = self.exception_from(v, "exceptions")?;
        if let Some(cause) = cause {
            let c = self.eval(f, cause)?;
            let c = match c {
                Value::None => Value::None,
                other => Value::Instance(self.exception_from(other, "exception causes")?),
            };
            if let Some(state) = &inst.exc {
                drop(state.cause.replace(c));
                state.suppress_context.set(true);
            }
        }
        Ok(self.raise_instance(inst))
    }

    /// `try` with its handlers, `else` and `finally`.
    pub(crate) fn exec_try(&self, f: &FrameState, t: &TryStmt) -> PyResult<Flow> {
        let result = self.exec_try_except(f, t);
        if t.finalbody.is_empty() {
            return result;
        }
        match result {
            Ok(flow) => match self.exec_block(f, &t.finalbody)? {
                Flow::Normal => Ok(flow),
                other => Ok(other),
            },
            Err(e) => {
                self.handling.borrow_mut().push(e.value().clone());
                let r = self.exec_block(f, &t.finalbody);
                let popped = self.handling.borrow_mut().pop();
                drop(popped);
                match r {
                    Ok(Flow::Normal) => Err(e),
                    Ok(other) => Ok(other),
                    Err(e2) => Err(e2),
                }
            }
        }
    }

    fn exec_try_except(&self, f: &FrameState, t: &TryStmt) -> PyResult<Flow> {
        let e = match self.exec_block(f, &t.body) {
            Ok(Flow::Normal) => return self.exec_block(f, &t.orelse),
            Ok(flow) => return Ok(flow),
            Err(e) if t.handlers.is_empty() => return Err(e),
            Err(e) => e,
        };
        // The exception counts as being handled while the `except`
        // clauses' classes are evaluated (an error there chains to it).
        self.handling.borrow_mut().push(e.value().clone());
        let chosen = self.choose_handler(f, &t.handlers, e.value());
        let popped = self.handling.borrow_mut().pop();
        drop(popped);
        match chosen? {
            Some(h) => self.run_handler(f, h, e),
            None => Err(e),
        }
    }

    fn choose_handler<'a>(
        &self,
        f: &FrameState,
        handlers: &'a [Handler],
        exc: &Gc<Instance>,
    ) -> PyResult<Option<&'a Handler>> {
        for h in handlers {
            let Some(typ) = &h.typ else {
                return Ok(Some(h));
            };
            let spec = self.eval(f, typ)?;
            if self.exception_matches(exc, &spec)? {
                return Ok(Some(h));
            }
        }
        Ok(None)
    }

    /// Whether `exc` matches an `except` clause's class or tuple.
    pub fn exception_matches(&self, exc: &Gc<Instance>, spec: &Value) -> PyResult<bool> {
        match spec {
            Value::Class(c) if c.is_subclass(&self.types.base_exception) => {
                Ok(exc.class.is_subclass(c))
            }
            Value::Tuple(t) => {
                for s in t.items.iter() {
                    if self.exception_matches(exc, s)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Err(self.type_error(
                "catching classes that do not inherit from BaseException is not allowed".into(),
            )),
        }
    }

    /// Runs an `except` body with the exception bound, then unbinds the
    /// name (CPython's implicit `del e`).
    fn run_handler(&self, f: &FrameState, h: &Handler, e: Exc) -> PyResult<Flow> {
        let value = e.into_value();
        self.handling.borrow_mut().push(value.clone());
        if let Some(name) = &h.name {
            self.store(f, name, Value::Instance(value.clone()));
        }
        drop(value);
        let r = self.exec_block(f, &h.body);
        if let Some(name) = &h.name {
            self.unbind(f, name);
        }
        let popped = self.handling.borrow_mut().pop();
        drop(popped);
        r
    }

    /// The text CPython prints for an uncaught exception: the chain of
    /// causes and contexts, each with its traceback.
    pub fn format_exception(&self, exc: &Gc<Instance>) -> String {
        let mut out = String::new();
        let mut seen = Vec::new();
        self.format_chain(exc, &mut out, &mut seen);
        out
    }

    fn format_chain(&self, exc: &Gc<Instance>, out: &mut String, seen: &mut Vec<*const ()>) {
        seen.push(Gc::as_ptr(exc));
        if let Some(state) = &exc.exc {
            let cause = state.cause.borrow().clone();
            let context = state.context.borrow().clone();
            let unseen = |v: &Value| match v {
                Value::Instance(i) if !seen.contains(&Gc::as_ptr(i)) => Some(i.clone()),
                _ => None,
            };
            if let Some(c) = unseen(&cause) {
                self.format_chain(&c, out, seen);
                out.push_str(
                    "\nThe above exception was the direct cause of the following exception:\n\n",
                );
            } else if let (Some(c), false) = (unseen(&context), state.suppress_context.get()) {
                self.format_chain(&c, out, seen);
                out.push_str(
                    "\nDuring handling of the above exception, another exception occurred:\n\n",
                );
            }
        }
        self.format_one(exc, out, true);
    }

    /// One exception: its traceback (if any) and its last line (with a
    /// "Did you mean" suggestion, as uncaught exceptions get).
    fn format_one(&self, exc: &Gc<Instance>, out: &mut String, suggest: bool) {
        if let Some(state) = &exc.exc {
            if let Value::Traceback(tb) = &*state.traceback.borrow() {
                out.push_str("Traceback (most recent call last):\n");
                format_traceback(tb, out);
            }
        }
        out.push_str(&self.exception_line(exc, suggest));
    }

    /// `TypeName: message` (just `TypeName` for an empty message), with
    /// CPython's "Did you mean" suggestion if `suggest`.
    pub fn exception_line(&self, exc: &Gc<Instance>, suggest: bool) -> String {
        let cls = &exc.class;
        let module = cls.module.as_str();
        let mut name = String::new();
        if module != "builtins" && module != "__main__" {
            name.push_str(module);
            name.push('.');
        }
        name.push_str(cls.qualname.as_str());
        let mut msg = match self.str_string(&Value::Instance(exc.clone())) {
            Ok(m) => m,
            Err(_) => "<exception str() failed>".to_string(),
        };
        if suggest {
            if let Some(s) = self.suggestion(exc) {
                msg.push_str(&format!(". Did you mean: '{s}'?"));
            }
        }
        if msg.is_empty() {
            format!("{name}\n")
        } else {
            format!("{name}: {msg}\n")
        }
    }

    /// Reports an exception that has nowhere to go (raised by `__del__`, a
    /// weakref callback, a gc callback), as CPython's default unraisable
    /// hook prints it.
    pub fn write_unraisable(&self, e: Exc, obj: Option<&Value>) {
        let exc = e.into_value();
        let mut out = String::new();
        if let Some(obj) = obj {
            let r = self
                .repr_string(obj)
                .unwrap_or_else(|_| "<object repr() failed>".to_string());
            out.push_str(&format!("Exception ignored in: {r}\n"));
        }
        self.format_one(&exc, &mut out, false);
        self.write_err(&out);
        drop(exc);
    }
}

/// Prints traceback entries, outermost first, folding runs of the same
/// line as CPython's `tb_print_internal` does.
fn format_traceback(tb: &Gc<Traceback>, out: &mut String) {
    let entries = Traceback::entries(tb);
    let skip = entries.len().saturating_sub(TRACEBACK_LIMIT);
    let mut last: Option<(*const (), u32)> = None;
    let mut count = 0;
    for t in &entries[skip..] {
        let key = (std::rc::Rc::as_ptr(&t.code) as *const (), t.lineno);
        if last != Some(key) {
            repeated(count, out);
            last = Some(key);
            count = 0;
        }
        count += 1;
        if count <= RECURSIVE_CUTOFF {
            let code = &t.code;
            out.push_str(&format!(
                "  File \"{}\", line {}, in {}\n",
                code.source.filename,
                t.lineno,
                code.name.as_str()
            ));
            if let Some(line) = code.source.line(t.lineno) {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    repeated(count, out);
}

fn repeated(count: usize, out: &mut String) {
    if count > RECURSIVE_CUTOFF {
        let n = count - RECURSIVE_CUTOFF;
        let s = if n > 1 { "s" } else { "" };
        out.push_str(&format!("  [Previous line repeated {n} more time{s}]\n"));
    }
}

/// If `new` is already in `ctx`'s context chain, cuts the chain there, so
/// that setting `new.__context__ = ctx` does not make a loop.
fn cut_context_cycle(ctx: &Gc<Instance>, new: &Gc<Instance>) {
    let mut o = ctx.clone();
    loop {
        let Some(state) = &o.exc else { return };
        let next = match &*state.context.borrow() {
            Value::Instance(c) => c.clone(),
            _ => return,
        };
        if Gc::ptr_eq(&next, new) {
            drop(state.context.replace(Value::None));
            return;
        }
        o = next;
    }
}
