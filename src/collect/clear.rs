//! `delete_garbage`: dropping the values of unreachable objects.

use std::ptr::NonNull;

use crate::any::AnyGc;
use crate::gc_module::DEBUG_SAVEALL;
use crate::header::{self, flag, hdr, Erased, Header};
use crate::heap::Heap;
use crate::list::{self, List};

/// Drops the value of every object in `garbage` and untracks it; returns
/// how many there were. Under DEBUG_SAVEALL the objects are appended to
/// `gc.garbage` instead and move to `old`, alive.
///
/// Dropping a value drops the handles it owns; objects whose strong count
/// reaches zero are queued and freed when the collection ends. A `Drop`
/// impl that derefs another member of its cycle gets a panic/`Cleared`,
/// whether that member was dropped first or not yet (the garbage is
/// condemned: `Heap::condemned`): never a borrow that could outlive the
/// value, and never freed memory, because memory outlives handles.
///
/// `objects` are the members of `garbage` (a snapshot the driver already
/// has; see `release_zeroed`). `zeroed` is false when the driver knows
/// that every one of them still has a strong handle (its counts are the
/// ones verify_garbage accounted for, none of them zero), and then the
/// pass of `release_zeroed` over them is skipped.
pub(crate) fn delete_garbage(
    heap: &Heap,
    garbage: &List,
    objects: Vec<NonNull<Header>>,
    zeroed: bool,
    old: &List,
) -> usize {
    if zeroed {
        release_zeroed(heap, objects, flag::UNREACHABLE, old);
    } else {
        // SAFETY: the garbage's objects are live (releases are deferred).
        debug_assert!(objects.iter().all(|&h| unsafe { hdr(h) }.strong() > 0));
        // Freed here, before the loop frees the garbage: a large block
        // freed after it makes glibc consolidate every small block the
        // loop freed (`malloc_consolidate`, measured at 15% of a full
        // collection of 200,000 garbage objects).
        drop(objects);
    }
    if heap.debug.get() & DEBUG_SAVEALL != 0 {
        let objects = garbage.to_vec();
        // SAFETY: linked objects are live.
        let saved = objects.iter().map(|&h| unsafe { AnyGc::from_tracked(h) });
        heap.garbage.borrow_mut().extend(saved.collect::<Vec<_>>());
        super::reachability::clear_scratch_flags(garbage);
        garbage.merge_into(old);
        return objects.len();
    }
    let deleting = Deleting::begin(heap, garbage);
    let mut n = 0;
    while let Some(h) = garbage.first() {
        // SAFETY: `h` is linked into `garbage`, hence live, with a head.
        let obj = unsafe { Erased::with_head(h) };
        // SAFETY: linked into `garbage` (above).
        unsafe { list::unlink(h) };
        // SAFETY: live (unlinking does not free).
        let header = unsafe { hdr(h) };
        // UNREACHABLE stays until the value is dropped: the object stays
        // condemned (`Heap::condemned`) while the callbacks below run.
        header.clear(flag::TRACKED);
        heap.note_dealloc();
        // Hold a weak count while user code runs (as the release path
        // does): the value may drop the last `Weak` to its own object, and
        // the object's count may reach zero meanwhile (a self-cycle).
        header.inc_weak();
        deleting.current.set(Some(obj));
        // Weak references made by finalizers die before the value does.
        // SAFETY: live.
        unsafe { crate::weak::clear_weakrefs(Some(heap), h) };
        // SAFETY: no `&T` to `h` lives: the garbage is condemned (header
        // invariant 3, `Heap::condemned`).
        unsafe { header::drop_value_reporting(Some(heap), obj) };
        header.clear(flag::SCRATCH);
        header.dec_weak();
        deleting.current.set(None);
        // The last handle to `h` may be gone (dropped by a value cleared
        // before, or just now): free it at once instead of queueing it for
        // the end of the collection. If it still has handles, the value
        // holding the last of them frees it when it is dropped
        // (`trashcan::release_spent`).
        // SAFETY: live (the hold above kept it), strong count checked.
        if header.strong() == 0 && !unsafe { crate::trashcan::release_spent(heap, obj) } {
            crate::trashcan::defer(&heap.release_queue, obj);
        }
        n += 1;
    }
    n
}

/// Marks the heap as deleting garbage (`Heap::deleting_garbage`) for the
/// duration of the loop above. A garbage object whose count reaches zero
/// meanwhile is not queued; the loop frees it when it gets to it. If the
/// loop unwinds instead (it catches the panics of values and weak
/// callbacks, so this is a last resort), the object it was at loses its
/// per-collection flags and the loop's weak hold (it is in no list, so
/// nothing else would clear them), and it and the objects the loop did
/// not reach are queued if they have no handle left, as they would have
/// been.
struct Deleting<'a> {
    heap: &'a Heap,
    garbage: &'a List,
    /// The object between the loop's weak hold and its release: unlinked,
    /// still `UNREACHABLE`.
    current: std::cell::Cell<Option<Erased>>,
}

impl<'a> Deleting<'a> {
    fn begin(heap: &'a Heap, garbage: &'a List) -> Self {
        heap.deleting_garbage.set(true);
        Deleting {
            heap,
            garbage,
            current: std::cell::Cell::new(None),
        }
    }
}

impl Drop for Deleting<'_> {
    fn drop(&mut self) {
        self.heap.deleting_garbage.set(false);
        if let Some(obj) = self.current.take() {
            // SAFETY: live: the loop's weak hold keeps it (until here).
            let header = unsafe { hdr(obj.ptr()) };
            header.clear(flag::SCRATCH);
            if header.strong() == 0 {
                crate::trashcan::defer(&self.heap.release_queue, obj);
            }
            header.dec_weak();
        }
        for h in self.garbage.to_vec() {
            // SAFETY: linked objects are live, with heads.
            if unsafe { hdr(h) }.strong() == 0 {
                // SAFETY: as above.
                let obj = unsafe { Erased::with_head(h) };
                crate::trashcan::defer(&self.heap.release_queue, obj);
            }
        }
    }
}

/// Releases the objects of `list` whose last handle went away during this
/// collection (a finalizer broke their cycle, or the garbage holding them
/// was cleared), and everything their release frees in turn.
///
/// CPython frees such objects by reference counting the moment their count
/// reaches zero, so they vanish from its lists and are not counted as
/// collected; our releases are deferred while the collector walks its
/// lists, so we catch up here, before counting. `marker` is the flag that
/// marks membership of the list; `objects` are its members, all live
/// (tracked objects are never freed: header invariant 2).
pub(crate) fn release_zeroed(heap: &Heap, objects: Vec<NonNull<Header>>, marker: u32, old: &List) {
    // SAFETY: the caller passes live objects.
    let zero = |h: &NonNull<Header>| unsafe { hdr(*h) }.strong() == 0;
    // SAFETY: listed objects have heads (header invariant 4).
    let erase = |h| unsafe { Erased::with_head(h) };
    let mut work: Vec<_> = objects.into_iter().filter(zero).map(erase).collect();
    while let Some(obj) = work.pop() {
        let h = obj.ptr();
        // SAFETY: queued or listed objects are live (header invariant 2).
        let header = unsafe { hdr(h) };
        if !header.has(marker) || header.strong() != 0 {
            continue; // already handled, or not ours
        }
        header.clear(flag::SCRATCH);
        // The release path expects tracked objects in the heap's lists.
        // SAFETY: `h` has the list's marker, so it is linked into it.
        unsafe { list::move_to(h, old) };
        let mark = heap.release_queue.borrow().len();
        // SAFETY: live, strong 0, tracked in a heap list.
        unsafe { crate::trashcan::release_now(Some(heap), obj) };
        let queue = heap.release_queue.borrow();
        work.extend(queue.get(mark..).unwrap_or_default().iter().copied());
    }
}
