//! Callables: Python functions and their closure cells, Rust-implemented
//! built-ins, bound methods, and the `staticmethod` / `classmethod` /
//! `property` wrappers.
//!
//! A function's closure is a tuple of cells, as in CPython, so that
//! `def mk(): def h(): return h; return h` makes the three-object cycle
//! function → closure tuple → cell → function.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use refcycle::{Gc, Trace, Visitor};

use super::{Args, AttrMap, Dict, PyStr, Tuple, Value};
use crate::compile::Code;
use crate::vm::{PyResult, Vm};

/// A function defined in Python.
pub struct Function {
    /// The compiled body and parameter list.
    pub code: Rc<Code>,
    /// `__name__`.
    pub name: Gc<PyStr>,
    /// `__qualname__`.
    pub qualname: Gc<PyStr>,
    /// `__globals__`: the defining module's dict.
    pub globals: Gc<Dict>,
    /// `__defaults__`: defaults of the last positional parameters.
    pub defaults: Option<Gc<Tuple>>,
    /// `__kwdefaults__`: defaults of keyword-only parameters.
    pub kwdefaults: Option<Gc<Dict>>,
    /// `__closure__`: a tuple of cells, one per free variable.
    pub closure: Option<Gc<Tuple>>,
    /// Attributes set on the function (`f.x = 1`).
    pub attrs: RefCell<AttrMap>,
    /// The numbers of positional arguments (`(fewest, most)`) that bind
    /// in order with no other work than filling defaults; `None` when the
    /// parameters have `*args`, `**kwargs` or keyword-only ones. Worked
    /// out once here so that the call fast path tests two integers.
    pub positional: Option<(u32, u32)>,
}

impl Function {
    /// The [`Function::positional`] range of `code` with `ndefaults`
    /// defaults.
    pub fn positional_range(code: &Code, ndefaults: usize) -> Option<(u32, u32)> {
        let p = &code.params;
        if p.vararg || p.kwarg || p.nkwonly > 0 {
            return None;
        }
        let most = u32::try_from(p.nargs).ok()?;
        Some((most.saturating_sub(ndefaults as u32), most))
    }
}

impl Trace for Function {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.globals.trace(visitor);
        self.defaults.trace(visitor);
        self.kwdefaults.trace(visitor);
        self.closure.trace(visitor);
        super::trace_cell(&self.attrs, visitor, AttrMap::trace);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("function")
    }
}

/// A closure cell: a variable shared between a function and the
/// functions nested in it.
#[derive(Default)]
pub struct Cell {
    /// The value, or `None` while unbound.
    pub value: RefCell<Option<Value>>,
}

impl Trace for Cell {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        super::trace_cell(&self.value, visitor, |v, visitor| {
            if let Some(v) = v {
                v.trace(visitor);
            }
        });
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("cell")
    }
}

impl Cell {
    /// The value (cloned), if bound.
    pub fn get(&self) -> Option<Value> {
        self.value.borrow().clone()
    }

    /// Binds (or, with `None`, unbinds) the cell; returns the old value for
    /// the caller to drop.
    pub fn set(&self, v: Option<Value>) -> Option<Value> {
        std::mem::replace(&mut *self.value.borrow_mut(), v)
    }
}

/// The signature of a function implemented in Rust. Receives its bound
/// object, if any, as the first positional argument.
pub type NativeFn = fn(&Vm, Args) -> PyResult<Value>;

/// A function or method implemented in Rust.
pub struct Builtin {
    /// `__name__`.
    pub name: &'static str,
    /// The implementation.
    pub func: NativeFn,
    /// For methods of built-in types, the type's name (`"list"`).
    pub owner: Option<&'static str>,
    /// The object a method is bound to (`[].append`).
    pub bound: Option<Value>,
}

impl Trace for Builtin {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.bound.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("builtin_function_or_method")
    }
}

/// A bound method: a function and the object it was looked up on.
pub struct Method {
    /// `__func__`.
    pub func: Value,
    /// `__self__`.
    pub receiver: Value,
}

impl Trace for Method {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.func.trace(visitor);
        self.receiver.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("method")
    }
}

/// Which wrapper a [`Descriptor`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescrKind {
    /// `staticmethod(f)`.
    Static,
    /// `classmethod(f)`.
    ClassMethod,
    /// `property(fget, fset, fdel)`.
    Property,
}

/// `staticmethod`, `classmethod` or `property`.
pub struct Descriptor {
    /// Which one.
    pub kind: DescrKind,
    /// The wrapped function (the getter, for a property).
    pub func: Value,
    /// A property's setter, or `None`.
    pub fset: Value,
    /// A property's deleter, or `None`.
    pub fdel: Value,
}

impl Trace for Descriptor {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.func.trace(visitor);
        self.fset.trace(visitor);
        self.fdel.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self.kind {
            DescrKind::Static => "staticmethod",
            DescrKind::ClassMethod => "classmethod",
            DescrKind::Property => "property",
        })
    }
}

/// A `super()` object: attribute lookup starting after `class` in the
/// MRO of `obj`'s class, bound to `obj`.
pub struct Super {
    /// The class whose base the lookup starts at.
    pub class: Gc<super::Class>,
    /// The object methods are bound to (an instance, or a class for
    /// classmethods).
    pub obj: Value,
}

impl Trace for Super {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.class.trace(visitor);
        self.obj.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("super")
    }
}
