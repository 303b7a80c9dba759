//! [`AnyGc`]: a strong handle whose type is known only at run time, as the
//! collector hands out objects in [`garbage`](crate::garbage).

use std::fmt;
use std::ptr::NonNull;

use crate::gc::Gc;
use crate::header::{hdr, Header};
use crate::trace::{Trace, Visitor};

/// A type-erased strong handle: keeps its object alive like a [`Gc`].
///
/// Get the typed handle back with [`AnyGc::downcast`].
pub struct AnyGc {
    ptr: NonNull<Header>,
}

impl AnyGc {
    /// Wraps a handle, taking over its strong count.
    pub fn new<T: Trace + 'static>(gc: Gc<T>) -> AnyGc {
        let ptr = Gc::header_ptr(&gc);
        std::mem::forget(gc);
        AnyGc { ptr }
    }

    /// Makes a new handle to a live object.
    ///
    /// # Safety
    /// `h` must be live (header invariant 1).
    pub(crate) unsafe fn from_live(h: NonNull<Header>) -> AnyGc {
        // SAFETY: forwarded from the caller.
        unsafe { hdr(h) }.inc_strong();
        AnyGc { ptr: h }
    }

    fn header(&self) -> &Header {
        // SAFETY: a handle keeps its allocation alive (header invariant 2).
        unsafe { hdr(self.ptr) }
    }

    /// The name of the value's type (`std::any::type_name`).
    pub fn type_name(&self) -> &'static str {
        self.header().type_name()
    }

    /// The object's name as its type reports it ([`Trace::type_name`]):
    /// an interpreter's class name, for instance.
    pub fn name(&self) -> std::borrow::Cow<'static, str> {
        // SAFETY: a handle keeps the object alive.
        unsafe { crate::header::display_name(self.ptr) }
    }

    /// The typed handle, if the value is a `T`.
    pub fn downcast<T: Trace + 'static>(&self) -> Option<Gc<T>> {
        if (self.header().vtable.type_id)() != std::any::TypeId::of::<T>() {
            return None;
        }
        self.header().inc_strong();
        // SAFETY: the vtable's TypeId says the box is a GcBox<T>; we just
        // added the count the new handle owns.
        Some(unsafe { Gc::from_header(self.ptr) })
    }

    /// Whether both handles point to the same object.
    pub fn ptr_eq(a: &AnyGc, b: &AnyGc) -> bool {
        a.ptr == b.ptr
    }

    /// The object's address (stable for its lifetime).
    pub fn as_ptr(&self) -> *const () {
        self.ptr.as_ptr() as *const ()
    }

    /// The number of strong handles to the object.
    pub fn strong_count(&self) -> usize {
        self.header().strong()
    }
}

impl Clone for AnyGc {
    fn clone(&self) -> Self {
        self.header().inc_strong();
        AnyGc { ptr: self.ptr }
    }
}

impl Drop for AnyGc {
    fn drop(&mut self) {
        // SAFETY: this handle owned one unit of the count (invariant 2).
        unsafe { crate::trashcan::drop_strong(self.ptr) };
    }
}

impl Trace for AnyGc {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        visitor.visit_strong(self.ptr, self as *const Self as *const ());
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
