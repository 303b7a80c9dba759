//! Finding the unreachable objects: CPython's `update_refs`,
//! `subtract_refs` and `move_unreachable` (`deduce_unreachable`), and
//! the tracing helper every phase uses.
//!
//! The idea (CPython's, from `Python/gc.c`): an object's strong count says
//! how many handles point to it. Subtract the handles that objects *inside*
//! the collected set own; what remains (`gc_refs`) counts handles held from
//! outside: Rust locals, globals, older generations. Objects with
//! `gc_refs > 0` are alive, and so is everything they reach. The rest can
//! only be reached from each other: unreachable cycles.

use std::ptr::NonNull;

use crate::header::{flag, gc_refs, hdr, Header};
use crate::list::{self, List};
use crate::trace::{Sink, Visitor};

/// Runs `T::trace` on `h`'s value, catching a panic.
///
/// Returns `false` if the trace panicked (the panic is reported).
pub(crate) fn trace_object(h: NonNull<Header>, sink: &mut dyn Sink) -> bool {
    // SAFETY: callers pass live objects: linked in a collection's or the
    // heap's lists while releases are deferred (collector, introspection),
    // so nothing frees them during the call.
    let header = unsafe { hdr(h) };
    if header.has(flag::DROPPED) {
        return true; // a cleared value owns nothing
    }
    let trace = header.vtable.trace;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut visitor = Visitor::new(sink);
        // SAFETY: live and not DROPPED (checked above; a trace cannot drop
        // values: releases are deferred while collecting).
        unsafe { trace(h, &mut visitor) }
    }));
    match result {
        Ok(()) => true,
        Err(payload) => {
            crate::heap::with(|heap| {
                if let Some(heap) = heap {
                    // The report may run the user's hook (see run_phases).
                    heap.trace_panics.set(heap.trace_panics.get() + 1);
                }
                crate::unraisable::report_panic(heap, "trace of", header.type_name(), payload)
            });
            false
        }
    }
}

/// Step 1, `update_refs`: `gc_refs = strong` and mark the set. Returns
/// the set's objects in list order, for the next two steps.
///
/// Why a vector: walking a linked list is one dependent load after
/// another, each a cache miss once the list outgrows the cache, while the
/// loads of a vector's objects are independent and overlap. CPython walks
/// the list three times; we walk it once, from both ends at once
/// (`List::to_vec_visiting`). (Measured: a full collection of a 1M-object
/// tree spent most of its time in CPython's three walks; with the 48-byte
/// tracked header, a one-ended walk took 22 to 34 ms, the two-ended one 9
/// to 11 ms, timed in `compare --child refcycle FULL 1000000`;
/// docs/performance.md.)
pub(crate) fn update_refs(young: &List) -> Vec<NonNull<Header>> {
    young.to_vec_visiting(|h| {
        // SAFETY: linked objects are live and of tracked types (header
        // invariant 4).
        unsafe { init_refs(h, hdr(h)) };
    })
}

pub(crate) use super::verify::Anomaly;

struct SubtractSink {
    current: NonNull<Header>,
    anomaly: Option<Anomaly>,
    /// The set is every tracked object outside the permanent generation
    /// (`update_and_subtract_refs`): a target not given its count yet is
    /// given it when first reported, and counted here.
    whole_heap: bool,
    early: usize,
}

impl SubtractSink {
    /// Step 2 for one object: its trace's handles are subtracted. An
    /// object whose trace panics is marked OPAQUE (treated as referenced
    /// from outside).
    fn subtract(&mut self, h: NonNull<Header>) {
        self.current = h;
        if !trace_object(h, self) {
            // SAFETY: the set's objects are live (releases are deferred).
            unsafe { hdr(h) }.set(flag::OPAQUE);
        }
    }
}

/// Step 1 for one object: `gc_refs = strong`, and the set's mark.
///
/// # Safety
/// `h` must be live and of a tracked type (header invariant 4).
#[inline]
unsafe fn init_refs(h: NonNull<Header>, header: &Header) {
    // SAFETY: forwarded.
    unsafe { gc_refs(h) }.set(header.strong());
    header.set(flag::COLLECTING);
}

impl Sink for SubtractSink {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        // SAFETY: a handle was just reported, so its target is live.
        let t = unsafe { hdr(target) };
        if !t.has(flag::COLLECTING) {
            if !self.whole_heap || !t.has(flag::TRACKED) || t.has(flag::FROZEN) {
                return; // outside the set
            }
            // SAFETY: tracked, so of a tracked type (header invariant 4).
            unsafe { init_refs(target, t) };
            self.early += 1;
        }
        // SAFETY: in the set, so of a tracked type (header invariant 4).
        let refs = unsafe { gc_refs(target) };
        match refs.get() {
            0 if self.anomaly.is_none() => {
                // SAFETY: `current` is the live object being traced.
                let parent = unsafe { hdr(self.current) }.type_name();
                self.anomaly = Some(Anomaly::suspect(
                    format!(
                        "the Trace impl of {parent} reported more handles to a {} than exist \
                         (visited twice, or a handle it does not own?)",
                        t.type_name()
                    ),
                    vec![self.current, target],
                ));
            }
            0 => {}
            n => refs.set(n - 1),
        }
    }

    fn opaque(&mut self) {
        // SAFETY: `current` is the live object being traced.
        unsafe { hdr(self.current) }.set(flag::OPAQUE);
    }
}

/// Step 2, `subtract_refs`: remove the references internal to the set.
///
/// An object whose trace panics or reports itself opaque is marked OPAQUE:
/// it is treated as referenced from outside.
///
/// One sink serves every object and keeps the first anomaly. (Measured: a
/// sink per object, its `Option<Anomaly>` merged after each trace, spent
/// a third of `deduce_unreachable`'s samples moving that 48-byte option
/// through the stack, in `cargo bench --bench hot_paths --
/// young_collection` under `perf`.)
pub(crate) fn subtract_refs(objects: &[NonNull<Header>]) -> Option<Anomaly> {
    let mut sink = SubtractSink {
        current: NonNull::dangling(),
        anomaly: None,
        whole_heap: false,
        early: 0,
    };
    for &h in objects {
        sink.subtract(h);
    }
    sink.anomaly
}

struct ReachableSink<'a> {
    young: &'a List,
    blind: bool,
    /// The scan's queue: objects moved back from `unreachable` to the end
    /// of `young` are appended, so that the scan reaches them again.
    queue: &'a mut Vec<NonNull<Header>>,
}

impl Sink for ReachableSink<'_> {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        // SAFETY: a reported handle's target is live.
        let t = unsafe { hdr(target) };
        if !t.has(flag::COLLECTING) {
            return; // outside the set, or already known reachable
        }
        // SAFETY: in the set, so of a tracked type (header invariant 4).
        let refs = unsafe { gc_refs(target) };
        if t.has(flag::UNREACHABLE) {
            // Tentatively unreachable, but reachable after all: back to
            // the end of `young`, where the scan will reach it again.
            // SAFETY: UNREACHABLE objects are linked in `unreachable`.
            unsafe { list::move_to(target, self.young) };
            t.clear(flag::UNREACHABLE);
            refs.set(1);
            self.queue.push(target);
        } else if refs.get() == 0 {
            // Not scanned yet: make sure the scan sees it as reachable.
            refs.set(1);
        }
    }

    fn opaque(&mut self) {
        self.blind = true;
    }
}

/// What `move_unreachable` found: how many objects stayed in `young`
/// (reachable) and went to `unreachable`, and whether a `Trace` misbehaved.
pub(crate) struct Deduced {
    pub anomaly: Option<Anomaly>,
    pub reachable: usize,
    /// The objects of `unreachable`, in list order (so that the next
    /// phase need not walk the list).
    pub unreachable: Vec<NonNull<Header>>,
    /// Objects outside the set were marked COLLECTING (see
    /// `update_and_subtract_refs`).
    pub strays: bool,
}

/// Step 3, `move_unreachable`: split `young` into reachable (stays, with
/// COLLECTING cleared) and unreachable (moved, COLLECTING|UNREACHABLE).
///
/// The anomaly says a reachable object could not report its children
/// (they might then look unreachable while they are not). The counts save
/// the driver a walk of either list (CPython calls `gc_list_size`).
///
/// `objects` are `young`'s objects in list order (from `update_refs`);
/// the scan follows them instead of the links, appending what it moves
/// back to `young`, so it visits exactly what a walk of the list would.
pub(crate) fn move_unreachable(
    young: &List,
    mut objects: Vec<NonNull<Header>>,
    unreachable: &List,
) -> Deduced {
    let mut anomaly = None;
    let mut reachable = 0;
    let mut moved = Vec::new();
    let mut i = 0;
    while let Some(&h) = objects.get(i) {
        i += 1;
        // SAFETY: the set's objects are live (releases are deferred).
        let header = unsafe { hdr(h) };
        // SAFETY: in the set, so of a tracked type (header invariant 4).
        if unsafe { gc_refs(h) }.get() > 0 || header.has(flag::OPAQUE) {
            // An object that was already opaque in subtract_refs subtracted
            // nothing from its children, so they look externally held and
            // being blind again now is harmless. Only an object that could
            // report its children then and cannot now is a problem.
            let was_opaque = header.has(flag::OPAQUE);
            let mut sink = ReachableSink {
                young,
                blind: false,
                queue: &mut objects,
            };
            if (!trace_object(h, &mut sink) || sink.blind) && !was_opaque {
                anomaly = anomaly.or_else(|| {
                    Some(Anomaly::everything(format!(
                        "the Trace impl of {} could not report its handles while the \
                         collector was marking reachable objects",
                        header.type_name()
                    )))
                });
            }
            reachable += 1;
            header.clear(flag::COLLECTING | flag::OPAQUE);
        } else {
            // SAFETY: `h` is linked into `young` (it is visited once while
            // there: a moved object comes back only through the queue).
            unsafe { list::move_to(h, unreachable) };
            header.set(flag::UNREACHABLE);
            moved.push(h);
        }
    }
    // What was moved back to `young` is reachable after all; the rest is
    // `unreachable`, in the order it was moved there.
    // SAFETY: the set's objects are live.
    moved.retain(|&h| unsafe { hdr(h) }.has(flag::UNREACHABLE));
    Deduced {
        anomaly,
        reachable,
        unreachable: moved,
        strays: false,
    }
}

/// Steps 1 and 2 in one walk, when the set is the whole heap (a full
/// collection: every tracked object outside the permanent generation).
///
/// Each object is traced as the walk reaches it. A child is in the set
/// exactly when it is tracked and not frozen, so one not reached yet can
/// be given its count (`gc_refs = strong`) when first reported, and is not
/// given it again when reached. This saves step 1's separate pass over
/// every header; the set of a younger collection depends on which list an
/// object is in, which its header does not say, so it keeps steps 1 and 2
/// apart. (Measured: `compare --child refcycle FULL 1000000`, 1M live
/// objects, 45 ms -> 35 ms; docs/performance.md.)
///
/// A `Trace` impl may track or unfreeze objects while it is traced: they
/// are tracked and not frozen, but not in the set. Given a count when
/// reported, they would keep COLLECTING after the collection. The walk
/// notices: every object given its count early is later reached by the
/// walk, unless it is such a stray. Returns whether there were strays
/// (the driver then clears them; `Collection::clear_strays`).
pub(crate) fn update_and_subtract_refs(
    young: &List,
) -> (Vec<NonNull<Header>>, Option<Anomaly>, bool) {
    let mut sink = SubtractSink {
        current: NonNull::dangling(),
        anomaly: None,
        whole_heap: true,
        early: 0,
    };
    let mut reached_early = 0;
    let objects = young.to_vec_visiting(|h| {
        // SAFETY: linked objects are live.
        let header = unsafe { hdr(h) };
        if header.has(flag::COLLECTING) {
            reached_early += 1;
        } else {
            // SAFETY: linked, so of a tracked type (header invariant 4).
            unsafe { init_refs(h, header) };
        }
        sink.subtract(h);
    });
    let strays = sink.early != reached_early;
    (objects, sink.anomaly, strays)
}

/// `deduce_unreachable`: steps 1 to 3 in one call. `whole_heap` says the
/// set is every tracked object outside the permanent generation (see
/// `update_and_subtract_refs`).
pub(crate) fn deduce_unreachable(young: &List, unreachable: &List, whole_heap: bool) -> Deduced {
    let (objects, a, strays) = if whole_heap {
        update_and_subtract_refs(young)
    } else {
        let objects = update_refs(young);
        let a = subtract_refs(&objects);
        (objects, a, false)
    };
    let mut found = move_unreachable(young, objects, unreachable);
    found.anomaly = a.or(found.anomaly);
    found.strays = strays;
    found
}

/// Clears the per-collection flags of every object in `l`.
pub(crate) fn clear_scratch_flags(l: &List) {
    let mut cur = l.first();
    while let Some(h) = cur {
        // SAFETY: linked objects are live.
        unsafe { hdr(h) }.clear(flag::SCRATCH);
        // SAFETY: `h` is linked into `l`.
        cur = unsafe { l.next_of(h) };
    }
}
