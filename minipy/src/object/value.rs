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
    /// address, so they get a made-up positive number that is stable for
    /// the value and never a heap address (those are 8-aligned): `4k + 1`
    /// for an int, `4k + 3` for a float, `4k + 2` for `None` and the
    /// bools. Ints in `-2**60 .. 2**60` get distinct ids (`k` is the value
    /// plus `2**60`); there are not enough positive odd numbers for all
    /// 2**64 ints and floats, so the others are spread by a bijective mix
    /// of their bits, where two share an id only by a 1 in 2**61 chance.
    pub fn id(&self) -> i64 {
        const EXACT: i64 = 1 << 60;
        match self {
            Value::None => 0x1002,
            Value::Bool(b) => 0x1012 + *b as i64 * 16,
            Value::Int(i) if (-EXACT..EXACT).contains(i) => 4 * (i + EXACT) + 1,
            Value::Int(i) => 4 * (mix(*i as u64) >> 3) as i64 + 1,
            Value::Float(f) => 4 * (mix(f.to_bits()) >> 3) as i64 + 3,
            _ => self.heap_ptr().map_or(0, |p| p as usize as i64),
        }
    }

    /// Whether CPython could be tracking this value
    /// (`_PyObject_GC_MAY_BE_TRACKED`): storing it in a dict makes the dict
    /// tracked (see `object/dict.rs`). A tuple counts, as CPython's does
    /// until a collection finds it holds only atomic values (minipy never
    /// untracks tuples). Instances of built-in classes such as `object()`
    /// and the built-in classes themselves count too, where CPython's are
    /// not collected objects.
    #[inline]
    pub fn may_be_tracked(&self) -> bool {
        !matches!(
            self,
            Value::None
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Float(_)
                | Value::Str(_)
                | Value::Range(_)
                | Value::Code(_)
        )
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

/// SplitMix64's finalizer: a bijection of `u64` that spreads nearby
/// values far apart (for the made-up ids of [`Value::id`]).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
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
