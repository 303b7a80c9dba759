//! [`Gc<T>`], the strong handle: `Rc`'s API on a collected heap.

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;

use crate::header::{flag, hdr, GcBox, Header};
use crate::trace::{Trace, Trust, Visitor};
use crate::weak::Weak;

/// A strong, reference-counted handle to a value in this thread's heap.
///
/// Cloning increments the count; dropping the last handle frees the value
/// at once, as with [`std::rc::Rc`]. Values that can hold handles
/// (`T::NEEDS_TRACE`) are also tracked by the cycle collector, which frees
/// reference cycles that counting alone cannot (see [`collect`](crate::collect)).
///
/// `Gc` is neither `Send` nor `Sync`: each thread has its own heap.
///
/// # Examples
/// ```
/// use refcycle::Gc;
///
/// let a = Gc::new(5);
/// let b = a.clone();
/// assert_eq!(*b, 5);
/// assert_eq!(Gc::strong_count(&a), 2);
/// assert!(Gc::ptr_eq(&a, &b));
/// ```
pub struct Gc<T: Trace + 'static> {
    ptr: NonNull<Header>,
    _owns: PhantomData<T>,
}

/// The error of [`Gc::try_borrow`]: the collector has dropped the value,
/// or is about to (it is part of the garbage of the collection under way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cleared {
    /// The name of the value's type.
    pub type_name: &'static str,
}

impl fmt::Display for Cleared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the value of this Gc<{}> was dropped, or is being dropped, by the cycle \
             collector (it is part of unreachable garbage)",
            self.type_name
        )
    }
}

impl std::error::Error for Cleared {}

impl<T: Trace + 'static> Gc<T> {
    /// Moves `value` into the heap and returns the first handle to it.
    ///
    /// May run an automatic collection first, when the number of tracked
    /// allocations since the last one passes the young threshold.
    pub fn new(value: T) -> Gc<T> {
        crate::heap::with(|heap| Self::from_box(heap, GcBox::alloc(heap, value, None)))
    }

    /// Wraps a freshly allocated box (strong 1) and tracks it in `heap`
    /// (this thread's, if it has one) if `T` can hold handles.
    pub(crate) fn from_box(heap: Option<&crate::heap::Heap>, h: NonNull<Header>) -> Gc<T> {
        if let (true, Some(heap)) = (T::NEEDS_TRACE, heap) {
            // SAFETY: `h` is live and untracked: we just made it.
            unsafe { heap.track_new(h) };
        }
        Gc {
            ptr: h,
            _owns: PhantomData,
        }
    }

    /// Builds a handle from a pointer whose strong count already accounts
    /// for it.
    ///
    /// # Safety
    /// `h` must be a live `GcBox<T>` (header invariant 1) and the caller
    /// must transfer one unit of strong count to the returned handle.
    pub(crate) unsafe fn from_header(h: NonNull<Header>) -> Gc<T> {
        Gc {
            ptr: h,
            _owns: PhantomData,
        }
    }

    /// Lends a handle for a pointer without changing the count.
    ///
    /// # Safety
    /// As [`Gc::from_header`], but the count is not transferred: the
    /// returned handle must not be dropped (it is `ManuallyDrop`).
    pub(crate) unsafe fn borrow_header(h: NonNull<Header>) -> ManuallyDrop<Gc<T>> {
        ManuallyDrop::new(Gc {
            ptr: h,
            _owns: PhantomData,
        })
    }

    pub(crate) fn header_ptr(this: &Self) -> NonNull<Header> {
        this.ptr
    }

    fn header(&self) -> &Header {
        // SAFETY: a handle keeps its allocation alive (header invariant 2).
        unsafe { hdr(self.ptr) }
    }

    /// Returns the value, or [`Cleared`] if the cycle collector has
    /// dropped it or is dropping it.
    ///
    /// A value is cleared only when the collector found it unreachable,
    /// so a handle that sees `Cleared` was kept somewhere the collector was
    /// not told about (by a `Drop` impl of a fellow cycle member, or a
    /// `Trace` impl that reported a handle it does not own). From the
    /// moment a collection has verified its garbage until it has dropped
    /// it all, the garbage's values are cleared already as far as borrows
    /// go: a `Drop` impl of one member that looks at another, not dropped
    /// yet, gets `Cleared` too. (A borrow made then could outlive the
    /// value.) Finalizers and weak-reference callbacks see the garbage
    /// intact.
    ///
    /// # Errors
    /// [`Cleared`] when the value was dropped by the collector, or is in
    /// the garbage it is dropping.
    pub fn try_borrow(this: &Self) -> Result<&T, Cleared> {
        if unborrowable(this.header()) {
            return Err(Cleared {
                type_name: std::any::type_name::<T>(),
            });
        }
        // SAFETY: live (we hold a handle) and not DROPPED (header
        // invariant 3); not condemned either, so the collector will not
        // drop it while the borrow lasts (`Heap::condemned`).
        Ok(unsafe { GcBox::<T>::value_ref(this.ptr) })
    }

    /// Whether the value is cleared: dropped by the collector, or in the
    /// garbage it is dropping ([`Gc::try_borrow`] then returns `Err`).
    pub fn is_cleared(this: &Self) -> bool {
        unborrowable(this.header())
    }

    /// Whether two handles point to the same object.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        a.ptr == b.ptr
    }

    /// The number of strong handles to this object.
    pub fn strong_count(this: &Self) -> usize {
        this.header().strong()
    }

    /// The number of weak handles to this object.
    pub fn weak_count(this: &Self) -> usize {
        this.header().weak()
    }

    /// Makes a [`Weak`] handle to this object.
    pub fn downgrade(this: &Self) -> Weak<T> {
        // SAFETY: the pointer is live and a GcBox<T>.
        unsafe { Weak::from_header(this.ptr) }
    }

    /// The object's address, stable for its lifetime (for `id()`-style use).
    pub fn as_ptr(this: &Self) -> *const () {
        this.ptr.as_ptr() as *const ()
    }
}

/// Whether the value behind `header` may not be borrowed: the collector
/// dropped it (DROPPED), or it is in the garbage of a collection that has
/// verified it and will drop it (UNREACHABLE while `Heap::condemned` is
/// set). One test of the flags word decides for every other object.
#[inline]
pub(crate) fn unborrowable(header: &Header) -> bool {
    header.has(flag::DROPPED | flag::UNREACHABLE) && unborrowable_slow(header)
}

#[cold]
#[inline(never)]
fn unborrowable_slow(header: &Header) -> bool {
    header.has(flag::DROPPED) || crate::heap::with(|heap| heap.is_some_and(|h| h.condemned.get()))
}

#[cold]
#[inline(never)]
fn cleared_panic(type_name: &'static str) -> ! {
    panic!(
        "refcycle: dereferenced a Gc<{type_name}> whose value was dropped, or is being \
         dropped, by the cycle collector (it is part of unreachable garbage); use \
         Gc::try_borrow to check"
    )
}

impl<T: Trace + 'static> Deref for Gc<T> {
    type Target = T;

    /// # Panics
    /// If the cycle collector dropped the value or is dropping it (see
    /// [`Gc::try_borrow`], which returns an error instead).
    #[inline]
    fn deref(&self) -> &T {
        if unborrowable(self.header()) {
            cleared_panic(std::any::type_name::<T>());
        }
        // SAFETY: live (we hold a handle) and not DROPPED (header
        // invariant 3); not condemned either (`Heap::condemned`).
        unsafe { GcBox::<T>::value_ref(self.ptr) }
    }
}

impl<T: Trace + 'static> Clone for Gc<T> {
    #[inline]
    fn clone(&self) -> Self {
        self.header().inc_strong();
        Gc {
            ptr: self.ptr,
            _owns: PhantomData,
        }
    }
}

impl<T: Trace + 'static> Drop for Gc<T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: this handle owned one unit of the count (invariant 2).
        unsafe { crate::trashcan::drop_gc::<T>(self.ptr) };
    }
}

impl<T: Trace + 'static> Trace for Gc<T> {
    const NEEDS_TRACE: bool = true;
    // SAFETY: `trace` reports this handle, which the value owns, once,
    // and changes nothing; what `T` holds is `T`'s to report.
    const TRUST: Trust<Self> = unsafe { Trust::exact() };

    fn trace(&self, visitor: &mut Visitor<'_>) {
        let handle = self as *const Self as *const ();
        if T::NEEDS_TRACE {
            visitor.visit_strong(self.ptr, handle);
        } else {
            visitor.visit_strong_untracked(self.ptr, &GcBox::<T>::VTABLE, handle);
        }
    }
}

impl<T: Trace + fmt::Debug + 'static> fmt::Debug for Gc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Gc::try_borrow(self) {
            Ok(v) => fmt::Debug::fmt(v, f),
            Err(_) => write!(f, "<cleared {}>", std::any::type_name::<T>()),
        }
    }
}

impl<T: Trace + fmt::Display + 'static> fmt::Display for Gc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: Trace + Default + 'static> Default for Gc<T> {
    fn default() -> Self {
        Gc::new(T::default())
    }
}

impl<T: Trace + PartialEq + 'static> PartialEq for Gc<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Trace + 'static> fmt::Pointer for Gc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&Gc::as_ptr(self), f)
    }
}
