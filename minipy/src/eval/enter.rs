//! Entering a Python function: the positional fast path that evaluates
//! the arguments straight into the callee's window of the local stack
//! (see `frame.rs`), and running a frame to completion.
//!
//! This is the path of nearly every call in a typical program, and each
//! step was shaped by its profile: the arity check is two integer
//! comparisons ([`Function::positional`]), the frame state borrows the
//! function instead of counting references to it, defaults and cells are
//! out of line, and the frame is run inline so its state is built in
//! place.

use refcycle::Gc;

use super::{Flow, FrameState};
use crate::compile::{CallArg, Code};
use crate::object::{Cell, Class, Function, Kind, Value};
use crate::vm::{Exc, PyResult, Vm};

impl Vm {
    /// Calls a Python function whose parameters take exactly these
    /// positional arguments (see [`fits`]), evaluating them straight into
    /// its window of the local stack; `first` is the receiver of a method
    /// call.
    pub(super) fn call_simple(
        &self,
        f: &FrameState,
        fun: &Gc<Function>,
        items: &[CallArg],
        first: Option<Value>,
    ) -> PyResult<Value> {
        let base = self.window_base();
        if let Some(first) = first {
            self.push_local(Some(first));
        }
        for a in items {
            if let CallArg::Pos(e) = a {
                match self.eval(f, e) {
                    Ok(v) => self.push_local(Some(v)),
                    Err(x) => {
                        self.pop_window(base);
                        return Err(x);
                    }
                }
            }
        }
        self.enter_simple(fun, base)
    }

    /// Runs `fun` with its leading positional parameters in the window at
    /// `base` (defaults fill the rest).
    #[inline]
    fn enter_simple(&self, fun: &Gc<Function>, base: usize) -> PyResult<Value> {
        // One dereference of the handle (each one checks the object is
        // alive, and the compiler cannot merge them across calls).
        let func: &Function = fun;
        let code = &func.code;
        if self.window_base() - base < code.params.nargs {
            self.fill_simple_defaults(func, base);
        }
        self.fill_window(base, code.nlocals);
        let cells = if code.cell_names.is_empty() {
            Vec::new()
        } else {
            self.make_cells(code, func.closure.as_ref(), base)
        };
        let fs = FrameState::new(self, code, Some(fun), &func.globals, None, base, cells);
        self.run_frame_inline(fs)
    }

    /// `A(args)` for a class whose `__init__` is a Python function that
    /// takes the arguments as they are: the arguments are evaluated, then
    /// the instance made (CPython's allocation order), then `__init__` runs.
    pub(super) fn instantiate_simple(
        &self,
        f: &FrameState,
        cls: &Gc<Class>,
        init: &Gc<Function>,
        items: &[CallArg],
    ) -> PyResult<Value> {
        let base = self.window_base();
        self.push_local(None);
        for a in items {
            if let CallArg::Pos(e) = a {
                match self.eval(f, e) {
                    Ok(v) => self.push_local(Some(v)),
                    Err(x) => {
                        self.pop_window(base);
                        return Err(x);
                    }
                }
            }
        }
        let inst = if cls.kind == Kind::Exception {
            let args: Vec<Value> = self.local_stack.borrow()[base + 1..]
                .iter()
                .flatten()
                .cloned()
                .collect();
            self.new_instance(cls, &args)
        } else {
            self.new_instance(cls, &[])
        };
        self.local_stack.borrow_mut()[base] = Some(inst.clone());
        let r = self.enter_simple(init, base)?;
        if !r.is_none() {
            let msg = format!(
                "__init__() should return None, not '{}'",
                self.type_name(&r)
            );
            return Err(self.type_error(msg));
        }
        Ok(inst)
    }

    /// Pushes the defaults of the parameters after the ones given in the
    /// window at `base` (the caller checked with [`fits`] that they cover
    /// them).
    #[inline(never)]
    fn fill_simple_defaults(&self, fun: &Function, base: usize) {
        let nargs = fun.code.params.nargs;
        let defaults = fun.defaults.as_ref().map_or(&[][..], |d| &d.items[..]);
        let first_default = nargs - defaults.len();
        let given = self.window_base() - base;
        for d in &defaults[given - first_default..] {
            self.push_local(Some(d.clone()));
        }
    }

    /// A call's cells: fresh ones for the code's own cell variables
    /// (holding the parameter when a parameter is captured: it moves out
    /// of its local slot, which is never read, so its count is CPython's),
    /// then the closure's. Only for code that has cells.
    #[inline(never)]
    pub(super) fn make_cells(
        &self,
        code: &Code,
        closure: Option<&Gc<crate::object::Tuple>>,
        base: usize,
    ) -> Vec<Gc<Cell>> {
        let mut cells: Vec<Gc<Cell>> = (0..code.ncells).map(|_| Gc::new(Cell::default())).collect();
        for &(cell, slot) in &code.cell_params {
            let v = self.local_stack.borrow_mut()[base + slot].take();
            cells[cell].set(v);
        }
        if let Some(t) = closure {
            for v in t.items.iter() {
                if let Value::Cell(c) = v {
                    cells.push(c.clone());
                }
            }
        }
        cells
    }

    /// Runs a frame to completion: the recursion limit, the call stack,
    /// and the exception's traceback state as it leaves the call.
    pub(crate) fn run_frame(&self, fs: FrameState) -> PyResult<Value> {
        self.run_frame_inline(fs)
    }

    /// [`Vm::run_frame`], inlined into the call fast path (the frame
    /// state is then built in place rather than copied into the call).
    #[inline(always)]
    fn run_frame_inline(&self, fs: FrameState) -> PyResult<Value> {
        let depth = self.depth.get();
        if depth >= self.recursion_limit.get() {
            return Err(self.recursion_exceeded(fs));
        }
        self.depth.set(depth + 1);
        let r = self.exec_block(&fs, &fs.code.body);
        self.depth.set(depth);
        self.finish_frame(fs);
        match r {
            Ok(Flow::Return(v)) => Ok(v),
            Ok(_) => Ok(Value::None),
            Err(mut e) => {
                let i = e.inner();
                i.traced = false;
                i.line = 0;
                Err(e)
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn recursion_exceeded(&self, fs: FrameState) -> Exc {
        self.finish_frame(fs);
        let msg = "maximum recursion depth exceeded".to_string();
        self.err(&self.types.recursion_error, msg)
    }
}

/// Whether `n` positional arguments bind to `fun`'s parameters without
/// keywords, `*args`, `**kwargs` or keyword-only parameters (defaults may
/// fill the last ones).
#[inline]
pub(super) fn fits(fun: &Function, n: usize) -> bool {
    matches!(fun.positional, Some((lo, hi)) if lo as usize <= n && n <= hi as usize)
}
