//! The object header every heap object starts with, and the type-erased
//! operations (the vtable) the collector calls on it.
//!
//! ```text
//!  tracked types (T::NEEDS_TRACE), and     untracked types
//!  every type made with a finalizer
//!  TrackedBox<T>  (#[repr(C)])            UntrackedBox<T>  (#[repr(C)])
//!  +----------------------------+ 0
//!  | GcHead                     |         (no GcHead: such an object is
//!  |  links.prev  *const Links  |          never in a generation list,
//!  |  links.next  *const Links  |          the collector never examines
//!  |  gc_refs     usize         |          it, and whoever holds a type-
//!  |  vtable      &VTable       |          erased pointer to it holds its
//!  +----------------------------+ 32       vtable beside it: `Erased`)
//!  | Header                     |         +----------------------------+ 0
//!  |  state       u64           |         | Header                     |
//!  |   strong count  bits 0-47  |         |  (the same fields)         |
//!  |   flags (below) bits 48-63 |         |                            |
//!  |  weak_state  u64           |         |                            |
//!  |   weak count    bits 0-39  |         |                            |
//!  |   weak_epoch    bits 40-63 |         |                            |
//!  +----------------------------+ 48      +----------------------------+ 16
//!  | value        T             |         | value        T             |
//!  +----------------------------+         +----------------------------+
//!
//!  A NonNull<Header> points at the Header in both layouts; the GcHead is
//!  the 32 bytes before it (CPython puts its PyGC_Head before the object
//!  the same way), and the HEAD flag says whether there is one. links:
//!  both null while untracked. gc_refs: the collector's count during a
//!  collection, an index during an introspection walk (both hold
//!  heap.defer_releases). weak_epoch: bumped when the object's weak
//!  references are cleared.
//!
//!  flags, bit by bit (a u32 in the API, stored above the strong count):
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
//!   5 UNREACHABLE in a collection's garbage (NEXT_MASK_UNREACHABLE).
//!                 set: move_unreachable; cleared at the end.
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
//!  12 INNER_EDGES reported a handle to another object of the collected
//!                 set in subtract_refs. set: subtract_refs; cleared:
//!                 move_unreachable (reachable objects), or at the end.
//!  13 HEAD        the object has a GcHead (above). set: alloc, never
//!                 cleared.
//!  14 EXACT       its type's Trace impl is exact (`Trace::TRUST`): when
//!                 every object of a collection's set has it, the
//!                 garbage is not verified (collect/verify.rs). set:
//!                 alloc, never cleared.
//! ```
//!
//! On 64-bit targets that is 48 bytes before the value of a tracked type
//! and 16 before that of an untracked one; `compare/` measures it against
//! the peer crates, and `docs/performance.md` says what a smaller one
//! would take.

use std::cell::Cell;
use std::ptr::NonNull;

use crate::heap::Heap;
use crate::list::Links;
use crate::trace::Visitor;

/// Flag bits of the header's state word; the module docs say who sets each.
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
    pub const INNER_EDGES: u32 = 1 << 12;
    pub const HEAD: u32 = 1 << 13;
    pub const EXACT: u32 = 1 << 14;
    /// Every flag.
    pub const ALL: u32 = (1 << 15) - 1;
    /// Flags that only mean something during one collection.
    pub const SCRATCH: u32 = COLLECTING | UNREACHABLE | OPAQUE | LEGACY_HELD | INNER_EDGES;
}

/// Type-erased operations on a `GcBox<T>`, one static table per `T`.
pub(crate) struct VTable {
    /// Calls `T::trace` on the value.
    pub trace: unsafe fn(NonNull<Header>, &mut Visitor<'_>),
    /// Drops the value in place.
    pub drop_value: unsafe fn(NonNull<Header>),
    /// Frees the allocation without dropping the value.
    pub free: unsafe fn(NonNull<Header>, Option<&Heap>),
    /// Runs the finalizer, if the type has one.
    pub finalize: Option<unsafe fn(NonNull<Header>)>,
    /// `std::any::type_name::<T>()`.
    pub type_name: fn() -> &'static str,
    /// `TypeId::of::<T>()`, for downcasting type-erased handles.
    pub type_id: fn() -> std::any::TypeId,
    /// `T::type_name(&value)`: the user's name for this object.
    pub display_name: unsafe fn(NonNull<Header>) -> std::borrow::Cow<'static, str>,
}

/// What tracked types (and types made with a finalizer) have, just before
/// their [`Header`]: the generation list links, the collector's scratch
/// count, and the type's operations.
#[repr(C)]
pub(crate) struct GcHead {
    pub links: Links,
    pub gc_refs: Cell<usize>,
    pub vtable: &'static VTable,
}

/// The distance from an object's [`GcHead`] to its [`Header`].
pub(crate) const HEAD_SIZE: usize = std::mem::size_of::<GcHead>();

/// The header of every object (after the [`GcHead`] of a tracked type).
///
/// # Invariants (cited by `// SAFETY:` comments as "header invariant N")
/// 1. A `NonNull<Header>` held by a `Gc`, a `Weak`, a generation list or a
///    release queue points to the header of a live allocation made by
///    `GcBox::<T>::alloc` (for the `T` of the `Gc<T>` or `Weak<T>`, and of
///    the vtable that goes with it), and was derived from that
///    allocation's pointer (so it carries the provenance of the whole
///    allocation, and `GcBox::<T>` can find the box from it).
/// 2. The allocation is freed only when the strong and weak counts are
///    zero and neither TRACKED nor PENDING is set: no handle, list or
///    queue can still reach it. `try_free` (and `try_free_in`, the same
///    with the heap at hand) checks this before freeing; the plain release
///    (`trashcan::release_plain`) frees only what it has checked is so.
/// 3. The value is initialised until DROPPED is set; DROPPED is set before
///    `drop_in_place` runs and never cleared, so the value is dropped at most
///    once and never read after it is dropped. No `&T` to the value lives
///    when it is dropped: the release path drops it at strong count zero,
///    with no handle left to borrow through, and the collector drops only
///    garbage it has condemned (`Heap::condemned`), whose values no one
///    may borrow.
/// 4. The allocation has a [`GcHead`] in the [`HEAD_SIZE`] bytes before
///    the header exactly when HEAD is set: when `T::NEEDS_TRACE`, or when
///    the object was made with a finalizer. Its `vtable` is the one
///    `alloc` was given (`T`'s, or `T`'s with the finalizer). Only such
///    objects are ever TRACKED, COLLECTING or UNREACHABLE, and their
///    `links` are non-null exactly when TRACKED is set.
/// 5. An object without HEAD was made by `Gc::new` for a `T` that does
///    not need tracing, with `GcBox::<T>::VTABLE`, and nothing in its
///    memory says so: type-erased code that may meet such an object
///    holds an [`Erased`] (pointer and vtable) for it. Bare pointers to
///    it are held only by the typed `Gc<T>` and `Weak<T>`, which know
///    `T`, and beside an `Erased` of it (introspection's graph).
///
/// Two words hold four fields: `state` is the strong count (low
/// [`COUNT_BITS`] bits) and the flags (the 16 bits above bit 48);
/// `weak_state` is the weak count (low [`WEAK_BITS`] bits) and the weak
/// epoch (the 24 bits above bit 40). A count that would outgrow its bits
/// aborts the process, as `Rc` does when its `usize` would wrap: 2^48
/// strong or 2^40 weak handles to one object are more than memory can
/// hold, so only handles leaked with `mem::forget`, one at a time, could
/// reach either. The epoch wraps after 2^24 clears of one object's weak
/// references (each needs the object to survive a collection that found
/// it unreachable); a `Weak` made 2^24 clears before would then upgrade
/// again, to the live object: wrong, never unsafe.
#[repr(C)]
pub(crate) struct Header {
    state: Cell<u64>,
    weak_state: Cell<u64>,
}

/// Bits of the strong count in `Header::state` (the flags start at 48).
pub(crate) const COUNT_BITS: u32 = if usize::BITS < 48 { usize::BITS } else { 48 };
const STRONG_MASK: u64 = (1 << COUNT_BITS) - 1;
const FLAG_SHIFT: u32 = 48;
/// Bits of the weak count in `Header::weak_state` (the epoch starts at 40).
pub(crate) const WEAK_BITS: u32 = if usize::BITS < 40 { usize::BITS } else { 40 };
const WEAK_MASK: u64 = (1 << WEAK_BITS) - 1;
const EPOCH_SHIFT: u32 = 40;

// Every flag fits in the 16 bits above the strong count.
const _: () = assert!(flag::ALL < 1 << (64 - FLAG_SHIFT));

// The sizes the module docs state (and docs/performance.md reports).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Header>() == 16 && HEAD_SIZE == 32);

impl Header {
    /// A header with strong count 1 and the given flags.
    pub fn new(flags: u32) -> Self {
        Header {
            state: Cell::new(1 | (u64::from(flags) << FLAG_SHIFT)),
            weak_state: Cell::new(0),
        }
    }

    #[inline]
    pub fn has(&self, f: u32) -> bool {
        self.state.get() & (u64::from(f) << FLAG_SHIFT) != 0
    }

    /// All the flags, from one load of the state word.
    #[inline]
    pub fn flags(&self) -> u32 {
        // The flags are the 16 bits above the strong count.
        (self.state.get() >> FLAG_SHIFT) as u32
    }

    /// Clears the flags `off` and sets the flags `on`, in one store.
    #[inline]
    pub fn update_flags(&self, off: u32, on: u32) {
        let s = self.state.get() & !(u64::from(off) << FLAG_SHIFT);
        self.state.set(s | (u64::from(on) << FLAG_SHIFT));
    }

    #[inline]
    pub fn set(&self, f: u32) {
        self.state
            .set(self.state.get() | (u64::from(f) << FLAG_SHIFT));
    }

    #[inline]
    pub fn clear(&self, f: u32) {
        self.state
            .set(self.state.get() & !(u64::from(f) << FLAG_SHIFT));
    }

    /// The number of strong handles.
    #[inline]
    pub fn strong(&self) -> usize {
        // At most COUNT_BITS bits, which fit a usize.
        (self.state.get() & STRONG_MASK) as usize
    }

    /// Increments the strong count, aborting on overflow as `Rc` does.
    #[inline]
    pub fn inc_strong(&self) {
        let n = self.state.get().wrapping_add(1);
        if n & STRONG_MASK == 0 {
            std::process::abort();
        }
        self.state.set(n);
    }

    /// Decrements the strong count, which must be positive; returns the
    /// new count.
    #[inline]
    pub fn dec_strong(&self) -> usize {
        debug_assert!(self.strong() > 0);
        let n = self.state.get() - 1;
        self.state.set(n);
        (n & STRONG_MASK) as usize
    }

    /// The number of weak handles (plus one while a release holds one).
    #[inline]
    pub fn weak(&self) -> usize {
        (self.weak_state.get() & WEAK_MASK) as usize
    }

    /// Increments the weak count, aborting on overflow as `Rc` does.
    #[inline]
    pub fn inc_weak(&self) {
        let n = self.weak_state.get().wrapping_add(1);
        if n & WEAK_MASK == 0 {
            std::process::abort();
        }
        self.weak_state.set(n);
    }

    /// Decrements the weak count, which must be positive.
    #[inline]
    pub fn dec_weak(&self) {
        debug_assert!(self.weak() > 0);
        self.weak_state.set(self.weak_state.get() - 1);
    }

    /// The weak epoch: bumped whenever the object's weak references are
    /// cleared, so a `Weak` made before a clear no longer upgrades.
    #[inline]
    pub fn weak_epoch(&self) -> u32 {
        (self.weak_state.get() >> EPOCH_SHIFT) as u32
    }

    /// Bumps the weak epoch (wrapping within its 24 bits).
    #[inline]
    pub fn bump_weak_epoch(&self) {
        let s = self.weak_state.get();
        self.weak_state.set(s.wrapping_add(1 << EPOCH_SHIFT));
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

/// The [`GcHead`] of a tracked type's object.
///
/// # Safety
/// `h` must satisfy header invariant 1, and the object must have a head
/// (invariant 4: HEAD is set; true of every object that is or was
/// TRACKED, and of every member of a collection).
#[inline]
pub(crate) unsafe fn head<'a>(h: NonNull<Header>) -> &'a GcHead {
    // SAFETY: live (caller); only read through shared references (Cells).
    unsafe { &*head_ptr(h) }
}

/// A pointer to the [`GcHead`] of a tracked type's object: the start of
/// its allocation, with the provenance of the whole allocation (made from
/// `h`, never from a reference to a field), so it can reach the links,
/// the header and the value.
///
/// # Safety
/// As [`head`].
#[inline]
pub(crate) unsafe fn head_ptr(h: NonNull<Header>) -> *mut GcHead {
    // SAFETY: the GcHead is HEAD_SIZE bytes before the header in the same
    // allocation (invariant 4), and `h` carries its provenance (invariant 1).
    unsafe { h.as_ptr().byte_sub(HEAD_SIZE) }.cast()
}

/// The collector's scratch count of a tracked type's object.
///
/// # Safety
/// As [`head`].
#[inline]
pub(crate) unsafe fn gc_refs<'a>(h: NonNull<Header>) -> &'a Cell<usize> {
    // SAFETY: forwarded.
    &unsafe { head(h) }.gc_refs
}

/// A type-erased pointer to an object together with the object's vtable:
/// what code that does not know the object's `T` holds (header invariant
/// 5), since an object without a head has no vtable in its memory.
///
/// # Invariant
/// `vtable` is the vtable of the allocation `h` points to: the one in its
/// head if it has one, else `GcBox::<T>::VTABLE` for the `T` it was made
/// for. The fields are private to this module and only
/// [`Erased::with_head`] and [`Erased::resolve`] build one, under safety
/// contracts that establish it; `try_free`, `drop_value` and every
/// other caller of the vtable's functions rely on it.
///
/// `pub` only so that the sealed `GcHandle` trait can return it; the
/// `header` module is private, so no one outside the crate can name it.
#[derive(Clone, Copy)]
pub struct Erased {
    h: NonNull<Header>,
    vtable: &'static VTable,
}

impl Erased {
    /// An object with a head; its vtable is read from there.
    ///
    /// # Safety
    /// `h` must be live and have HEAD (every object that is or was TRACKED
    /// does, and every member of a collection: header invariant 4).
    #[inline]
    pub(crate) unsafe fn with_head(h: NonNull<Header>) -> Self {
        // SAFETY: forwarded from the caller.
        let vtable = unsafe { head(h) }.vtable;
        Erased { h, vtable }
    }

    /// Any object: the vtable in its head if it has one, else `untracked`.
    ///
    /// # Safety
    /// `h` must be live, and `untracked` must be `GcBox::<T>::VTABLE` for
    /// the `T` the object was made for (what invariant 5 says a headless
    /// object was made with).
    #[inline]
    pub(crate) unsafe fn resolve(h: NonNull<Header>, untracked: &'static VTable) -> Self {
        // SAFETY: live (caller).
        if unsafe { hdr(h) }.has(flag::HEAD) {
            // SAFETY: live with HEAD.
            unsafe { Erased::with_head(h) }
        } else {
            Erased {
                h,
                vtable: untracked,
            }
        }
    }

    /// The pointer to the object's header.
    #[inline]
    pub(crate) fn ptr(self) -> NonNull<Header> {
        self.h
    }

    /// The object's vtable (the `Erased` invariant).
    #[inline]
    pub(crate) fn vtable(self) -> &'static VTable {
        self.vtable
    }

    /// The Rust type's name (`std::any::type_name`).
    pub(crate) fn type_name(self) -> &'static str {
        (self.vtable.type_name)()
    }

    /// Whether the object still has a finalizer to run: its type has one,
    /// it has not run (PEP 442: at most once a life), and the value is
    /// intact.
    ///
    /// # Safety
    /// The object must be live.
    pub(crate) unsafe fn wants_finalizer(self) -> bool {
        // SAFETY: forwarded from the caller.
        let header = unsafe { hdr(self.h) };
        self.vtable.finalize.is_some() && !header.has(flag::FINALIZED | flag::DROPPED)
    }
}

/// The Rust type's name of an object with a head (a collection's member,
/// a listed object).
///
/// # Safety
/// As [`Erased::with_head`].
pub(crate) unsafe fn tracked_type_name(h: NonNull<Header>) -> &'static str {
    // SAFETY: forwarded from the caller.
    unsafe { Erased::with_head(h) }.type_name()
}

/// Frees the allocation if nothing can reach it any more (invariant 2).
///
/// # Safety
/// The object must satisfy header invariant 1. After this returns `true`
/// the pointer dangles and must not be used.
pub(crate) unsafe fn try_free(obj: Erased) -> bool {
    // SAFETY: forwarded from the caller.
    crate::heap::with(|heap| unsafe { try_free_in(heap, obj) })
}

/// [`try_free`] for a caller that has this thread's heap at hand (`None`
/// once it is torn down), sparing the thread-local lookup.
///
/// # Safety
/// As [`try_free`].
#[inline]
pub(crate) unsafe fn try_free_in(heap: Option<&crate::heap::Heap>, obj: Erased) -> bool {
    let h = obj.h;
    // SAFETY: caller guarantees `h` is live.
    let header = unsafe { hdr(h) };
    let busy = flag::TRACKED | flag::PENDING;
    if header.strong() != 0 || header.weak() != 0 || header.has(busy) {
        return false;
    }
    if !header.has(flag::DROPPED) {
        // Only reachable when the value was never dropped: drop it first.
        // SAFETY: strong is zero, so no handle can deref the value.
        unsafe { drop_value(obj) };
    }
    // SAFETY: invariant 2 holds (checked above), so no one can reach the
    // allocation after this call; `obj.vtable` is its type's (invariant 5).
    unsafe { (obj.vtable.free)(h, heap) };
    true
}

/// Drops the value in place unless it already was, catching a panic.
///
/// Returns the panic payload if the value's `Drop` panicked.
///
/// # Safety
/// `h` must satisfy header invariant 1, and no `&T` to the value may be
/// live (header invariant 3: no handle can reach it, or it is garbage
/// the collector has condemned).
pub(crate) unsafe fn drop_value(obj: Erased) -> Option<Box<dyn std::any::Any + Send>> {
    let h = obj.h;
    // SAFETY: caller guarantees `h` is live.
    let header = unsafe { hdr(h) };
    if header.has(flag::DROPPED) {
        return None;
    }
    header.set(flag::DROPPED);
    let drop_fn = obj.vtable.drop_value;
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
pub(crate) unsafe fn drop_value_reporting(heap: Option<&crate::heap::Heap>, obj: Erased) {
    // SAFETY: forwarded from the caller.
    if let Some(payload) = unsafe { drop_value(obj) } {
        crate::unraisable::report_panic(heap, "drop of", obj.type_name(), payload);
    }
}

/// One allocation of an untracked type: the header, then the value.
#[repr(C)]
pub(crate) struct UntrackedBox<T> {
    header: Header,
    value: std::cell::UnsafeCell<std::mem::ManuallyDrop<T>>,
}

/// One allocation of a tracked type: the head, the header, then the value.
#[repr(C)]
pub(crate) struct TrackedBox<T> {
    head: GcHead,
    header: Header,
    value: std::cell::UnsafeCell<std::mem::ManuallyDrop<T>>,
}

/// The type-erased operations for `T`, and the choice of layout: a
/// [`TrackedBox`] when `T::NEEDS_TRACE`, an [`UntrackedBox`] otherwise.
pub(crate) struct GcBox<T>(std::marker::PhantomData<T>);

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
    ///
    /// `vtable` is given for a type made with a finalizer (the finalizer is
    /// in it); such an object gets a head whatever `T` is, so that
    /// type-erased code finds that vtable (header invariants 4 and 5).
    #[inline]
    pub fn alloc(
        heap: Option<&Heap>,
        value: T,
        vtable: Option<&'static VTable>,
    ) -> NonNull<Header> {
        let value = std::cell::UnsafeCell::new(std::mem::ManuallyDrop::new(value));
        // Casts and offsets of the raw pointer, not field references: the
        // pointer keeps the provenance of the whole allocation (invariant 1).
        if T::NEEDS_TRACE || vtable.is_some() {
            const { assert!(std::mem::offset_of!(TrackedBox<T>, header) == HEAD_SIZE) };
            let head = GcHead {
                links: Links::unlinked(),
                gc_refs: Cell::new(0),
                vtable: vtable.unwrap_or(&Self::VTABLE),
            };
            let exact = if T::TRUST.is_exact() { flag::EXACT } else { 0 };
            let header = Header::new(flag::HEAD | exact);
            let p = crate::pool::alloc::<TrackedBox<T>>(heap);
            // SAFETY: fresh memory for a TrackedBox<T> (pool::alloc).
            unsafe {
                p.write(TrackedBox {
                    head,
                    header,
                    value,
                })
            };
            // SAFETY: the header lies HEAD_SIZE bytes in (asserted above).
            unsafe { p.byte_add(HEAD_SIZE).cast::<Header>() }
        } else {
            const { assert!(std::mem::offset_of!(UntrackedBox<T>, header) == 0) };
            let header = Header::new(0);
            let p = crate::pool::alloc::<UntrackedBox<T>>(heap);
            // SAFETY: fresh memory for an UntrackedBox<T> (pool::alloc).
            unsafe { p.write(UntrackedBox { header, value }) };
            p.cast::<Header>()
        }
    }

    /// Whether the box is a [`TrackedBox`] (has a head): always for a type
    /// that needs tracing, otherwise only if it was made with a finalizer.
    ///
    /// # Safety
    /// `h` is live (invariant 1).
    #[inline]
    unsafe fn has_head(h: NonNull<Header>) -> bool {
        // SAFETY: forwarded from the caller.
        T::NEEDS_TRACE || unsafe { hdr(h) }.has(flag::HEAD)
    }

    /// The value's cell.
    ///
    /// # Safety
    /// `h` satisfies invariant 1 for this `T`.
    unsafe fn value_cell(h: NonNull<Header>) -> *mut std::mem::ManuallyDrop<T> {
        // SAFETY: live (caller).
        if unsafe { Self::has_head(h) } {
            // SAFETY: a TrackedBox<T> starts at its GcHead (invariants 1
            // and 4); no reference is made on the way.
            let p = unsafe { head_ptr(h) }.cast::<TrackedBox<T>>();
            // SAFETY: as above.
            unsafe { std::cell::UnsafeCell::raw_get(std::ptr::addr_of!((*p).value)) }
        } else {
            let p = h.as_ptr().cast::<UntrackedBox<T>>();
            // SAFETY: an UntrackedBox<T> starting at its header (invariant 1).
            unsafe { std::cell::UnsafeCell::raw_get(std::ptr::addr_of!((*p).value)) }
        }
    }

    /// # Safety
    /// `h` satisfies invariant 1 for this `T`, the value is not DROPPED,
    /// and it will not be dropped while the reference lives (invariant 3:
    /// a handle outlives the borrow, and condemned garbage is not lent).
    pub unsafe fn value_ref<'a>(h: NonNull<Header>) -> &'a T {
        // SAFETY: per the caller, `h` is a live box for T whose value is
        // initialised; values are only mutated by drop_value, which first
        // sets DROPPED.
        unsafe { &*Self::value_cell(h) }
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

    /// Drops the value in place. Called once, after DROPPED was set
    /// (invariant 3), on a live box for T (invariant 1).
    pub(crate) unsafe fn drop_erased(h: NonNull<Header>) {
        // SAFETY: as stated above (the caller).
        unsafe { std::mem::ManuallyDrop::drop(&mut *Self::value_cell(h)) }
    }

    /// Frees the box. `h` came from `alloc` for this T, offset as `alloc`
    /// offsets it (invariants 1 and 4), and nothing reaches it any more
    /// (invariant 2). The value is ManuallyDrop and the rest of the box
    /// has no drop glue, so this frees memory without dropping anything.
    pub(crate) unsafe fn free_erased(h: NonNull<Header>, heap: Option<&Heap>) {
        // SAFETY: live until the box is freed below.
        if unsafe { Self::has_head(h) } {
            // SAFETY: the box starts at the GcHead (see above).
            let p = unsafe { head_ptr(h) }.cast::<TrackedBox<T>>();
            // SAFETY: `p` is the pointer `alloc` got from pool::alloc for
            // a TrackedBox<T> (see above); no one uses it again.
            unsafe { crate::pool::free(heap, NonNull::new_unchecked(p)) };
        } else {
            let p = h.cast::<UntrackedBox<T>>();
            // SAFETY: an UntrackedBox starts at its header, from
            // pool::alloc (see above); no one uses it again.
            unsafe { crate::pool::free(heap, p) };
        }
    }
}

/// The user's name for the object behind `h` ([`crate::Trace::type_name`]),
/// or the Rust type's name once its value is dropped or if the user's
/// `type_name` panics.
///
/// # Safety
/// The object must be live (header invariant 1).
pub(crate) unsafe fn display_name(obj: Erased) -> std::borrow::Cow<'static, str> {
    let f = obj.vtable.display_name;
    // SAFETY: forwarded from the caller.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe { f(obj.h) }));
    r.unwrap_or(std::borrow::Cow::Borrowed(obj.type_name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header::new(0)
    }

    #[test]
    fn flags_and_strong_count_share_a_word_without_touching_each_other() {
        let h = header();
        h.set(flag::ALL);
        assert_eq!(h.strong(), 1);
        h.inc_strong();
        h.inc_strong();
        assert_eq!(h.strong(), 3);
        assert!(h.has(flag::USER_UNTRACKED) && h.has(flag::TRACKED));
        assert_eq!(h.dec_strong(), 2);
        h.clear(flag::ALL);
        assert!(!h.has(flag::ALL));
        assert_eq!(h.strong(), 2);
        h.dec_strong();
        assert_eq!(h.dec_strong(), 0);
    }

    #[test]
    fn the_weak_epoch_wraps_without_touching_the_weak_count() {
        let h = header();
        h.inc_weak();
        h.inc_weak();
        let start = h.weak_epoch();
        for _ in 0..5 {
            h.bump_weak_epoch();
        }
        assert_eq!(h.weak_epoch(), start + 5);
        // Force the epoch to its largest value, then wrap it.
        h.weak_state.set(h.weak_state.get() | !WEAK_MASK);
        assert_eq!(h.weak_epoch(), (1 << (64 - EPOCH_SHIFT)) - 1);
        h.bump_weak_epoch();
        assert_eq!(h.weak_epoch(), 0);
        assert_eq!(h.weak(), 2);
        h.dec_weak();
        assert_eq!(h.weak(), 1);
    }

    // The boxes are as large as the module docs say.
    #[cfg(target_pointer_width = "64")]
    const _: () = assert!(
        std::mem::size_of::<UntrackedBox<u64>>() == 16 + 8
            && std::mem::size_of::<TrackedBox<u64>>() == 48 + 8
    );

    #[test]
    fn a_tracked_type_or_a_finalizer_gets_a_head_and_a_plain_untracked_type_does_not() {
        type Node = std::cell::RefCell<Vec<crate::Gc<u64>>>;
        let has_head = |h: NonNull<Header>| {
            // SAFETY: just allocated, live.
            let head = unsafe { hdr(h) }.has(flag::HEAD);
            // SAFETY: live, strong 1, never shared; freed once here.
            assert!(unsafe { try_free_now(h) });
            head
        };
        assert!(has_head(GcBox::<Node>::alloc(None, Node::default(), None)));
        assert!(!has_head(GcBox::<u64>::alloc(None, 7, None)));
        assert!(has_head(GcBox::<u64>::alloc(
            None,
            7,
            Some(&GcBox::<u64>::VTABLE)
        )));
    }

    /// Drops the last count of a box no one else knows of, and frees it.
    ///
    /// # Safety
    /// `h` is a live `GcBox<u64>` or `GcBox<Node>` with strong count 1 and
    /// nothing else pointing to it.
    unsafe fn try_free_now(h: NonNull<Header>) -> bool {
        // SAFETY: live (caller).
        unsafe { hdr(h) }.dec_strong();
        // SAFETY: live; its vtable is in its head or is u64's (invariant 5).
        unsafe { try_free(Erased::resolve(h, &GcBox::<u64>::VTABLE)) }
    }
}
