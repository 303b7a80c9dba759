//! [`AnyGc`]: a strong handle whose type is known only at run time, as the
//! collector hands out objects in [`garbage`](crate::garbage).

use std::fmt;
use std::ptr::NonNull;

use crate::gc::Gc;
use crate::header::{hdr, Erased, GcBox, Header};
use crate::trace::{Trace, Trust, Visitor};

/// A type-erased strong handle: keeps its object alive like a [`Gc`].
///
/// Get the typed handle back with [`AnyGc::downcast`].
///
/// It holds the object's vtable beside the pointer: an object of a type
/// that needs no tracing has none in its memory (header invariant 5).
pub struct AnyGc {
    obj: Erased,
}

impl AnyGc {
    /// Wraps a handle, taking over its strong count.
    pub fn new<T: Trace + 'static>(gc: Gc<T>) -> AnyGc {
        let ptr = Gc::header_ptr(&gc);
        std::mem::forget(gc);
        // SAFETY: a Gc<T> points to a live GcBox<T> (invariant 1).
        let obj = unsafe { Erased::resolve(ptr, &GcBox::<T>::VTABLE) };
        AnyGc { obj }
    }

    /// Makes a new handle to a live object.
    ///
    /// # Safety
    /// The object must be live (header invariant 1).
    pub(crate) unsafe fn from_live(obj: Erased) -> AnyGc {
        // SAFETY: forwarded from the caller.
        unsafe { hdr(obj.ptr()) }.inc_strong();
        AnyGc { obj }
    }

    /// [`AnyGc::from_live`] for an object with a head (a listed object, a
    /// member of a collection).
    ///
    /// # Safety
    /// As [`Erased::with_head`].
    pub(crate) unsafe fn from_tracked(h: NonNull<Header>) -> AnyGc {
        // SAFETY: forwarded from the caller.
        unsafe { AnyGc::from_live(Erased::with_head(h)) }
    }

    fn header(&self) -> &Header {
        // SAFETY: a handle keeps its allocation alive (header invariant 2).
        unsafe { hdr(self.obj.ptr()) }
    }

    /// The name of the value's type (`std::any::type_name`).
    pub fn type_name(&self) -> &'static str {
        self.obj.type_name()
    }

    /// The object's name as its type reports it ([`Trace::type_name`]):
    /// an interpreter's class name, for instance.
    pub fn name(&self) -> std::borrow::Cow<'static, str> {
        // SAFETY: a handle keeps the object alive.
        unsafe { crate::header::display_name(self.obj) }
    }

    /// The typed handle, if the value is a `T`.
    pub fn downcast<T: Trace + 'static>(&self) -> Option<Gc<T>> {
        if (self.obj.vtable().type_id)() != std::any::TypeId::of::<T>() {
            return None;
        }
        self.header().inc_strong();
        // SAFETY: the vtable's TypeId says the box is a GcBox<T>; we just
        // added the count the new handle owns.
        Some(unsafe { Gc::from_header(self.obj.ptr()) })
    }

    /// Whether both handles point to the same object.
    pub fn ptr_eq(a: &AnyGc, b: &AnyGc) -> bool {
        a.obj.ptr() == b.obj.ptr()
    }

    /// The object's address (stable for its lifetime).
    pub fn as_ptr(&self) -> *const () {
        self.obj.ptr().as_ptr() as *const ()
    }

    /// The object and its vtable.
    pub(crate) fn erased(&self) -> Erased {
        self.obj
    }

    /// The number of strong handles to the object.
    pub fn strong_count(&self) -> usize {
        self.header().strong()
    }
}

impl Clone for AnyGc {
    fn clone(&self) -> Self {
        self.header().inc_strong();
        AnyGc { obj: self.obj }
    }
}

impl Drop for AnyGc {
    fn drop(&mut self) {
        // SAFETY: this handle owned one unit of the count (invariant 2).
        unsafe { crate::trashcan::drop_strong(self.obj) };
    }
}

impl Trace for AnyGc {
    // SAFETY: `trace` reports this handle, which the value owns, once,
    // and changes nothing.
    const TRUST: Trust<Self> = unsafe { Trust::exact() };

    fn trace(&self, visitor: &mut Visitor<'_>) {
        let handle = self as *const Self as *const ();
        visitor.visit_strong_untracked(self.obj.ptr(), self.obj.vtable(), handle);
    }
}

impl fmt::Debug for AnyGc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} at {:p}>", self.type_name(), self.as_ptr())
    }
}

impl<T: Trace + 'static> From<Gc<T>> for AnyGc {
    fn from(gc: Gc<T>) -> Self {
        AnyGc::new(gc)
    }
}
