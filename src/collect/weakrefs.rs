//! `handle_weakrefs`: weak references to the garbage die before any
//! finalizer runs, and the callbacks CPython would call are called.

use std::collections::HashSet;
use std::ptr::NonNull;
use std::rc::Rc;

use crate::header::Header;
use crate::heap::Heap;
use crate::list::List;
use crate::trace::Sink;
use crate::weak::{self, Registration};

/// Collects the callback registrations of weak handles owned by garbage.
struct OwnedWeakSink {
    owned: HashSet<*const Registration>,
}

impl Sink for OwnedWeakSink {
    fn strong(&mut self, _target: NonNull<Header>, _handle: *const ()) {}

    fn weak(&mut self, _target: NonNull<Header>, callback: Option<&Rc<Registration>>) {
        if let Some(r) = callback {
            self.owned.insert(Rc::as_ptr(r));
        }
    }

    fn opaque(&mut self) {}
}

/// Clears every weak reference to the garbage, then runs the callbacks of
/// those weak references that are not themselves owned by the garbage
/// (CPython: "if wr is also trash, don't call its callback": the garbage
/// may be reachable from such a callback, which could resurrect objects
/// in an unsafe state). Weak handles owned by the garbage lose their
/// callbacks whatever they point to (bpo-38006).
pub(crate) fn handle_weakrefs(heap: &Heap, garbage: &List) {
    let objects = garbage.to_vec();
    let mut sink = OwnedWeakSink {
        owned: HashSet::new(),
    };
    for &h in &objects {
        super::reachability::trace_object(h, &mut sink);
    }
    let mut to_call = Vec::new();
    for &h in &objects {
        // SAFETY: linked objects are live.
        for reg in unsafe { weak::kill_weakrefs(Some(heap), h) } {
            if !sink.owned.contains(&Rc::as_ptr(&reg)) {
                to_call.push(reg);
            }
        }
    }
    // Cancel callbacks of weak handles inside the garbage, wherever they
    // point. (Dropped after the loop: closures may own handles.)
    let cancelled = cancel_owned(heap, &sink.owned);
    drop(cancelled);
    // Only now that every weak reference to the garbage is dead may user
    // code run: no callback can reach the garbage through one.
    weak::run_callbacks(Some(heap), to_call);
}

/// Takes the callbacks out of the given registrations (still in the table
/// under other objects, or already removed above).
fn cancel_owned(heap: &Heap, owned: &HashSet<*const Registration>) -> Vec<Box<dyn FnOnce()>> {
    if owned.is_empty() {
        return Vec::new();
    }
    let table = heap.weak_callbacks.borrow();
    table
        .values()
        .flatten()
        .filter(|r| owned.contains(&Rc::as_ptr(r)))
        .filter_map(|r| r.take())
        .collect()
}
