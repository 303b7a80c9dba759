//! One walk of the whole heap: every object gets an index, every strong
//! edge between indexed objects is recorded, and each object's *external*
//! count is worked out: the handles to it that no indexed object's `Trace`
//! reports, so held from outside the heap (a Rust local, a global, an
//! `Rc`).
//!
//! That count is CPython's `update_refs` + `subtract_refs` (`gc_refs =
//! strong - internal references`) run over the whole heap instead of over
//! the generations being collected. Objects with a positive count are the
//! roots a leak hunt starts from. An old object holding a young one is not
//! special: both are indexed, so the edge is internal.
//!
//! The work is O(objects + edges), with no hashing: each object's index
//! is written into its header's scratch field `gc_refs`, and an edge's
//! target is looked up by reading that field back and checking that
//! `objects[index]` really is the target (an object allocated by a `trace`
//! during the walk, or an untracked leaf, holds a stale or zero value that
//! fails the check). The scratch field is free: only a collection uses it,
//! and none can run while the walk holds its [`Inspection`](super::Inspection)
//! (`heap.collecting` is set). The edges are kept in compressed-row form
//! (`starts[i]..starts[i + 1]` indexes `targets`): two allocations instead
//! of one per object.
//!
//! (Rejected: a `HashMap` from address to index. Measured on a 1M-object
//! list, hash lookups with their cache misses took 41% of the snapshot and
//! made 1M cost 14 to 20 times 100k instead of 10; reading the target's
//! header touches memory the walk visits anyway.)

use std::ptr::NonNull;

use super::Inspection;
use crate::collect::tracing::trace_erased;
use crate::header::{flag, gc_refs, hdr, Erased, Header};
use crate::heap::NUM_GENERATIONS;
use crate::trace::Sink;

/// The heap as an indexed edge list. Built under an
/// [`Inspection`](super::Inspection), which keeps every pointer in
/// `objects` live; the `Graph` must not outlive it.
pub(crate) struct Graph {
    /// Index `i` is this object: generations 0, 1, 2, the permanent one,
    /// then the `extra` object of [`Graph::build`] if it was not tracked.
    pub objects: Vec<NonNull<Header>>,
    /// The `extra` object of [`Graph::build`], with its vtable, if it was
    /// not tracked (and so is the last of `objects`).
    extra: Option<Erased>,
    /// Where each list ends in `objects`: list `k` (3 is the permanent
    /// generation) is `objects[ends[k - 1]..ends[k]]`.
    pub ends: [usize; NUM_GENERATIONS + 1],
    /// Strong counts when the walk began.
    pub strong: Vec<usize>,
    /// Strong handles not reported by any indexed object (saturating: a
    /// `Trace` that reports handles it does not own cannot make it wrap).
    pub external: Vec<usize>,
    starts: Vec<usize>,
    targets: Vec<usize>,
}

/// The address an object is indexed by.
pub(crate) fn addr(h: NonNull<Header>) -> usize {
    h.as_ptr() as usize
}

/// Gives `h` the next index: records it in its header (module docs).
fn index(objects: &mut Vec<NonNull<Header>>, strong: &mut Vec<usize>, h: NonNull<Header>) {
    // SAFETY: callers pass linked objects, live while their Inspection is
    // (Inspection::objects), or an object their caller holds a handle to.
    let header = unsafe { hdr(h) };
    if header.has(flag::HEAD) {
        // SAFETY: live, with a head (header invariant 4).
        unsafe { gc_refs(h) }.set(objects.len());
    }
    objects.push(h);
    strong.push(header.strong());
}

/// The index of `h` if it is one of `objects` (module docs).
fn lookup(objects: &[NonNull<Header>], h: NonNull<Header>) -> Option<usize> {
    // SAFETY: callers pass a target just reported by a handle, or the
    // caller's own handle: live (header invariant 1).
    if !unsafe { hdr(h) }.has(flag::HEAD) {
        // No scratch field: an untracked object is only ever indexed as
        // the last one (`Graph::build`'s `extra`).
        return (objects.last() == Some(&h)).then(|| objects.len() - 1);
    }
    // SAFETY: live, with a head (header invariant 4).
    let i = unsafe { gc_refs(h) }.get();
    (objects.get(i) == Some(&h)).then_some(i)
}

/// Indexed object `i` with its vtable: `extra` (an untracked object the
/// caller holds, indexed last) or a listed object, whose head has it.
fn erased_at(objects: &[NonNull<Header>], extra: Option<Erased>, i: usize) -> Erased {
    match extra {
        Some(obj) if i == objects.len() - 1 => obj,
        // SAFETY: every other indexed object is listed: live while the
        // Inspection is (Inspection::objects), with a head (header
        // invariant 4).
        _ => unsafe { Erased::with_head(objects[i]) },
    }
}

struct EdgeSink<'g> {
    objects: &'g [NonNull<Header>],
    targets: &'g mut Vec<usize>,
    incoming: &'g mut [usize],
}

impl Sink for EdgeSink<'_> {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        // Targets outside the index (untracked leaves such as `Gc<String>`,
        // or objects a `trace` allocated during the walk) are not edges.
        if let Some(j) = lookup(self.objects, target) {
            self.targets.push(j);
            self.incoming[j] += 1;
        }
    }

    /// A mutably borrowed `RefCell` hides its handles: they look external,
    /// as they do to the collector, which keeps such objects alive too.
    fn opaque(&mut self) {}
}

impl Graph {
    /// Walks every tracked object (and `extra`, an object the caller holds
    /// a handle to, if it is untracked), tracing each once and calling
    /// `traced` on each right after its trace.
    ///
    /// Two passes over the objects, because an edge may point to an object
    /// later in the lists: the first indexes them, the second traces them.
    /// Each pass touches every object's memory once; `traced` lets the
    /// caller read an object while the second pass has it in cache.
    pub fn build(
        insp: &Inspection<'_>,
        extra: Option<Erased>,
        mut traced: impl FnMut(Erased),
    ) -> Graph {
        let mut objects = Vec::new();
        let mut strong = Vec::new();
        let mut ends = [0; NUM_GENERATIONS + 1];
        for (k, l) in insp.lists().into_iter().enumerate() {
            let mut cur = l.first();
            while let Some(h) = cur {
                index(&mut objects, &mut strong, h);
                // SAFETY: `h` is linked into `l`.
                cur = unsafe { l.next_of(h) };
            }
            ends[k] = objects.len();
        }
        let extra = extra.filter(|obj| lookup(&objects, obj.ptr()).is_none());
        if let Some(obj) = extra {
            index(&mut objects, &mut strong, obj.ptr());
        }
        let n = objects.len();
        let mut incoming = vec![0; n];
        let mut starts = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity(n);
        for i in 0..objects.len() {
            let obj = erased_at(&objects, extra, i);
            starts.push(targets.len());
            let mut sink = EdgeSink {
                objects: &objects,
                targets: &mut targets,
                incoming: &mut incoming,
            };
            // A panicking trace is caught and reported; the edges it
            // reported before panicking are kept.
            trace_erased(obj, &mut sink);
            traced(obj);
        }
        starts.push(targets.len());
        let external = strong
            .iter()
            .zip(&incoming)
            .map(|(&s, &i)| s.saturating_sub(i))
            .collect();
        Graph {
            objects,
            extra,
            ends,
            strong,
            external,
            starts,
            targets,
        }
    }

    /// Object `i` with its vtable.
    pub fn erased(&self, i: usize) -> Erased {
        erased_at(&self.objects, self.extra, i)
    }

    /// The number of indexed objects.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// The indexes object `i` holds strong handles to, once per handle.
    pub fn referents(&self, i: usize) -> &[usize] {
        &self.targets[self.starts[i]..self.starts[i + 1]]
    }

    /// The index of the object at `h`, if it was indexed.
    ///
    /// `h` must be live (the caller holds a handle to it).
    pub fn index_of(&self, h: NonNull<Header>) -> Option<usize> {
        lookup(&self.objects, h)
    }

    /// The edge list in compressed-row form, for the snapshot to keep.
    pub fn into_edges(self) -> (Vec<usize>, Vec<usize>) {
        (self.starts, self.targets)
    }
}
