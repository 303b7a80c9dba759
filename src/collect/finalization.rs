//! PEP 442 finalization inside a collection: `finalize_garbage` and
//! `handle_resurrected_objects` (CPython 3.11, Python/gc.c).

use std::ptr::NonNull;

use super::reachability::{self, Anomaly};
use crate::header::{gc_refs, hdr, Erased, Header};
use crate::list::List;

/// Runs the finalizer of every garbage object that has one and has not
/// run it yet, each with a strong handle to its object and with every
/// garbage object still intact. Returns how many finalizers ran.
///
/// `garbage` is the driver's snapshot of the garbage list: nothing leaves
/// the list during this loop (releases are deferred), and a snapshot keeps
/// the loop finite whatever the finalizers allocate.
pub(crate) fn finalize_garbage(garbage: &[NonNull<Header>]) -> usize {
    let mut ran = 0;
    for &h in garbage {
        // SAFETY: the garbage's objects are live (releases are deferred)
        // and have heads (header invariant 4).
        let obj = unsafe { Erased::with_head(h) };
        // SAFETY: live (above).
        if unsafe { obj.wants_finalizer() } {
            ran += 1;
            if crate::finalize::call_finalizer(obj) == 0 {
                // SAFETY: live (above).
                unsafe { crate::trashcan::release(obj) }; // deferred: collecting
            }
        }
    }
    ran
}

/// Re-runs reachability over the garbage after the finalizers: whatever a
/// finalizer made reachable again (stored a handle to somewhere outside),
/// and everything it reaches, is moved to `old`. The rest goes to `still`.
pub(crate) fn handle_resurrected_objects(
    garbage: &List,
    still: &List,
    old: &List,
) -> Option<Anomaly> {
    reachability::clear_scratch_flags(garbage);
    let anomaly = reachability::deduce_unreachable(garbage, still, false).anomaly;
    // What is left in `garbage` was found reachable: resurrected.
    garbage.merge_into(old);
    anomaly
}

/// Whether every object of `garbage` still has exactly the strong count
/// that `verify_garbage` accounted for (left in `gc_refs`): then no handle
/// to the garbage was made or dropped since, and the resurrection check
/// would find nothing (see `run_phases`). `garbage` holds live objects.
pub(crate) fn counts_unchanged(garbage: &[NonNull<Header>]) -> bool {
    garbage.iter().all(|&h| {
        // SAFETY: the caller passes live objects.
        let header = unsafe { hdr(h) };
        // SAFETY: garbage, so of a tracked type (header invariant 4).
        header.strong() == unsafe { gc_refs(h) }.get()
    })
}
