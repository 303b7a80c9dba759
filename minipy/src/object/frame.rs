//! Frame and traceback objects.
//!
//! As in CPython 3.11, a running function keeps its locals in a plain
//! vector and a frame *object* is made only when something needs one: a
//! traceback entry. From then on the locals live in the frame object (the
//! running function reads and writes them there), so a traceback keeps
//! the locals alive and the cycle `exception → traceback → frame → locals
//! → exception` exists, for the collector to free. When the function
//! returns while its frame object is still referenced, the frame links to
//! its caller's frame (`f_back`), as CPython's `take_ownership` does.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use refcycle::{Gc, Trace, Visitor};

use super::{Cell as PyCell, Dict, Function, Value};
use crate::compile::Code;

/// A frame object.
pub struct Frame {
    /// The code running in this frame.
    pub code: Rc<Code>,
    /// The function, for frames of function calls.
    pub func: Option<Gc<Function>>,
    /// `f_globals`.
    pub globals: Gc<Dict>,
    /// The namespace of a module or class body (`f_locals` there).
    pub namespace: Option<Gc<Dict>>,
    /// The fast locals, by slot, once moved here from the running call.
    pub locals: RefCell<Vec<Option<Value>>>,
    /// Cells of the frame: its own captured variables, then its free ones.
    pub cells: Vec<Gc<PyCell>>,
    /// `f_back`, set when the call returns while the frame is referenced.
    pub back: RefCell<Option<Gc<Frame>>>,
    /// The line being run.
    pub lineno: Cell<u32>,
}

impl Trace for Frame {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.func.trace(visitor);
        self.globals.trace(visitor);
        self.namespace.trace(visitor);
        super::trace_cell(&self.locals, visitor, |locals, visitor| {
            for v in locals.iter().flatten() {
                v.trace(visitor);
            }
        });
        self.cells.trace(visitor);
        self.back.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("frame")
    }
}

/// A traceback entry: one frame an exception passed through.
pub struct Traceback {
    next: Option<Gc<Traceback>>,
    frame: Gc<Frame>,
    /// The frame's code.
    pub code: Rc<Code>,
    /// `tb_lineno`.
    pub lineno: u32,
}

impl Trace for Traceback {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.next.trace(visitor);
        self.frame.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("traceback")
    }
}

impl Traceback {
    /// An entry for `frame` at `lineno`, in front of `next`.
    pub fn new(next: Option<Gc<Traceback>>, frame: Gc<Frame>, lineno: u32) -> Traceback {
        Traceback {
            next,
            code: frame.code.clone(),
            frame,
            lineno,
        }
    }

    /// `tb_frame`.
    pub fn frame(&self) -> Gc<Frame> {
        self.frame.clone()
    }

    /// `tb_next`.
    pub fn next(&self) -> Option<Gc<Traceback>> {
        self.next.clone()
    }

    /// The entries from this one down, outermost frame first.
    pub fn entries(this: &Gc<Traceback>) -> Vec<Gc<Traceback>> {
        let mut out = vec![this.clone()];
        let mut cur = this.next();
        while let Some(t) = cur {
            cur = t.next();
            out.push(t);
        }
        out
    }
}
