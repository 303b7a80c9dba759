//! [`Weak<T>`]: a handle that does not keep its object alive.

use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;

use crate::gc::Gc;
use crate::header::{flag, hdr, try_free, Header};
use crate::heap::Heap;
use crate::trace::{Trace, Visitor};

/// A weak handle, like [`std::rc::Weak`] or Python's `weakref.ref`.
///
/// [`Weak::upgrade`] returns a strong handle while the object is alive.
/// Weak references die when the object is released, and also when the
/// cycle collector finds the object unreachable, *before* any finalizer
/// runs (CPython's order): a finalizer never sees a weak reference to
/// garbage come back to life. A weak reference that died stays dead even
/// if the object is later resurrected.
///
/// # Examples
/// ```
/// use refcycle::Gc;
///
/// let a = Gc::new(1);
/// let w = Gc::downgrade(&a);
/// assert_eq!(w.upgrade().map(|g| *g), Some(1));
/// drop(a);
/// assert!(w.upgrade().is_none());
/// ```
pub struct Weak<T: Trace + 'static> {
    ptr: Option<NonNull<Header>>,
    /// The object's `weak_epoch` when this handle was made; a different
    /// epoch means the object's weak references were cleared since.
    epoch: u32,
    _marker: PhantomData<T>,
}

impl<T: Trace + 'static> Weak<T> {
    /// A weak handle that points nowhere; `upgrade` always returns `None`.
    pub const fn new() -> Self {
        Weak { ptr: None, epoch: 0, _marker: PhantomData }
    }

    /// # Safety
    /// `h` must be a live `GcBox<T>` (header invariant 1).
    pub(crate) unsafe fn from_header(h: NonNull<Header>) -> Self {
        // SAFETY: forwarded from the caller.
        let header = unsafe { hdr(h) };
        header.inc_weak();
        Weak { ptr: Some(h), epoch: header.weak_epoch.get(), _marker: PhantomData }
    }

    fn header(&self) -> Option<&Header> {
        // SAFETY: a weak handle keeps the allocation alive (invariant 2).
        self.ptr.map(|h| unsafe { hdr(h) })
    }

    /// Whether the object is alive and this reference was not cleared.
    pub fn is_alive(&self) -> bool {
        self.header().is_some_and(|h| {
            h.strong.get() > 0
                && !h.has(flag::DROPPED)
                && h.weak_epoch.get() == self.epoch
        })
    }

    /// A strong handle, if the object is still alive.
    pub fn upgrade(&self) -> Option<Gc<T>> {
        if !self.is_alive() {
            return None;
        }
        let h = self.ptr?;
        // SAFETY: live (checked above).
        unsafe { hdr(h) }.inc_strong();
        // SAFETY: a GcBox<T> (invariant 1); we just added the count the
        // new handle owns.
        Some(unsafe { Gc::from_header(h) })
    }

    /// The number of strong handles (0 once the object is dead).
    pub fn strong_count(&self) -> usize {
        if self.is_alive() {
            self.header().map_or(0, |h| h.strong.get())
        } else {
            0
        }
    }

    /// Whether two weak handles point to the same allocation.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        a.ptr == b.ptr
    }
}

impl<T: Trace + 'static> Default for Weak<T> {
    fn default() -> Self {
        Weak::new()
    }
}

impl<T: Trace + 'static> Clone for Weak<T> {
    fn clone(&self) -> Self {
        if let Some(h) = self.header() {
            h.inc_weak();
        }
        Weak { ptr: self.ptr, epoch: self.epoch, _marker: PhantomData }
    }
}

impl<T: Trace + 'static> Drop for Weak<T> {
    fn drop(&mut self) {
        let Some(h) = self.ptr else { return };
        // SAFETY: live (invariant 2: our weak count holds it).
        let header = unsafe { hdr(h) };
        header.weak.set(header.weak.get() - 1);
        // SAFETY: `h` is live; not used after this.
        unsafe { try_free(h) };
    }
}

impl<T: Trace + 'static> Trace for Weak<T> {
    // A weak handle keeps nothing alive, but the collector must still see
    // it: whether a weak reference lives inside the garbage decides whether
    // its callback runs (CPython's handle_weakrefs).
    const NEEDS_TRACE: bool = true;

    fn trace(&self, visitor: &mut Visitor<'_>) {
        if let Some(h) = self.ptr {
            visitor.visit_weak(h, self as *const Self as *const ());
        }
    }
}

impl<T: Trace + 'static> fmt::Debug for Weak<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(Weak)")
    }
}

/// Kills every existing weak reference to `h` (refcount and collector
/// paths alike).
///
/// # Safety
/// `h` must be live.
pub(crate) unsafe fn clear_weakrefs(_heap: Option<&Heap>, h: NonNull<Header>) {
    // SAFETY: forwarded.
    let header = unsafe { hdr(h) };
    header.weak_epoch.set(header.weak_epoch.get().wrapping_add(1));
}
