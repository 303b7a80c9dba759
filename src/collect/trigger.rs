//! When to collect automatically, and which generation (CPython 3.11's
//! `_PyObject_GC_Link` and `gc_collect_generations`).

use crate::heap::{Heap, NUM_GENERATIONS};

/// Called on every tracked allocation, after the young count went up.
/// Inlined into the allocation: the tests come first, the work is out of
/// line.
#[inline]
pub(crate) fn maybe_collect(heap: &Heap) {
    if heap.stress.get() {
        stress_collect(heap);
        return;
    }
    let g0 = &heap.gens[0];
    let threshold = g0.threshold.get();
    if g0.count.get() > threshold && threshold != 0 && heap.enabled.get() && !heap.collecting.get()
    {
        collect_generations(heap);
    }
}

/// Collect the oldest generation whose count exceeds its threshold; the
/// oldest waits until the objects promoted into it since the last full
/// collection exceed 25% of it (CPython's long-lived heuristic, which keeps
/// full collections from making the total cost quadratic).
#[inline(never)]
fn collect_generations(heap: &Heap) {
    for i in (0..NUM_GENERATIONS).rev() {
        let g = &heap.gens[i];
        if g.count.get() > g.threshold.get() {
            let oldest = i == NUM_GENERATIONS - 1;
            if oldest && heap.long_lived_pending.get() < heap.long_lived_total.get() / 4 {
                continue;
            }
            crate::gc_module::collect_with_callback(heap, i);
            break;
        }
    }
}

/// Stress mode: a young collection on every tracked allocation and a full
/// one on every tenth, to make rare interleavings common under test.
#[cold]
#[inline(never)]
fn stress_collect(heap: &Heap) {
    if heap.collecting.get() || !heap.enabled.get() {
        return;
    }
    let tick = heap.stress_tick.get() + 1;
    heap.stress_tick.set(tick);
    let generation = if tick % 10 == 0 {
        NUM_GENERATIONS - 1
    } else {
        0
    };
    crate::gc_module::collect_with_callback(heap, generation);
}
