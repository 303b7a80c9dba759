//! [`Value`]: what a Python variable holds.
//!
//! Immediate values (`None`, booleans, ints, floats) live in the enum
//! itself; everything else is a handle to a refcycle object, one Rust type
//! per kind so that refcycle's per-object type names and
//! `gc.get_objects()` can tell them apart. A `Value` is 16 bytes: a tag and
//! one 8-byte payload.
//!
//! Ints are `i64`: arithmetic that leaves that range raises
//! `OverflowError` instead of growing, the one deliberate departure from
//! Python's ints.

use refcycle::{AnyGc, Gc, Trace, Visitor};

use super::{
    Builtin, Cell, Class, CodeObject, Descriptor, Dict, DictView, Frame, Function, Instance, Iter,
    List, Method, Module, PyStr, Range, Set, Slice, Super, Traceback, Tuple, WeakRef,
};

/// Declares [`Value`] and the methods that treat every heap variant alike.
/// One list of variants, so that adding a kind of object cannot forget one
/// of the places that must know about it.
macro_rules! define_value {
    ($($(#[$doc:meta])* $variant:ident($ty:ty),)*) => {
        /// A Python value: an immediate, or a handle to a heap object.
        ///
        /// `repr(u64)` puts every payload, `bool` included, at offset 8:
        /// with the default layout the `bool` sits at offset 1 and every
        /// move of a `Value` copies bytes 1..8 in odd-sized pieces, which
        /// defeats store forwarding on the evaluator's hottest path.
        #[repr(u64)]
        #[derive(Default)]
        pub enum Value {
            /// `None`.
            #[default]
            None,
            /// `True` / `False`.
            Bool(bool),
            /// An int (64-bit; overflow raises `OverflowError`).
            Int(i64),
            /// A float.
            Float(f64),
            $($(#[$doc])* $variant(Gc<$ty>),)*
        }

        impl Clone for Value {
            #[inline(always)]
            fn clone(&self) -> Self {
                match self {
                    Value::None => Value::None,
                    Value::Bool(b) => Value::Bool(*b),
                    Value::Int(i) => Value::Int(*i),
                    Value::Float(f) => Value::Float(*f),
                    $(Value::$variant(g) => Value::$variant(g.clone()),)*
                }
            }
        }

        impl Value {
            /// The object's address for heap values (what `id()` returns).
            pub fn heap_ptr(&self) -> Option<*const ()> {
                match self {
                    $(Value::$variant(g) => Some(Gc::as_ptr(g)),)*
                    _ => None,
                }
            }

            /// The number of strong handles to a heap value.
            pub fn strong_count(&self) -> Option<usize> {
                match self {
                    $(Value::$variant(g) => Some(Gc::strong_count(g)),)*
                    _ => None,
                }
            }

            /// A type-erased handle, for refcycle's introspection functions.
            pub fn to_any(&self) -> Option<AnyGc> {
                match self {
                    $(Value::$variant(g) => Some(AnyGc::new(g.clone())),)*
                    _ => None,
                }
            }

            /// The value behind a type-erased handle (one of ours, or
            /// `None` for an object of a type minipy does not know).
            pub fn from_any(any: &AnyGc) -> Option<Value> {
                $(if let Some(g) = any.downcast::<$ty>() {
                    return Some(Value::$variant(g));
                })*
                None
            }
        }

        impl Trace for Value {
            // The macro's arm for `Str` repeats after the explicit one.
            #[allow(unreachable_patterns)]
            fn trace(&self, visitor: &mut Visitor<'_>) {
                match self {
                    // Strings are never tracked: reporting them would only
                    // cost time.
                    Value::Str(_) => {}
                    $(Value::$variant(g) => g.trace(visitor),)*
                    _ => {}
                }
            }
        }
    };
}

define_value! {
    /// A `str` (untracked, as in CPython).
    Str(PyStr),
    /// A `list`.
    List(List),
    /// A `tuple`.
    Tuple(Tuple),
    /// A `dict`.
    Dict(Dict),
    /// A `set`.
    Set(Set),
    /// A function defined in Python (`def` or `lambda`).
    Function(Function),
    /// A function or method implemented in Rust.
    Builtin(Builtin),
    /// A bound method (`obj.method` for a Python function).
    Method(Method),
    /// A class, user-defined or built in (`int`, `list`, `ValueError` ...).
    Class(Class),
    /// An instance of a user-defined class, or an exception.
    Instance(Instance),
    /// A closure cell.
    Cell(Cell),
    /// A module (`gc`, `sys`, `weakref`, `__main__`).
    Module(Module),
    /// A `weakref.ref`.
    WeakRef(WeakRef),
    /// A frame object (made when a traceback needs one).
    Frame(Frame),
    /// A traceback object.
    Traceback(Traceback),
    /// An iterator (`iter()`, `enumerate`, `zip`, `reversed` ...).
    Iter(Iter),
    /// A `range`.
    Range(Range),
    /// A slice object (`a[1:2]` passed to `__getitem__`).
    Slice(Slice),
    /// `staticmethod`, `classmethod` or `property`.
    Descr(Descriptor),
    /// `dict.keys()`, `dict.values()`, `dict.items()`.
    DictView(DictView),
    /// A `super()` object.
    Super(Super),
    /// A code object.
    Code(CodeObject),
}

impl Value {
    /// Whether both values are the same object (`is`).
    ///
    /// Ints compare by value: CPython caches only -5..=256, so `x is y`
    /// for equal large ints made separately is `False` there and `True`
    /// here (scripts that depend on it are relying on an implementation
    /// detail CPython itself warns about).
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            _ => match (self.heap_ptr(), other.heap_ptr()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }

    /// `id(value)`: the address of a heap object. Immediates have no
    /// address, so they get a made-up one that is stable for the value
    /// (and different from every heap address, which are 8-aligned).
    pub fn id(&self) -> i64 {
        match self {
            Value::None => 0x1001,
            Value::Bool(b) => 0x1011 + *b as i64 * 16,
            Value::Int(i) => (*i).wrapping_mul(16).wrapping_add(0x2003),
            Value::Float(f) => (f.to_bits() as i64).wrapping_mul(16).wrapping_add(0x3005),
            _ => self.heap_ptr().map_or(0, |p| p as usize as i64),
        }
    }

    /// The string handle, if this is a `str`.
    pub fn as_str(&self) -> Option<&Gc<PyStr>> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `None`.
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Int(i64::from(i))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<()> for Value {
    fn from(_: ()) -> Self {
        Value::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_two_words() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 16);
    }

    #[test]
    fn ints_are_identical_by_value() {
        assert!(Value::Int(1000).is(&Value::Int(1000)));
        assert!(!Value::Int(1).is(&Value::Bool(true)));
    }
}
