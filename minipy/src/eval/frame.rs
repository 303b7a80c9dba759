//! The state of one running body: [`FrameState`], and the stack its
//! locals live on.
//!
//! Every running call keeps its locals in a window of one stack shared
//! by all calls, `Vm::local_stack` (CPython 3.11's frame data stack): a
//! call pushes its window, the callee's arguments going straight into it,
//! and pops it when it returns. When a frame object is needed (see
//! `object/frame.rs`), [`FrameState::materialize`] moves the locals into
//! a [`Frame`] and every later access goes there. (Rejected: a vector per
//! call, taken from a pool; getting it, filling it and giving it back cost
//! a fifth of a call, and the pooled vectors were scattered in memory.)

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

use refcycle::Gc;

use crate::compile::Code;
use crate::object::{Cell as PyCell, Dict, Frame, Function, Traceback, Value};
use crate::vm::{Exc, Vm};

/// One running module, class body, function or comprehension.
///
/// The code, function and globals are borrowed from the caller, which
/// keeps them alive for the call (it holds the function object, or the
/// module's code and dict): the reference counting that owning them would
/// cost showed in every call's profile.
pub struct FrameState<'a> {
    /// The code being run.
    pub code: &'a Rc<Code>,
    /// The function being called, for function frames.
    pub func: Option<&'a Gc<Function>>,
    /// The globals.
    pub globals: &'a Gc<Dict>,
    /// The namespace of a module (its globals) or class body.
    pub namespace: Option<Gc<Dict>>,
    /// The stack holding the locals (the interpreter's `local_stack`).
    stack: &'a LocalStack,
    /// Where this call's window of `code.nlocals` slots starts.
    base: usize,
    /// Own cells, then free ones.
    pub cells: Vec<Gc<PyCell>>,
    /// The frame object, once made.
    obj: OnceCell<Gc<Frame>>,
    /// The line being run (kept only when a frame object exists).
    pub line: Cell<u32>,
}

/// The stack of every running call's locals, innermost call's last.
///
/// Never borrowed across Python code or the drop of a value: a call's
/// arguments are evaluated before each is pushed, and a window is emptied
/// one slot at a time before it is popped, so code run by a `__del__`
/// meanwhile pushes and pops its own windows above.
pub type LocalStack = RefCell<Vec<Option<Value>>>;

impl<'a> FrameState<'a> {
    /// A frame for `code` whose locals are the window of `vm`'s stack
    /// starting at `base` (see [`Vm::window_base`]).
    #[inline]
    pub fn new(
        vm: &'a Vm,
        code: &'a Rc<Code>,
        func: Option<&'a Gc<Function>>,
        globals: &'a Gc<Dict>,
        namespace: Option<Gc<Dict>>,
        base: usize,
        cells: Vec<Gc<PyCell>>,
    ) -> FrameState<'a> {
        FrameState {
            line: Cell::new(code.line),
            code,
            func,
            globals,
            namespace,
            stack: &vm.local_stack,
            base,
            cells,
            obj: OnceCell::new(),
        }
    }

    /// Runs `f` on the locals, wherever they live. `f` must not run Python
    /// code or drop values (the locals are borrowed).
    pub fn with_locals<R>(&self, f: impl FnOnce(&mut [Option<Value>]) -> R) -> R {
        match self.obj.get() {
            Some(frame) => f(&mut frame.locals.borrow_mut()),
            None => f(&mut self.stack.borrow_mut()[self.base..self.base + self.code.nlocals]),
        }
    }

    /// The local in `slot`, if bound.
    #[inline(always)]
    pub fn get_local(&self, slot: usize) -> Option<Value> {
        match self.obj.get() {
            None => self.stack.borrow()[self.base + slot].clone(),
            Some(frame) => frame.locals.borrow()[slot].clone(),
        }
    }

    /// `f` of the local in `slot` (`None` if unbound), read in place. `f`
    /// must not run Python code or drop values (the locals are borrowed).
    #[inline(always)]
    pub fn peek_local<R>(&self, slot: usize, f: impl FnOnce(Option<&Value>) -> R) -> R {
        match self.obj.get() {
            None => f(self.stack.borrow()[self.base + slot].as_ref()),
            Some(frame) => f(frame.locals.borrow()[slot].as_ref()),
        }
    }

    /// Binds (or unbinds) a local; the old value is dropped after the
    /// borrow is released.
    #[inline(always)]
    pub fn set_local(&self, slot: usize, v: Option<Value>) {
        let old = match self.obj.get() {
            None => std::mem::replace(&mut self.stack.borrow_mut()[self.base + slot], v),
            Some(frame) => std::mem::replace(&mut frame.locals.borrow_mut()[slot], v),
        };
        drop(old);
    }

    /// The frame object, made on first use.
    ///
    /// The allocation may start a collection that runs Python code, which
    /// may itself need this frame object; so the object is allocated
    /// first, and the locals move into it only if no other one was made
    /// meanwhile.
    pub fn materialize(&self) -> Gc<Frame> {
        if let Some(f) = self.obj.get() {
            return f.clone();
        }
        let frame = Gc::new(Frame {
            code: self.code.clone(),
            func: self.func.cloned(),
            globals: self.globals.clone(),
            namespace: self.namespace.clone(),
            locals: RefCell::new(Vec::new()),
            cells: self.cells.clone(),
            back: RefCell::new(None),
            lineno: Cell::new(self.line.get()),
        });
        if let Some(f) = self.obj.get() {
            return f.clone();
        }
        let locals: Vec<Option<Value>> = {
            let mut stack = self.stack.borrow_mut();
            let window = &mut stack[self.base..self.base + self.code.nlocals];
            window.iter_mut().map(Option::take).collect()
        };
        *frame.locals.borrow_mut() = locals;
        let _ = self.obj.set(frame.clone());
        frame
    }

    /// The frame object, if one was made.
    pub fn frame_object(&self) -> Option<&Gc<Frame>> {
        self.obj.get()
    }
}

impl Vm {
    /// Adds the traceback entry for `frame` at `line` to `exc`, as the
    /// exception passes through it (CPython's `PyTraceBack_Here`).
    pub fn add_traceback(&self, frame: &FrameState, exc: &mut Exc, line: u32) {
        let inner = exc.inner();
        if inner.traced {
            return;
        }
        inner.traced = true;
        let line = if inner.line != 0 { inner.line } else { line };
        inner.line = 0;
        let f = frame.materialize();
        f.lineno.set(line);
        frame.line.set(line);
        let Some(state) = &inner.value.exc else {
            return;
        };
        let next = match &*state.traceback.borrow() {
            Value::Traceback(t) => Some(t.clone()),
            _ => None,
        };
        let tb = Gc::new(Traceback::new(next, f, line));
        let old = state.traceback.replace(Value::Traceback(tb));
        drop(old);
    }

    /// Where the next window of the local stack starts: the caller then
    /// pushes the callee's arguments ([`Vm::push_local`]) and fills the
    /// window ([`Vm::fill_window`]). If evaluating an argument fails, the
    /// caller pops what it pushed ([`Vm::pop_window`]).
    #[inline(always)]
    pub fn window_base(&self) -> usize {
        self.local_stack.borrow().len()
    }

    /// Pushes the next slot of the window being built.
    #[inline(always)]
    pub fn push_local(&self, v: Option<Value>) {
        self.local_stack.borrow_mut().push(v);
    }

    /// Completes the window starting at `base` with unbound slots, up to
    /// `nlocals` slots.
    #[inline(always)]
    pub fn fill_window(&self, base: usize, nlocals: usize) {
        let mut stack = self.local_stack.borrow_mut();
        while stack.len() < base + nlocals {
            stack.push(None);
        }
    }

    /// Runs `f` on the window starting at `base` (up to the top of the
    /// stack). `f` must not run Python code or drop values that may be
    /// the last handle to an object (the stack is borrowed).
    pub fn with_window<R>(&self, base: usize, f: impl FnOnce(&mut [Option<Value>]) -> R) -> R {
        f(&mut self.local_stack.borrow_mut()[base..])
    }

    /// Pops the window starting at `base`, dropping the locals in slot
    /// order (CPython's `_PyFrame_Clear` order). A value whose handle is
    /// its last is dropped after the stack is released (its `__del__` may
    /// call functions, which push windows); the others are dropped in
    /// place, since losing a handle that is not the last runs nothing.
    #[inline]
    pub fn pop_window(&self, base: usize) {
        let mut stack = self.local_stack.borrow_mut();
        let mut i = base;
        while i < stack.len() {
            match &stack[i] {
                None => {}
                Some(v) if v.strong_count() != Some(1) => stack[i] = None,
                Some(_) => {
                    let v = stack[i].take();
                    drop(stack);
                    self.drop_last(v);
                    stack = self.local_stack.borrow_mut();
                }
            }
            i += 1;
        }
        stack.truncate(base);
    }

    /// Drops a local that may be the last handle to its object (out of
    /// line: it may run a `__del__`).
    #[inline(never)]
    fn drop_last(&self, v: Option<Value>) {
        drop(v);
    }

    /// Ends a call: if its frame object outlives it, the frame becomes an
    /// orphan waiting for its `f_back` (see [`Vm::adopt_orphans`]); then
    /// the locals, cells and references are dropped as CPython clears a
    /// frame (locals in slot order first).
    #[inline(always)]
    pub fn finish_frame(&self, fs: FrameState) {
        let FrameState {
            base,
            obj,
            cells,
            namespace,
            ..
        } = fs;
        self.pop_window(base);
        if let Some(f) = obj.into_inner() {
            self.finish_frame_object(f);
        }
        drop(cells);
        drop(namespace);
    }

    /// The frame-object part of [`Vm::finish_frame`].
    #[inline(never)]
    fn finish_frame_object(&self, f: Gc<Frame>) {
        if Gc::strong_count(&f) == 1 {
            // The frame object dies with the call: clear its locals now,
            // in slot order, as for a frame that never had an object.
            let locals = std::mem::take(&mut *f.locals.borrow_mut());
            drop(locals);
        } else {
            self.orphans.borrow_mut().push(f.clone());
            self.has_orphans.set(true);
        }
        drop(f);
    }

    /// Links the frame objects of calls that returned while referenced
    /// (by a traceback, say) to their caller's frame object, as CPython's
    /// `take_ownership` sets `f_back` (making the caller's frame object
    /// too). The caller adopts them when the statement that made the calls
    /// ends: without a call stack of frames, that is the first point where
    /// the caller's frame is at hand. (Rejected: a stack of `Rc` frames,
    /// whose upkeep showed in the cost of every call.)
    pub fn adopt_orphans(&self, caller: &FrameState) {
        self.has_orphans.set(false);
        let orphans = std::mem::take(&mut *self.orphans.borrow_mut());
        if orphans.is_empty() {
            return;
        }
        let back = caller.materialize();
        for f in orphans {
            let old = f.back.replace(Some(back.clone()));
            drop(old);
        }
    }

    /// Forgets orphans no Python frame will adopt (calls made from Rust).
    pub fn drop_orphans(&self) {
        self.has_orphans.set(false);
        let orphans = std::mem::take(&mut *self.orphans.borrow_mut());
        drop(orphans);
    }
}
