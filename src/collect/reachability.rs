//! Finding the unreachable objects: CPython's `update_refs`,
//! `subtract_refs` and `move_unreachable` (`deduce_unreachable`).
//!
//! The idea (CPython's, from `Python/gc.c`): an object's strong count says
//! how many handles point to it. Subtract the handles that objects *inside*
//! the collected set own; what remains (`gc_refs`) counts handles held from
//! outside: Rust locals, globals, older generations. Objects with
//! `gc_refs > 0` are alive, and so is everything they reach. The rest can
//! only be reached from each other: unreachable cycles.

use std::ptr::NonNull;

use super::tracing::trace_run;
use crate::header::{flag, gc_refs, hdr, tracked_type_name, Header};
use crate::list::{self, List};
use crate::trace::Sink;

/// Step 1, `update_refs`: `gc_refs = strong` and mark the set. Returns
/// the set's objects youngest first, for the next two steps.
///
/// Why a vector: walking a linked list is one dependent load after
/// another, each a cache miss once the list outgrows the cache, while the
/// loads of a vector's objects are independent and overlap. CPython walks
/// the list three times; we walk it once (`List::youngest_first`).
pub(crate) fn update_refs(young: &List) -> Vec<NonNull<Header>> {
    // SAFETY: the collection's own list, and no code but ours runs here.
    unsafe { young.youngest_first() }
        .inspect(|&h| {
            // SAFETY: linked objects are live and of tracked types (header
            // invariant 4).
            unsafe { init_refs(h, hdr(h)) };
        })
        .collect()
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
    /// The object being traced reported a handle into the set.
    inner: bool,
    /// Some object of the set reported a weak handle.
    weak_handles: bool,
}

impl SubtractSink {
    fn new(whole_heap: bool) -> Self {
        SubtractSink {
            current: NonNull::dangling(),
            anomaly: None,
            whole_heap,
            early: 0,
            inner: false,
            weak_handles: false,
        }
    }

    /// What the pass learned besides the counts.
    fn seen(self) -> Subtracted {
        Subtracted {
            anomaly: self.anomaly,
            weak_handles: self.weak_handles,
        }
    }

    /// Step 2 for one object (with [`trace_run`]): its trace's handles are
    /// subtracted. `begin` before the trace, `finish` after it.
    fn begin(&mut self, h: NonNull<Header>) -> Option<NonNull<Header>> {
        self.current = h;
        self.inner = false;
        Some(h)
    }

    /// An object whose trace panicked is marked OPAQUE (treated as
    /// referenced from outside); one that reported a handle into the set
    /// is marked INNER_EDGES (step 3 need not trace the others).
    fn finish(&mut self, h: NonNull<Header>, traced: bool) {
        // SAFETY: the set's objects are live (releases are deferred).
        let header = unsafe { hdr(h) };
        if !traced {
            header.set(flag::OPAQUE);
        }
        if self.inner {
            header.set(flag::INNER_EDGES);
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

/// The anomaly of a `Trace` impl (of `parent`) that reported more handles
/// to `target` than exist. Out of line, so that the hot path of
/// `SubtractSink::strong` keeps its registers (measured under callgrind:
/// inline, its prologue saved two more registers on every call).
#[cold]
#[inline(never)]
fn overcounted(parent: NonNull<Header>, target: NonNull<Header>) -> Anomaly {
    // SAFETY: the caller passes the set's live object being traced and a
    // live member of the set: both have heads.
    let (p, t) = unsafe { (tracked_type_name(parent), tracked_type_name(target)) };
    Anomaly::suspect(
        format!(
            "the Trace impl of {p} reported more handles to a {t} than exist \
             (visited twice, or a handle it does not own?)"
        ),
        vec![parent, target],
    )
}

/// The anomaly of a `Trace` impl (of `h`) that could report its handles
/// in `subtract_refs` and cannot while marking. Out of line, as above.
#[cold]
#[inline(never)]
fn went_blind(h: NonNull<Header>) -> Anomaly {
    // SAFETY: the caller passes a live member of the set, with a head.
    let name = unsafe { tracked_type_name(h) };
    Anomaly::everything(format!(
        "the Trace impl of {name} could not report its handles while the \
         collector was marking reachable objects"
    ))
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
        self.inner = true;
        // SAFETY: in the set, so of a tracked type (header invariant 4).
        let refs = unsafe { gc_refs(target) };
        match refs.get() {
            0 if self.anomaly.is_none() => {
                self.anomaly = Some(overcounted(self.current, target));
            }
            0 => {}
            n => refs.set(n - 1),
        }
    }

    fn weak(&mut self, _target: NonNull<Header>, _slot: &crate::weak::WeakSlot) {
        self.weak_handles = true;
    }

    fn opaque(&mut self) {
        // SAFETY: `current` is the live object being traced.
        unsafe { hdr(self.current) }.set(flag::OPAQUE);
    }
}

/// What step 2 learned besides the counts.
pub(crate) struct Subtracted {
    /// The first thing a `Trace` impl did that a correct one cannot.
    pub anomaly: Option<Anomaly>,
    /// Some object of the set reported a weak handle.
    pub weak_handles: bool,
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
pub(crate) fn subtract_refs(objects: &[NonNull<Header>]) -> Subtracted {
    let mut sink = SubtractSink::new(false);
    let mut objects = objects.iter();
    trace_run(
        &mut sink,
        |s| s.begin(*objects.next()?),
        SubtractSink::finish,
    );
    sink.seen()
}

/// Step 3's marking: a reported child in the set that is not known
/// reachable yet becomes so (COLLECTING cleared) and goes on the stack, to
/// be traced in turn.
struct ReachableSink {
    blind: bool,
    stack: Vec<NonNull<Header>>,
    /// Objects found reachable so far (strays included; see
    /// `move_unreachable`).
    marked: usize,
    anomaly: Option<Anomaly>,
}

impl ReachableSink {
    /// Marks `root` (held from outside the set) and everything it reaches.
    fn mark_from(&mut self, root: NonNull<Header>) {
        // SAFETY: the caller passes an object of the set, which is live.
        unsafe { hdr(root) }.clear(flag::COLLECTING);
        self.marked += 1;
        self.stack.push(root);
        trace_run(self, ReachableSink::next_to_trace, ReachableSink::traced);
    }

    /// The next object on the stack that step 3 must trace.
    fn next_to_trace(&mut self) -> Option<NonNull<Header>> {
        while let Some(h) = self.stack.pop() {
            // SAFETY: listed or reported objects of the set are live.
            let header = unsafe { hdr(h) };
            if !header.has(flag::INNER_EDGES | flag::OPAQUE) {
                // Step 2 saw it report no handle into the set. Any handle
                // into the set it holds was therefore not subtracted, and
                // its target counts it in `gc_refs`: the scan finds that
                // target held from outside. Nothing to mark from here. (A
                // trace that would report more now is a lying one, and
                // what it hides is checked by verify_garbage, as for any
                // lie: this skip is no part of the safety argument.)
                continue;
            }
            self.blind = false;
            return Some(h);
        }
        None
    }

    /// After `h`'s trace. An object that was already opaque in
    /// subtract_refs subtracted nothing from its children, so they look
    /// externally held and being blind again now is harmless. Only an
    /// object that could report its children then and cannot now is a
    /// problem. (Only step 2 sets OPAQUE, so the flag still says what
    /// step 2 saw.)
    fn traced(&mut self, h: NonNull<Header>, traced: bool) {
        // SAFETY: as in next_to_trace.
        let header = unsafe { hdr(h) };
        let was_opaque = header.has(flag::OPAQUE);
        if (!traced || self.blind) && !was_opaque && self.anomaly.is_none() {
            self.anomaly = Some(went_blind(h));
        }
        header.clear(flag::OPAQUE | flag::INNER_EDGES);
    }
}

impl Sink for ReachableSink {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        // SAFETY: a reported handle's target is live.
        let t = unsafe { hdr(target) };
        if t.has(flag::COLLECTING) {
            t.clear(flag::COLLECTING);
            self.marked += 1;
            self.stack.push(target);
        }
        // Otherwise: outside the set, or already known reachable.
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
    /// Some object of `unreachable` has more than one strong handle
    /// (read from the header word the move reads anyway; see
    /// `verify::verify_garbage`).
    pub shared: bool,
    /// Objects outside the set were marked COLLECTING (see
    /// `update_and_subtract_refs`).
    pub strays: bool,
    /// Every object of the set has an exact `Trace` (`Trace::TRUST`), so
    /// the garbage need not be verified. Meaningful only when there is
    /// garbage: the scan that reads it stops early when there is none.
    pub exact: bool,
    /// Some object of the set reported a weak handle.
    pub weak_handles: bool,
}

/// Step 3, `move_unreachable`: split `young` into reachable (stays, with
/// COLLECTING cleared) and unreachable (moved, COLLECTING|UNREACHABLE).
///
/// Objects with `gc_refs > 0` are held from outside the set; they, and
/// everything they reach, are reachable. The scan goes through `objects`
/// (`young`'s objects youngest first, from step 1) and marks from each
/// such object in turn, depth first with an explicit stack: a reachable
/// object loses COLLECTING when it is first found and is traced once, if
/// step 2 saw it report a handle into the set (INNER_EDGES; see
/// `ReachableSink::mark_from`). An object the scan meets with
/// `gc_refs == 0`, still marked COLLECTING, is only *tentatively*
/// unreachable (an object met later may reach it): it is noted, and after
/// the scan the noted objects still marked are the garbage, moved to
/// `unreachable` in list order. That is the set, and the order, CPython's
/// `move_unreachable` finds.
///
/// CPython moves each tentative object to `unreachable` at once, and back
/// to the end of `young` when something reaches it, so an object listed
/// before its referrer is moved twice and looked at three times; here it
/// is noted once, and survivors keep their order. The scan starts at the
/// youngest end, where the objects held by the program's locals usually
/// are (a structure built bottom-up is held by its last object), and
/// stops as soon as every object of the set is marked: the noted objects
/// are then not looked at again. (Measured: docs/performance.md,
/// "What changed".)
///
/// `strays`: objects outside the set may carry COLLECTING (see
/// `update_and_subtract_refs`). The marking then clears it on those it
/// reaches, which is harmless (they are live), but the count of marked
/// objects no longer says how many of the set were found, so the scan
/// does not stop early.
///
/// `exact`: whether every object of the set has an exact `Trace`, read
/// from the headers the scan reads anyway; the scan stops early only when
/// there is no garbage, which then needs no verifying. `seen` is what step
/// 2 noted (its anomaly comes first).
///
/// The anomaly says a reachable object could not report its children
/// (they might then look unreachable while they are not). The counts save
/// the driver a walk of either list (CPython calls `gc_list_size`).
pub(crate) fn move_unreachable(
    objects: Vec<NonNull<Header>>,
    unreachable: &List,
    strays: bool,
    seen: Subtracted,
) -> Deduced {
    let mut sink = ReachableSink {
        blind: false,
        stack: Vec::new(),
        marked: 0,
        anomaly: None,
    };
    // At most the whole set: allocated once, not grown (growing it was
    // 0.2% of W5's instructions: docs/performance.md).
    let mut tentative = Vec::with_capacity(objects.len());
    let mut exact = true;
    for &h in &objects {
        // SAFETY: the set's objects are live (releases are deferred).
        let header = unsafe { hdr(h) };
        exact &= header.has(flag::EXACT);
        if !header.has(flag::COLLECTING) {
            continue; // already found reachable
        }
        // SAFETY: in the set, so of a tracked type (header invariant 4).
        if unsafe { gc_refs(h) }.get() > 0 || header.has(flag::OPAQUE) {
            sink.mark_from(h);
            if sink.marked == objects.len() && !strays {
                tentative.clear(); // all of them were reached after all
                break;
            }
        } else {
            tentative.push(h);
        }
    }
    // The tentative objects nothing reached are the garbage, in list order.
    tentative.reverse();
    let mut shared = false;
    tentative.retain(|&h| {
        // SAFETY: the set's objects are live.
        let header = unsafe { hdr(h) };
        if !header.has(flag::COLLECTING) {
            return false;
        }
        shared |= header.strong() > 1;
        // SAFETY: `h` is in the set, so linked into `young`.
        unsafe { list::move_to(h, unreachable) };
        header.set(flag::UNREACHABLE);
        true
    });
    Deduced {
        anomaly: seen.anomaly.or(sink.anomaly),
        reachable: objects.len() - tentative.len(),
        unreachable: tentative,
        shared,
        strays,
        // Strays come from a `Trace` impl that tracked objects: not exact.
        exact: exact && !strays,
        weak_handles: seen.weak_handles,
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
pub(crate) fn update_and_subtract_refs(young: &List) -> (Vec<NonNull<Header>>, Subtracted, bool) {
    let mut sink = SubtractSink::new(true);
    let mut reached_early = 0;
    let mut objects = Vec::new();
    // SAFETY: the collection's own list; the traces that run during the
    // walk cannot unlink from it (releases are deferred, `untrack` does
    // nothing while collecting).
    let mut walk = unsafe { young.youngest_first() };
    trace_run(
        &mut sink,
        |s| {
            let h = walk.next()?;
            objects.push(h);
            // SAFETY: linked objects are live.
            let header = unsafe { hdr(h) };
            if header.has(flag::COLLECTING) {
                reached_early += 1;
            } else {
                // SAFETY: linked, so of a tracked type (header invariant 4).
                unsafe { init_refs(h, header) };
            }
            s.begin(h)
        },
        SubtractSink::finish,
    );
    let strays = sink.early != reached_early;
    (objects, sink.seen(), strays)
}

/// `deduce_unreachable`: steps 1 to 3 in one call. `whole_heap` says the
/// set is every tracked object outside the permanent generation (see
/// `update_and_subtract_refs`).
pub(crate) fn deduce_unreachable(young: &List, unreachable: &List, whole_heap: bool) -> Deduced {
    let (objects, seen, strays) = if whole_heap {
        update_and_subtract_refs(young)
    } else {
        let objects = update_refs(young);
        let seen = subtract_refs(&objects);
        (objects, seen, false)
    };
    move_unreachable(objects, unreachable, strays, seen)
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
