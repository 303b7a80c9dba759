//! `delete_garbage`: dropping the values of unreachable objects.

use crate::any::AnyGc;
use crate::gc_module::DEBUG_SAVEALL;
use crate::header::{self, flag, hdr};
use crate::heap::Heap;
use crate::list::{self, List};

/// Drops the value of every object in `garbage` and untracks it; returns
/// how many there were. Under DEBUG_SAVEALL the objects are appended to
/// `gc.garbage` instead and move to `old`, alive.
///
/// Dropping a value drops the handles it owns; objects whose strong count
/// reaches zero are queued and freed when the collection ends. A `Drop`
/// impl that derefs another member of its cycle finds either an intact
/// value or, if that one was dropped first, a panic/`Cleared`: never freed
/// memory, because memory outlives handles.
pub(crate) fn delete_garbage(heap: &Heap, garbage: &List, old: &List) -> usize {
    if heap.debug.get() & DEBUG_SAVEALL != 0 {
        let objects = garbage.to_vec();
        // SAFETY: linked objects are live.
        let saved = objects.iter().map(|&h| unsafe { AnyGc::from_live(h) });
        heap.garbage.borrow_mut().extend(saved.collect::<Vec<_>>());
        super::reachability::clear_scratch_flags(garbage);
        garbage.merge_into(old);
        return objects.len();
    }
    let mut n = 0;
    while let Some(h) = garbage.first() {
        // SAFETY: `h` is linked into `garbage`, hence live.
        unsafe { list::unlink(h) };
        // SAFETY: live (unlinking does not free).
        let header = unsafe { hdr(h) };
        header.clear(flag::TRACKED | flag::SCRATCH);
        let g0 = &heap.gens[0].count;
        g0.set(g0.get().saturating_sub(1));
        // Weak references made by finalizers die before the value does.
        // SAFETY: live.
        unsafe { crate::weak::clear_weakrefs(Some(heap), h) };
        // SAFETY: verify_garbage established that every handle to `h` is
        // owned by a garbage value, so no `&T` from a handle outside the
        // garbage can be live.
        if let Some(payload) = unsafe { header::drop_value(h) } {
            crate::unraisable::report_panic(Some(heap), "drop of", header.type_name(), payload);
        }
        n += 1;
    }
    n
}
