//! The embedding API: [`Interpreter`], [`PyError`].
//!
//! # Stack
//! Python calls recurse on the Rust stack: a Python call at the default
//! recursion limit (1000) needs several megabytes, more than a default
//! thread's 2 MiB (8 MiB for `main`). Run the interpreter on a thread with
//! a large stack (the `minipy` binary uses [`STACK_SIZE`]), or lower the
//! limit with `sys.setrecursionlimit`.

use std::fmt;
use std::rc::Rc;

use refcycle::{Gc, GcCallback};

use crate::compile::{compile_module, Source, StmtKind};
use crate::eval::FrameState;
use crate::object::{Args, Dict, DictStore, Instance, Module, Value};
pub use crate::vm::Options;
use crate::vm::{set_current, Exc, Vm};

/// The stack size the `minipy` binary gives the interpreter's thread
/// (reserved, not committed, by the OS).
pub const STACK_SIZE: usize = 512 << 20;

/// An uncaught Python exception (or syntax error, or `sys.exit()`).
#[derive(Debug, Clone)]
pub struct PyError {
    /// The exception's class name (`"ZeroDivisionError"`).
    pub type_name: String,
    /// `str(exception)`.
    pub message: String,
    /// What CPython prints for it: the traceback(s) and the last line.
    pub traceback: String,
    /// For `SystemExit`: the process exit status it asks for.
    pub exit_code: Option<i32>,
}

impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.traceback)
    }
}

impl std::error::Error for PyError {}

/// A Python interpreter: one `__main__` module, its builtins, and the
/// modules `gc`, `sys`, `weakref`, on this thread's refcycle heap.
///
/// One interpreter per thread is the supported setup: the heap, and with
/// it `gc.garbage`, thresholds and callbacks, are per thread.
///
/// # Examples
/// ```
/// use minipy::{Interpreter, Options, Value};
///
/// let mut py = Interpreter::with_options(Options { capture_output: true, ..Options::default() });
/// py.run("def add(a, b):\n    return a + b\nprint(add(2, 3))\n", "<example>").unwrap();
/// assert_eq!(py.take_output(), "5\n");
/// let v = py.call("add", &[Value::from(40), Value::from(2)]).unwrap();
/// assert_eq!(py.repr(&v), "42");
/// ```
pub struct Interpreter {
    vm: Rc<Vm>,
    main: Option<Gc<Module>>,
    hook: Option<GcCallback>,
    /// The last uncaught exception (CPython keeps it in `sys.last_value`
    /// until shutdown, which keeps its frames alive).
    last_exc: Option<Gc<Instance>>,
    finished: bool,
}

impl Default for Interpreter {
    fn default() -> Self {
        Interpreter::new()
    }
}

impl Interpreter {
    /// An interpreter with default options (output to the process's
    /// stdout and stderr, PEP 442 `__del__`).
    pub fn new() -> Interpreter {
        Interpreter::with_options(Options::default())
    }

    /// An interpreter with `options`.
    pub fn with_options(options: Options) -> Interpreter {
        let vm = Rc::new(Vm::new(options));
        crate::builtins::install(&vm);
        set_current(Some(vm.clone()));
        let globals = Dict::new_gc();
        globals.set_str(vm.names.name.clone(), vm.str_val("__main__"));
        globals.set_str(vm.names.doc.clone(), Value::None);
        if let Ok(Value::Module(b)) = vm.import(&vm.intern("builtins")) {
            globals.set_str(vm.names.builtins.clone(), Value::Module(b));
        }
        let main = Gc::new(Module {
            name: vm.intern("__main__"),
            dict: globals,
        });
        vm.modules
            .set_str(vm.intern("__main__"), Value::Module(main.clone()));
        *vm.main.borrow_mut() = Some(main.clone());
        Interpreter {
            hook: Some(crate::modules::gc::register_hook()),
            vm,
            main: Some(main),
            last_exc: None,
            finished: false,
        }
    }

    /// Makes this interpreter the thread's current one (finalizers and
    /// callbacks run in the current interpreter).
    fn enter(&self) {
        let same = crate::vm::current().is_some_and(|c| Rc::ptr_eq(&c, &self.vm));
        if !same {
            set_current(Some(self.vm.clone()));
        }
    }

    fn globals(&self) -> Option<Gc<Dict>> {
        self.main.as_ref().map(|m| m.dict.clone())
    }

    /// Runs a script in `__main__`. `filename` is what tracebacks show.
    ///
    /// # Errors
    /// The uncaught exception, or the syntax error, as a [`PyError`].
    pub fn run(&mut self, source: &str, filename: &str) -> Result<(), PyError> {
        self.exec(source, filename, false).map(drop)
    }

    /// Runs one interactive input: like [`Interpreter::run`], but if the
    /// input is a single expression, returns its `repr` (unless `None`),
    /// as the REPL echoes it.
    ///
    /// # Errors
    /// As [`Interpreter::run`].
    pub fn run_interactive(&mut self, source: &str) -> Result<Option<String>, PyError> {
        self.exec(source, "<stdin>", true)
    }

    fn exec(
        &mut self,
        source: &str,
        filename: &str,
        echo: bool,
    ) -> Result<Option<String>, PyError> {
        self.enter();
        let Some(globals) = self.globals() else {
            return Err(self.plain_error("RuntimeError", "the interpreter has shut down"));
        };
        let module = crate::parser::parse_module(source)
            .map_err(|e| self.syntax_error(&e, source, filename))?;
        let src = Rc::new(Source::new(filename, source));
        let code = compile_module(&self.vm, &module, src).map_err(|e| {
            let se = crate::parser::SyntaxError {
                kind: "SyntaxError",
                msg: e.msg.clone(),
                line: e.line,
                col: 0,
                text: None,
            };
            self.syntax_error(&se, source, filename)
        })?;
        let lone_expr =
            echo && code.body.len() == 1 && matches!(code.body[0].kind, StmtKind::Expr(_));
        let base = self.vm.window_base();
        self.vm.fill_window(base, code.nlocals);
        let fs = FrameState::new(
            &self.vm,
            &code,
            None,
            &globals,
            Some(globals.clone()),
            base,
            Vec::new(),
        );
        let r = if lone_expr {
            self.vm.eval_module_expr(fs)
        } else {
            self.vm.run_frame(fs).map(|_| Value::None)
        };
        // The module's frame object, if a traceback keeps it, has no caller.
        self.vm.drop_orphans();
        match r {
            Ok(v) if lone_expr && !v.is_none() => {
                let r = self.vm.repr_string(&v).map_err(|e| self.error_from(e))?;
                Ok(Some(r))
            }
            Ok(_) => Ok(None),
            Err(e) => Err(self.error_from(e)),
        }
    }

    fn plain_error(&self, type_name: &str, message: &str) -> PyError {
        PyError {
            type_name: type_name.to_string(),
            message: message.to_string(),
            traceback: format!("{type_name}: {message}\n"),
            exit_code: None,
        }
    }

    /// Formats a syntax error as CPython prints it.
    fn syntax_error(
        &self,
        e: &crate::parser::SyntaxError,
        source: &str,
        filename: &str,
    ) -> PyError {
        let mut tb = format!("  File \"{}\", line {}\n", filename, e.line);
        let text = e.text.clone().or_else(|| {
            source
                .lines()
                .nth((e.line as usize).saturating_sub(1))
                .map(str::to_string)
        });
        if let Some(text) = text {
            let text = text.trim_end_matches(['\n', '\r']);
            let trimmed = text.trim_start();
            let indent = text.chars().count() - trimmed.chars().count();
            if !trimmed.is_empty() {
                tb.push_str(&format!("    {trimmed}\n"));
                if e.col > 0 {
                    let col = (e.col as usize).saturating_sub(1).saturating_sub(indent);
                    tb.push_str(&format!("    {}^\n", " ".repeat(col)));
                }
            }
        }
        tb.push_str(&format!("{}: {}\n", e.kind, e.msg));
        PyError {
            type_name: e.kind.to_string(),
            message: e.msg.clone(),
            traceback: tb,
            exit_code: None,
        }
    }

    /// Turns an uncaught exception into a [`PyError`], keeping the
    /// exception alive until shutdown (as `sys.last_value` does).
    fn error_from(&mut self, e: Exc) -> PyError {
        let exc = e.into_value();
        let vm = &self.vm;
        let type_name = exc.class.name.as_str().to_string();
        let message = vm
            .str_string(&Value::Instance(exc.clone()))
            .unwrap_or_default();
        let exit_code = exc
            .class
            .is_subclass(&vm.types.system_exit)
            .then(|| self.exit_status(&exc));
        let traceback = if exit_code.is_some() {
            String::new()
        } else {
            vm.format_exception(&exc)
        };
        self.last_exc = Some(exc);
        PyError {
            type_name,
            message,
            traceback,
            exit_code,
        }
    }

    /// The exit status `SystemExit(arg)` asks for; prints a non-int
    /// argument to stderr, as CPython does.
    fn exit_status(&self, exc: &Gc<Instance>) -> i32 {
        let arg = match exc.exc.as_ref().map(|s| s.args.borrow().clone()) {
            Some(Value::Tuple(t)) if t.items.len() == 1 => t.items[0].clone(),
            Some(Value::Tuple(t)) if t.items.is_empty() => Value::None,
            Some(other) => other,
            None => Value::None,
        };
        match arg {
            Value::None => 0,
            Value::Int(i) => i as i32,
            Value::Bool(b) => i32::from(b),
            other => {
                let text = self.vm.str_string(&other).unwrap_or_default();
                self.vm.write_err(&format!("{text}\n"));
                1
            }
        }
    }

    /// A global of `__main__`.
    pub fn get_global(&self, name: &str) -> Option<Value> {
        self.globals()?.get_str(&self.vm.intern(name))
    }

    /// Calls the global function `func_name` with `args`.
    ///
    /// # Errors
    /// A missing name raises `NameError`; otherwise whatever the call
    /// raises.
    pub fn call(&mut self, func_name: &str, args: &[Value]) -> Result<Value, PyError> {
        self.enter();
        let Some(f) = self.get_global(func_name) else {
            let msg = format!("name '{func_name}' is not defined");
            return Err(self.plain_error("NameError", &msg));
        };
        let r = self.vm.call(&f, Args::new(args.to_vec()));
        // Frames of this call that outlive it have no Python caller.
        self.vm.drop_orphans();
        match r {
            Ok(v) => Ok(v),
            Err(e) => Err(self.error_from(e)),
        }
    }

    /// `repr(value)` (or a placeholder if its `__repr__` raises).
    pub fn repr(&self, v: &Value) -> String {
        self.enter();
        self.vm
            .repr_string(v)
            .unwrap_or_else(|_| "<repr failed>".to_string())
    }

    /// `str(value)` (or a placeholder if its `__str__` raises).
    pub fn str(&self, v: &Value) -> String {
        self.enter();
        self.vm
            .str_string(v)
            .unwrap_or_else(|_| "<str failed>".to_string())
    }

    /// The captured stdout text so far (with `capture_output`), emptied.
    pub fn take_output(&mut self) -> String {
        let bytes = std::mem::take(&mut self.vm.output.borrow_mut().out);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The captured stderr text so far (with `capture_output`), emptied.
    pub fn take_errors(&mut self) -> String {
        let bytes = std::mem::take(&mut self.vm.output.borrow_mut().err);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Flushes buffered output to the process's stdout.
    pub fn flush(&self) {
        self.vm.flush();
    }

    /// Shuts the interpreter down as CPython 3.11 does at exit, so that
    /// `__del__` methods print what they print there: the last uncaught
    /// exception is released, a full collection runs (with
    /// `gc.callbacks`), then `gc.callbacks` stop being called (the list
    /// lives on: a callback defined in the script keeps `__main__` alive,
    /// as in CPython), `__main__` and the imported modules are let go, and
    /// a last full collection finalizes everything they held, with every
    /// global still bound (CPython frees `__main__`'s namespace as cyclic
    /// garbage too). Runs at most once;
    /// dropping the interpreter runs it if it has not run.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.enter();
        drop(self.last_exc.take());
        self.vm.drop_orphans();
        refcycle::collect();
        self.vm.callbacks_muted.set(true);
        drop(self.main.take());
        drop(self.vm.main.borrow_mut().take());
        // `__main__` first, then the others, in import order (`sys.modules`
        // holds `sys`, whose namespace holds `sys.modules`: a cycle that
        // clearing breaks).
        drop(self.vm.modules.remove_str(&self.vm.intern("__main__")));
        self.vm.modules.clear();
        refcycle::collect();
        crate::modules::gc::move_garbage(&self.vm);
        self.vm.flush();
    }
}

impl Drop for Interpreter {
    fn drop(&mut self) {
        self.finish();
        if let Some(hook) = self.hook.take() {
            refcycle::remove_callback(&hook);
        }
        let ours = crate::vm::current().is_some_and(|c| Rc::ptr_eq(&c, &self.vm));
        if ours {
            set_current(None);
        }
        self.vm.flush();
    }
}

impl Vm {
    /// Runs a module whose body is one expression statement and returns
    /// the expression's value (for the REPL's echo).
    pub(crate) fn eval_module_expr(&self, fs: FrameState) -> crate::vm::PyResult<Value> {
        let code = fs.code.clone();
        let StmtKind::Expr(e) = &code.body[0].kind else {
            return Ok(Value::None);
        };
        self.depth.set(self.depth.get() + 1);
        let r = self.eval(&fs, e);
        self.depth.set(self.depth.get() - 1);
        if self.has_orphans.get() {
            self.adopt_orphans(&fs);
        }
        let r = r.map_err(|mut x| {
            self.add_traceback(&fs, &mut x, code.body[0].line);
            let i = x.inner();
            i.traced = false;
            i.line = 0;
            x
        });
        self.finish_frame(fs);
        r
    }
}

impl Value {
    /// `repr(self)`, using this thread's interpreter (a plain fallback for
    /// immediates and strings when there is none).
    pub fn repr(&self) -> String {
        match crate::vm::current() {
            Some(vm) => vm
                .repr_string(self)
                .unwrap_or_else(|_| "<repr failed>".to_string()),
            None => fallback_repr(self),
        }
    }

    /// `str(self)`, as [`Value::repr`] does for `repr`.
    pub fn str(&self) -> String {
        match (crate::vm::current(), self) {
            (Some(vm), _) => vm
                .str_string(self)
                .unwrap_or_else(|_| "<str failed>".to_string()),
            (None, Value::Str(s)) => s.as_str().to_string(),
            (None, _) => fallback_repr(self),
        }
    }
}

impl fmt::Debug for Value {
    /// The value's `repr()` (see [`Value::repr`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr())
    }
}

fn fallback_repr(v: &Value) -> String {
    match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::eval::format::float_repr(*f),
        Value::Str(s) => s.repr(),
        other => format!("<object at {:#x}>", other.id()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captured() -> Interpreter {
        Interpreter::with_options(Options {
            capture_output: true,
            ..Options::default()
        })
    }

    #[test]
    fn run_prints_into_the_capture_buffer() {
        let mut py = captured();
        py.run("print('a', 1, sep='-')\n", "t.py").unwrap();
        assert_eq!(py.take_output(), "a-1\n");
    }

    #[test]
    fn uncaught_exception_becomes_a_py_error() {
        let mut py = captured();
        let e = py.run("def f():\n    1/0\nf()\n", "t.py").unwrap_err();
        assert_eq!(e.type_name, "ZeroDivisionError");
        assert_eq!(e.message, "division by zero");
        assert!(e
            .traceback
            .starts_with("Traceback (most recent call last):\n"));
        assert!(e.traceback.contains("  File \"t.py\", line 2, in f\n"));
        assert!(e
            .to_string()
            .ends_with("ZeroDivisionError: division by zero\n"));
    }

    #[test]
    fn syntax_errors_are_reported_like_cpython() {
        let mut py = captured();
        let e = py.run("x = (\n", "t.py").unwrap_err();
        assert_eq!(e.type_name, "SyntaxError");
        assert!(e.traceback.starts_with("  File \"t.py\", line 1\n"));
    }

    #[test]
    fn call_and_get_global() {
        let mut py = captured();
        py.run("def add(a, b):\n    return a + b\nx = [1, 'two']\n", "t.py")
            .unwrap();
        let v = py.call("add", &[Value::from(2), Value::from(3)]).unwrap();
        assert_eq!(v.repr(), "5");
        assert_eq!(py.repr(&py.get_global("x").unwrap()), "[1, 'two']");
        assert!(py.get_global("nope").is_none());
        assert_eq!(py.call("nope", &[]).unwrap_err().type_name, "NameError");
    }

    #[test]
    fn del_runs_at_finish() {
        let mut py = captured();
        let src = "class A:\n    def __del__(self):\n        print('bye')\na = A()\n";
        py.run(src, "t.py").unwrap();
        assert_eq!(py.take_output(), "");
        py.finish();
        assert_eq!(py.take_output(), "bye\n");
    }

    #[test]
    fn legacy_del_parks_cycles_in_gc_garbage() {
        let mut py = Interpreter::with_options(Options {
            capture_output: true,
            legacy_del: true,
            ..Options::default()
        });
        let src = "import gc\nclass A:\n    def __del__(self):\n        print('del')\n\
                   a = A(); a.me = a\ndel a\nprint(gc.collect(), len(gc.garbage))\n";
        py.run(src, "t.py").unwrap();
        assert_eq!(py.take_output(), "1 1\n");
    }

    #[test]
    fn exceptions_in_del_are_unraisable() {
        let mut py = captured();
        let src = "class A:\n    def __del__(self):\n        1/0\nA()\nprint('after')\n";
        py.run(src, "t.py").unwrap();
        assert_eq!(py.take_output(), "after\n");
        let err = py.take_errors();
        assert!(err.starts_with("Exception ignored in: <function A.__del__ at 0x"));
        assert!(err.ends_with("ZeroDivisionError: division by zero\n"));
    }

    #[test]
    fn system_exit_carries_its_status() {
        let mut py = captured();
        let e = py.run("import sys\nsys.exit(4)\n", "t.py").unwrap_err();
        assert_eq!(e.exit_code, Some(4));
    }

    #[test]
    fn interactive_input_echoes_expressions() {
        let mut py = captured();
        assert_eq!(py.run_interactive("x = 2\n").unwrap(), None);
        assert_eq!(
            py.run_interactive("x * 21\n").unwrap().as_deref(),
            Some("42")
        );
        assert_eq!(py.run_interactive("None\n").unwrap(), None);
    }
}
