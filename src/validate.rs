//! Consistency checks of the whole heap (CPython's `validate_list`), used
//! by tests after hostile user code, and between the collector's phases in
//! debug builds.

use std::ptr::NonNull;

use crate::header::{flag, hdr, Header};
use crate::heap::Heap;
use crate::list::List;

/// What [`validate`] found wrong; `Display` names the likely culprit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeapError(pub String);

impl std::fmt::Display for HeapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refcycle heap inconsistent: {}", self.0)
    }
}

impl std::error::Error for HeapError {}

/// Checks this thread's heap: every generation list is a well-formed
/// circular list of live, tracked objects; no per-collection flag is left
/// set outside a collection; frozen objects are exactly those in the
/// permanent generation; every tracked object still has a handle (or is
/// queued for release); no release is left pending.
///
/// Returns `Ok(())` inside a collection or an introspection walk (objects
/// are then in scratch lists), in the middle of a release (from a `Drop`)
/// and after the thread's heap is gone.
///
/// # Errors
/// A [`HeapError`] describing the first inconsistency found.
///
/// # Examples
/// ```
/// let a = refcycle::Gc::new(std::cell::RefCell::new(Vec::<refcycle::Gc<u8>>::new()));
/// refcycle::collect();
/// assert_eq!(refcycle::validate(), Ok(()));
/// # drop(a);
/// ```
pub fn validate() -> Result<(), HeapError> {
    crate::heap::with(|heap| match heap {
        // Mid-release (from a `Drop`, say) the trashcan may legitimately
        // hold queued objects; there is nothing stable to check then.
        Some(heap) if !heap.defer_releases.get() && heap.release_depth.get() == 0 => {
            validate_heap(heap)
        }
        _ => Ok(()),
    })
}

fn validate_heap(heap: &Heap) -> Result<(), HeapError> {
    if !heap.release_queue.borrow().is_empty() {
        return Err(HeapError(
            "releases are still queued outside a collection".into(),
        ));
    }
    for (i, l) in heap.all_lists().into_iter().enumerate() {
        let frozen = i == crate::heap::NUM_GENERATIONS;
        validate_list(l, flag::SCRATCH | flag::PENDING, frozen)?;
    }
    Ok(())
}

/// Checks one list: links consistent both ways, every object TRACKED,
/// none of `forbidden` set, FROZEN exactly when `frozen`, and a handle
/// keeping each one alive.
pub(crate) fn validate_list(l: &List, forbidden: u32, frozen: bool) -> Result<(), HeapError> {
    let objects = l.to_vec();
    let mut prev: Option<NonNull<Header>> = None;
    for &h in &objects {
        // SAFETY: linked objects are live (List invariant).
        let header = unsafe { hdr(h) };
        let name = if header.has(flag::HEAD) {
            // SAFETY: live, with a head.
            unsafe { crate::header::tracked_type_name(h) }
        } else {
            "object without a head"
        };
        let err = |what: &str| Err(HeapError(format!("{what}: a {name}")));
        if !header.has(flag::TRACKED) {
            return err("an object in a generation list is not marked tracked");
        }
        if header.has(forbidden) {
            return err("a per-collection flag was left set outside a collection");
        }
        if header.has(flag::FROZEN) != frozen {
            return err("the FROZEN flag disagrees with the object's list");
        }
        if header.strong() == 0 && !header.has(flag::PENDING) {
            return err("a tracked object has no handle and is not queued for release");
        }
        if header.has(flag::DROPPED) {
            return err("a tracked object's value was already dropped");
        }
        // SAFETY: `h` was found by walking `l`, so it is linked into it.
        if unsafe { l.prev_of(h) } != prev {
            return err("a list's back link disagrees with its forward link");
        }
        prev = Some(h);
    }
    Ok(())
}

/// Debug builds: checks a collection's list between phases and panics
/// with a message naming the likely culprit.
pub(crate) fn debug_validate(l: &List, forbidden: u32, phase: &str) {
    if cfg!(debug_assertions) {
        if let Err(e) = validate_list(l, forbidden, false) {
            panic!("refcycle: after {phase}: {e} (is a Trace impl correct?)");
        }
    }
}
