//! `handle_weakrefs`: weak references to the garbage die before any
//! finalizer runs, and the callbacks CPython would call are called.

use std::ptr::NonNull;
use std::rc::Rc;

use crate::header::{flag, hdr, Header};
use crate::heap::Heap;
use crate::trace::Sink;
use crate::weak::{self, Registration, WeakSlot};

/// Clears the weak handles owned by garbage, keeping their registrations
/// for later (letting go of them may run user code).
struct KillOwnedSink {
    released: Vec<Rc<Registration>>,
}

impl Sink for KillOwnedSink {
    fn strong(&mut self, _target: NonNull<Header>, _handle: *const ()) {}

    fn weak(&mut self, _target: NonNull<Header>, slot: &WeakSlot) {
        self.released.extend(slot.kill());
    }

    fn opaque(&mut self) {}
}

/// CPython 3.11's `handle_weakrefs`, in three steps:
///
/// 1. Weak handles owned by the garbage are cleared, whatever they point
///    to (bpo-38006): their callbacks will never run. "If wr is also trash,
///    don't call its callback": the garbage may be reachable from such a
///    callback, which could resurrect objects in an unsafe state.
/// 2. Every weak reference to the garbage dies.
/// 3. Only then, when no weak reference can reach the garbage, the
///    callbacks still registered run, newest first per object.
///
/// Returns whether user code may have run: a callback, or the drop of a
/// cancelled one (its captures' `Drop`).
///
/// `objects` are the garbage (its members, snapshot by the driver);
/// `owns_weak` says whether the garbage reported any weak handle when
/// verify_garbage traced it; if not, step 1 has nothing to clear and
/// tracing it all again is skipped.
pub(crate) fn handle_weakrefs(heap: &Heap, objects: &[NonNull<Header>], owns_weak: bool) -> bool {
    let mut sink = KillOwnedSink {
        released: Vec::new(),
    };
    if owns_weak {
        for &h in objects {
            super::tracing::trace_object(h, &mut sink);
        }
    }
    let cancelled: Vec<_> = sink
        .released
        .iter()
        .filter_map(|r| weak::release_holder(r))
        .collect();
    let mut to_call = Vec::new();
    for &h in objects {
        // SAFETY: the garbage's objects are live (releases are deferred).
        let header = unsafe { hdr(h) };
        if header.has(flag::WEAK_CALLBACKS) {
            // SAFETY: live (above).
            to_call.extend(unsafe { weak::kill_weakrefs(Some(heap), h) });
        } else {
            // No callback to look up: just kill the weak references.
            header.bump_weak_epoch();
        }
    }
    let user_code = !(cancelled.is_empty() && sink.released.is_empty() && to_call.is_empty());
    // User code may run from here on: closures are dropped, then called.
    // It sees the garbage intact, and step 9 of `run_phases` checks it
    // again afterwards (the caller gets `user_code`).
    let _reprieve = super::Reprieve::begin(heap);
    crate::unraisable::drop_each_quietly(Some(heap), "cancelled weakref callback", cancelled);
    crate::unraisable::drop_each_quietly(Some(heap), "weakref registration", sink.released);
    weak::run_callbacks(Some(heap), to_call);
    user_code
}
