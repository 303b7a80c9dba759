//! The collector's driver: read this first.
//!
//! [`collect_main`] is CPython's `gc_collect_main` (Python/gc.c, 3.11) as a
//! numbered list of phase calls. Each phase lives in its own module:
//!
//! | phase | module |
//! |---|---|
//! | update_refs, subtract_refs, move_unreachable | [`reachability`] |
//! | verify_garbage (ours: `Trace` is a safe trait), or its survey alone for exact impls | [`verify`] |
//! | move_legacy_finalizers, handle_legacy_finalizers | [`legacy`] |
//! | handle_weakrefs | [`weakrefs`] |
//! | finalize_garbage, handle_resurrected_objects | [`finalization`] |
//! | delete_garbage | [`clear`] |
//! | tracing a value, a panic caught (every phase) | [`tracing`] |
//! | when to collect, and which generation | [`trigger`] |
//!
//! The phases run inside a [`Collection`] guard. While it exists, releases
//! are deferred to the trashcan queue, so nothing the collector is walking
//! is unlinked or freed behind its back; when it drops, on return or on
//! unwind, it puts every object still in a scratch list back into a
//! generation, clears the per-collection flags and releases what was
//! deferred. A panic anywhere in a collection cannot strand the heap.
//!
//! From verify_garbage on, the garbage is *condemned* (`Heap::condemned`):
//! no one may borrow its values, because the collector will drop them in
//! place whatever handles remain, and a borrow made now could outlive its
//! value. Finalizers, weak-reference callbacks and debug output run under
//! a [`Reprieve`], with the garbage intact and borrowable; whenever any of
//! them ran, step 9 checks the garbage again, under condemnation, before
//! anything is dropped.

pub(crate) mod clear;
pub(crate) mod finalization;
pub(crate) mod legacy;
pub(crate) mod reachability;
pub(crate) mod tracing;
pub(crate) mod trigger;
pub(crate) mod verify;
pub(crate) mod weakrefs;

use std::ptr::NonNull;
use std::time::Instant;

use crate::gc_module::{DEBUG_COLLECTABLE, DEBUG_STATS};
use crate::header::{flag, hdr, Header};
use crate::heap::{Heap, NUM_GENERATIONS};
use crate::list::List;
use verify::{Anomaly, Survey};

/// The phases' scratch lists; its `Drop` restores the heap (module docs).
///
/// # Invariant
/// Between `finalize_garbage` and `handle_resurrected_objects` (step 8b),
/// an object is linked into one of these lists exactly when it carries
/// one of `flag::SCRATCH`: `UNREACHABLE` in `unreachable`, `LEGACY_HELD`
/// in `finalizers`; `young` (promoted in step 4) and `still` are empty.
/// `trashcan::release_outside_collection` relies on it to release, there,
/// only objects outside these lists.
///
/// The phases' snapshots of these lists (vectors of their objects) never
/// read an entry after its object was untracked: `release_zeroed` reads
/// each entry once, and `delete_garbage` consumes the garbage's snapshot
/// before its loop untracks anything. So no collection structure reaches
/// an untracked object, which `trashcan::release_spent` relies on to free
/// one mid-collection.
pub(crate) struct Collection<'h> {
    heap: &'h Heap,
    /// Where survivors go: the next older generation (or the oldest).
    old: usize,
    /// The generations being collected, merged (CPython's `young`).
    young: List,
    /// Objects found unreachable.
    unreachable: List,
    /// Unreachable objects kept alive by legacy finalizers.
    finalizers: List,
    /// Garbage still unreachable after the finalizers (a phase's output).
    still: List,
}

impl<'h> Collection<'h> {
    /// Starts collecting generations `0..=generation`.
    fn begin(heap: &'h Heap, generation: usize) -> Self {
        heap.defer_releases.set(true);
        debug_assert!(!heap.condemned.get());
        let c = Collection {
            heap,
            old: (generation + 1).min(NUM_GENERATIONS - 1),
            young: List::new(),
            unreachable: List::new(),
            finalizers: List::new(),
            still: List::new(),
        };
        // Update the counts as CPython does at the start of a collection.
        if generation + 1 < NUM_GENERATIONS {
            let next = &heap.gens[generation + 1].count;
            next.set(next.get() + 1);
        }
        // Oldest first, so that `young` is in allocation order (CPython
        // appends generations 0..k to generation k, which puts the
        // youngest objects between older ones). Collections keep their
        // survivors' order too (`reachability::move_unreachable`).
        for g in heap.gens[..=generation].iter().rev() {
            g.count.set(0);
            g.list.merge_into(&c.young);
        }
        c
    }

    /// Clears COLLECTING from objects outside the set that a full
    /// collection's first walk marked (reachability.rs,
    /// `update_and_subtract_refs`): objects a `Trace` impl tracked or
    /// unfroze while being traced. At this point no member of the set is
    /// in the heap's own lists, so every marked object there is a stray.
    fn clear_strays(&self) {
        for l in self.heap.all_lists() {
            for h in l.to_vec() {
                // SAFETY: linked objects are live.
                unsafe { hdr(h) }.clear(flag::COLLECTING);
            }
        }
    }

    fn old_list(&self) -> &List {
        &self.heap.gens[self.old].list
    }

    /// verify_garbage, with what to do when it fails: keep the suspects
    /// (and all they reach) alive, report, and check the rest again. After
    /// a few rounds, or for an anomaly that names no suspects, give up on
    /// the whole garbage: it all goes back to the old generation, alive.
    ///
    /// Returns what the verified garbage holds (nothing, if it all went).
    /// `found` is `unreachable` as move_unreachable left it, if the caller
    /// has it.
    fn verify_or_keep(
        &self,
        mut anomaly: Option<Anomaly>,
        mut found: Option<verify::Found>,
    ) -> Survey {
        for round in 0..4 {
            let a = match anomaly.take() {
                Some(a) => a,
                None => match verify::verify_garbage(&self.unreachable, found.take()) {
                    Ok(survey) => return survey,
                    Err(a) => a,
                },
            };
            found = None; // the list changes below
            let kept = if a.suspects.is_empty() || round == 3 {
                let n = self.unreachable.len();
                reachability::clear_scratch_flags(&self.unreachable);
                self.unreachable.merge_into(self.old_list());
                n
            } else {
                verify::keep_suspects(a.suspects, self.old_list())
            };
            crate::unraisable::report(
                Some(self.heap),
                "collection",
                "refcycle",
                &format!("{}; {kept} suspect objects are kept alive", a.message),
            );
        }
        Survey::default()
    }
}

/// Lifts the garbage's condemnation while user code that may look at it
/// runs (finalizers, weak-reference callbacks, debug output): what that
/// code does to the garbage is checked afterwards (step 9 of
/// `run_phases`, which runs whenever user code ran).
pub(crate) struct Reprieve<'h> {
    heap: &'h Heap,
    was: bool,
}

impl<'h> Reprieve<'h> {
    pub(crate) fn begin(heap: &'h Heap) -> Self {
        let was = heap.condemned.replace(false);
        Reprieve { heap, was }
    }
}

impl Drop for Reprieve<'_> {
    fn drop(&mut self) {
        self.heap.condemned.set(self.was);
    }
}

impl Drop for Collection<'_> {
    fn drop(&mut self) {
        for l in [
            &self.young,
            &self.unreachable,
            &self.finalizers,
            &self.still,
        ] {
            reachability::clear_scratch_flags(l);
            l.merge_into(&self.heap.gens[self.old].list);
        }
        self.heap.condemned.set(false);
        self.heap.defer_releases.set(false);
        crate::trashcan::drain_after_collection(self.heap);
    }
}

/// What one collection found.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Outcome {
    /// Unreachable objects freed (CPython's `m`).
    pub collected: usize,
    /// Unreachable objects kept alive by legacy finalizers (CPython's `n`).
    pub uncollectable: usize,
}

/// Collects generations `0..=generation`. The caller has set
/// `heap.collecting` (collections never nest; see gc_module.rs).
pub(crate) fn collect_main(heap: &Heap, generation: usize) -> Outcome {
    let started = Instant::now();
    debug_start(heap, generation);
    let c = Collection::begin(heap, generation);
    let out = run_phases(&c, generation);
    drop(c); // restore lists, release what was deferred
    record_stats(heap, generation, out);
    debug_done(heap, out, started);
    out
}

fn run_phases(c: &Collection<'_>, generation: usize) -> Outcome {
    let heap = c.heap;
    let mut out = Outcome::default();

    // 1-3. update_refs, subtract_refs, move_unreachable: split `young` into
    //      reachable and unreachable. A full collection does steps 1 and 2
    //      in one walk (`update_and_subtract_refs`), and then clears the
    //      mark of any object a Trace impl tracked meanwhile.
    let whole_heap = generation == NUM_GENERATIONS - 1;
    let panics = heap.trace_panics.get();
    let found = reachability::deduce_unreachable(&c.young, &c.unreachable, whole_heap);
    // A panicking trace ran the unraisable hook (user code) mid-pass.
    let exact = found.exact && found.anomaly.is_none() && heap.trace_panics.get() == panics;
    if found.strays {
        c.clear_strays();
    }
    crate::validate::debug_validate(&c.young, flag::SCRATCH, "move_unreachable (reachable)");
    crate::validate::debug_validate(
        &c.unreachable,
        flag::OPAQUE,
        "move_unreachable (unreachable)",
    );

    // 4. Survivors move to the next generation (the oldest keeps its own),
    //    with the long-lived bookkeeping of CPython's full-collection rule.
    promote_survivors(c, generation, found.reachable);
    if found.unreachable.is_empty() && found.anomaly.is_none() {
        // No garbage and nothing odd (most young collections): every
        // phase below would find nothing to do.
        debug_assert!(c.unreachable.is_empty());
        return out;
    }

    // 5. verify_garbage: keep alive whatever a lying Trace impl may have
    //    made look like garbage. From here on the garbage is condemned
    //    (module docs): a `Trace` impl traced now cannot borrow a value
    //    it is about to let the collector drop. When every object of the
    //    set has an exact `Trace` (`Trace::TRUST`) and none misbehaved
    //    or panicked, the check cannot fail, and only its survey is made.
    heap.condemned.set(true);
    let survey = if exact {
        verify::survey_exact(found.unreachable, found.weak_handles)
    } else {
        let garbage = verify::Found {
            objects: found.unreachable,
            shared: found.shared,
        };
        c.verify_or_keep(found.anomaly, Some(garbage))
    };
    let trace_panics = heap.trace_panics.get();
    let mut garbage = survey.objects;

    // 6. move_legacy_finalizers: legacy-finalizer objects, and all they
    //    reach, are uncollectable.
    if survey.legacy {
        legacy::move_legacy_finalizers(&c.unreachable, &c.finalizers);
        legacy::move_legacy_finalizer_reachable(&c.finalizers);
        // SAFETY: the snapshot's objects are tracked, hence live.
        garbage.retain(|&h| unsafe { hdr(h) }.has(flag::UNREACHABLE));
    }
    if heap.debug.get() & DEBUG_COLLECTABLE != 0 {
        // The user's `type_name` may look at the garbage: step 9 follows.
        let _reprieve = Reprieve::begin(heap);
        debug_each(heap, DEBUG_COLLECTABLE, "collectable", &c.unreachable);
    }

    // 7. handle_weakrefs: weak references to the garbage die; callbacks of
    //    weak handles outside the garbage run. When the garbage neither
    //    owns weak handles nor has any (as verify_garbage saw it, and no
    //    Trace impl has run since: step 6 traces), there is nothing to
    //    kill, and the pass over the garbage is skipped.
    let owns_weak = survey.weak_handles || heap.trace_panics.get() != trace_panics;
    let traced_since = owns_weak || survey.legacy;
    let callbacks_ran = if traced_since || survey.weak_referents {
        weakrefs::handle_weakrefs(heap, &garbage, owns_weak)
    } else {
        false
    };

    // 8. finalize_garbage: each finalizer runs once, garbage intact.
    let finalized = if survey.finalizers {
        let _reprieve = Reprieve::begin(heap);
        finalization::finalize_garbage(&garbage)
    } else {
        0
    };

    // 8b. What the finalizers and callbacks dropped outside the garbage
    //     (their temporaries: a frame, a bound method) is released now,
    //     as CPython frees it at once; otherwise its references to the
    //     garbage would look like resurrections in step 9.
    if callbacks_ran || finalized > 0 {
        crate::trashcan::release_outside_collection(heap);
    }

    // 9. handle_resurrected_objects: what a finalizer made reachable again
    //    survives, with all it reaches; the rest is checked again. Only
    //    user code can resurrect: a finalizer, a weakref callback, the
    //    unraisable hook (a Trace panicked), debug output (the user's
    //    type_name). When none ran and every strong count is still the
    //    one verify_garbage accounted for, the check would find the same
    //    garbage; skipping it saves two traces of every garbage object.
    //    (Rejected: always running it, as CPython does; it was half of a
    //    collection of 100,000 two-object cycles.) The one resurrection
    //    this misses is a Trace impl that, while being traced, moves a
    //    handle out of the garbage into a global without changing any
    //    count: a wrong impl, whose object is then cleared under that
    //    handle (a clear panic on deref, as for other lies; docs/safety.md).
    //    When no code but ours has run since verify_garbage at all (no
    //    Trace impl either), the counts are the ones it accounted for
    //    and comparing them again is skipped too.
    let user_code = callbacks_ran
        || finalized > 0
        || heap.trace_panics.get() != trace_panics
        || heap.debug.get() != 0;
    let untouched = !user_code && !traced_since;
    debug_assert!(!untouched || finalization::counts_unchanged(&garbage));
    let mut zeroed = survey.zeroed;
    if user_code || !(untouched || finalization::counts_unchanged(&garbage)) {
        let old = c.old_list();
        let anomaly = finalization::handle_resurrected_objects(&c.unreachable, &c.still, old);
        c.still.merge_into(&c.unreachable);
        c.verify_or_keep(anomaly, None);
        garbage = c.unreachable.to_vec();
        zeroed = true; // counts may have changed: let delete_garbage look
    }

    // 10. delete_garbage: drop the values (or keep them all in garbage()
    //     under DEBUG_SAVEALL); memory goes when the last handle does.
    //    `zeroed`: some object may have lost its last handle already.
    out.collected = clear::delete_garbage(heap, &c.unreachable, garbage, zeroed, c.old_list());

    // 11. handle_legacy_finalizers: legacy objects go to garbage().
    out.uncollectable = legacy::handle_legacy_finalizers(heap, &c.finalizers, c.old_list());
    crate::validate::debug_validate(c.old_list(), flag::SCRATCH, "handle_legacy_finalizers");
    out
}

/// Survivors move to the next generation. `survivors` is their number
/// (counted by move_unreachable, so no walk of the list is needed).
fn promote_survivors(c: &Collection<'_>, generation: usize, survivors: usize) {
    let heap = c.heap;
    if generation == NUM_GENERATIONS - 1 {
        // Survivors of a full collection stay in the oldest generation.
        heap.long_lived_pending.set(0);
        heap.long_lived_total.set(survivors);
    } else if generation == NUM_GENERATIONS - 2 {
        heap.long_lived_pending
            .set(heap.long_lived_pending.get() + survivors);
    }
    debug_assert_eq!(c.young.len(), survivors);
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

fn debug_start(heap: &Heap, generation: usize) {
    if heap.debug.get() & DEBUG_STATS == 0 {
        return;
    }
    let sizes: String = heap
        .gens
        .iter()
        .map(|g| format!(" {}", g.list.len()))
        .collect();
    eprintln!("gc: collecting generation {generation}...");
    eprintln!("gc: objects in each generation:{sizes}");
    eprintln!(
        "gc: objects in permanent generation: {}",
        heap.permanent.len()
    );
}

fn debug_done(heap: &Heap, out: Outcome, started: Instant) {
    if heap.debug.get() & DEBUG_STATS != 0 {
        eprintln!(
            "gc: done, {} unreachable, {} uncollectable, {:.4}s elapsed",
            out.collected + out.uncollectable,
            out.uncollectable,
            started.elapsed().as_secs_f64()
        );
    }
}

fn debug_each(heap: &Heap, flag: u32, what: &str, l: &List) {
    if heap.debug.get() & flag != 0 {
        for h in l.to_vec() {
            debug_object(what, h);
        }
    }
}

/// CPython's `debug_cycle`: `gc: collectable <Type 0x...>`.
pub(crate) fn debug_object(what: &str, h: NonNull<Header>) {
    // SAFETY: callers pass live objects.
    let name = unsafe { crate::header::display_name(crate::header::Erased::with_head(h)) };
    eprintln!("gc: {what} <{name} {:p}>", h.as_ptr());
}

/// The last full collection, when the thread's heap is torn down.
///
/// A panic here would abort the process (it would unwind out of a
/// thread-local destructor), so it is caught and reported; the heap is
/// consistent either way (the `Collection` guard).
pub(crate) fn collect_at_teardown(heap: &Heap) {
    let full = || crate::gc_module::collect_with_callback(heap, NUM_GENERATIONS - 1);
    if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(full)) {
        crate::unraisable::report_panic(
            Some(heap),
            "collection at thread exit",
            "refcycle",
            payload,
        );
    }
}
