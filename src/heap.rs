//! The per-thread heap: generations, collector state, and its lifecycle.
//!
//! One heap per thread, like CPython's one heap per interpreter. It is
//! created on the first allocation and torn down when the thread exits:
//! teardown runs one last full collection, then detaches every surviving
//! object from the generation lists, so that a `Gc` dropped later (from
//! another thread-local's destructor, say) is released by reference
//! counting alone without touching freed memory.
//!
//! The heap is reached through a `const`-initialised thread-local holding a
//! raw pointer. Such a thread-local has no destructor, so it can be read at
//! any time, even while other thread-locals are being destroyed; a separate
//! thread-local guard owns the teardown. (Rejected: storing the `Heap` in a
//! `thread_local!` directly. Its destructor would run while objects in it
//! still drop handles, and `LocalKey::with` fails during destruction.)

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ptr::{self, NonNull};
use std::rc::Rc;

use crate::any::AnyGc;
use crate::header::{flag, hdr, Header};
use crate::list::{self, List};
use crate::unraisable::Hooks;
use crate::weak::Registration;

/// Number of generations (young, middle, old), as in CPython.
pub const NUM_GENERATIONS: usize = 3;

/// CPython 3.11's default thresholds.
pub(crate) const DEFAULT_THRESHOLDS: [usize; NUM_GENERATIONS] = [700, 10, 10];

/// One generation: its objects, its threshold and its count.
pub(crate) struct Generation {
    pub list: List,
    pub threshold: Cell<usize>,
    /// Generation 0: tracked allocations minus deallocations since the last
    /// young collection. Older generations: collections of the generation
    /// below since this one was last collected (CPython's meaning).
    pub count: Cell<usize>,
}

/// Per-generation statistics (`gc.get_stats()`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenerationStats {
    /// Number of times this generation was collected.
    pub collections: usize,
    /// Objects found unreachable and freed by those collections.
    pub collected: usize,
    /// Objects found unreachable but kept alive (legacy finalizers).
    pub uncollectable: usize,
}

/// The collector's state. All fields are `Cell`s or short-lived
/// `RefCell`s, because user code (finalizers, `Drop`, `Trace`) can re-enter
/// the heap at almost any point and must find it consistent.
pub(crate) struct Heap {
    pub gens: [Generation; NUM_GENERATIONS],
    /// `gc.freeze()`'s permanent generation: never collected.
    pub permanent: List,
    pub enabled: Cell<bool>,
    /// A collection (with its start/stop callbacks) is under way:
    /// collections do not nest.
    pub collecting: Cell<bool>,
    /// The collector is walking its scratch lists: releases are deferred
    /// to the release queue until it is done.
    pub defer_releases: Cell<bool>,
    /// Set by the collector between its phases, when it walks nothing but
    /// its garbage: releases of objects outside the collection's scratch
    /// lists happen at once again (trashcan.rs, `release_outside_collection`).
    pub release_outside: Cell<bool>,
    /// Set while `delete_garbage` drops the garbage's values: a garbage
    /// object whose count reaches zero then is not queued, because
    /// delete_garbage frees it when it gets to it (collect/clear.rs).
    /// Set only inside a collection, so `defer_releases` is set too
    /// (`trashcan::release_in` relies on it).
    pub deleting_garbage: Cell<bool>,
    /// Set while a collection holds garbage it has verified and will drop:
    /// from `verify_garbage` to the end of `delete_garbage`, except while
    /// finalizers, weak-reference callbacks and debug output run (each is
    /// followed by a new check of the garbage). While it is set, no one
    /// may borrow the value of an `UNREACHABLE` object: `Gc::deref` panics
    /// and `Gc::try_borrow` returns `Cleared` (gc.rs, `unborrowable`). A
    /// borrow made then could outlive the value, which the collector
    /// drops in place whatever handles remain (docs/safety.md, "Borrows of
    /// the garbage").
    pub condemned: Cell<bool>,
    pub long_lived_total: Cell<usize>,
    pub long_lived_pending: Cell<usize>,
    pub stats: [Cell<GenerationStats>; NUM_GENERATIONS],
    /// `gc.set_debug()` flags.
    pub debug: Cell<u32>,
    /// `gc.garbage`: uncollectable objects (and all garbage under
    /// DEBUG_SAVEALL).
    pub garbage: RefCell<Vec<AnyGc>>,
    /// Weak-reference callbacks by object address (weak.rs).
    pub weak_callbacks: RefCell<HashMap<usize, Vec<Rc<Registration>>>>,
    /// The trashcan and the deferred releases (trashcan.rs).
    pub release_queue: RefCell<Vec<crate::header::Erased>>,
    pub release_depth: Cell<usize>,
    pub hooks: Hooks,
    /// Panics caught from `Trace` impls so far; each was reported through
    /// the unraisable hook, which is user code (collect/mod.rs compares it
    /// across phases).
    pub trace_panics: Cell<usize>,
    /// Collect on every tracked allocation (stress testing).
    pub stress: Cell<bool>,
    pub stress_tick: Cell<usize>,
    /// Freed boxes kept for reuse (pool.rs).
    pub pool: crate::pool::Pool,
}

impl Heap {
    fn new() -> Self {
        let gen = |t| Generation {
            list: List::new(),
            threshold: Cell::new(t),
            count: Cell::new(0),
        };
        Heap {
            gens: DEFAULT_THRESHOLDS.map(gen),
            permanent: List::new(),
            enabled: Cell::new(true),
            collecting: Cell::new(false),
            defer_releases: Cell::new(false),
            release_outside: Cell::new(false),
            deleting_garbage: Cell::new(false),
            condemned: Cell::new(false),
            long_lived_total: Cell::new(0),
            long_lived_pending: Cell::new(0),
            stats: Default::default(),
            debug: Cell::new(0),
            garbage: RefCell::new(Vec::new()),
            weak_callbacks: RefCell::new(HashMap::new()),
            release_queue: RefCell::new(Vec::new()),
            release_depth: Cell::new(0),
            hooks: Hooks::default(),
            trace_panics: Cell::new(0),
            stress: Cell::new(stress_from_env()),
            stress_tick: Cell::new(0),
            pool: crate::pool::Pool::new(),
        }
    }

    /// Links a new object into the young generation, first running an
    /// automatic collection if the young count passed its threshold (as
    /// CPython's `_PyObject_GC_Link` does before the object is tracked).
    ///
    /// # Safety
    /// `h` must be a live, untracked header (header invariant 1).
    #[inline]
    pub unsafe fn track_new(&self, h: NonNull<Header>) {
        let g0 = &self.gens[0];
        g0.count.set(g0.count.get() + 1);
        crate::collect::trigger::maybe_collect(self);
        // SAFETY: forwarded from the caller; the object is not linked.
        unsafe {
            hdr(h).set(flag::TRACKED);
            g0.list.push_back(h);
        }
    }

    /// Links an object back into the young generation without counting it
    /// as an allocation (CPython's `_PyObject_GC_TRACK`).
    ///
    /// # Safety
    /// `h` must be a live, untracked header.
    pub unsafe fn retrack(&self, h: NonNull<Header>) {
        // SAFETY: forwarded from the caller.
        unsafe {
            hdr(h).set(flag::TRACKED);
            self.gens[0].list.push_back(h);
        }
    }

    /// Unlinks a tracked object that is being released (CPython's
    /// `_PyObject_GC_UNTRACK`; the count changes in [`Heap::note_dealloc`]).
    ///
    /// # Safety
    /// `h` must be live and, if TRACKED, linked into one of this heap's
    /// lists (not a collection's scratch list: releases are deferred while
    /// a collection runs).
    pub unsafe fn untrack(&self, h: NonNull<Header>) {
        // SAFETY: caller guarantees liveness.
        let header = unsafe { hdr(h) };
        if !header.has(flag::TRACKED) {
            return;
        }
        // SAFETY: TRACKED means linked (header invariant 4).
        unsafe { list::unlink(h) };
        header.clear(flag::TRACKED | flag::FROZEN);
    }

    /// A tracked object is being deallocated: the young count goes down
    /// (CPython's `PyObject_GC_Del`), never below zero.
    pub fn note_dealloc(&self) {
        let g0 = &self.gens[0].count;
        g0.set(g0.get().saturating_sub(1));
    }

    /// Every tracked object, youngest generation first, then frozen ones.
    pub fn all_lists(&self) -> [&List; NUM_GENERATIONS + 1] {
        [
            &self.gens[0].list,
            &self.gens[1].list,
            &self.gens[2].list,
            &self.permanent,
        ]
    }
}

fn stress_from_env() -> bool {
    cfg!(feature = "stress") || std::env::var_os("REFCYCLE_STRESS").is_some_and(|v| v != "0")
}

/// Lifecycle of this thread's heap.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    NotCreated,
    Live,
    Gone,
}

thread_local! {
    static HEAP: Cell<*const Heap> = const { Cell::new(ptr::null()) };
    static STATE: Cell<State> = const { Cell::new(State::NotCreated) };
    static TEARDOWN: Teardown = const { Teardown };
}

/// Runs `f` with this thread's heap, creating it if needed; `None` once
/// the heap has been torn down (thread exit).
#[inline]
pub(crate) fn with<R>(f: impl FnOnce(Option<&Heap>) -> R) -> R {
    let p = HEAP.with(Cell::get);
    if !p.is_null() {
        // SAFETY: HEAP is non-null only between `create` and the end of
        // `Teardown::drop`, during which the Box it points to is alive and
        // only shared references to it are made.
        return f(Some(unsafe { &*p }));
    }
    with_slow(f)
}

#[cold]
fn with_slow<R>(f: impl FnOnce(Option<&Heap>) -> R) -> R {
    if STATE.with(Cell::get) == State::NotCreated && TEARDOWN.try_with(|_| ()).is_ok() {
        let p: *const Heap = Box::into_raw(Box::new(Heap::new()));
        HEAP.with(|c| c.set(p));
        STATE.with(|c| c.set(State::Live));
        // SAFETY: just allocated; freed only by Teardown::drop.
        return f(Some(unsafe { &*p }));
    }
    // The thread is exiting: allocate and release without a heap.
    STATE.with(|c| c.set(State::Gone));
    f(None)
}

/// The thread-local whose destructor tears the heap down.
struct Teardown;

impl Drop for Teardown {
    fn drop(&mut self) {
        let p = HEAP.with(Cell::get);
        if p.is_null() {
            return;
        }
        // SAFETY: see `with`: the heap is alive until we free it below.
        let heap = unsafe { &*p };
        crate::collect::collect_at_teardown(heap);
        // DEBUG_LEAK: say what the final collection could not free.
        crate::introspect::report_at_teardown(heap);
        // gc.garbage is the user's to inspect; at thread exit, let it go
        // like any other handles (cycles in it are leaked, as in CPython).
        drop(heap.garbage.take());
        crate::trashcan::drain_after_collection(heap);
        // Let objects released from now on bypass the lists.
        for l in heap.all_lists() {
            while let Some(h) = l.first() {
                // SAFETY: `h` is linked into `l` (List invariant).
                unsafe { list::unlink(h) };
                // SAFETY: `h` is live (it was linked).
                unsafe { hdr(h) }.clear(flag::TRACKED | flag::FROZEN);
            }
        }
        HEAP.with(|c| c.set(ptr::null()));
        STATE.with(|c| c.set(State::Gone));
        // SAFETY: allocated by `with_slow`; HEAP no longer points to it, so
        // no new reference can be made. Objects released from the hooks'
        // destructors below see State::Gone.
        drop(unsafe { Box::from_raw(p as *mut Heap) });
    }
}
