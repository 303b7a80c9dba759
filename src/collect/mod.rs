//! The collector's driver: read this first.
//!
//! [`collect_main`] is CPython's `gc_collect_main` (Python/gc.c, 3.11) as a
//! numbered list of phase calls. Each phase lives in its own module:
//!
//! | phase | module |
//! |---|---|
//! | update_refs, subtract_refs, move_unreachable, verify_garbage | [`reachability`] |
//! | handle_weakrefs | [`weakrefs`] |
//! | finalize_garbage, handle_resurrected_objects | [`finalization`] |
//! | delete_garbage | [`clear`] |
//! | when to collect, and which generation | [`trigger`] |
//!
//! The whole collection runs inside a [`Collection`] guard. While it
//! exists, `heap.collecting` is set (collections do not nest, releases are
//! deferred to the trashcan queue); when it drops, on return or on unwind,
//! it puts every object still in a scratch list back into a generation,
//! clears the per-collection flags and releases what was deferred. A panic
//! anywhere in a collection therefore cannot strand the heap.

pub(crate) mod clear;
pub(crate) mod finalization;
pub(crate) mod reachability;
pub(crate) mod trigger;
pub(crate) mod weakrefs;

use crate::heap::{Heap, NUM_GENERATIONS};
use crate::list::List;
use reachability::Anomaly;

/// A collection under way; its `Drop` restores the heap (see module docs).
pub(crate) struct Collection<'h> {
    heap: &'h Heap,
    /// Where survivors go: the next older generation (or the oldest).
    old: usize,
    /// The generations being collected, merged (CPython's `young`).
    pub young: List,
    /// Objects found unreachable.
    pub unreachable: List,
}

impl<'h> Collection<'h> {
    /// Starts a collection of generations `0..=generation`, or returns
    /// `None` if one is already under way.
    fn begin(heap: &'h Heap, generation: usize) -> Option<Self> {
        if heap.collecting.get() {
            return None;
        }
        heap.collecting.set(true);
        let c = Collection {
            heap,
            old: (generation + 1).min(NUM_GENERATIONS - 1),
            young: List::new(),
            unreachable: List::new(),
        };
        // Update the counts as CPython does at the start of a collection.
        if generation + 1 < NUM_GENERATIONS {
            let next = &heap.gens[generation + 1].count;
            next.set(next.get() + 1);
        }
        for g in &heap.gens[..=generation] {
            g.count.set(0);
            g.list.merge_into(&c.young);
        }
        Some(c)
    }

    fn old_list(&self) -> &List {
        &self.heap.gens[self.old].list
    }

    /// Gives up on the garbage: everything found goes back to the old
    /// generation, alive. Used when a `Trace` impl was caught lying.
    fn keep_everything(&self, anomaly: Anomaly) {
        reachability::clear_scratch_flags(&self.unreachable);
        self.unreachable.merge_into(self.old_list());
        crate::unraisable::report(
            Some(self.heap),
            "collection",
            "refcycle",
            &format!("{}; the suspect objects are kept alive", anomaly.0),
        );
    }
}

impl Drop for Collection<'_> {
    fn drop(&mut self) {
        for l in [&self.young, &self.unreachable] {
            reachability::clear_scratch_flags(l);
            l.merge_into(&self.heap.gens[self.old].list);
        }
        self.heap.collecting.set(false);
        crate::trashcan::drain_after_collection(self.heap);
    }
}

/// What one collection found.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Outcome {
    /// Unreachable objects freed (CPython's `m`).
    pub collected: usize,
    /// Unreachable objects kept alive (CPython's `n`).
    pub uncollectable: usize,
}

/// Collects generations `0..=generation`. `None` if a collection is
/// already under way (collections never nest).
pub(crate) fn collect_main(heap: &Heap, generation: usize) -> Option<Outcome> {
    let c = Collection::begin(heap, generation)?;
    let mut out = Outcome::default();

    // 1-3. update_refs, subtract_refs, move_unreachable: split `young` into
    //      reachable and unreachable.
    let anomaly = reachability::deduce_unreachable(&c.young, &c.unreachable);

    // 4. Survivors move to the next generation (the oldest keeps its own),
    //    with the long-lived bookkeeping of CPython's full-collection rule.
    promote_survivors(&c, generation);

    // 5. Refuse to touch garbage that a lying Trace impl may have invented.
    if let Some(a) = anomaly.map(Err).unwrap_or_else(|| reachability::verify_garbage(&c.unreachable)).err() {
        c.keep_everything(a);
        record_stats(heap, generation, out);
        return Some(out);
    }

    // 6. handle_weakrefs: weak references to the garbage die.
    weakrefs::handle_weakrefs(&c.unreachable);

    // 7. finalize_garbage: run each finalizer once, garbage intact.
    finalization::finalize_garbage(&c.unreachable);

    // 8. handle_resurrected_objects: whatever a finalizer made reachable
    //    again survives, with all it reaches.
    let still = List::new();
    let anomaly = finalization::handle_resurrected_objects(&c.unreachable, &still, c.old_list());
    still.merge_into(&c.unreachable);
    if let Some(a) = anomaly.map(Err).unwrap_or_else(|| reachability::verify_garbage(&c.unreachable)).err() {
        c.keep_everything(a);
        record_stats(heap, generation, out);
        return Some(out);
    }

    // 9. delete_garbage: drop the values; memory goes when the last handle
    //    does (the trashcan queue, drained when `c` drops).
    out.collected = clear::delete_garbage(heap, &c.unreachable);

    record_stats(heap, generation, out);
    drop(c);
    Some(out)
}

fn promote_survivors(c: &Collection<'_>, generation: usize) {
    let heap = c.heap;
    if generation == NUM_GENERATIONS - 1 {
        // Survivors of a full collection stay in the oldest generation.
        heap.long_lived_pending.set(0);
        heap.long_lived_total.set(c.young.len());
    } else if generation == NUM_GENERATIONS - 2 {
        let n = c.young.len();
        heap.long_lived_pending.set(heap.long_lived_pending.get() + n);
    }
    c.young.merge_into(c.old_list());
}

fn record_stats(heap: &Heap, generation: usize, out: Outcome) {
    let cell = &heap.stats[generation];
    let mut s = cell.get();
    s.collections += 1;
    s.collected += out.collected;
    s.uncollectable += out.uncollectable;
    cell.set(s);
}

/// The last full collection, when the thread's heap is torn down.
pub(crate) fn collect_at_teardown(heap: &Heap) {
    let _ = collect_main(heap, NUM_GENERATIONS - 1);
}
