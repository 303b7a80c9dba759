//! `handle_weakrefs`: weak references to garbage die before any finalizer
//! runs, so no finalizer can reach a garbage object through one.

use crate::list::List;

/// Clears every weak reference to an object of `garbage`.
pub(crate) fn handle_weakrefs(garbage: &List) {
    let mut cur = garbage.first();
    while let Some(h) = cur {
        // SAFETY: linked objects are live.
        unsafe { crate::weak::clear_weakrefs(None, h) };
        // SAFETY: `h` is linked into `garbage`.
        cur = unsafe { garbage.next_of(h) };
    }
}
