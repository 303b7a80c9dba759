//! `weakref.ref` objects.
//!
//! A [`WeakRef`] owns a refcycle [`Weak`] to its referent and, if given
//! one, the Python callback. Its `Trace` reports both, so that the
//! collector sees a weak reference that is itself garbage and, as
//! CPython's `handle_weakrefs` does, drops its callback uncalled. The
//! closure registered with refcycle holds only a `Weak` to the `WeakRef`
//! object: it runs the callback only if that object is still alive.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use refcycle::{Trace, Visitor, Weak};

use super::{Class, Function, Instance, Method, Set, Value};

/// The referent of a weak reference: the kinds of object that accept one.
pub enum WeakTarget {
    /// An instance (of a class without `__slots__`, or with `__weakref__`).
    Instance(Weak<Instance>),
    /// A Python function.
    Function(Weak<Function>),
    /// A class.
    Class(Weak<Class>),
    /// A bound method.
    Method(Weak<Method>),
    /// A set.
    Set(Weak<Set>),
}

impl WeakTarget {
    /// The referent, if alive.
    pub fn upgrade(&self) -> Option<Value> {
        match self {
            WeakTarget::Instance(w) => w.upgrade().map(Value::Instance),
            WeakTarget::Function(w) => w.upgrade().map(Value::Function),
            WeakTarget::Class(w) => w.upgrade().map(Value::Class),
            WeakTarget::Method(w) => w.upgrade().map(Value::Method),
            WeakTarget::Set(w) => w.upgrade().map(Value::Set),
        }
    }
}

impl Trace for WeakTarget {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        match self {
            WeakTarget::Instance(w) => w.trace(visitor),
            WeakTarget::Function(w) => w.trace(visitor),
            WeakTarget::Class(w) => w.trace(visitor),
            WeakTarget::Method(w) => w.trace(visitor),
            WeakTarget::Set(w) => w.trace(visitor),
        }
    }
}

/// A `weakref.ref`.
pub struct WeakRef {
    /// The referent.
    pub target: WeakTarget,
    /// The callback, until it has run (`__callback__`).
    pub callback: RefCell<Value>,
    /// The referent's address, kept for the repr of a live reference.
    pub target_id: i64,
    /// The hash of the referent, cached once computed (as CPython does,
    /// so the hash survives the referent).
    pub hash: Cell<Option<i64>>,
}

impl Trace for WeakRef {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.target.trace(visitor);
        self.callback.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("weakref.ReferenceType")
    }
}
