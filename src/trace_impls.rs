//! [`Trace`] for the standard library types a heap object is made of.
//!
//! Three kinds of impl, one macro each:
//! - **leaves** (numbers, strings, paths, `Duration`, ...) hold no handle:
//!   `NEEDS_TRACE` is `false` and `trace` does nothing;
//! - **containers** (`Vec`, `HashMap`, `Option`, tuples, arrays, ...) trace
//!   every element, and need tracing when their element types do;
//! - **opaque** types (`Rc`, `Arc`, `&'static T`, `Cell`, `PhantomData`) may
//!   contain handles but do not *own* them in the collector's sense, so they
//!   report nothing; each says why on its impl.
//!
//! Containers return early when their elements need no tracing, so a
//! `Vec<u8>` inside a traced object costs nothing per byte.

use std::cell::{Cell, OnceCell, RefCell};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::{OsStr, OsString};
use std::marker::PhantomData;
use std::num::{
    NonZeroI128, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI8, NonZeroIsize, NonZeroU128,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU8, NonZeroUsize, Wrapping,
};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex, RwLock, TryLockError, TryLockResult};
use std::time::{Duration, Instant, SystemTime};

use crate::trace::{Trace, Trust, Visitor};

/// Writes `impl Trace` for each entry
/// `[generics] Type, needs EXPR, exact EXACT, |this, visitor| { body }`:
/// `NEEDS_TRACE` is `EXPR`, `TRUST` is exact when `EXACT` is true, and
/// `trace` runs the body with `this = self` unless `EXPR` is false. Doc
/// comments before an entry land on its impl.
macro_rules! impl_trace {
    ($(
        $(#[$doc:meta])*
        [$($params:tt)*] $ty:ty, needs $needs:expr, exact $exact:expr,
        |$this:ident, $visitor:ident| $body:block
    )*) => {$(
        $(#[$doc])*
        impl<$($params)*> Trace for $ty {
            const NEEDS_TRACE: bool = $needs;
            // SAFETY: each body below reports its elements' handles once,
            // through their own impls, and changes nothing: exact when
            // those impls are, which `$exact` asks.
            const TRUST: Trust<Self> = unsafe { Trust::exact_if($exact) };

            #[inline]
            fn trace(&self, $visitor: &mut Visitor<'_>) {
                if !Self::NEEDS_TRACE {
                    return;
                }
                let $this = self;
                $body
            }
        }
    )*};
}

/// `impl Trace` that reports nothing, for each `[generics] Type;`.
macro_rules! impl_trace_nothing {
    ($($(#[$doc:meta])* [$($params:tt)*] $ty:ty;)*) => {
        impl_trace! {$(
            $(#[$doc])* [$($params)*] $ty, needs false, exact true, |_this, _visitor| {}
        )*}
    };
}

impl_trace_nothing! {
    [] u8; [] u16; [] u32; [] u64; [] u128; [] usize;
    [] i8; [] i16; [] i32; [] i64; [] i128; [] isize;
    [] NonZeroU8; [] NonZeroU16; [] NonZeroU32; [] NonZeroU64; [] NonZeroU128;
    [] NonZeroUsize; [] NonZeroI8; [] NonZeroI16; [] NonZeroI32; [] NonZeroI64;
    [] NonZeroI128; [] NonZeroIsize;
    [] f32; [] f64; [] bool; [] char; [] ();
    [] str; [] String; [] OsStr; [] OsString; [] Path; [] PathBuf;
    [] Duration; [] Instant; [] SystemTime;

    /// Opaque: an `Rc` may be shared with owners outside the heap, so the
    /// handles inside it are not this object's to report. Tracing through it
    /// would count each inner edge once per `Rc` clone, more times than the
    /// inner object's refcount allows, and make the collector distrust the
    /// whole graph. A cycle through an `Rc` is therefore never collected:
    /// put the shared value in a [`Gc`](crate::Gc) instead.
    [T: ?Sized] Rc<T>;
    /// Opaque, for the same reason as `Rc`: the value may have other owners.
    [T: ?Sized] Arc<T>;
    /// Opaque: a shared reference owns nothing, whatever it points to.
    [T: ?Sized] &'static T;
    /// Holds no value, so no handle.
    [T: ?Sized] PhantomData<T>;
    /// A `Copy` type cannot hold a handle, since neither `Gc` nor `Weak` is
    /// `Copy`; a `Cell` of anything else cannot be read without moving out
    /// of it, so no impl exists for those.
    [T: Copy] Cell<T>;
}

/// `impl Trace` for containers traced by iterating over `&self`:
/// `[generics] Type => |pattern| binding, binding; needs Elem, Elem;`.
macro_rules! impl_trace_iter {
    ($(
        [$($params:tt)*] $ty:ty => |$pat:pat_param| $($field:ident),+; needs $($elem:ty),+;
    )*) => {
        impl_trace! {$(
            [$($params)*] $ty, needs $(<$elem as Trace>::NEEDS_TRACE)||+,
            exact $(<$elem as Trace>::TRUST.is_exact())&&+, |this, visitor| {
                for $pat in this {
                    $($field.trace(visitor);)+
                }
            }
        )*}
    };
}

impl_trace_iter! {
    [T: Trace] [T] => |x| x; needs T;
    [T: Trace, const N: usize] [T; N] => |x| x; needs T;
    [T: Trace] Vec<T> => |x| x; needs T;
    [T: Trace] VecDeque<T> => |x| x; needs T;
    [T: Trace] LinkedList<T> => |x| x; needs T;
    [T: Trace] BinaryHeap<T> => |x| x; needs T;
    [T: Trace] BTreeSet<T> => |x| x; needs T;
    [T: Trace, S] HashSet<T, S> => |x| x; needs T;
    [K: Trace, V: Trace] BTreeMap<K, V> => |(k, v)| k, v; needs K, V;
    [K: Trace, V: Trace, S] HashMap<K, V, S> => |(k, v)| k, v; needs K, V;
}

impl_trace! {
    [T: ?Sized + Trace] Box<T>, needs T::NEEDS_TRACE, exact T::TRUST.is_exact(), |this, visitor| {
        (**this).trace(visitor);
    }
    [T: Trace] Wrapping<T>, needs T::NEEDS_TRACE, exact T::TRUST.is_exact(), |this, visitor| {
        this.0.trace(visitor);
    }
    [T: Trace] Reverse<T>, needs T::NEEDS_TRACE, exact T::TRUST.is_exact(), |this, visitor| {
        this.0.trace(visitor);
    }
    [T: Trace] Option<T>, needs T::NEEDS_TRACE, exact T::TRUST.is_exact(), |this, visitor| {
        if let Some(value) = this {
            value.trace(visitor);
        }
    }
    [T: Trace] OnceCell<T>, needs T::NEEDS_TRACE, exact T::TRUST.is_exact(), |this, visitor| {
        if let Some(value) = this.get() {
            value.trace(visitor);
        }
    }
    [T: Trace, E: Trace] Result<T, E>, needs T::NEEDS_TRACE || E::NEEDS_TRACE,
    exact T::TRUST.is_exact() && E::TRUST.is_exact(), |this, visitor| {
        match this {
            Ok(value) => value.trace(visitor),
            Err(error) => error.trace(visitor),
        }
    }

    /// Traces the value if it can be borrowed. While it is mutably borrowed
    /// the collector cannot see inside, so the object is reported
    /// [opaque](Visitor::mark_opaque) and survives this collection: guessing
    /// "no handles" would let the collector free objects the borrower still
    /// reaches.
    [T: ?Sized + Trace] RefCell<T>, needs T::NEEDS_TRACE, exact T::TRUST.is_exact(), |this, visitor| {
        match this.try_borrow() {
            Ok(value) => value.trace(visitor),
            Err(_) => visitor.mark_opaque(),
        }
    }
    /// Traces the value if the lock is free, and is opaque while it is held,
    /// as a mutably borrowed `RefCell` is. A poisoned lock is traced anyway:
    /// the handles in it are still owned.
    [T: ?Sized + Trace] Mutex<T>, needs T::NEEDS_TRACE, exact T::TRUST.is_exact(), |this, visitor| {
        trace_locked(this.try_lock(), visitor);
    }
    /// Like `Mutex`: traced under a read lock, opaque while write-locked.
    [T: ?Sized + Trace] RwLock<T>, needs T::NEEDS_TRACE, exact T::TRUST.is_exact(), |this, visitor| {
        trace_locked(this.try_read(), visitor);
    }
}

/// Traces what a `try_borrow`-style call gave access to, or marks the object
/// opaque if the value is in use.
fn trace_locked<T: ?Sized + Trace>(
    guard: TryLockResult<impl Deref<Target = T>>,
    visitor: &mut Visitor<'_>,
) {
    match guard {
        Ok(value) => value.trace(visitor),
        Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner().trace(visitor),
        Err(TryLockError::WouldBlock) => visitor.mark_opaque(),
    }
}

/// `impl Trace` for the tuple of the given type names and for every shorter
/// tuple made of its tail: `impl_trace_tuples!(A B C)` covers `(A, B, C)`,
/// `(B, C)` and `(C,)`.
macro_rules! impl_trace_tuples {
    () => {};
    ($first:ident $($rest:ident)*) => {
        impl<$first: Trace, $($rest: Trace),*> Trace for ($first, $($rest,)*) {
            const NEEDS_TRACE: bool = $first::NEEDS_TRACE $(|| $rest::NEEDS_TRACE)*;
            // SAFETY: `trace` reports each element once, through its own
            // impl, and changes nothing: exact when every element's is.
            const TRUST: Trust<Self> = unsafe {
                Trust::exact_if($first::TRUST.is_exact() $(&& $rest::TRUST.is_exact())*)
            };

            #[allow(non_snake_case)] // the bindings reuse the type names
            fn trace(&self, visitor: &mut Visitor<'_>) {
                let ($first, $($rest,)*) = self;
                $first.trace(visitor);
                $($rest.trace(visitor);)*
            }
        }
        impl_trace_tuples!($($rest)*);
    };
}

impl_trace_tuples!(A B C D E F G H I J K L);
