//! The object header every heap object starts with, and the type-erased
//! operations (the vtable) the collector calls on it.
//!
//! ```text
//!  GcBox<T>  (#[repr(C)], one allocation per object)
//!  +-----------------------------+  offset 0
//!  | links.prev  *const Links    |  generation list links (list.rs);
//!  | links.next  *const Links    |  both null while untracked
//!  +-----------------------------+
//!  | strong      usize           |  number of Gc<T> handles
//!  | weak        usize           |  number of Weak<T> handles
//!  | gc_refs     usize           |  scratch word: the collector's count
//!  |                             |  during a collection, an index during
//!  |                             |  an introspection walk (both hold
//!  |                             |  heap.defer_releases)
//!  | flags       u32  (below)    |
//!  | weak_epoch  u32             |  bumped when weak refs are cleared
//!  | vtable      &'static VTable |  trace / drop / free / type name
//!  +-----------------------------+
//!  | value       T               |  dropped in place at most once
//!  +-----------------------------+
//!
//!  flags (u32), bit by bit:
//!   0 TRACKED     linked into a generation list.
//!                 set: Gc::new (NEEDS_TRACE types); cleared: untrack on
//!                 release, delete_garbage, heap teardown. read: release.
//!   1 DROPPED     the value has been dropped ("cleared"); deref panics.
//!                 set: just before drop_in_place, never cleared.
//!   2 FINALIZED   the finalizer has run (PEP 442: at most once a life).
//!                 set: before calling the finalizer; never cleared.
//!   3 PENDING     queued for release (trashcan or during a collection).
//!                 set: release(); cleared: when the queue is drained.
//!   4 COLLECTING  in the set of the collection under way (CPython's
//!                 PREV_MASK_COLLECTING). set: update_refs; cleared: when
//!                 found reachable, or when the collection ends.
//!   5 UNREACHABLE tentatively unreachable (NEXT_MASK_UNREACHABLE).
//!                 set/cleared: move_unreachable; cleared at the end.
//!   6 OPAQUE      could not report its children this collection (a
//!                 mutably borrowed RefCell, a panicking Trace).
//!                 set: the collector's sinks; cleared at the end.
//!   7 LEGACY      has a Python-2-style finalizer: a cycle through it is
//!                 never freed but moved to gc.garbage. set by the user.
//!   8 FROZEN      in the permanent generation (gc.freeze).
//!                 set: freeze; cleared: unfreeze, untrack.
//!   9 WEAK_CALLBACKS  the heap's callback table may hold weak-reference
//!                 callbacks for this object. set: downgrade_with_callback;
//!                 cleared: when its weak references are cleared.
//!  10 LEGACY_HELD in a collection's list of objects kept alive by legacy
//!                 finalizers. set: move_legacy_finalizers; cleared at the end.
//!  11 USER_UNTRACKED  untracked by the user (`untrack`), so its release
//!                 still counts as a tracked dealloc. set: untrack;
//!                 cleared: track. read: release_now.
//! ```
//!
//! The header is 56 bytes on 64-bit targets (seven words), for tracked
//! and untracked objects alike; `compare/` measures it against the peer
//! crates, and `docs/performance.md` says what a smaller one would take.

use std::cell::Cell;
use std::ptr::NonNull;

use crate::list::Links;
use crate::trace::Visitor;

/// Flag bits of [`Header::flags`]; the module docs say who sets each.
pub(crate) mod flag {
    pub const TRACKED: u32 = 1 << 0;
    pub const DROPPED: u32 = 1 << 1;
    pub const FINALIZED: u32 = 1 << 2;
    pub const PENDING: u32 = 1 << 3;
    pub const COLLECTING: u32 = 1 << 4;
    pub const UNREACHABLE: u32 = 1 << 5;
    pub const OPAQUE: u32 = 1 << 6;
    pub const LEGACY: u32 = 1 << 7;
    pub const FROZEN: u32 = 1 << 8;
    pub const WEAK_CALLBACKS: u32 = 1 << 9;
    pub const LEGACY_HELD: u32 = 1 << 10;
    pub const USER_UNTRACKED: u32 = 1 << 11;
    /// Flags that only mean something during one collection.
    pub const SCRATCH: u32 = COLLECTING | UNREACHABLE | OPAQUE | LEGACY_HELD;
}

/// Type-erased operations on a `GcBox<T>`, one static table per `T`.
pub(crate) struct VTable {
    /// Calls `T::trace` on the value.
    pub trace: unsafe fn(NonNull<Header>, &mut Visitor<'_>),
    /// Drops the value in place.
    pub drop_value: unsafe fn(NonNull<Header>),
    /// Frees the allocation without dropping the value.
    pub free: unsafe fn(NonNull<Header>),
    /// Runs the finalizer, if the type has one.
    pub finalize: Option<unsafe fn(NonNull<Header>)>,
    /// `std::any::type_name::<T>()`.
    pub type_name: fn() -> &'static str,
    /// `TypeId::of::<T>()`, for downcasting type-erased handles.
    pub type_id: fn() -> std::any::TypeId,
    /// `T::type_name(&value)`: the user's name for this object.
    pub display_name: unsafe fn(NonNull<Header>) -> std::borrow::Cow<'static, str>,
}

/// The header at the start of every object.
///
/// # Invariants (cited by `// SAFETY:` comments as "header invariant N")
/// 1. A `NonNull<Header>` held by a `Gc`, a `Weak`, a generation list or a
///    release queue points to a live allocation made by `GcBox::<T>::alloc`
///    for the `T` of `vtable`, and was derived from that allocation's
///    pointer, so it may be cast back to `*mut GcBox<T>`.
/// 2. The allocation is freed only by `try_free`, and only when `strong`
///    and `weak` are zero and neither TRACKED nor PENDING is set: no
///    handle, list or queue can still reach it.
/// 3. The value is initialised until DROPPED is set; DROPPED is set before
///    `drop_in_place` runs and never cleared, so the value is dropped at most
///    once and never read after it is dropped.
/// 4. `links` are non-null exactly when TRACKED is set.
#[repr(C)]
pub(crate) struct Header {
    pub links: Links,
    pub strong: Cell<usize>,
    pub weak: Cell<usize>,
    pub gc_refs: Cell<usize>,
    pub flags: Cell<u32>,
    pub weak_epoch: Cell<u32>,
    pub vtable: &'static VTable,
}

// The size the module docs state (and docs/performance.md reports).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Header>() == 56);

impl Header {
    pub fn new(vtable: &'static VTable) -> Self {
        Header {
            links: Links::unlinked(),
            strong: Cell::new(1),
            weak: Cell::new(0),
            gc_refs: Cell::new(0),
            flags: Cell::new(0),
            weak_epoch: Cell::new(0),
            vtable,
        }
    }

    #[inline]
    pub fn has(&self, f: u32) -> bool {
        self.flags.get() & f != 0
    }

    #[inline]
    pub fn set(&self, f: u32) {
        self.flags.set(self.flags.get() | f);
    }

    #[inline]
    pub fn clear(&self, f: u32) {
        self.flags.set(self.flags.get() & !f);
    }

    /// Whether the object still has a finalizer to run: its type has one,
    /// it has not run (PEP 442: at most once a life), and the value is
    /// intact.
    pub fn wants_finalizer(&self) -> bool {
        self.vtable.finalize.is_some() && !self.has(flag::FINALIZED | flag::DROPPED)
    }

    /// The Rust type's name (`std::any::type_name`).
    pub fn type_name(&self) -> &'static str {
        (self.vtable.type_name)()
    }

    /// Increments the strong count, aborting on overflow as `Rc` does.
    #[inline]
    pub fn inc_strong(&self) {
        let n = self.strong.get().wrapping_add(1);
        if n == 0 {
            std::process::abort();
        }
        self.strong.set(n);
    }

    /// Increments the weak count, aborting on overflow as `Rc` does.
    #[inline]
    pub fn inc_weak(&self) {
        let n = self.weak.get().wrapping_add(1);
        if n == 0 {
            std::process::abort();
        }
        self.weak.set(n);
    }
}

/// Borrows the header behind a pointer.
///
/// # Safety
/// `h` must satisfy header invariant 1 (point to a live allocation).
#[inline]
pub(crate) unsafe fn hdr<'a>(h: NonNull<Header>) -> &'a Header {
    // SAFETY: the caller guarantees the allocation is live; the header is
    // only ever accessed through shared references (all fields are Cells).
    unsafe { h.as_ref() }
}

/// Frees `h`'s allocation if nothing can reach it any more (invariant 2).
///
/// # Safety
/// `h` must satisfy header invariant 1. After this returns `true` the
/// pointer dangles and must not be used.
pub(crate) unsafe fn try_free(h: NonNull<Header>) -> bool {
    // SAFETY: caller guarantees `h` is live.
    let header = unsafe { hdr(h) };
    let busy = flag::TRACKED | flag::PENDING;
    if header.strong.get() != 0 || header.weak.get() != 0 || header.has(busy) {
        return false;
    }
    if !header.has(flag::DROPPED) {
        // Only reachable when the value was never dropped: drop it first.
        // SAFETY: strong is zero, so no handle can deref the value.
        unsafe { drop_value(h) };
    }
    // SAFETY: invariant 2 holds (checked above), so no one can reach the
    // allocation after this call.
    unsafe { (header.vtable.free)(h) };
    true
}

/// Drops the value in place unless it already was, catching a panic.
///
/// Returns the panic payload if the value's `Drop` panicked.
///
/// # Safety
/// `h` must satisfy header invariant 1, and no `&T` to the value may be
/// live (the caller has established that no handle can reach it, or that
/// the handles that can are all being cleared).
pub(crate) unsafe fn drop_value(h: NonNull<Header>) -> Option<Box<dyn std::any::Any + Send>> {
    // SAFETY: caller guarantees `h` is live.
    let header = unsafe { hdr(h) };
    if header.has(flag::DROPPED) {
        return None;
    }
    header.set(flag::DROPPED);
    let drop_fn = header.vtable.drop_value;
    // SAFETY: DROPPED was not set, so the value is initialised (invariant
    // 3); it is now set, so no one will read or drop the value again.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe { drop_fn(h) }));
    result.err()
}

/// [`drop_value`], reporting a panic from the value's `Drop` through the
/// unraisable hook (the release path and the collector both do this).
///
/// # Safety
/// As [`drop_value`].
pub(crate) unsafe fn drop_value_reporting(heap: Option<&crate::heap::Heap>, h: NonNull<Header>) {
    // SAFETY: forwarded from the caller.
    if let Some(payload) = unsafe { drop_value(h) } {
        // SAFETY: still live: dropping the value does not free it.
        let name = unsafe { hdr(h) }.type_name();
        crate::unraisable::report_panic(heap, "drop of", name, payload);
    }
}

/// One allocation: the header followed by the value.
#[repr(C)]
pub(crate) struct GcBox<T> {
    pub header: Header,
    pub value: std::cell::UnsafeCell<std::mem::ManuallyDrop<T>>,
}

impl<T: crate::Trace + 'static> GcBox<T> {
    pub(crate) const VTABLE: VTable = VTable {
        trace: Self::trace_erased,
        drop_value: Self::drop_erased,
        free: Self::free_erased,
        finalize: None,
        type_name: std::any::type_name::<T>,
        type_id: std::any::TypeId::of::<T>,
        display_name: Self::display_name_erased,
    };

    /// Allocates a box with strong count 1, not yet tracked.
    pub fn alloc(value: T, vtable: Option<&'static VTable>) -> NonNull<Header> {
        let vtable = vtable.unwrap_or(&Self::VTABLE);
        let boxed = Box::new(GcBox {
            header: Header::new(vtable),
            value: std::cell::UnsafeCell::new(std::mem::ManuallyDrop::new(value)),
        });
        // Cast, not a field reference: the pointer keeps the provenance of
        // the whole allocation (invariant 1).
        NonNull::from(Box::leak(boxed)).cast::<Header>()
    }

    /// # Safety
    /// `h` satisfies invariant 1 for this `T`, and the value is not DROPPED.
    pub unsafe fn value_ref<'a>(h: NonNull<Header>) -> &'a T {
        let p = h.cast::<GcBox<T>>().as_ptr();
        // SAFETY: per the caller, `p` is a live GcBox<T> whose value is
        // initialised; values are only mutated by drop_value, which first
        // sets DROPPED.
        unsafe { &*(*p).value.get() }
    }

    unsafe fn trace_erased(h: NonNull<Header>, visitor: &mut Visitor<'_>) {
        // SAFETY: the collector calls trace only on live, undropped objects.
        unsafe { Self::value_ref(h) }.trace(visitor);
    }

    unsafe fn display_name_erased(h: NonNull<Header>) -> std::borrow::Cow<'static, str> {
        // SAFETY: callers pass live objects (invariant 1).
        if unsafe { hdr(h) }.has(flag::DROPPED) {
            return std::borrow::Cow::Borrowed(std::any::type_name::<T>());
        }
        // SAFETY: live and not DROPPED (invariant 3).
        unsafe { Self::value_ref(h) }.type_name()
    }

    unsafe fn drop_erased(h: NonNull<Header>) {
        let p = h.cast::<GcBox<T>>().as_ptr();
        // SAFETY: called once, by `drop_value`, which set DROPPED first
        // (invariant 3); `p` is a live GcBox<T> (invariant 1).
        unsafe { std::mem::ManuallyDrop::drop(&mut *(*p).value.get()) }
    }

    unsafe fn free_erased(h: NonNull<Header>) {
        // SAFETY: `h` came from Box::leak in `alloc` for this T (invariant
        // 1) and nothing reaches it any more (invariant 2). The value is
        // ManuallyDrop, so this frees memory without dropping it again.
        drop(unsafe { Box::from_raw(h.cast::<GcBox<T>>().as_ptr()) });
    }
}

/// The user's name for the object behind `h` ([`crate::Trace::type_name`]),
/// or the Rust type's name once its value is dropped or if the user's
/// `type_name` panics.
///
/// # Safety
/// `h` must be live (header invariant 1).
pub(crate) unsafe fn display_name(h: NonNull<Header>) -> std::borrow::Cow<'static, str> {
    // SAFETY: forwarded from the caller.
    let header = unsafe { hdr(h) };
    let f = header.vtable.display_name;
    // SAFETY: forwarded from the caller.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe { f(h) }));
    r.unwrap_or(std::borrow::Cow::Borrowed(header.type_name()))
}
