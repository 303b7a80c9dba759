//! Legacy (Python 2 style) finalizers: a cycle through an object that has
//! one is never freed. CPython's `move_legacy_finalizers`,
//! `move_legacy_finalizer_reachable` and `handle_legacy_finalizers`.
//!
//! Why: a legacy finalizer may run in any order relative to its cycle's
//! other members and may see them already torn down. Python 2 refused to
//! guess an order, and parked such cycles in `gc.garbage` for the
//! programmer to break by hand. PEP 442 finalizers (the [`Finalize`]
//! default) do not have this problem, because every finalizer of the
//! garbage runs before anything is cleared.
//!
//! [`Finalize`]: crate::Finalize

use std::ptr::NonNull;

use crate::any::AnyGc;
use crate::header::{flag, hdr, Header};
use crate::heap::Heap;
use crate::list::{self, List};
use crate::trace::Sink;

/// Moves each unreachable object with a legacy finalizer to `finalizers`.
pub(crate) fn move_legacy_finalizers(unreachable: &List, finalizers: &List) {
    for h in unreachable.to_vec() {
        // SAFETY: linked objects are live.
        let header = unsafe { hdr(h) };
        if header.has(flag::LEGACY) {
            header.clear(flag::COLLECTING | flag::UNREACHABLE);
            header.set(flag::LEGACY_HELD);
            // SAFETY: `h` is linked into `unreachable`.
            unsafe { list::move_to(h, finalizers) };
        }
    }
}

struct MoveSink<'a> {
    to: &'a List,
}

impl Sink for MoveSink<'_> {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        // SAFETY: a reported handle's target is live.
        let t = unsafe { hdr(target) };
        if t.has(flag::COLLECTING) {
            t.clear(flag::COLLECTING | flag::UNREACHABLE);
            t.set(flag::LEGACY_HELD);
            // SAFETY: COLLECTING objects here are linked in `unreachable`.
            unsafe { list::move_to(target, self.to) };
        }
    }

    fn opaque(&mut self) {}
}

/// Moves everything reachable from `finalizers` into it too (the list
/// grows while we walk it, which is what makes this a transitive closure).
pub(crate) fn move_legacy_finalizer_reachable(finalizers: &List) {
    let mut cur = finalizers.first();
    while let Some(h) = cur {
        super::tracing::trace_object(h, &mut MoveSink { to: finalizers });
        // SAFETY: `h` is linked into `finalizers`.
        cur = unsafe { finalizers.next_of(h) };
    }
}

/// Appends the legacy objects (every object, under DEBUG_SAVEALL) that
/// are still held by a cycle to
/// `gc.garbage` and moves the whole list to `old`. Returns its length:
/// the collection's "uncollectable" count.
pub(crate) fn handle_legacy_finalizers(heap: &Heap, finalizers: &List, old: &List) -> usize {
    // Objects that clearing the garbage left without handles (a legacy
    // object hanging off a freed cycle, not in one) die now, as they do
    // in CPython's delete_garbage, and are not uncollectable.
    super::clear::release_zeroed(heap, finalizers.to_vec(), flag::LEGACY_HELD, old);
    let saveall = heap.debug.get() & crate::gc_module::DEBUG_SAVEALL != 0;
    let objects = finalizers.to_vec();
    let mut garbage = Vec::new();
    for &h in &objects {
        // SAFETY: linked objects are live.
        let header = unsafe { hdr(h) };
        if heap.debug.get() & crate::gc_module::DEBUG_UNCOLLECTABLE != 0 {
            super::debug_object("uncollectable", h);
        }
        if saveall || header.has(flag::LEGACY) {
            // SAFETY: live.
            garbage.push(unsafe { AnyGc::from_tracked(h) });
        }
    }
    heap.garbage.borrow_mut().extend(garbage);
    super::reachability::clear_scratch_flags(finalizers);
    finalizers.merge_into(old);
    objects.len()
}
