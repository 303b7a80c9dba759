//! [`Weak<T>`]: a handle that does not keep its object alive, optionally
//! with a callback run when the object dies (`weakref.ref(obj, callback)`).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::rc::Rc;

use crate::gc::Gc;
use crate::header::{flag, hdr, try_free, Erased, GcBox, Header};
use crate::heap::Heap;
use crate::trace::{Trace, Trust, Visitor};

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
    /// What the collector may change in this very handle.
    slot: WeakSlot,
    _marker: PhantomData<T>,
}

/// The part of a [`Weak`] handle the collector changes through a shared
/// reference, when the handle itself is owned by garbage.
pub(crate) struct WeakSlot {
    /// Set when the collector cleared this handle (CPython clears every
    /// weak reference that is itself garbage, bpo-38006).
    dead: Cell<bool>,
    /// The callback registration this handle holds, if any.
    callback: Cell<Option<Rc<Registration>>>,
}

impl WeakSlot {
    fn new(dead: bool, callback: Option<Rc<Registration>>) -> Self {
        WeakSlot {
            dead: Cell::new(dead),
            callback: Cell::new(callback),
        }
    }

    fn registration(&self) -> Option<Rc<Registration>> {
        let r = self.callback.take();
        self.callback.set(r.clone());
        r
    }

    /// Clears this handle as if it had been dropped: it never upgrades
    /// again and no longer keeps its callback pending. Returns the
    /// registration it held, for the caller to let go of outside any
    /// user code (see [`release_holder`]).
    pub(crate) fn kill(&self) -> Option<Rc<Registration>> {
        self.dead.set(true);
        self.callback.take()
    }
}

/// One handle holding `reg` is gone; the last one cancels the callback.
/// Returns the cancelled callback, for the caller to drop when it is safe
/// to run user code.
pub(crate) fn release_holder(reg: &Registration) -> Option<Box<dyn FnOnce()>> {
    let n = reg.holders.get() - 1;
    reg.holders.set(n);
    if n == 0 {
        reg.take()
    } else {
        None
    }
}

/// A weak-reference callback, shared by the `Weak` handles cloned from the
/// one that registered it and by the heap's callback table.
///
/// The callback runs only while some of those handles are alive: like
/// CPython, dropping the weak reference first cancels it.
pub(crate) struct Registration {
    callback: RefCell<Option<Box<dyn FnOnce()>>>,
    holders: Cell<usize>,
    type_name: &'static str,
}

impl Registration {
    /// Takes the callback out, so that it runs (or is dropped) once.
    pub(crate) fn take(&self) -> Option<Box<dyn FnOnce()>> {
        self.callback.borrow_mut().take()
    }
}

impl<T: Trace + 'static> Weak<T> {
    /// A weak handle that points nowhere; `upgrade` always returns `None`.
    pub const fn new() -> Self {
        Weak {
            ptr: None,
            epoch: 0,
            slot: WeakSlot {
                dead: Cell::new(false),
                callback: Cell::new(None),
            },
            _marker: PhantomData,
        }
    }

    /// # Safety
    /// `h` must be a live `GcBox<T>` (header invariant 1).
    pub(crate) unsafe fn from_header(h: NonNull<Header>) -> Self {
        // SAFETY: forwarded from the caller.
        let header = unsafe { hdr(h) };
        header.inc_weak();
        Weak {
            ptr: Some(h),
            epoch: header.weak_epoch(),
            slot: WeakSlot::new(false, None),
            _marker: PhantomData,
        }
    }

    fn header(&self) -> Option<&Header> {
        // SAFETY: a weak handle keeps the allocation alive (invariant 2).
        self.ptr.map(|h| unsafe { hdr(h) })
    }

    /// Whether the object is alive and this reference was not cleared.
    /// An object whose value the collector has dropped, or is dropping
    /// (see [`Gc::try_borrow`]), is not.
    pub fn is_alive(&self) -> bool {
        !self.slot.dead.get()
            && self.header().is_some_and(|h| {
                h.strong() > 0 && h.weak_epoch() == self.epoch && !crate::gc::unborrowable(h)
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
            self.header().map_or(0, |h| h.strong())
        } else {
            0
        }
    }

    /// Whether two weak handles point to the same allocation.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        a.ptr == b.ptr
    }

    /// Whether this handle has a callback that has not run yet.
    pub fn has_callback(&self) -> bool {
        self.slot
            .registration()
            .is_some_and(|r| r.callback.borrow().is_some())
    }
}

impl<T: Trace + 'static> Gc<T> {
    /// Makes a [`Weak`] handle whose `callback` runs when the object dies,
    /// like `weakref.ref(obj, callback)`.
    ///
    /// Callbacks run newest first. On the reference-counting path the
    /// object's finalizer runs before its weak references die. In a
    /// collection, weak references to the garbage die before any finalizer
    /// runs; callbacks of weak handles that are themselves owned by the
    /// garbage never run (CPython's `handle_weakrefs` rule), and neither
    /// does a callback whose weak handles were all dropped first. A panic
    /// in a callback is reported through the
    /// [unraisable hook](crate::set_unraisable_hook).
    ///
    /// # Examples
    /// ```
    /// use refcycle::Gc;
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let called = Rc::new(Cell::new(false));
    /// let c = called.clone();
    /// let obj = Gc::new(7);
    /// let w = Gc::downgrade_with_callback(&obj, move || c.set(true));
    /// drop(obj);
    /// assert!(called.get());
    /// assert!(w.upgrade().is_none());
    /// ```
    pub fn downgrade_with_callback(this: &Self, callback: impl FnOnce() + 'static) -> Weak<T> {
        let h = Gc::header_ptr(this);
        // SAFETY: `this` keeps the object alive.
        let weak = unsafe { Weak::from_header(h) };
        let type_name = std::any::type_name::<T>();
        let reg = Rc::new(Registration {
            callback: RefCell::new(Some(Box::new(callback))),
            holders: Cell::new(1),
            type_name,
        });
        crate::heap::with(|heap| {
            if let Some(heap) = heap {
                let mut table = heap.weak_callbacks.borrow_mut();
                table
                    .entry(h.as_ptr() as usize)
                    .or_default()
                    .push(reg.clone());
                // SAFETY: live.
                unsafe { hdr(h) }.set(flag::WEAK_CALLBACKS);
            }
        });
        weak.slot.callback.set(Some(reg));
        weak
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
        let reg = self.slot.registration();
        if let Some(r) = &reg {
            r.holders.set(r.holders.get() + 1);
        }
        Weak {
            ptr: self.ptr,
            epoch: self.epoch,
            slot: WeakSlot::new(self.slot.dead.get(), reg),
            _marker: PhantomData,
        }
    }
}

impl<T: Trace + 'static> Drop for Weak<T> {
    fn drop(&mut self) {
        if let Some(reg) = self.slot.callback.take() {
            // The last weak handle gone cancels the callback, and its entry
            // leaves the heap's table (else a long-lived object given many
            // short-lived callback weak refs would grow it without bound).
            if let Some(cancelled) = release_holder(&reg) {
                if let Some(h) = self.ptr {
                    forget_registration(h, &reg);
                }
                drop(cancelled);
            }
        }
        let Some(h) = self.ptr else { return };
        // SAFETY: live (invariant 2: our weak count holds it).
        let header = unsafe { hdr(h) };
        header.dec_weak();
        // SAFETY: `h` is live, a GcBox<T>; not used after this.
        unsafe { try_free(Erased::resolve(h, &GcBox::<T>::VTABLE)) };
    }
}

impl<T: Trace + 'static> Trace for Weak<T> {
    // A weak handle keeps nothing alive, but the collector must still see
    // it: whether a weak reference lives inside the garbage decides whether
    // its callback runs (CPython's handle_weakrefs).
    const NEEDS_TRACE: bool = true;
    // SAFETY: `trace` reports this weak handle, which the value owns,
    // once, and changes nothing.
    const TRUST: Trust<Self> = unsafe { Trust::exact() };

    fn trace(&self, visitor: &mut Visitor<'_>) {
        if let Some(h) = self.ptr {
            visitor.visit_weak(h, &self.slot);
        }
    }
}

impl<T: Trace + 'static> fmt::Debug for Weak<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(Weak)")
    }
}

/// Kills every existing weak reference to `h` and takes out the callbacks
/// registered on it, newest first. The caller runs them (or, for weak
/// handles inside the garbage, drops them).
///
/// # Safety
/// `h` must be live.
pub(crate) unsafe fn kill_weakrefs(
    heap: Option<&Heap>,
    h: NonNull<Header>,
) -> Vec<Rc<Registration>> {
    // SAFETY: forwarded.
    let header = unsafe { hdr(h) };
    header.bump_weak_epoch();
    let Some(heap) = heap.filter(|_| header.has(flag::WEAK_CALLBACKS)) else {
        return Vec::new();
    };
    header.clear(flag::WEAK_CALLBACKS);
    let mut regs = heap
        .weak_callbacks
        .borrow_mut()
        .remove(&(h.as_ptr() as usize))
        .unwrap_or_default();
    regs.reverse();
    regs
}

/// Removes `reg` from `h`'s entry in the heap's callback table.
fn forget_registration(h: NonNull<Header>, reg: &Rc<Registration>) {
    crate::heap::with(|heap| {
        let Some(heap) = heap else { return };
        let Ok(mut table) = heap.weak_callbacks.try_borrow_mut() else {
            return;
        };
        let key = h.as_ptr() as usize;
        let Some(regs) = table.get_mut(&key) else {
            return;
        };
        regs.retain(|r| !Rc::ptr_eq(r, reg));
        if regs.is_empty() {
            table.remove(&key);
            // SAFETY: the dropping `Weak` still holds a weak count on `h`.
            unsafe { hdr(h) }.clear(flag::WEAK_CALLBACKS);
        }
    });
}

/// Runs the callbacks of `regs` in order, reporting panics.
pub(crate) fn run_callbacks(heap: Option<&Heap>, regs: Vec<Rc<Registration>>) {
    for reg in regs {
        if let Some(cb) = reg.take() {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(cb));
            if let Err(payload) = r {
                crate::unraisable::report_panic(
                    heap,
                    "weakref callback for",
                    reg.type_name,
                    payload,
                );
            }
        }
    }
}

/// Kills the weak references to `h` and runs their callbacks (the
/// reference-counting path, CPython's `PyObject_ClearWeakRefs`).
///
/// # Safety
/// `h` must be live.
#[inline]
pub(crate) unsafe fn clear_weakrefs(heap: Option<&Heap>, h: NonNull<Header>) {
    // SAFETY: forwarded.
    let header = unsafe { hdr(h) };
    if !header.has(flag::WEAK_CALLBACKS) {
        // The common case, on every release: no callback to look up.
        header.bump_weak_epoch();
        return;
    }
    // SAFETY: forwarded.
    let regs = unsafe { kill_weakrefs(heap, h) };
    run_callbacks(heap, regs);
}
