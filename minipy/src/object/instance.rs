//! Instances of user classes and of exception classes.
//!
//! An instance's attributes live inline in the instance, one refcycle
//! object, like CPython 3.11's managed dicts: a two-instance cycle is two
//! objects for `gc.collect()` to report. Exceptions also carry `args`,
//! `__traceback__`, `__context__` and `__cause__`.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use refcycle::{Finalize, Gc, Trace, Visitor};

use super::{AttrMap, Class, PyStr, Value};

/// An instance of a class.
///
/// `repr(C)`, the pointer-sized fields first: what the collector reads
/// when it traces an instance then sits close to the object's header
/// (see [`AttrMap`] for why that matters).
#[repr(C)]
pub struct Instance {
    /// `__class__`.
    pub class: Gc<Class>,
    /// Exception state, for instances of exception classes.
    pub exc: Option<Box<ExcState>>,
    /// The attributes. Borrow briefly: never while running Python code
    /// or dropping a value.
    pub attrs: RefCell<AttrMap>,
}

/// What an exception instance carries besides its attributes.
#[derive(Default)]
pub struct ExcState {
    /// `args` (a tuple).
    pub args: RefCell<Value>,
    /// `__traceback__` (a traceback or `None`).
    pub traceback: RefCell<Value>,
    /// `__context__`.
    pub context: RefCell<Value>,
    /// `__cause__`.
    pub cause: RefCell<Value>,
    /// `__suppress_context__`.
    pub suppress_context: Cell<bool>,
    /// What a `NameError` or `AttributeError` was about, for the "Did you
    /// mean" suggestion and `e.name`.
    pub hint: RefCell<Option<Hint>>,
}

/// The subject of a `NameError` or `AttributeError`.
///
/// An instance is remembered by its class and attribute names, not by a
/// handle: a handle would keep it alive, and an exception made and
/// dropped inside a `__del__` during a collection is released only when
/// the collection ends (refcycle defers releases), so a handle in it would
/// make the collector think the instance was resurrected.
pub enum Hint {
    /// `NameError`: the name.
    Name(Gc<PyStr>),
    /// `AttributeError` on an instance.
    InstanceAttr {
        /// The attribute.
        name: Gc<PyStr>,
        /// The instance's class.
        class: Gc<Class>,
        /// The instance's attribute names.
        attrs: Vec<Gc<PyStr>>,
    },
    /// `AttributeError` on anything else (module, class, built-in value).
    Attr {
        /// The attribute.
        name: Gc<PyStr>,
        /// The object.
        obj: Value,
    },
}

impl Hint {
    /// The name the error is about.
    pub fn name(&self) -> &Gc<PyStr> {
        match self {
            Hint::Name(n) | Hint::InstanceAttr { name: n, .. } | Hint::Attr { name: n, .. } => n,
        }
    }
}

impl Trace for Hint {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        match self {
            Hint::Name(_) => {}
            Hint::InstanceAttr { class, .. } => class.trace(visitor),
            Hint::Attr { obj, .. } => obj.trace(visitor),
        }
    }
}

impl Trace for ExcState {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.args.trace(visitor);
        self.traceback.trace(visitor);
        self.context.trace(visitor);
        self.cause.trace(visitor);
        self.hint.trace(visitor);
    }
}

impl Trace for Instance {
    /// Attributes first, then the class: CPython's `subtype_traverse`
    /// order, which decides the order the collector lists (and finalizes)
    /// garbage in.
    fn trace(&self, visitor: &mut Visitor<'_>) {
        super::trace_cell(&self.attrs, visitor, AttrMap::trace);
        if let Some(exc) = &self.exc {
            exc.trace(visitor);
        }
        self.class.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        match Gc::try_borrow(&self.class) {
            Ok(c) => Cow::Owned(c.name.as_str().to_string()),
            Err(_) => Cow::Borrowed("object"),
        }
    }
}

impl Finalize for Instance {
    /// Runs `__del__` (see [`crate::vm::run_del`]).
    fn finalize(this: &Gc<Self>) {
        crate::vm::run_del(this);
    }
}

impl Instance {
    /// A fresh instance of `class`, with exception state if `exc`.
    pub fn new(class: Gc<Class>, exc: bool) -> Instance {
        Instance {
            attrs: RefCell::new(AttrMap::with_capacity(class.attr_hint.get())),
            class,
            exc: exc.then(Box::default),
        }
    }
}
