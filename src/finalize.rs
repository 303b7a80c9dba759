//! Finalizers (PEP 442): code that runs once before an object dies, with
//! the object and everything it references still intact.

use std::ptr::NonNull;

use crate::gc::Gc;
use crate::header::{flag, hdr, Erased, GcBox, Header, VTable};
use crate::heap::Heap;
use crate::trace::Trace;

/// A type whose objects run code before they die (Python's `__del__`,
/// CPython's `tp_finalize`).
///
/// Objects get a finalizer when made with [`Gc::new_with_finalizer`]. The
/// finalizer runs at most once in an object's life: when its last handle
/// is dropped, or when the collector finds it in unreachable garbage, with
/// every other garbage object still intact. It receives a strong handle to
/// its own object; storing a clone of it anywhere *resurrects* the object,
/// which then lives on (and its finalizer will not run again).
///
/// # Examples
/// ```
/// use refcycle::{Finalize, Gc, Trace, Visitor};
/// use std::cell::Cell;
///
/// thread_local!(static FINALIZED: Cell<u32> = Cell::new(0));
///
/// struct Noisy;
/// impl Trace for Noisy {
///     const NEEDS_TRACE: bool = false;
///     fn trace(&self, _: &mut Visitor<'_>) {}
/// }
/// impl Finalize for Noisy {
///     fn finalize(_this: &Gc<Self>) {
///         FINALIZED.with(|c| c.set(c.get() + 1));
///     }
/// }
///
/// drop(Gc::new_with_finalizer(Noisy));
/// assert_eq!(FINALIZED.with(Cell::get), 1);
/// ```
pub trait Finalize: Trace + Sized + 'static {
    /// Whether every object of this type has a *legacy* finalizer (Python
    /// 2's `__del__`, CPython's `tp_del`): see
    /// [`Gc::new_with_legacy_finalizer`]. Default `false`.
    const LEGACY: bool = false;

    /// Runs once, before the object dies. A panic is caught and reported
    /// through the [unraisable hook](crate::set_unraisable_hook).
    fn finalize(this: &Gc<Self>);
}

impl<T: Finalize> GcBox<T> {
    const FINALIZE_VTABLE: VTable = VTable {
        finalize: Some(Self::finalize_erased),
        ..GcBox::<T>::VTABLE
    };

    unsafe fn finalize_erased(h: NonNull<Header>) {
        // SAFETY: `h` is a live GcBox<T> whose strong count includes a
        // handle lent by the caller; the borrowed handle is never dropped.
        let this = unsafe { Gc::<T>::borrow_header(h) };
        T::finalize(&this);
    }
}

impl<T: Finalize> Gc<T> {
    /// Like [`Gc::new`], for an object whose [`Finalize::finalize`] runs
    /// before it dies.
    pub fn new_with_finalizer(value: T) -> Gc<T> {
        Self::new_finalizable(value, T::LEGACY)
    }

    /// Like [`Gc::new_with_finalizer`], but the finalizer is a *legacy*
    /// one, as Python 2's `__del__` was: it still runs when the last handle
    /// drops, but the cycle collector refuses to free an unreachable cycle
    /// that contains the object. The object, and everything it references,
    /// is appended to [`garbage`](crate::garbage) instead, alive, for you
    /// to inspect and break by hand. This is how a custom destructor
    /// blocks collection.
    ///
    /// # Examples
    /// ```
    /// use refcycle::{Finalize, Gc, Trace};
    /// use std::cell::RefCell;
    ///
    /// #[derive(Trace)]
    /// struct Res { other: RefCell<Option<Gc<Res>>> }
    /// impl Finalize for Res {
    ///     fn finalize(_this: &Gc<Self>) {}
    /// }
    ///
    /// let a = Gc::new_with_legacy_finalizer(Res { other: RefCell::new(None) });
    /// *a.other.borrow_mut() = Some(a.clone());
    /// drop(a);
    /// assert_eq!(refcycle::collect(), 1); // found, but uncollectable
    /// let garbage = refcycle::take_garbage();
    /// let a = garbage[0].downcast::<Res>().unwrap();
    /// *a.other.borrow_mut() = None; // break the cycle by hand
    /// drop((garbage, a)); // now reference counting frees it
    /// ```
    pub fn new_with_legacy_finalizer(value: T) -> Gc<T> {
        Self::new_finalizable(value, true)
    }

    fn new_finalizable(value: T, legacy: bool) -> Gc<T> {
        crate::heap::with(|heap| {
            let h = GcBox::alloc(heap, value, Some(&GcBox::<T>::FINALIZE_VTABLE));
            if legacy {
                // SAFETY: just allocated, live.
                unsafe { hdr(h) }.set(flag::LEGACY);
            }
            Gc::from_box(heap, h)
        })
    }
}

/// The refcount path's finalizer call (CPython's
/// `PyObject_CallFinalizerFromDealloc`). Returns `true` if the finalizer
/// resurrected the object, which must then not be released.
///
/// # Safety
/// The object must be live with strong count zero.
pub(crate) unsafe fn run_from_dealloc(_heap: Option<&Heap>, obj: Erased) -> bool {
    // SAFETY: forwarded.
    if !unsafe { obj.wants_finalizer() } {
        return false;
    }
    call_finalizer(obj) != 0
}

/// Marks `h` finalized and runs its finalizer with a lent strong handle,
/// reporting a panic. Returns the strong count once the lent handle is
/// given back (the caller decides what a zero means).
pub(crate) fn call_finalizer(obj: Erased) -> usize {
    let h = obj.ptr();
    // SAFETY: callers pass live objects.
    let header = unsafe { hdr(h) };
    let Some(finalize) = obj.vtable().finalize else {
        return header.strong();
    };
    header.set(flag::FINALIZED);
    header.inc_strong(); // the handle lent to the finalizer
                         // SAFETY: live, undropped, and the lent count keeps it so.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe { finalize(h) }));
    if let Err(payload) = result {
        crate::heap::with(|heap| {
            crate::unraisable::report_panic(heap, "finalizer of", obj.type_name(), payload)
        });
    }
    header.dec_strong()
}
