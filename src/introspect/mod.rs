//! Introspection and leak diagnosis: Python's `gc.get_objects`,
//! `gc.get_referrers`, `gc.get_referents`, and objgraph's tools (a heap
//! [`Snapshot`] with per-type counts and their growth, exported as Graphviz
//! DOT or JSON; [`backref_chain`], "why is this object alive?").
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` (here) | the public functions that hand out objects, the [`Inspection`] guard, [`LeakReport`] and the `DEBUG_LEAK` report at thread exit |
//! | `graph.rs` | one walk of the whole heap into an indexed edge list, with each object's *external* count |
//! | `snapshot.rs` | [`Snapshot`]: the walk as plain data, type counts, growth, DOT and JSON |
//! | `backrefs.rs` | [`backref_chain`]: breadth-first search from the externally held objects |
//!
//! # Calling user code while walking the heap
//! Everything here except [`get_objects`] runs user code: `Trace::trace`
//! to learn the edges, `Trace::type_name` to name objects. Such code may
//! allocate, drop handles, call [`collect`](crate::collect) or panic. An
//! [`Inspection`] makes that harmless, the way a collection does: while it
//! exists no collection can start (`heap.collecting` is set) and releases
//! are deferred to the trashcan queue (`heap.defer_releases`), so no object
//! in the list we are walking is unlinked or freed behind our back. Panics
//! in `trace` and `type_name` are caught by `trace_object` and
//! `display_name`. The lists are read into a `Vec` before any user code
//! runs, so the set of objects walked is fixed. (Rejected: tracing while
//! following the lists' links, as the collector does. A `trace` that
//! allocates would append to the list under our feet, and `freeze()` called
//! from a `trace` would move the rest of it elsewhere.)
//!
//! While an [`Inspection`] holds `heap.collecting`, `graph.rs` also borrows
//! the headers' `gc_refs` scratch field, which only a collection uses.
//!
//! While a collection is under way (inside a finalizer, a `Drop` run by the
//! collector, or a [`gc callback`](crate::add_callback)) the objects being
//! collected are in the collector's scratch lists and their scratch state is
//! in use, so every function here returns an empty answer (`Vec::new()`,
//! `None`, an empty snapshot or report) instead of a misleading one.

mod backrefs;
mod graph;
mod snapshot;

use std::collections::HashMap;
use std::fmt;
use std::ptr::NonNull;

use crate::any::AnyGc;
use crate::collect::tracing::{trace_erased, trace_object};
use crate::gc::Gc;
use crate::gc_module::DEBUG_LEAK;
use crate::header::{display_name, Erased, GcBox, Header, VTable};
use crate::heap::{self, Heap, NUM_GENERATIONS};
use crate::list::List;
use crate::trace::{Sink, Trace};

pub use backrefs::{backref_chain, BackrefChain};
pub use snapshot::{snapshot, Generation, ObjectInfo, Snapshot, TypeGrowth};

mod sealed {
    /// Keeps [`GcHandle`](super::GcHandle) implemented by our handles only.
    pub trait Sealed {
        /// The object's header address.
        fn object_ptr(&self) -> *const ();
        /// The object with its vtable (header invariant 5).
        fn erased(&self) -> crate::header::Erased;
    }
}

/// A strong handle the introspection functions accept: a [`Gc<T>`] or an
/// [`AnyGc`]. Sealed; you never implement it.
pub trait GcHandle: sealed::Sealed {}

impl<T: Trace + 'static> sealed::Sealed for Gc<T> {
    fn object_ptr(&self) -> *const () {
        Gc::as_ptr(self)
    }

    fn erased(&self) -> Erased {
        // SAFETY: a Gc<T> points to a live GcBox<T> (header invariant 1).
        unsafe { Erased::resolve(Gc::header_ptr(self), &GcBox::<T>::VTABLE) }
    }
}
impl<T: Trace + 'static> GcHandle for Gc<T> {}

impl sealed::Sealed for AnyGc {
    fn object_ptr(&self) -> *const () {
        self.as_ptr()
    }

    fn erased(&self) -> Erased {
        AnyGc::erased(self)
    }
}
impl GcHandle for AnyGc {}

/// The header behind a handle. The pointer keeps the allocation's
/// provenance (`as_ptr` casts the header pointer without going through an
/// integer), so it satisfies header invariant 1 while the handle lives.
fn header_of(obj: &impl GcHandle) -> NonNull<Header> {
    NonNull::new(obj.object_ptr().cast_mut().cast::<Header>()).expect("handles are never null")
}

fn with_heap<R: Default>(f: impl FnOnce(&Heap) -> R) -> R {
    heap::with(|h| h.map(f).unwrap_or_default())
}

/// Holds the heap still while introspection walks it and runs user code
/// (module docs): no collection starts and no object is freed until it
/// drops, on return or on unwind.
pub(crate) struct Inspection<'h> {
    heap: &'h Heap,
    /// `heap.collecting` before we set it: true inside gc callbacks, which
    /// may inspect the heap (no scratch lists exist then) but must not
    /// let a collection nest once we are done.
    was_collecting: bool,
}

impl<'h> Inspection<'h> {
    /// `None` while a collection walks its scratch lists (or another
    /// inspection is under way): objects are then out of their generations.
    pub(crate) fn begin(heap: &'h Heap) -> Option<Self> {
        if heap.defer_releases.get() {
            return None;
        }
        let was_collecting = heap.collecting.replace(true);
        heap.defer_releases.set(true);
        Some(Inspection {
            heap,
            was_collecting,
        })
    }

    /// The generation lists, then the permanent generation's.
    pub(crate) fn lists(&self) -> [&'h List; NUM_GENERATIONS + 1] {
        self.heap.all_lists()
    }

    /// Every tracked object: generations 0, 1, 2, then the permanent one,
    /// each in list order.
    ///
    /// The pointers stay valid while `self` lives: nothing is freed while
    /// releases are deferred (header invariant 2: queued objects are
    /// PENDING), and only a release unlinks an object.
    pub(crate) fn objects(&self) -> Vec<NonNull<Header>> {
        self.lists().into_iter().flat_map(List::to_vec).collect()
    }
}

impl Drop for Inspection<'_> {
    fn drop(&mut self) {
        self.heap.defer_releases.set(false);
        // Reset before draining: a `Drop` run by the drain may collect, as
        // any release may; and a panic in the drain cannot leave the heap
        // believing a collection is running forever.
        self.heap.collecting.set(self.was_collecting);
        crate::trashcan::drain_after_collection(self.heap);
    }
}

/// The objects the collector tracks in `generation` (0, 1 or 2), or in all
/// three when `None`, youngest first (`gc.get_objects(generation)`).
///
/// As in CPython 3.11, objects in the permanent generation ([`freeze`](crate::freeze))
/// are not listed; a [`snapshot`] includes them. Untracked objects (types
/// that can hold no handle, like `Gc<i32>`) are never listed. Empty while a
/// collection walks its objects (inside a finalizer or a `Drop` run by the
/// collector); gc callbacks see the heap as it is.
///
/// # Panics
/// If `generation > 2` (Python raises `ValueError`).
///
/// # Examples
/// ```
/// use refcycle::{get_objects, Gc, Trace};
/// use std::cell::RefCell;
///
/// #[derive(Trace)]
/// struct Node { next: RefCell<Option<Gc<Node>>> }
///
/// let a = Gc::new(Node { next: RefCell::new(None) });
/// let objects = get_objects(Some(0));
/// assert!(objects.iter().any(|o| o.as_ptr() == Gc::as_ptr(&a)));
/// assert!(get_objects(None).len() >= objects.len());
/// ```
pub fn get_objects(generation: Option<usize>) -> Vec<AnyGc> {
    if let Some(g) = generation {
        assert!(
            g < NUM_GENERATIONS,
            "refcycle: invalid generation {g} (must be 0, 1 or 2)"
        );
    }
    with_heap(|heap| {
        if heap.defer_releases.get() {
            return Vec::new();
        }
        let lists = match generation {
            Some(g) => &heap.all_lists()[g..=g],
            None => &heap.all_lists()[..NUM_GENERATIONS],
        };
        // No user code runs here, so no Inspection is needed.
        let mut out = Vec::new();
        for l in lists {
            for h in l.to_vec() {
                // SAFETY: linked objects are live (List invariant).
                out.push(unsafe { AnyGc::from_tracked(h) });
            }
        }
        out
    })
}

/// Records whether one object reports a strong handle to `target`.
struct FindSink {
    target: NonNull<Header>,
    found: bool,
}

impl Sink for FindSink {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        self.found |= target == self.target;
    }

    fn opaque(&mut self) {}
}

/// The tracked objects that hold a strong handle to `obj`, each once, in
/// generation order (`gc.get_referrers(obj)`).
///
/// "Hold" means their [`Trace`] reports the handle. Handles held outside
/// the heap (Rust locals, globals, an `Rc`) are not objects, so they are
/// not listed: [`backref_chain`] says whether such a handle exists. Unlike
/// CPython 3.11, frozen objects are searched too: a frozen cache that
/// holds your object is exactly what a leak hunt wants to see. Empty while
/// a collection is under way.
///
/// # Examples
/// ```
/// use refcycle::{get_referrers, Gc, Trace};
/// use std::cell::RefCell;
///
/// #[derive(Trace)]
/// struct Node { next: RefCell<Option<Gc<Node>>> }
///
/// let leaf = Gc::new(Node { next: RefCell::new(None) });
/// let parent = Gc::new(Node { next: RefCell::new(Some(leaf.clone())) });
/// let referrers = get_referrers(&leaf);
/// assert_eq!(referrers.len(), 1);
/// assert_eq!(referrers[0].as_ptr(), Gc::as_ptr(&parent));
/// ```
pub fn get_referrers(obj: &impl GcHandle) -> Vec<AnyGc> {
    let target = header_of(obj);
    with_heap(|heap| {
        let Some(insp) = Inspection::begin(heap) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for h in insp.objects() {
            let mut sink = FindSink {
                target,
                found: false,
            };
            trace_object(h, &mut sink);
            if sink.found {
                // SAFETY: `h` stays live while `insp` does (Inspection::objects).
                out.push(unsafe { AnyGc::from_tracked(h) });
            }
        }
        out
    })
}

/// Turns every reported strong handle into an `AnyGc` at once, while the
/// handle that was just reported keeps its target alive.
struct CollectSink(Vec<AnyGc>);

impl Sink for CollectSink {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        // SAFETY: a handle to `target` was just reported, so it is live,
        // and it has a head (the `Sink::strong` contract).
        self.0.push(unsafe { AnyGc::from_tracked(target) });
    }

    fn strong_untracked(
        &mut self,
        target: NonNull<Header>,
        vtable: &'static VTable,
        _handle: *const (),
    ) {
        // SAFETY: a handle to `target` was just reported, so it is live,
        // and `vtable` is that handle's type's.
        self.0
            .push(unsafe { AnyGc::from_live(Erased::resolve(target, vtable)) });
    }

    fn opaque(&mut self) {}
}

/// The objects `obj` holds strong handles to, as its [`Trace`] reports
/// them, in order, once per handle (`gc.get_referents(obj)`). Untracked
/// objects (a `Gc<String>` field, say) are included; weak handles are not.
///
/// Empty if `obj`'s value was dropped by the collector, if its `trace`
/// cannot report right now (a mutably borrowed `RefCell`: only the handles
/// reported before that point are returned), or while a collection is
/// under way.
///
/// # Examples
/// ```
/// use refcycle::{get_referents, Gc, Trace};
///
/// #[derive(Trace)]
/// struct Pair { left: Gc<i32>, right: Gc<i32> }
///
/// let pair = Gc::new(Pair { left: Gc::new(1), right: Gc::new(2) });
/// let referents = get_referents(&pair);
/// assert_eq!(referents.len(), 2);
/// assert_eq!(*referents[1].downcast::<i32>().unwrap(), 2);
/// ```
pub fn get_referents(obj: &impl GcHandle) -> Vec<AnyGc> {
    let obj = obj.erased();
    with_heap(|heap| {
        let Some(_insp) = Inspection::begin(heap) else {
            return Vec::new();
        };
        let mut sink = CollectSink(Vec::new());
        trace_erased(obj, &mut sink);
        sink.0
    })
}

/// What is still alive: per-type counts of the tracked objects and of the
/// contents of [`garbage`](crate::garbage). See [`leak_report`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeakReport {
    /// Tracked objects alive (all generations, frozen ones too), per type
    /// name, most common first (ties by name).
    pub alive: Vec<(String, usize)>,
    /// The objects in `garbage()`, per type name, most common first. They
    /// are tracked, so they are counted in `alive` too.
    pub garbage: Vec<(String, usize)>,
}

impl LeakReport {
    /// The number of tracked objects alive.
    pub fn total_alive(&self) -> usize {
        self.alive.iter().map(|(_, n)| n).sum()
    }

    /// The number of objects in `garbage()`.
    pub fn total_garbage(&self) -> usize {
        self.garbage.iter().map(|(_, n)| n).sum()
    }

    /// How many tracked objects named `type_name` are alive.
    pub fn alive_count(&self, type_name: &str) -> usize {
        self.alive
            .iter()
            .find(|(t, _)| t == type_name)
            .map_or(0, |&(_, n)| n)
    }

    fn build(heap: &Heap) -> LeakReport {
        let Some(insp) = Inspection::begin(heap) else {
            return LeakReport::default();
        };
        let mut alive = HashMap::new();
        for h in insp.objects() {
            // SAFETY: live while `insp` is (Inspection::objects).
            // Listed objects have heads.
            *alive
                .entry(unsafe { display_name(Erased::with_head(h)) })
                .or_insert(0) += 1;
        }
        let garbage_objects = heap.garbage.borrow().clone();
        let mut garbage = HashMap::new();
        for o in &garbage_objects {
            *garbage.entry(o.name()).or_insert(0) += 1;
        }
        LeakReport {
            alive: snapshot::most_common(alive, usize::MAX),
            garbage: snapshot::most_common(garbage, usize::MAX),
        }
    }
}

/// A header line, then one line per type, count first:
///
/// ```text
/// 3 tracked objects alive
///        2  Node
///        1  Cache
/// 0 of them in gc.garbage
/// ```
impl fmt::Display for LeakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} tracked objects alive", self.total_alive())?;
        for (name, n) in &self.alive {
            writeln!(f, "{n:>8}  {}", short_type_name(name))?;
        }
        writeln!(f, "{} of them in gc.garbage", self.total_garbage())?;
        for (name, n) in &self.garbage {
            writeln!(f, "{n:>8}  {}", short_type_name(name))?;
        }
        Ok(())
    }
}

/// Counts what is alive now, per type: every tracked object, and what
/// [`garbage`](crate::garbage) holds. A test calls it to check that a
/// workload left nothing behind; the `DEBUG_LEAK` flag prints it when the
/// thread's heap is torn down. Empty while a collection is under way.
///
/// # Examples
/// ```
/// use refcycle::{leak_report, Gc, Trace};
/// use std::cell::RefCell;
///
/// #[derive(Trace)]
/// struct Node { next: RefCell<Option<Gc<Node>>> }
///
/// let a = Gc::new(Node { next: RefCell::new(None) });
/// *a.next.borrow_mut() = Some(a.clone());
/// drop(a); // a forgotten cycle
/// let name = std::any::type_name::<Node>();
/// assert_eq!(leak_report().alive_count(name), 1);
/// refcycle::collect();
/// assert_eq!(leak_report().alive_count(name), 0);
/// ```
pub fn leak_report() -> LeakReport {
    with_heap(LeakReport::build)
}

/// `DEBUG_LEAK` at thread exit: called by the heap's teardown after its
/// final collection, prints what survived it to stderr.
pub(crate) fn report_at_teardown(heap: &Heap) {
    if heap.debug.get() & DEBUG_LEAK != DEBUG_LEAK {
        return;
    }
    let report = LeakReport::build(heap);
    eprintln!("gc: DEBUG_LEAK: still alive after the final collection at thread exit:");
    for line in report.to_string().lines() {
        eprintln!("gc:   {line}");
    }
}

/// A Rust type name without its module paths, for people to read:
/// `alloc::vec::Vec<my_app::Node>` becomes `Vec<Node>`. Names without
/// `::` (an interpreter's class names) are returned unchanged.
pub(crate) fn short_type_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut segment_start = 0;
    for (i, c) in name.char_indices() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            continue;
        }
        push_last_segment(&mut out, &name[segment_start..i]);
        out.push(c);
        segment_start = i + c.len_utf8();
    }
    push_last_segment(&mut out, &name[segment_start..]);
    out
}

fn push_last_segment(out: &mut String, path: &str) {
    out.push_str(path.rsplit("::").next().unwrap_or(path));
}

#[cfg(test)]
mod tests {
    use super::short_type_name;

    #[test]
    fn short_type_names_drop_module_paths() {
        assert_eq!(short_type_name("alloc::vec::Vec<my::Node>"), "Vec<Node>");
        assert_eq!(
            short_type_name("core::cell::RefCell<(a::B, c::D)>"),
            "RefCell<(B, D)>"
        );
        assert_eq!(short_type_name("Point"), "Point");
        assert_eq!(short_type_name("[x::Y; 3]"), "[Y; 3]");
    }
}
