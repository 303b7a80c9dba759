//! The state of one running body: [`FrameState`].
//!
//! Locals live in a vector owned by the call until a frame object is
//! needed (see `object/frame.rs`); [`FrameState::materialize`] moves them
//! into a [`Frame`] and every later access goes there.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

use refcycle::Gc;

use crate::compile::Code;
use crate::object::{Cell as PyCell, Dict, Frame, Function, Traceback, Value};
use crate::vm::{Exc, Vm};

/// One running module, class body, function or comprehension.
pub struct FrameState {
    /// The code being run.
    pub code: Rc<Code>,
    /// The function being called, for function frames.
    pub func: Option<Gc<Function>>,
    /// The globals.
    pub globals: Gc<Dict>,
    /// The namespace of a module (its globals) or class body.
    pub namespace: Option<Gc<Dict>>,
    /// The locals, until a frame object takes them.
    fast: RefCell<Vec<Option<Value>>>,
    /// Own cells, then free ones.
    pub cells: Vec<Gc<PyCell>>,
    /// The frame object, once made.
    obj: OnceCell<Gc<Frame>>,
    /// The line being run (kept only when a frame object exists).
    pub line: Cell<u32>,
}

impl FrameState {
    /// A frame for `code` with these locals and cells.
    pub fn new(
        code: Rc<Code>,
        func: Option<Gc<Function>>,
        globals: Gc<Dict>,
        namespace: Option<Gc<Dict>>,
        fast: Vec<Option<Value>>,
        cells: Vec<Gc<PyCell>>,
    ) -> FrameState {
        FrameState {
            line: Cell::new(code.line),
            code,
            func,
            globals,
            namespace,
            fast: RefCell::new(fast),
            cells,
            obj: OnceCell::new(),
        }
    }

    /// Runs `f` on the locals, wherever they live. `f` must not run Python
    /// code or drop values (the locals are borrowed).
    #[inline]
    pub fn with_locals<R>(&self, f: impl FnOnce(&mut Vec<Option<Value>>) -> R) -> R {
        match self.obj.get() {
            Some(frame) => f(&mut frame.locals.borrow_mut()),
            None => f(&mut self.fast.borrow_mut()),
        }
    }

    /// The local in `slot`, if bound.
    #[inline]
    pub fn get_local(&self, slot: usize) -> Option<Value> {
        match self.obj.get() {
            Some(frame) => frame.locals.borrow()[slot].clone(),
            None => self.fast.borrow()[slot].clone(),
        }
    }

    /// Binds (or unbinds) a local; the old value is dropped after the
    /// borrow is released.
    #[inline]
    pub fn set_local(&self, slot: usize, v: Option<Value>) {
        let old = self.with_locals(|l| std::mem::replace(&mut l[slot], v));
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
            func: self.func.clone(),
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
        let locals = std::mem::take(&mut *self.fast.borrow_mut());
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

    /// A vector for a call's locals, from the pool when one is free.
    pub fn new_locals(&self, capacity: usize) -> Vec<Option<Value>> {
        let pooled = self.locals_pool.borrow_mut().pop();
        match pooled {
            Some(mut v) => {
                v.reserve(capacity);
                v
            }
            None => Vec::with_capacity(capacity),
        }
    }

    /// Drops a call's locals in slot order (CPython's `_PyFrame_Clear`
    /// order) and keeps the vector for another call.
    pub fn recycle_locals(&self, mut v: Vec<Option<Value>>) {
        let scrub = self.finalizing();
        for x in v.drain(..).flatten() {
            if scrub {
                super::scrub::scrub_value(x);
            } else {
                drop(x);
            }
        }
        if v.capacity() <= 64 {
            let mut pool = self.locals_pool.borrow_mut();
            if pool.len() < 64 {
                pool.push(v);
            }
        }
    }

    /// Ends a call: if its frame object outlives it, the frame becomes an
    /// orphan waiting for its `f_back` (see [`Vm::adopt_orphans`]); then
    /// the locals, cells and references are dropped as CPython clears a
    /// frame (locals in slot order first).
    pub fn finish_frame(&self, fs: FrameState) {
        let FrameState {
            fast,
            obj,
            cells,
            func,
            namespace,
            ..
        } = fs;
        self.recycle_locals(fast.into_inner());
        if let Some(f) = obj.into_inner() {
            if Gc::strong_count(&f) == 1 {
                // The frame object dies with the call: clear its locals now,
                // in slot order, as for a frame that never had an object
                // (and so that, inside a collection, its deferred release
                // holds nothing; see `eval/scrub.rs`).
                let locals = std::mem::take(&mut *f.locals.borrow_mut());
                self.recycle_locals(locals);
            } else {
                self.orphans.borrow_mut().push(f.clone());
                self.has_orphans.set(true);
            }
            drop(f);
        }
        drop(cells);
        drop(func);
        drop(namespace);
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
