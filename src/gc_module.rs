//! The collector's public API, with the names of Python's `gc` module.
//!
//! Every function acts on the calling thread's heap.

use std::rc::Rc;

use crate::any::AnyGc;
use crate::collect as collector;
use crate::gc::Gc;
use crate::header::{flag, hdr};
use crate::heap::{self, Heap, NUM_GENERATIONS};
use crate::trace::Trace;

pub use crate::heap::GenerationStats;

/// Runs one collection of generations `0..=generation` with the `start`
/// and `stop` callbacks around it (CPython's `gc_collect_with_callback`);
/// the automatic trigger's entry point too. Returns the number of
/// unreachable objects found, or 0 if a collection is already under way.
pub(crate) fn collect_with_callback(heap: &Heap, generation: usize) -> usize {
    if heap.collecting.get() {
        return 0;
    }
    let _busy = Busy::enter(heap);
    invoke_callbacks(
        heap,
        Phase::Start,
        CallbackInfo {
            generation,
            collected: 0,
            uncollectable: 0,
        },
    );
    let out = collector::collect_main(heap, generation);
    let info = CallbackInfo {
        generation,
        collected: out.collected,
        uncollectable: out.uncollectable,
    };
    invoke_callbacks(heap, Phase::Stop, info);
    out.collected + out.uncollectable
}

/// Holds `heap.collecting` for one collection, and lets go on unwind too.
struct Busy<'h>(&'h Heap);

impl<'h> Busy<'h> {
    fn enter(heap: &'h Heap) -> Self {
        heap.collecting.set(true);
        Busy(heap)
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.collecting.set(false);
    }
}

fn with_heap<R: Default>(f: impl FnOnce(&Heap) -> R) -> R {
    heap::with(|h| h.map(f).unwrap_or_default())
}

/// Runs a full collection, like Python's `gc.collect()`.
///
/// Returns the number of unreachable objects found (freed plus
/// uncollectable). Returns 0 without doing anything when called while a
/// collection is already running (from a finalizer or a `Drop` impl, say):
/// collections never nest.
///
/// # Examples
/// ```
/// use refcycle::{collect, Gc, Trace};
/// use std::cell::RefCell;
///
/// #[derive(Trace)]
/// struct Node { next: RefCell<Option<Gc<Node>>> }
///
/// let a = Gc::new(Node { next: RefCell::new(None) });
/// *a.next.borrow_mut() = Some(a.clone()); // a cycle
/// drop(a); // refcounting cannot free it...
/// assert_eq!(collect(), 1); // ...the collector can
/// ```
pub fn collect() -> usize {
    collect_generation(NUM_GENERATIONS - 1)
}

/// Collects generations `0..=generation`, like `gc.collect(generation)`.
///
/// # Panics
/// If `generation > 2` (Python raises `ValueError: invalid generation`).
pub fn collect_generation(generation: usize) -> usize {
    assert!(
        generation < NUM_GENERATIONS,
        "refcycle: invalid generation {generation} (must be 0, 1 or 2)"
    );
    with_heap(|h| collect_with_callback(h, generation))
}

/// Enables automatic collection (`gc.enable()`).
pub fn enable() {
    with_heap(|h| h.enabled.set(true));
}

/// Disables automatic collection (`gc.disable()`); explicit [`collect`]
/// calls still work, and reference counting still frees at once.
pub fn disable() {
    with_heap(|h| h.enabled.set(false));
}

/// Whether automatic collection is enabled (`gc.isenabled()`).
pub fn is_enabled() -> bool {
    with_heap(|h| h.enabled.get())
}

/// The collection thresholds (`gc.get_threshold()`); CPython 3.11's
/// defaults are `(700, 10, 10)`.
pub fn get_threshold() -> (usize, usize, usize) {
    with_heap(|h| {
        (
            h.gens[0].threshold.get(),
            h.gens[1].threshold.get(),
            h.gens[2].threshold.get(),
        )
    })
}

/// Sets the collection thresholds (`gc.set_threshold()`).
///
/// A young collection runs when tracked allocations minus deallocations
/// since the last one exceed `t0` (`0` disables automatic collection); a
/// generation-1 collection every `t1` young ones; a full collection every
/// `t2` generation-1 ones, and only once the objects promoted to the old
/// generation since the last full collection exceed 25% of it.
pub fn set_threshold(t0: usize, t1: usize, t2: usize) {
    with_heap(|h| {
        for (g, t) in h.gens.iter().zip([t0, t1, t2]) {
            g.threshold.set(t);
        }
    });
}

/// The current collection counts (`gc.get_count()`): tracked allocations
/// minus deallocations since the last young collection, then the number of
/// collections of the generation below since each older one was collected.
pub fn get_count() -> (usize, usize, usize) {
    with_heap(|h| {
        (
            h.gens[0].count.get(),
            h.gens[1].count.get(),
            h.gens[2].count.get(),
        )
    })
}

/// Per-generation statistics since the thread's heap was created
/// (`gc.get_stats()`).
pub fn get_stats() -> [GenerationStats; NUM_GENERATIONS] {
    with_heap(|h| h.stats.each_ref().map(|c| c.get()))
}

/// Moves every tracked object to the permanent generation, which
/// collections ignore (`gc.freeze()`), e.g. after a program's start-up.
pub fn freeze() {
    with_heap(|h| {
        for g in &h.gens {
            mark_frozen(&g.list, true);
            g.list.merge_into(&h.permanent);
        }
        h.gens[0].count.set(0);
    });
}

/// Moves the permanent generation back to the oldest one (`gc.unfreeze()`).
pub fn unfreeze() {
    with_heap(|h| {
        mark_frozen(&h.permanent, false);
        h.permanent.merge_into(&h.gens[NUM_GENERATIONS - 1].list);
    });
}

fn mark_frozen(l: &crate::list::List, frozen: bool) {
    for p in l.to_vec() {
        // SAFETY: linked objects are live.
        let header = unsafe { hdr(p) };
        if frozen {
            header.set(flag::FROZEN);
        } else {
            header.clear(flag::FROZEN);
        }
    }
}

/// The number of objects in the permanent generation (`gc.get_freeze_count()`).
pub fn get_freeze_count() -> usize {
    with_heap(|h| h.permanent.len())
}

/// Whether the collector tracks this object (`gc.is_tracked()`): `false`
/// for types that can hold no handle (`T::NEEDS_TRACE == false`).
pub fn is_tracked<T: Trace + 'static>(obj: &Gc<T>) -> bool {
    // SAFETY: a handle keeps the header alive.
    unsafe { hdr(Gc::header_ptr(obj)) }.has(flag::TRACKED)
}

/// Stops the collector from examining this object (CPython's
/// `PyObject_GC_UnTrack`), for a container that, for now, holds nothing
/// that could be part of a cycle: CPython does this to dicts and tuples
/// that hold only atomic values, so that collections skip them.
///
/// An untracked object is never collected: its handles count as
/// references from outside, so what it holds stays alive, and a cycle
/// through it is never freed (a leak, never unsafety). [`track`] it again
/// before it holds a handle that could lead back to it. It is still freed
/// by reference counting, its finalizer and weak callbacks still run, and
/// its dealloc still counts toward the young threshold, as in CPython.
///
/// Does nothing for an untracked object, and nothing while a collection
/// or an introspection walk is under way (from a finalizer, a weak
/// callback or a `Trace` impl), when the object may be in the collector's
/// own lists.
///
/// # Examples
/// ```
/// use refcycle::{is_tracked, track, untrack, Gc};
/// use std::cell::RefCell;
///
/// let dict = Gc::new(RefCell::new(Vec::<Gc<u64>>::new()));
/// assert!(is_tracked(&dict));
/// untrack(&dict); // holds nothing that can form a cycle yet
/// assert!(!is_tracked(&dict));
/// track(&dict);
/// assert!(is_tracked(&dict));
/// ```
pub fn untrack<T: Trace + 'static>(obj: &Gc<T>) {
    let h = Gc::header_ptr(obj);
    with_heap(|heap| {
        if heap.collecting.get() || heap.defer_releases.get() {
            return;
        }
        // SAFETY: a handle keeps the header alive.
        let header = unsafe { hdr(h) };
        if header.has(flag::TRACKED) {
            // SAFETY: live; outside a collection and a walk, a tracked
            // object is linked into one of the heap's own lists.
            unsafe { heap.untrack(h) };
            header.set(flag::USER_UNTRACKED);
        }
    })
}

/// Undoes [`untrack`] (CPython's `PyObject_GC_Track`): the object joins
/// the young generation. Does nothing for an object already tracked, for
/// types that can hold no handle (`T::NEEDS_TRACE == false`), and for an
/// object the collector has already cleared or queued for release.
pub fn track<T: Trace + 'static>(obj: &Gc<T>) {
    if !T::NEEDS_TRACE {
        return;
    }
    let h = Gc::header_ptr(obj);
    with_heap(|heap| {
        // SAFETY: a handle keeps the header alive.
        let header = unsafe { hdr(h) };
        if header.has(flag::TRACKED | flag::DROPPED | flag::PENDING) {
            return;
        }
        header.clear(flag::USER_UNTRACKED);
        // SAFETY: live and untracked (checked above). Linking into the
        // young generation is safe mid-collection too: a collection walks
        // its own scratch lists, and new objects join this list then.
        unsafe { heap.retrack(h) };
    })
}

/// Whether this object's finalizer has run (`gc.is_finalized()`).
pub fn is_finalized<T: Trace + 'static>(obj: &Gc<T>) -> bool {
    // SAFETY: a handle keeps the header alive.
    unsafe { hdr(Gc::header_ptr(obj)) }.has(flag::FINALIZED)
}

/// Turns stress mode on or off for this thread: a young collection on
/// every tracked allocation and a full one on every tenth. It starts on
/// when the `REFCYCLE_STRESS` environment variable is set (to anything but
/// `0`) or the `stress` cargo feature is enabled.
pub fn set_stress(on: bool) {
    with_heap(|h| h.stress.set(on));
}

/// Print statistics during collections (`gc.DEBUG_STATS`), to stderr.
pub const DEBUG_STATS: u32 = 1;
/// Print the collectable objects found (`gc.DEBUG_COLLECTABLE`).
pub const DEBUG_COLLECTABLE: u32 = 2;
/// Print the uncollectable objects found (`gc.DEBUG_UNCOLLECTABLE`).
pub const DEBUG_UNCOLLECTABLE: u32 = 4;
/// Keep all unreachable objects in [`garbage`] instead of freeing them
/// (`gc.DEBUG_SAVEALL`); finalizers still run.
pub const DEBUG_SAVEALL: u32 = 32;
/// What a leak hunt wants: `DEBUG_COLLECTABLE | DEBUG_UNCOLLECTABLE |
/// DEBUG_SAVEALL` (`gc.DEBUG_LEAK`).
pub const DEBUG_LEAK: u32 = DEBUG_COLLECTABLE | DEBUG_UNCOLLECTABLE | DEBUG_SAVEALL;

/// Sets the debugging flags (`gc.set_debug()`), e.g. [`DEBUG_STATS`].
pub fn set_debug(flags: u32) {
    with_heap(|h| h.debug.set(flags));
}

/// The debugging flags (`gc.get_debug()`).
pub fn get_debug() -> u32 {
    with_heap(|h| h.debug.get())
}

/// The uncollectable objects found so far (`gc.garbage`): objects with
/// legacy finalizers in unreachable cycles (and, under [`DEBUG_SAVEALL`],
/// every unreachable object). They, and everything they reference, stay
/// alive until removed from this list: break their cycles by hand, then
/// call [`clear_garbage`].
pub fn garbage() -> Vec<AnyGc> {
    with_heap(|h| h.garbage.borrow().clone())
}

/// Empties [`garbage`] and returns its objects (`del gc.garbage[:]`).
pub fn take_garbage() -> Vec<AnyGc> {
    with_heap(|h| h.garbage.take())
}

/// Empties [`garbage`], dropping its handles.
pub fn clear_garbage() {
    drop(take_garbage());
}

/// When a [`GcCallback`] is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before a collection.
    Start,
    /// After a collection.
    Stop,
}

/// What a [`GcCallback`] is told (Python's `info` dict).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallbackInfo {
    /// The oldest generation being collected.
    pub generation: usize,
    /// Unreachable objects freed (0 at [`Phase::Start`]).
    pub collected: usize,
    /// Unreachable objects kept alive by legacy finalizers (0 at start).
    pub uncollectable: usize,
}

/// A function called before and after every collection (`gc.callbacks`).
pub type GcCallback = Rc<dyn Fn(Phase, &CallbackInfo)>;

/// Appends a callback to `gc.callbacks`.
///
/// Callbacks run in order, before and after every collection, automatic
/// or explicit. A collection started from a callback does nothing
/// (collections never nest); a panic is reported through the unraisable
/// hook.
///
/// # Examples
/// ```
/// use refcycle::{add_callback, remove_callback, CallbackInfo, Phase};
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let cb: refcycle::GcCallback = Rc::new(move |p: Phase, i: &CallbackInfo| {
///     l.borrow_mut().push((p, i.generation));
/// });
/// add_callback(cb.clone());
/// refcycle::collect();
/// assert_eq!(*log.borrow(), [(Phase::Start, 2), (Phase::Stop, 2)]);
/// assert!(remove_callback(&cb));
/// ```
pub fn add_callback(callback: GcCallback) {
    with_heap(|h| h.hooks.callbacks.borrow_mut().push(callback));
}

/// Removes the first occurrence of `callback` (compared by pointer);
/// returns whether it was there.
pub fn remove_callback(callback: &GcCallback) -> bool {
    with_heap(|h| {
        let mut cbs = h.hooks.callbacks.borrow_mut();
        match cbs.iter().position(|c| Rc::ptr_eq(c, callback)) {
            Some(i) => {
                cbs.remove(i);
                true
            }
            None => false,
        }
    })
}

fn invoke_callbacks(heap: &Heap, phase: Phase, info: CallbackInfo) {
    let cbs = heap.hooks.callbacks.borrow().clone();
    for cb in cbs {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(phase, &info)));
        if let Err(payload) = r {
            crate::unraisable::report_panic(Some(heap), "gc callback", "refcycle", payload);
        }
        // The callback may have removed itself: this may be the last handle.
        crate::unraisable::drop_quietly(Some(heap), "gc callback", cb);
    }
}
