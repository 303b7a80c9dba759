//! PEP 442 finalization inside a collection: `finalize_garbage` and
//! `handle_resurrected_objects` (CPython 3.11, Python/gc.c).

use super::reachability::{self, Anomaly};
use crate::header::{flag, hdr};
use crate::list::List;

/// Runs the finalizer of every garbage object that has one and has not
/// run it yet, each with a strong handle to its object and with every
/// garbage object still intact.
pub(crate) fn finalize_garbage(garbage: &List) {
    // Snapshot first: nothing leaves `garbage` during this loop (releases
    // are deferred), but a snapshot keeps the loop obviously finite.
    for h in garbage.to_vec() {
        // SAFETY: linked garbage objects are live.
        let header = unsafe { hdr(h) };
        let wants =
            header.vtable.finalize.is_some() && !header.has(flag::FINALIZED | flag::DROPPED);
        if wants && crate::finalize::call_finalizer(h) == 0 {
            crate::trashcan::release(h); // deferred: we are collecting
        }
    }
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
    let anomaly = reachability::deduce_unreachable(garbage, still);
    // What is left in `garbage` was found reachable: resurrected.
    garbage.merge_into(old);
    anomaly
}
