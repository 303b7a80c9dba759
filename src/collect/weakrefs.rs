//! `handle_weakrefs`: weak references to the garbage die before any
//! finalizer runs, and the callbacks CPython would call are called.

use std::ptr::NonNull;
use std::rc::Rc;

use crate::header::Header;
use crate::heap::Heap;
use crate::list::List;
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
pub(crate) fn handle_weakrefs(heap: &Heap, garbage: &List) {
    let objects = garbage.to_vec();
    let mut sink = KillOwnedSink {
        released: Vec::new(),
    };
    for &h in &objects {
        super::reachability::trace_object(h, &mut sink);
    }
    let cancelled: Vec<_> = sink
        .released
        .iter()
        .filter_map(|r| weak::release_holder(r))
        .collect();
    let mut to_call = Vec::new();
    for &h in &objects {
        // SAFETY: linked objects are live.
        to_call.extend(unsafe { weak::kill_weakrefs(Some(heap), h) });
    }
    // User code may run from here on: closures are dropped, then called.
    drop(cancelled);
    drop(sink);
    weak::run_callbacks(Some(heap), to_call);
}
