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
//! The work is O(objects + edges): one `Vec` of pointers, one `HashMap`
//! from address to index, and the edges in compressed-row form
//! (`starts[i]..starts[i + 1]` indexes `targets`), which costs two
//! allocations instead of one per object.
//!
//! (Rejected: keeping the scratch count in `Header::gc_refs`, as the
//! collector does. It saves the `incoming` vector but not the address map,
//! which the snapshot needs for its ids anyway, and it would tie the
//! correctness of introspection to nobody else touching the scratch field.)

use std::collections::HashMap;
use std::ptr::NonNull;

use crate::collect::reachability::trace_object;
use crate::header::{hdr, Header};
use crate::trace::Sink;

/// The heap as an indexed edge list. Built under an
/// [`Inspection`](super::Inspection), which keeps every pointer in
/// `objects` live; the `Graph` must not outlive it.
pub(crate) struct Graph {
    /// Index `i` is this object.
    pub objects: Vec<NonNull<Header>>,
    /// Strong counts when the walk began.
    pub strong: Vec<usize>,
    /// Strong handles not reported by any indexed object (saturating: a
    /// `Trace` that reports handles it does not own cannot make it wrap).
    pub external: Vec<usize>,
    starts: Vec<usize>,
    targets: Vec<usize>,
    index: HashMap<usize, usize>,
}

/// The address an object is indexed by.
pub(crate) fn addr(h: NonNull<Header>) -> usize {
    h.as_ptr() as usize
}

struct EdgeSink<'g> {
    index: &'g HashMap<usize, usize>,
    targets: &'g mut Vec<usize>,
    incoming: &'g mut [usize],
}

impl Sink for EdgeSink<'_> {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        // Targets outside the index (untracked leaves such as `Gc<String>`,
        // or objects a `trace` allocated during the walk) are not edges.
        if let Some(&j) = self.index.get(&addr(target)) {
            self.targets.push(j);
            self.incoming[j] += 1;
        }
    }

    /// A mutably borrowed `RefCell` hides its handles: they look external,
    /// as they do to the collector, which keeps such objects alive too.
    fn opaque(&mut self) {}
}

impl Graph {
    /// Indexes `objects` and traces each once.
    ///
    /// Every pointer must stay live while the graph is used (the caller
    /// holds an [`Inspection`](super::Inspection)).
    pub fn build(objects: Vec<NonNull<Header>>) -> Graph {
        let n = objects.len();
        let mut index = HashMap::with_capacity(n);
        for (i, &h) in objects.iter().enumerate() {
            index.insert(addr(h), i);
        }
        // SAFETY: the caller keeps every object live (Inspection::objects).
        let strong: Vec<usize> = objects.iter().map(|&h| unsafe { hdr(h) }.strong.get()).collect();
        let mut incoming = vec![0; n];
        let mut starts = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity(n);
        for &h in &objects {
            starts.push(targets.len());
            let mut sink = EdgeSink {
                index: &index,
                targets: &mut targets,
                incoming: &mut incoming,
            };
            // A panicking trace is caught and reported; the edges it
            // reported before panicking are kept.
            trace_object(h, &mut sink);
        }
        starts.push(targets.len());
        let external = strong
            .iter()
            .zip(&incoming)
            .map(|(&s, &i)| s.saturating_sub(i))
            .collect();
        Graph {
            objects,
            strong,
            external,
            starts,
            targets,
            index,
        }
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
    pub fn index_of(&self, h: NonNull<Header>) -> Option<usize> {
        self.index.get(&addr(h)).copied()
    }

    /// The edge list in compressed-row form, for the snapshot to keep.
    pub fn into_edges(self) -> (Vec<usize>, Vec<usize>) {
        (self.starts, self.targets)
    }
}
