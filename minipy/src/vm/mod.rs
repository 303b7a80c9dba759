//! The interpreter's state ([`Vm`]) and how Python exceptions travel
//! through Rust ([`Exc`], [`PyResult`]).
//!
//! # Re-entrancy
//! Python code can run at almost any point: dropping the last handle to an
//! object runs its `__del__`, any allocation may start a collection that
//! runs finalizers, weakref callbacks and `gc.callbacks`. So the state is
//! one `Rc<Vm>` per thread, reachable from a thread-local ([`current`]),
//! with every mutable field behind a `Cell` or a short-lived `RefCell`
//! borrow. The rule everywhere: never hold a borrow while calling Python
//! code or while dropping a value that may be the last handle to
//! something (take it out, release the borrow, then drop).

pub mod types;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use refcycle::Gc;

use crate::object::{Class, Dict, Instance, List, Module, PyStr, Tuple, Value};
pub use types::Types;

/// The result of anything that can raise.
pub type PyResult<T> = Result<T, Exc>;

/// A Python exception on its way up the Rust stack.
pub struct Exc(Box<ExcInner>);

/// The parts of an [`Exc`].
pub struct ExcInner {
    /// The exception instance.
    pub value: Gc<Instance>,
    /// Whether the frame the exception is passing through has already
    /// added its traceback entry (reset when it leaves a call).
    pub traced: bool,
    /// The line of the innermost expression that failed in the current
    /// frame (0: not known yet; the statement's line is used then).
    pub line: u32,
}

impl Exc {
    /// Wraps an exception instance that is being raised.
    pub fn new(value: Gc<Instance>) -> Exc {
        Exc(Box::new(ExcInner {
            value,
            traced: false,
            line: 0,
        }))
    }

    /// The exception instance.
    pub fn value(&self) -> &Gc<Instance> {
        &self.0.value
    }

    /// The propagation state.
    pub fn inner(&mut self) -> &mut ExcInner {
        &mut self.0
    }

    /// Unwraps the exception instance.
    pub fn into_value(self) -> Gc<Instance> {
        self.0.value
    }

    /// Whether the exception is an instance of `class` (or a subclass).
    pub fn is(&self, class: &Gc<Class>) -> bool {
        self.0.value.class.is_subclass(class)
    }
}

/// Interpreter options.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Python 2's `__del__`: a cycle holding an instance whose class has
    /// `__del__` is never freed but lands in `gc.garbage`.
    pub legacy_del: bool,
    /// Collect `print` output (and what would go to stderr) in memory
    /// instead of writing it to the process's stdout and stderr.
    pub capture_output: bool,
    /// `sys.argv`.
    pub argv: Vec<String>,
}

/// Where output goes.
#[derive(Default)]
pub struct Output {
    /// Pending stdout bytes (flushed at 8 KiB, at exit, and before stderr
    /// output), or everything printed when capturing.
    pub out: Vec<u8>,
    /// Captured stderr text (capture mode only).
    pub err: Vec<u8>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Vm>>> = const { RefCell::new(None) };
}

/// The interpreter of this thread, if one is running. `None` also while
/// the thread's locals are being destroyed: refcycle's last collection at
/// thread exit may finalize objects then, and their `__del__` does not
/// run (as CPython does not promise to run it at exit).
pub fn current() -> Option<Rc<Vm>> {
    CURRENT
        .try_with(|c| c.try_borrow().ok().and_then(|b| b.clone()))
        .ok()
        .flatten()
}

/// Makes `vm` this thread's interpreter; returns the previous one.
pub fn set_current(vm: Option<Rc<Vm>>) -> Option<Rc<Vm>> {
    CURRENT
        .try_with(|c| std::mem::replace(&mut *c.borrow_mut(), vm))
        .ok()
        .flatten()
}

/// Runs `__del__` for an instance being finalized by refcycle.
pub fn run_del(inst: &Gc<Instance>) {
    if let Some(vm) = current() {
        vm.call_del(inst);
    }
}

/// Interned names the interpreter looks up often.
pub struct Names {
    /// `__init__`.
    pub init: Gc<PyStr>,
    /// `__del__`.
    pub del: Gc<PyStr>,
    /// `__repr__`.
    pub repr: Gc<PyStr>,
    /// `__str__`.
    pub str_: Gc<PyStr>,
    /// `__eq__`.
    pub eq: Gc<PyStr>,
    /// `__ne__`.
    pub ne: Gc<PyStr>,
    /// `__hash__`.
    pub hash: Gc<PyStr>,
    /// `__len__`.
    pub len: Gc<PyStr>,
    /// `__bool__`.
    pub bool_: Gc<PyStr>,
    /// `__getitem__`.
    pub getitem: Gc<PyStr>,
    /// `__setitem__`.
    pub setitem: Gc<PyStr>,
    /// `__delitem__`.
    pub delitem: Gc<PyStr>,
    /// `__contains__`.
    pub contains: Gc<PyStr>,
    /// `__iter__`.
    pub iter: Gc<PyStr>,
    /// `__next__`.
    pub next: Gc<PyStr>,
    /// `__call__`.
    pub call: Gc<PyStr>,
    /// `__getattr__`.
    pub getattr: Gc<PyStr>,
    /// `__setattr__`.
    pub setattr: Gc<PyStr>,
    /// `__delattr__`.
    pub delattr: Gc<PyStr>,
    /// `__slots__`.
    pub slots: Gc<PyStr>,
    /// `__weakref__`.
    pub weakref: Gc<PyStr>,
    /// `__dict__`.
    pub dict: Gc<PyStr>,
    /// `__module__`.
    pub module: Gc<PyStr>,
    /// `__qualname__`.
    pub qualname: Gc<PyStr>,
    /// `__name__`.
    pub name: Gc<PyStr>,
    /// `__class__`.
    pub class: Gc<PyStr>,
    /// `__new__`.
    pub new: Gc<PyStr>,
    /// `__index__`.
    pub index: Gc<PyStr>,
    /// `__builtins__`.
    pub builtins: Gc<PyStr>,
    /// `__doc__`.
    pub doc: Gc<PyStr>,
    /// `__file__`.
    pub file: Gc<PyStr>,
}

impl Names {
    fn new(intern: &dyn Fn(&str) -> Gc<PyStr>) -> Names {
        Names {
            init: intern("__init__"),
            del: intern("__del__"),
            repr: intern("__repr__"),
            str_: intern("__str__"),
            eq: intern("__eq__"),
            ne: intern("__ne__"),
            hash: intern("__hash__"),
            len: intern("__len__"),
            bool_: intern("__bool__"),
            getitem: intern("__getitem__"),
            setitem: intern("__setitem__"),
            delitem: intern("__delitem__"),
            contains: intern("__contains__"),
            iter: intern("__iter__"),
            next: intern("__next__"),
            call: intern("__call__"),
            getattr: intern("__getattr__"),
            setattr: intern("__setattr__"),
            delattr: intern("__delattr__"),
            slots: intern("__slots__"),
            weakref: intern("__weakref__"),
            dict: intern("__dict__"),
            module: intern("__module__"),
            qualname: intern("__qualname__"),
            name: intern("__name__"),
            class: intern("__class__"),
            new: intern("__new__"),
            index: intern("__index__"),
            builtins: intern("__builtins__"),
            doc: intern("__doc__"),
            file: intern("__file__"),
        }
    }
}

/// The interned strings: names, identifier-like literals, `sys.intern`.
struct Interner {
    table: RefCell<HashMap<Box<str>, Gc<PyStr>>>,
}

impl Interner {
    fn intern(&self, s: &str) -> Gc<PyStr> {
        if let Some(g) = self.table.borrow().get(s) {
            return g.clone();
        }
        let g = Gc::new(PyStr::new(s));
        g.mark_interned();
        self.table.borrow_mut().insert(s.into(), g.clone());
        g
    }
}

/// The interpreter state (one per thread; see the module docs).
pub struct Vm {
    /// The built-in classes.
    pub types: Types,
    /// Often-used interned names.
    pub names: Names,
    /// The `builtins` namespace.
    pub builtins: Gc<Dict>,
    interner: Interner,
    /// One-character latin-1 strings (CPython caches them).
    chars: Vec<Gc<PyStr>>,
    empty_tuple: Gc<Tuple>,
    ellipsis: Gc<Instance>,
    not_implemented: Gc<Instance>,
    /// Python call depth.
    pub depth: Cell<u32>,
    /// `sys.getrecursionlimit()`.
    pub recursion_limit: Cell<u32>,
    /// Frame objects of finished calls waiting for their `f_back` (see
    /// `Vm::adopt_orphans`).
    pub orphans: RefCell<Vec<Gc<crate::object::Frame>>>,
    /// Whether `orphans` may be non-empty (checked after every statement).
    pub has_orphans: Cell<bool>,
    /// Exceptions being handled (`except` blocks running), innermost last.
    pub handling: RefCell<Vec<Gc<Instance>>>,
    /// `sys.modules`: the imported modules by name, `__main__` included.
    /// `import` looks here first, so a script can change what it finds.
    pub modules: Gc<Dict>,
    /// The `__main__` module.
    pub main: RefCell<Option<Gc<Module>>>,
    /// Output buffers.
    pub output: RefCell<Output>,
    /// Options given at creation.
    pub options: Options,
    /// `gc.garbage`.
    pub gc_garbage: Gc<List>,
    /// `gc.callbacks`.
    pub gc_callbacks: Gc<List>,
    /// `sys.stdout` and `sys.stderr`.
    pub stdio: (Value, Value),
    /// Containers whose `repr` is being computed (CPython's
    /// `Py_ReprEnter`), to print `[...]` for a recursive one.
    pub repr_stack: RefCell<Vec<usize>>,
    /// The callback-less weak reference of each referent, by its address:
    /// `weakref.ref(o)` without a callback returns the same object each
    /// time, as in CPython.
    pub basic_refs: RefCell<HashMap<usize, refcycle::Weak<crate::object::WeakRef>>>,
    /// Set at shutdown after the first collection: `gc.callbacks` are no
    /// longer called (what CPython's still print goes nowhere by then),
    /// though the list, and what its callables reference, stays alive.
    pub callbacks_muted: Cell<bool>,
    /// The locals of the running calls (see `eval/frame.rs`).
    pub local_stack: crate::eval::LocalStack,
}

impl Vm {
    /// Makes the state: built-in classes, the builtins namespace, the
    /// singletons. Modules are set up by [`crate::builtins::install`].
    pub fn new(options: Options) -> Vm {
        let interner = Interner {
            table: RefCell::new(HashMap::new()),
        };
        let intern = |s: &str| interner.intern(s);
        let types = Types::new(&intern);
        let names = Names::new(&intern);
        let chars = (0u32..256)
            .map(|c| intern(&char::from_u32(c).unwrap_or('\0').to_string()))
            .collect();
        let single = |c: &Gc<Class>| Gc::new(Instance::new(c.clone(), false));
        let stdout = single(&types.text_io);
        let stderr = single(&types.text_io);
        Vm {
            ellipsis: single(&types.ellipsis),
            not_implemented: single(&types.not_implemented_type),
            empty_tuple: Gc::new(Tuple::new(Vec::new())),
            builtins: Dict::new_gc(),
            names,
            types,
            interner,
            chars,
            depth: Cell::new(0),
            recursion_limit: Cell::new(1000),
            orphans: RefCell::new(Vec::new()),
            has_orphans: Cell::new(false),
            handling: RefCell::new(Vec::new()),
            modules: Dict::new_gc(),
            main: RefCell::new(None),
            output: RefCell::new(Output::default()),
            options,
            gc_garbage: Gc::new(List::new(Vec::new())),
            gc_callbacks: Gc::new(List::new(Vec::new())),
            stdio: (Value::Instance(stdout), Value::Instance(stderr)),
            repr_stack: RefCell::new(Vec::new()),
            basic_refs: RefCell::new(HashMap::new()),
            callbacks_muted: Cell::new(false),
            local_stack: RefCell::new(Vec::new()),
        }
    }

    /// The interned string for `s`.
    pub fn intern(&self, s: &str) -> Gc<PyStr> {
        self.interner.intern(s)
    }

    /// The interned copy of a string object (`sys.intern`).
    pub fn intern_str(&self, s: &Gc<PyStr>) -> Gc<PyStr> {
        if s.is_interned() {
            return s.clone();
        }
        if let Some(g) = self.interner.table.borrow().get(s.as_str()) {
            return g.clone();
        }
        s.mark_interned();
        let mut table = self.interner.table.borrow_mut();
        table.insert(s.as_str().into(), s.clone());
        s.clone()
    }

    /// A new string value; the empty string and one-character latin-1
    /// strings are shared, as in CPython.
    pub fn new_str(&self, s: String) -> Value {
        Value::Str(self.str_obj(s))
    }

    /// A string object (see [`Vm::new_str`]).
    pub fn str_obj(&self, s: String) -> Gc<PyStr> {
        let mut it = s.chars();
        match (it.next(), it.next()) {
            (None, _) => self.intern(""),
            (Some(c), None) if (c as u32) < 256 => self.chars[c as usize].clone(),
            _ => Gc::new(PyStr::new(s)),
        }
    }

    /// A string value from a `&str`.
    pub fn str_val(&self, s: &str) -> Value {
        self.new_str(s.to_string())
    }

    /// The empty tuple (a singleton, as in CPython).
    pub fn empty_tuple(&self) -> Value {
        Value::Tuple(self.empty_tuple.clone())
    }

    /// A tuple value (`()` is the shared empty tuple).
    pub fn new_tuple(&self, items: Vec<Value>) -> Value {
        if items.is_empty() {
            self.empty_tuple()
        } else {
            Value::Tuple(Gc::new(Tuple::new(items)))
        }
    }

    /// The tuple `(a, b)`.
    #[inline]
    pub fn new_pair(&self, a: Value, b: Value) -> Value {
        Value::Tuple(Gc::new(Tuple::pair(a, b)))
    }

    /// `...`.
    pub fn ellipsis(&self) -> Value {
        Value::Instance(self.ellipsis.clone())
    }

    /// `NotImplemented`.
    pub fn not_implemented(&self) -> Value {
        Value::Instance(self.not_implemented.clone())
    }

    /// Whether `v` is `NotImplemented`.
    pub fn is_not_implemented(&self, v: &Value) -> bool {
        matches!(v, Value::Instance(i) if Gc::ptr_eq(i, &self.not_implemented))
    }

    /// Writes to stdout (or the capture buffer).
    pub fn write_out(&self, s: &str) {
        let mut o = self.output.borrow_mut();
        o.out.extend_from_slice(s.as_bytes());
        if !self.options.capture_output && o.out.len() > 8192 {
            let bytes = std::mem::take(&mut o.out);
            drop(o);
            let _ = std::io::stdout().write_all(&bytes);
        }
    }

    /// Writes to stderr (or the capture buffer), after flushing stdout.
    pub fn write_err(&self, s: &str) {
        if self.options.capture_output {
            self.output.borrow_mut().err.extend_from_slice(s.as_bytes());
            return;
        }
        self.flush();
        let _ = std::io::stderr().write_all(s.as_bytes());
    }

    /// Counts one level of Rust-side recursion (repr, comparison) against
    /// the recursion limit, which CPython 3.11 shares with Python calls.
    pub fn enter_recursion(&self, what: &str) -> PyResult<()> {
        let d = self.depth.get();
        if d >= self.recursion_limit.get() {
            let msg = format!("maximum recursion depth exceeded{what}");
            return Err(self.err(&self.types.recursion_error, msg));
        }
        self.depth.set(d + 1);
        Ok(())
    }

    /// Undoes [`Vm::enter_recursion`].
    pub fn leave_recursion(&self) {
        self.depth.set(self.depth.get() - 1);
    }

    /// Flushes buffered stdout output.
    pub fn flush(&self) {
        if self.options.capture_output {
            return;
        }
        let bytes = std::mem::take(&mut self.output.borrow_mut().out);
        let mut out = std::io::stdout();
        let _ = out.write_all(&bytes);
        let _ = out.flush();
    }
}
