//! The [`Trace`] trait: how a value tells the collector which handles it owns.
//!
//! The collector never scans memory. It learns the object graph only from
//! `Trace` impls, the way CPython learns it from each type's `tp_traverse`.
//! `Trace` is a *safe* trait: an impl that reports too few handles makes the
//! collector leak, one that reports too many or the same handle twice is
//! caught by the collector's checks before anything is freed (see
//! `docs/safety.md`). Neither causes undefined behaviour.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::ptr::NonNull;

use crate::header::{Header, VTable};
use crate::weak::WeakSlot;

/// A value that can live inside a [`Gc`](crate::Gc) and may own other handles.
///
/// `trace` must call [`Trace::trace`] on every field that can hold a
/// [`Gc`](crate::Gc) or [`Weak`](crate::Weak), once each. Most types derive it:
///
/// ```
/// use refcycle::{Gc, Trace};
/// use std::cell::RefCell;
///
/// #[derive(Trace)]
/// struct Node {
///     #[trace(skip)] // holds no Gc: the collector need not look at it
///     label: String,
///     next: RefCell<Option<Gc<Node>>>,
/// }
/// # let _ = Gc::new(Node { label: "a".into(), next: RefCell::new(None) });
/// ```
///
/// A hand-written impl visits each field:
///
/// ```
/// use refcycle::{Gc, Trace, Visitor};
///
/// struct Pair(Gc<u32>, Gc<u32>);
///
/// impl Trace for Pair {
///     fn trace(&self, visitor: &mut Visitor<'_>) {
///         self.0.trace(visitor);
///         self.1.trace(visitor);
///     }
/// }
/// ```
///
/// # What a wrong impl does
/// Reporting too few handles leaks the cycles they close. Reporting the
/// same handle twice, different handles on different calls, or a handle
/// that does not account for the object's count is caught before anything
/// is finalized or freed: the suspect objects, and everything they reach,
/// are kept alive, the rest of the garbage is collected as usual, and the
/// problem is reported through the [unraisable hook](crate::set_unraisable_hook).
/// One case cannot be caught: reporting, exactly once, a handle the value
/// does not own that lives outside the objects being collected (a Rust
/// local, a global, or an older generation's object during a younger
/// collection). The object it points to may then be cleared while that handle
/// survives; a deref through it panics with a message naming the type,
/// and [`Gc::try_borrow`](crate::Gc::try_borrow) returns an error. Memory
/// is never freed while a handle points to it, so this is a logic error,
/// not undefined behaviour, unless a `&T` borrowed from that handle is
/// held across the collection (see `docs/safety.md`).
///
/// `trace` may run at any collection, so it should not have side effects;
/// if it allocates, drops handles or panics, the collector copes (a panic is
/// caught and reported, and the object is kept alive for that collection).
pub trait Trace {
    /// Whether a value of this type can ever hold a [`Gc`](crate::Gc) or
    /// [`Weak`](crate::Weak).
    ///
    /// When `false`, objects of this type are never tracked by the cycle
    /// collector (as CPython does not track `int` or `str`): they cost no
    /// collection time and are freed by reference counting alone. The
    /// default is `true`, which is always safe; setting it to `false` on a
    /// type that does hold handles only makes the collector unable to free
    /// cycles through it (a leak, never unsoundness).
    const NEEDS_TRACE: bool = true;

    /// Whether the collector may take this impl's reports as they are,
    /// without checking them ([`Trust`]). The default,
    /// [`Trust::VERIFY`], is always safe. `#[derive(Trace)]` with
    /// `#[trace(exact)]` sets it for the types it writes; by hand it takes
    /// `unsafe`, with the promise [`Trust::exact`] states.
    const TRUST: Trust<Self> = Trust::VERIFY;

    /// Reports every handle this value owns by calling `trace` on it.
    fn trace(&self, visitor: &mut Visitor<'_>);

    /// The name the introspection functions and debug output give this
    /// value. Defaults to [`std::any::type_name`]; an interpreter
    /// overrides it to report its own class names (`"Point"` rather than
    /// `"minipy::Instance"`).
    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(std::any::type_name::<Self>())
    }
}

/// Whether the collector checks the reports of `T`'s [`Trace`] impl
/// ([`Trace::TRUST`]).
///
/// Because `Trace` is a safe trait, the collector does not take a
/// collection's garbage on the word of the impls that reported it: before
/// it finalizes or drops anything it traces the garbage again and checks
/// that every handle to it is accounted for, once (`docs/safety.md`).
/// When every object of the collected set has an *exact* impl, that
/// check cannot fail, and the collector skips it: a young collection of
/// 300 garbage objects takes about a fifth less time
/// (`docs/performance.md`).
///
/// A `Trust<T>` names its type, so one type's trust cannot be given to
/// another, and the only way to an exact one is `unsafe`:
///
/// ```compile_fail,E0308
/// use refcycle::{Gc, Trace, Trust, Visitor};
///
/// struct Liar(Gc<u32>);
/// impl Trace for Liar {
///     const TRUST: Trust<Self> = <u64 as Trace>::TRUST; // u64's, exact
///     fn trace(&self, visitor: &mut Visitor<'_>) {
///         self.0.trace(visitor);
///         self.0.trace(visitor); // twice: a lie the check would catch
///     }
/// }
/// ```
///
/// ```compile_fail,E0133
/// use refcycle::{Gc, Trace, Trust, Visitor};
///
/// struct Liar(Gc<u32>);
/// impl Trace for Liar {
///     const TRUST: Trust<Self> = Trust::exact(); // needs `unsafe`
///     fn trace(&self, visitor: &mut Visitor<'_>) {
///         self.0.trace(visitor);
///         self.0.trace(visitor);
///     }
/// }
/// ```
///
/// The impls this crate provides are exact when their element types' are
/// (`Vec<T>` when `T`'s is; `Gc<T>`, `Weak<T>`, numbers and strings
/// always). Types that report nothing (`Rc`, `&'static T`) are exact too:
/// reporting too few handles is allowed, it only keeps objects alive.
///
/// # Invariant
/// `exact` is true only in a value made by [`Trust::exact`] or
/// [`Trust::exact_if`], whose caller promised what they state for `T`.
/// Objects of `T` carry `flag::EXACT` exactly when `T::TRUST` is exact
/// (`GcBox::alloc`), and the collector skips its check of the garbage
/// only when every object of the set carries it (`collect/mod.rs`, step
/// 5; `docs/safety.md`, "Exact impls").
pub struct Trust<T: ?Sized> {
    exact: bool,
    _type: PhantomData<*const T>,
}

impl<T: ?Sized> Trust<T> {
    /// The collector checks this type's reports (the default).
    pub const VERIFY: Self = Trust {
        exact: false,
        _type: PhantomData,
    };

    /// The collector takes this type's reports as they are.
    ///
    /// # Safety
    /// `T`'s `trace`, on any value:
    /// - reports only handles the value owns: stored in it, or in memory
    ///   only it owns (a `Box`, a `Vec`'s buffer), never one reached
    ///   through shared ownership (an `Rc`, a `&`, a raw pointer, a
    ///   global);
    /// - reports no handle twice in one call;
    /// - reports the same handles every time it is called on the same
    ///   value, unless other code changed the value in between, and
    ///   changes nothing any `trace` reports: it makes, clones, moves and
    ///   drops no handle, and changes no value that holds one. It may
    ///   call the `trace` of the types it holds only if theirs are exact
    ///   too (otherwise it must report nothing for them).
    ///
    /// Reporting fewer handles than the value owns is allowed: the objects
    /// they point to are then kept alive by the collector (a leak).
    ///
    /// If the promise is broken, the collector may drop values that
    /// handles still point to while a `&T` borrowed through one of them
    /// is live: undefined behaviour.
    pub const unsafe fn exact() -> Self {
        // SAFETY: forwarded from the caller.
        unsafe { Self::exact_if(true) }
    }

    /// [`Trust::exact`] if `exact` is true, [`Trust::VERIFY`] otherwise:
    /// for a type that is exact when the types it holds are
    /// (`exact_if(<F as Trace>::TRUST.is_exact() && ...)`).
    ///
    /// # Safety
    /// When `exact` is true, as [`Trust::exact`].
    pub const unsafe fn exact_if(exact: bool) -> Self {
        Trust {
            exact,
            _type: PhantomData,
        }
    }

    /// Whether the collector takes this type's reports as they are.
    pub const fn is_exact(self) -> bool {
        self.exact
    }
}

impl<T: ?Sized> Clone for Trust<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Trust<T> {}

impl<T: ?Sized> std::fmt::Debug for Trust<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.exact {
            "Trust::exact"
        } else {
            "Trust::VERIFY"
        })
    }
}

/// What the collector does with each reported edge; one impl per phase.
pub(crate) trait Sink {
    /// A strong handle at address `handle` points to `target`, an object
    /// with a head (the handle's type needs tracing: header invariant 4).
    fn strong(&mut self, target: NonNull<Header>, handle: *const ());
    /// The same for a handle whose target may have no head; `vtable` is
    /// the handle's type's, which such a target was made with (header
    /// invariant 5; `Erased::resolve`). Only a sink that must reach the
    /// target's vtable needs it; the others count the edge as `strong`.
    ///
    /// (Rejected: one method with the vtable as a third argument for
    /// every edge. The collector's sinks never need it, and the extra
    /// argument added 16% to the instructions of the `Trace` impls'
    /// calls under callgrind; with it, young collections were 5% slower:
    /// docs/performance.md, "What changed".)
    fn strong_untracked(
        &mut self,
        target: NonNull<Header>,
        _vtable: &'static VTable,
        handle: *const (),
    ) {
        self.strong(target, handle);
    }
    /// A weak handle pointing to `target`.
    fn weak(&mut self, _target: NonNull<Header>, _slot: &WeakSlot) {}
    /// The value could not report its children right now.
    fn opaque(&mut self);
}

/// Receives the handles a value reports from [`Trace::trace`].
///
/// A `Visitor` is created only by the collector and the introspection
/// functions; user code just passes it on to the fields' `trace`.
pub struct Visitor<'a> {
    sink: &'a mut dyn Sink,
}

impl<'a> Visitor<'a> {
    pub(crate) fn new(sink: &'a mut dyn Sink) -> Self {
        Visitor { sink }
    }

    /// Reports a handle whose target has a head: only a `Gc<T>` whose `T`
    /// needs tracing calls it (`GcBox::alloc` gives those a head), since
    /// sinks may rely on it (`Sink::strong`). Any other handle reports
    /// through [`Visitor::visit_strong_untracked`].
    #[inline]
    pub(crate) fn visit_strong(&mut self, target: NonNull<Header>, handle: *const ()) {
        self.sink.strong(target, handle);
    }

    #[inline]
    pub(crate) fn visit_strong_untracked(
        &mut self,
        target: NonNull<Header>,
        vtable: &'static VTable,
        handle: *const (),
    ) {
        self.sink.strong_untracked(target, vtable, handle);
    }

    #[inline]
    pub(crate) fn visit_weak(&mut self, target: NonNull<Header>, slot: &WeakSlot) {
        self.sink.weak(target, slot);
    }

    /// Tells the collector that this value cannot report its children right
    /// now, for example because a `RefCell` in it is mutably borrowed.
    ///
    /// The object being traced is then treated as referenced from outside
    /// the heap for the current collection, so it and everything it holds
    /// survive that collection. The `RefCell` impl calls this; call it from
    /// your own interior-mutable containers in the same situation.
    pub fn mark_opaque(&mut self) {
        self.sink.opaque();
    }
}
