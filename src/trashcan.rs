//! Releasing an object whose last strong handle is gone: finalizer, weak
//! references, untracking, dropping the value, freeing the memory; and the
//! queue that keeps all of that from recursing without bound.
//!
//! Dropping a value drops the handles it owns, which can release their
//! objects, which drop their values... A 10-million-node linked list would
//! overflow the stack. CPython's answer is the "trashcan": past a fixed
//! nesting depth, deallocation is deferred onto a list that the outermost
//! deallocation drains. We do the same with [`TRASHCAN_DEPTH`].
//!
//! The same queue defers every release that happens while a collection is
//! under way, so that no object the collector is walking is unlinked or
//! freed behind its back; the collector drains it when it is done.

use std::cell::{Cell, RefCell};
use std::ptr::NonNull;

use crate::header::{self, flag, hdr, Erased, GcBox, Header};
use crate::heap::{self, Heap};

/// Nesting depth of releases past which further releases are queued.
/// CPython uses 50 (`_PyTrash_UNWIND_LEVEL`); each of our levels costs a few
/// frames, so we stay a little lower.
pub(crate) const TRASHCAN_DEPTH: usize = 32;

/// Gives back one unit of a type-erased handle's strong count (an
/// `AnyGc`'s drop), releasing the object when it was the last.
///
/// # Safety
/// The object must be live and the caller must own the unit it gives back.
#[inline]
pub(crate) unsafe fn drop_strong(obj: Erased) {
    // SAFETY: live (caller).
    if unsafe { hdr(obj.ptr()) }.dec_strong() == 0 {
        // SAFETY: forwarded from the caller.
        unsafe { release(obj) };
    }
}

/// [`drop_strong`] for a `Gc<T>`, whose object is known to be a box for
/// `T`: a plain release ([`release_plain`]) then drops and frees it with
/// direct calls instead of through the vtable.
///
/// # Safety
/// `h` must be a live box for `T` (header invariant 1) and the caller must
/// own the unit it gives back.
#[inline]
pub(crate) unsafe fn drop_gc<T: crate::Trace + 'static>(h: NonNull<Header>) {
    // SAFETY: live (caller).
    if unsafe { hdr(h) }.dec_strong() == 0 {
        // SAFETY: forwarded from the caller.
        unsafe { release_gc::<T>(h) };
    }
}

/// [`release`] for a box known to be for `T`.
///
/// Only the tests that route the release are here, so that a release
/// mid-collection (which `delete_garbage` makes for most of the garbage)
/// costs no more than they do; the plain release, which drops the value
/// in place, is a call away ([`release_plain_gc`]).
///
/// # Safety
/// As [`drop_gc`], with strong count zero.
#[inline(never)]
unsafe fn release_gc<T: crate::Trace + 'static>(h: NonNull<Header>) {
    // SAFETY: a box for T was made with T's vtable or, if it has a head,
    // has its own there (invariant 5).
    let obj = unsafe { Erased::resolve(h, &GcBox::<T>::VTABLE) };
    // SAFETY: live with strong 0 (caller); a box for T.
    route(obj, |heap, obj| unsafe { release_plain_gc::<T>(heap, obj) });
}

/// The plain release of a box for `T` if it qualifies, else the full one.
///
/// # Safety
/// As [`release_gc`], outside a collection.
#[inline(never)]
unsafe fn release_plain_gc<T: crate::Trace + 'static>(heap: &Heap, obj: Erased) {
    // SAFETY: live with strong 0; a box for T, so T's drop and free are
    // its own whatever vtable it was made with (one made with a finalizer
    // differs only in that).
    unsafe {
        release_plain_or_in(
            heap,
            obj,
            (GcBox::<T>::drop_erased, GcBox::<T>::free_erased),
        )
    };
}

/// Called when the object's strong count has just reached zero.
///
/// # Safety
/// The object must be live.
#[inline(never)]
pub(crate) unsafe fn release(obj: Erased) {
    let ops = (obj.vtable().drop_value, obj.vtable().free);
    // SAFETY: forwarded from the caller; the operations are the object's
    // vtable's (the `Erased` invariant).
    route(obj, |heap, obj| unsafe {
        release_plain_or_in(heap, obj, ops)
    });
}

/// An object's drop-the-value and free-the-memory operations (its
/// vtable's `drop_value` and `free`).
type DropFree = (
    unsafe fn(NonNull<Header>),
    unsafe fn(NonNull<Header>, Option<&Heap>),
);

/// Routes the release of an object whose strong count just reached zero:
/// to `plain` outside a collection (which releases it, plainly if it
/// qualifies), to [`release_in`] mid-collection, and without a heap once
/// the thread's is gone.
#[inline(always)]
fn route(obj: Erased, plain: impl FnOnce(&Heap, Erased)) {
    heap::with(|heap| match heap {
        Some(heap) if !heap.defer_releases.get() => plain(heap, obj),
        Some(heap) => release_in(heap, obj),
        None => release_without_heap(obj),
    });
}

/// The plain release if the object qualifies, else the full one.
///
/// # Safety
/// As [`release_plain`].
#[inline(always)]
unsafe fn release_plain_or_in(heap: &Heap, obj: Erased, ops: DropFree) {
    // SAFETY: forwarded from the caller.
    if !unsafe { release_plain(heap, obj, ops) } {
        release_in(heap, obj);
    }
}

/// The release of an object that does not qualify for the plain one.
#[inline(always)]
fn release_in(heap: &Heap, obj: Erased) {
    // A member of the garbage `delete_garbage` is deleting: the loop
    // releases it when it gets to it (or has, and is dropping its value).
    // Tested first, and inline: when a cycle is deleted, most of its
    // members reach zero this way.
    // SAFETY: the object just reached strong 0 and is live.
    if heap.deleting_garbage.get() && unsafe { hdr(obj.ptr()) }.has(flag::UNREACHABLE) {
        debug_assert!(heap.defer_releases.get());
        return;
    }
    release_routed(heap, obj);
}

/// The rest of [`release_in`]: mid-collection, free the object if the
/// collector is done with it or else queue it; otherwise release it now,
/// or queue it if the trashcan is full.
#[inline(never)]
fn release_routed(heap: &Heap, obj: Erased) {
    let h = obj.ptr();
    // Mid-collection, only the window of `release_outside_collection`
    // releases at once, and only objects outside the scratch lists.
    let deferred = heap.defer_releases.get() && (!heap.release_outside.get() || in_scratch(h));
    // SAFETY: live with strong 0 (above).
    if deferred && unsafe { release_spent(heap, obj) } {
        return;
    }
    if deferred || heap.release_depth.get() >= TRASHCAN_DEPTH {
        defer(&heap.release_queue, obj);
        return;
    }
    let depth = heap.release_depth.get();
    heap.release_depth.set(depth + 1);
    // SAFETY: `h` reached strong 0 and is live (header invariant 1).
    unsafe { release_now(Some(heap), obj) };
    if depth == 0 {
        drain(heap);
    }
    heap.release_depth.set(depth);
}

/// Frees, mid-collection, an object with strong count zero that has
/// nothing left to release: the collector already dropped its value and
/// untracked it, it is in no queue, and no weak callback waits for it.
/// Queueing it would only postpone the same `try_free` to the end of the
/// collection; the memory goes now, or with the last `Weak` if weak
/// handles remain (the release path's other steps would do nothing: no
/// finalizer for a dropped value, no list to leave, no value to drop).
/// Returns `false`, doing nothing, for any other object.
///
/// The collection's lists and their snapshots reach only tracked objects
/// (the invariant stated on `collect::Collection`), and this one is not
/// tracked, so none of them can reach it afterwards.
///
/// # Safety
/// The object must be live with strong count zero.
pub(crate) unsafe fn release_spent(heap: &Heap, obj: Erased) -> bool {
    // SAFETY: live (caller).
    let header = unsafe { hdr(obj.ptr()) };
    let busy =
        flag::TRACKED | flag::PENDING | flag::WEAK_CALLBACKS | flag::USER_UNTRACKED | flag::SCRATCH;
    if !header.has(flag::DROPPED) || header.has(busy) {
        return false;
    }
    debug_assert_eq!(header.strong(), 0);
    // What `clear_weakrefs` does for an object without callbacks.
    header.bump_weak_epoch();
    // SAFETY: live; strong 0 and not tracked or queued, so freed only if
    // no weak handle remains (invariant 2); `obj` is not used after this.
    unsafe { header::try_free_in(Some(heap), obj) };
    true
}

/// Queues the object for release unless it already is.
pub(crate) fn defer(queue: &RefCell<Vec<Erased>>, obj: Erased) {
    // SAFETY: the object is live (header invariant 1).
    let header = unsafe { hdr(obj.ptr()) };
    if !header.has(flag::PENDING) {
        header.set(flag::PENDING);
        queue.borrow_mut().push(obj);
    }
}

/// Releases everything queued, including what those releases queue.
/// Must be called with `release_depth` counting this caller (so nested
/// releases recurse at most `TRASHCAN_DEPTH` levels) and not collecting.
pub(crate) fn drain(heap: &Heap) {
    drain_queue(Some(heap), &heap.release_queue, |_| false);
}

/// Pops and releases queued objects until the queue is empty. An object
/// whose count went back up while it was queued (the collector lent it a
/// handle) is someone's again and is left alone. Objects for which `hold`
/// says so stay queued (and PENDING), for a later drain.
fn drain_queue(
    heap: Option<&Heap>,
    queue: &RefCell<Vec<Erased>>,
    hold: impl Fn(NonNull<Header>) -> bool,
) {
    let mut held = Vec::new();
    loop {
        let next = queue.borrow_mut().pop();
        let Some(obj) = next else { break };
        if hold(obj.ptr()) {
            held.push(obj);
            continue;
        }
        // SAFETY: PENDING objects are never freed (invariant 2), so the
        // object is still live.
        let header = unsafe { hdr(obj.ptr()) };
        header.clear(flag::PENDING);
        if header.strong() == 0 {
            // SAFETY: live, strong 0, not held by the caller's rule; with
            // no heap, untracked (teardown detached every object); mid-
            // collection, not in a scratch list (`release_outside_collection`).
            unsafe { release_now(heap, obj) };
        }
    }
    if !held.is_empty() {
        queue.borrow_mut().extend(held);
    }
}

fn in_scratch(h: NonNull<Header>) -> bool {
    // SAFETY: callers pass live objects (header invariant 1).
    unsafe { hdr(h) }.has(flag::SCRATCH)
}

/// Mid-collection, after the finalizers and weak callbacks ran: releases
/// the queued objects that are not in the collection's scratch lists (and
/// whatever those releases free in turn), as CPython frees them at once.
/// A finalizer's temporaries (a frame, a bound method) that referenced
/// the garbage then no longer count as references from outside, which
/// would make the garbage look resurrected. Garbage members that reached
/// strong zero stay queued until the collection ends: the collector's
/// snapshot of the garbage still points at them.
///
/// The caller walks no list while this runs; an object is in one of the
/// collection's scratch lists exactly when it has a `flag::SCRATCH` flag
/// (the invariant stated on `collect::Collection`).
pub(crate) fn release_outside_collection(heap: &Heap) {
    struct Window<'h>(&'h Heap, usize);
    impl Drop for Window<'_> {
        fn drop(&mut self) {
            self.0.release_outside.set(false);
            self.0.release_depth.set(self.1);
        }
    }
    let depth = heap.release_depth.get();
    let _window = Window(heap, depth);
    heap.release_outside.set(true);
    heap.release_depth.set(depth + 1);
    // Garbage members that reached zero stay queued for after the
    // collection: its snapshot of the garbage still points at them.
    drain_queue(Some(heap), &heap.release_queue, in_scratch);
}

/// Drains the queue after a collection (depth bookkeeping included).
pub(crate) fn drain_after_collection(heap: &Heap) {
    if heap.defer_releases.get() {
        return;
    }
    let depth = heap.release_depth.get();
    heap.release_depth.set(depth + 1);
    drain(heap);
    heap.release_depth.set(depth);
}

/// The release steps, in CPython's `subtype_dealloc` order.
///
/// # Safety
/// The object must be live with strong count zero and, if TRACKED, linked
/// into one of the heap's own lists (not a collection's scratch list).
pub(crate) unsafe fn release_now(heap: Option<&Heap>, obj: Erased) {
    let h = obj.ptr();
    // SAFETY: caller guarantees liveness.
    let header = unsafe { hdr(h) };
    debug_assert_eq!(header.strong(), 0);
    // Like `Rc`, hold a weak count of our own while we work: the finalizer,
    // a weak callback or the value's own drop may drop the last `Weak` to
    // this object (a value holding a weak handle to itself, say), and the
    // allocation must outlive this function. Dropping the guard frees it
    // if nothing else holds it (header invariant 2).
    let _hold = HoldAllocation::new(obj);
    let legacy = header.has(flag::LEGACY);
    // SAFETY: live (caller).
    let will_finalize = unsafe { obj.wants_finalizer() };
    // SAFETY: `h` is live with strong count 0 (caller).
    let finalize = || unsafe { crate::finalize::run_from_dealloc(heap, obj) };
    // SAFETY: TRACKED objects are in the heap's own lists (caller).
    let untrack = || heap.map(|heap| unsafe { heap.untrack(h) });
    let was_tracked = header.has(flag::TRACKED);
    // Re-track into the young generation around a finalizer, as CPython's
    // subtype_dealloc does: an object it resurrects starts young again.
    let retrack = || {
        if let (Some(heap), true) = (heap, was_tracked) {
            // SAFETY: live and untracked just before this is called.
            unsafe { heap.retrack(h) };
        }
    };
    // 1. A PEP 442 finalizer runs first; it may resurrect the object,
    //    which then simply lives on.
    if !legacy && will_finalize {
        untrack();
        retrack();
        if finalize() {
            return;
        }
    }
    // 2. Untrack before any more user code runs: a weak callback may call
    //    collect(), and a tracked object with no handles would look like
    //    garbage to it (CPython's comment in subtype_dealloc).
    untrack();
    // 3. Weak references die; their callbacks run, newest first.
    // SAFETY: `h` is live (caller, and `_hold`).
    unsafe { crate::weak::clear_weakrefs(heap, h) };
    // 4. A legacy finalizer (tp_del) runs after the weak references die,
    //    re-tracked while it runs.
    if legacy && will_finalize {
        retrack();
        if finalize() {
            return;
        }
        untrack();
    }
    if let (Some(heap), true) = (heap, was_tracked || header.has(flag::USER_UNTRACKED)) {
        heap.note_dealloc();
    }
    // 5. Drop the value; a panic from its Drop is reported, not propagated.
    // SAFETY: strong is 0: no handle can deref the value; `_hold` keeps
    // the allocation alive through the drop.
    unsafe { header::drop_value_reporting(heap, obj) };
    // 6. `_hold` drops: the memory is freed unless weak handles or a queue
    //    still point here.
}

/// The release of an object with nothing to run before its value goes:
/// no finalizer, no `Weak` handle, no weak callback, not legacy, not
/// untracked by the user, not queued, with the trashcan not full; and
/// outside a collection, which the caller ensures. Most objects are such,
/// and for them the steps of [`release_now`] reduce to these: untrack,
/// count the deallocation, drop the value, free. With no `Weak` handle
/// and strong count zero, nothing can reach the object while its value
/// drops (every handle counts in one or the other, and an untracked object
/// is in no list), so no weak count need hold the allocation, no weak
/// reference needs clearing, and the memory can go as soon as the value
/// has. Returns `false`, doing nothing, for any other object.
///
/// Each step here costs the release of every object; dropping a large
/// tree measures them (docs/performance.md, "W2 drop").
///
/// # Safety
/// `obj` must be live with strong count zero; `ops` must be its type's
/// drop and free; no collection may be under way (`defer_releases`
/// clear: [`route`] sends a release here only then).
#[inline(always)]
unsafe fn release_plain(heap: &Heap, obj: Erased, ops: DropFree) -> bool {
    let h = obj.ptr();
    // SAFETY: live (caller).
    let header = unsafe { hdr(h) };
    let flags = header.flags();
    let special =
        flag::LEGACY | flag::WEAK_CALLBACKS | flag::USER_UNTRACKED | flag::DROPPED | flag::PENDING;
    let depth = heap.release_depth.get();
    debug_assert!(!heap.defer_releases.get());
    if flags & special != 0
        || header.weak() != 0
        || depth >= TRASHCAN_DEPTH
        || obj.vtable().finalize.is_some()
    {
        return false;
    }
    heap.release_depth.set(depth + 1);
    if flags & flag::TRACKED != 0 {
        // SAFETY: no collection is under way, so a TRACKED object is in
        // one of the heap's own lists (header invariant 4).
        unsafe { crate::list::unlink(h) };
        heap.note_dealloc();
    }
    // DROPPED before the drop (invariant 3), untracked in the same store.
    header.update_flags(flag::TRACKED | flag::FROZEN, flag::DROPPED);
    let (drop_fn, free_fn) = ops;
    // SAFETY: the value is initialised (DROPPED was clear) and strong is
    // 0 with no `Weak`: no handle can deref the value, and none can be
    // made while it drops (see above).
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe { drop_fn(h) }));
    if let Err(payload) = dropped {
        crate::unraisable::report_panic(Some(heap), "drop of", obj.type_name(), payload);
    }
    debug_assert!(header.strong() == 0 && header.weak() == 0);
    debug_assert!(!header.has(flag::TRACKED | flag::PENDING));
    // SAFETY: strong and weak are 0, the object is in no list and no
    // queue (see above): nothing reaches it (invariant 2). `free_fn` is
    // its type's (caller). `h` is not used after this.
    unsafe { free_fn(h, Some(heap)) };
    if depth == 0 {
        // With `release_depth` counting us, as `drain` requires.
        drain(heap);
    }
    heap.release_depth.set(depth);
    true
}

/// A weak count held by the release path for its own duration.
struct HoldAllocation(Erased);

impl HoldAllocation {
    fn new(obj: Erased) -> Self {
        // SAFETY: callers pass live objects.
        unsafe { hdr(obj.ptr()) }.inc_weak();
        HoldAllocation(obj)
    }
}

impl Drop for HoldAllocation {
    fn drop(&mut self) {
        // SAFETY: our weak count kept the allocation alive (invariant 2).
        let header = unsafe { hdr(self.0.ptr()) };
        header.dec_weak();
        // SAFETY: live; `self.0` is not used after this.
        unsafe { header::try_free(self.0) };
    }
}

thread_local! {
    /// Queue used only after this thread's heap is gone; points at a `Vec`
    /// on the stack of the outermost `release_without_heap` call.
    static GONE_QUEUE: Cell<*const RefCell<Vec<Erased>>> =
        const { Cell::new(std::ptr::null()) };
}

/// Release after the heap is torn down: no collector, no tracking, but
/// still no recursion without bound.
fn release_without_heap(obj: Erased) {
    let q = GONE_QUEUE.with(Cell::get);
    if !q.is_null() {
        // SAFETY: non-null only while the outermost call below is on the
        // stack, which owns the RefCell it points to.
        defer(unsafe { &*q }, obj);
        return;
    }
    let queue = RefCell::new(vec![obj]);
    // SAFETY: the object is live; mark it queued like every queue entry.
    unsafe { hdr(obj.ptr()) }.set(flag::PENDING);
    GONE_QUEUE.with(|c| c.set(&queue));
    drain_queue(None, &queue, |_| false);
    GONE_QUEUE.with(|c| c.set(std::ptr::null()));
}
