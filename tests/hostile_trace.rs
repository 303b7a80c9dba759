//! `Trace` impls with side effects: they allocate, clone handles, drop
//! handles, borrow, register weak callbacks, call the collector and the
//! introspection functions, or move a handle out of their value, while the
//! collector (or an introspection walk) is tracing. `Trace` is a safe
//! trait, so none of this may cause undefined behaviour: the heap stays
//! consistent (`refcycle::validate()`), an object a side effect made
//! reachable is not dropped, every value is dropped at most once, and
//! later collections work. Where the outcome is defined, it is asserted
//! exactly.

mod support;

use std::cell::{Cell, RefCell};

use refcycle::{
    collect, get_objects, get_referents, get_referrers, snapshot, validate, Gc, Trace, Visitor,
    Weak,
};
use support::{
    assert_dropped_once, assert_intact_or_cleared, capture_unraisable, drop_count, drop_total,
    drops, drops_sorted, log_drop, Node,
};

/// What a [`Tricky`]'s `trace` does besides reporting its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Plain,
    /// Every call: a new garbage ring of two nodes, and a node kept in
    /// `KEPT_NODES`.
    Allocate,
    /// First call: a clone of its first child goes to `KEPT`.
    CloneOnce,
    /// On call number `CLONE_ON`: a clone of its first child goes to
    /// `KEPT`.
    CloneOnCall,
    /// Every call: clone every child and drop the clones again.
    CloneAndDrop,
    /// First call: drop every child handle, then report (nothing).
    DropBeforeReporting,
    /// First call: report every child, then drop the handles.
    DropAfterReporting,
    /// Every call: trace while holding a mutable borrow of the children.
    BorrowMut,
    /// Every call: deref every child and read its count and value (a
    /// panic while the collector verifies the garbage).
    Deref,
    /// Every call: record what `collect`, `validate` and introspection say.
    CallTheCollector,
    /// Every call: a weak handle with a callback to every child, kept in
    /// `WEAKS`.
    RegisterCallbacks,
    /// Every call: `freeze()`.
    Freeze,
    /// Every call: a new object joins its children, then it reports them.
    AdoptNew,
    /// Every call: `unfreeze()`, then report a frozen child kept in
    /// `FROZEN_CHILD`.
    UnfreezeAndReport,
    /// On call number `STEAL_ON`: report the children, then move the first
    /// child's handle out to `KEPT`, and note whether its value could be
    /// borrowed then.
    StealAfterReporting,
    /// Every call: look at every child with `try_borrow` (no deref).
    TryBorrow,
}

struct Tricky {
    id: u64,
    mode: Cell<Mode>,
    calls: Cell<u32>,
    children: RefCell<Vec<Gc<Tricky>>>,
    /// A weak handle it owns (and reports), if any.
    weak: RefCell<Option<Weak<Tricky>>>,
}

thread_local! {
    static KEPT: RefCell<Vec<Gc<Tricky>>> = const { RefCell::new(Vec::new()) };
    static KEPT_NODES: RefCell<Vec<Gc<Node>>> = const { RefCell::new(Vec::new()) };
    static NOTES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static WEAKS: RefCell<Vec<Weak<Tricky>>> = const { RefCell::new(Vec::new()) };
    static CALLBACKS: Cell<usize> = const { Cell::new(0) };
    static STEAL_ON: Cell<u32> = const { Cell::new(1) };
    static CLONE_ON: Cell<u32> = const { Cell::new(1) };
    static NEXT_ID: Cell<u64> = const { Cell::new(1_000) };
    static FROZEN_CHILD: RefCell<Option<Gc<Tricky>>> = const { RefCell::new(None) };
}

/// A new id for a node allocated by a trace (ids 1000 and up).
fn fresh_id() -> u64 {
    NEXT_ID.with(|n| {
        n.set(n.get() + 1);
        n.get()
    })
}

fn note(s: String) {
    NOTES.with(|n| n.borrow_mut().push(s));
}

fn notes() -> Vec<String> {
    NOTES.with(|n| n.borrow().clone())
}

impl Trace for Tricky {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        let call = self.calls.get() + 1;
        self.calls.set(call);
        match self.mode.get() {
            Mode::Plain => {}
            Mode::Allocate => {
                drop(support::ring([fresh_id(), fresh_id()]));
                KEPT_NODES.with(|k| k.borrow_mut().push(Node::new(fresh_id())));
            }
            Mode::CloneOnce if call == 1 => {
                let first = self.children.borrow()[0].clone();
                KEPT.with(|k| k.borrow_mut().push(first));
            }
            Mode::CloneOnCall if call == CLONE_ON.with(Cell::get) => {
                let first = self.children.borrow()[0].clone();
                KEPT.with(|k| k.borrow_mut().push(first));
            }
            Mode::CloneAndDrop => drop(self.children.borrow().clone()),
            Mode::DropBeforeReporting if call == 1 => drop(self.children.take()),
            Mode::DropAfterReporting if call == 1 => {
                self.children.trace(visitor);
                drop(self.children.take());
                return;
            }
            Mode::BorrowMut => {
                let _held = self.children.borrow_mut();
                self.children.trace(visitor); // sees the borrow: opaque
                return;
            }
            Mode::Deref => {
                for c in self.children.borrow().iter() {
                    let _ = (c.id, Gc::strong_count(c), Gc::try_borrow(c).is_ok());
                }
            }
            Mode::CallTheCollector => note(format!(
                "collect={} validate={:?} objects={} referents={} snapshot={}",
                collect(),
                validate(),
                get_objects(None).len(),
                get_referents(&self.children.borrow()[0]).len(),
                snapshot().len(),
            )),
            Mode::RegisterCallbacks => {
                for c in self.children.borrow().iter() {
                    let w = Gc::downgrade_with_callback(c, || {
                        CALLBACKS.with(|n| n.set(n.get() + 1));
                        // A weak handle that still upgrades gives an intact
                        // value (reading it would panic otherwise).
                        let weaks = WEAKS.with(|w| w.borrow().clone());
                        for w in weaks {
                            if let Some(t) = w.upgrade() {
                                assert!(t.id <= 3);
                            }
                        }
                    });
                    WEAKS.with(|ws| ws.borrow_mut().push(w));
                }
            }
            Mode::Freeze => refcycle::freeze(),
            Mode::AdoptNew => {
                let adopted = Gc::new(Tricky {
                    id: fresh_id(),
                    mode: Cell::new(Mode::Plain),
                    calls: Cell::new(0),
                    children: RefCell::new(Vec::new()),
                    weak: RefCell::new(None),
                });
                self.children.borrow_mut().push(adopted);
            }
            Mode::UnfreezeAndReport => {
                refcycle::unfreeze();
                FROZEN_CHILD.with(|f| f.borrow().trace(visitor));
            }
            Mode::StealAfterReporting if call == STEAL_ON.with(Cell::get) => {
                self.children.trace(visitor);
                let stolen = self.children.borrow_mut().remove(0);
                let lent = Gc::try_borrow(&stolen).is_ok();
                note(format!("lent={lent}"));
                KEPT.with(|k| k.borrow_mut().push(stolen));
                return;
            }
            Mode::TryBorrow => {
                for c in self.children.borrow().iter() {
                    let _ = (Gc::strong_count(c), Gc::try_borrow(c).map(|v| v.id));
                }
            }
            _ => {}
        }
        self.weak.trace(visitor);
        self.children.trace(visitor);
    }
}

impl Drop for Tricky {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

/// A ring of `Tricky` objects with these ids, all in `Mode::Plain`; the
/// first one's mode is set with [`set_mode`] once the ring is built (so
/// that stress-mode collections while building do not trigger it).
fn tricky_ring(ids: &[u64]) -> Vec<Gc<Tricky>> {
    let nodes: Vec<_> = ids
        .iter()
        .map(|&id| {
            Gc::new(Tricky {
                id,
                mode: Cell::new(Mode::Plain),
                calls: Cell::new(0),
                children: RefCell::new(Vec::new()),
                weak: RefCell::new(None),
            })
        })
        .collect();
    for (i, n) in nodes.iter().enumerate() {
        n.children
            .borrow_mut()
            .push(nodes[(i + 1) % nodes.len()].clone());
    }
    nodes
}

fn set_mode(t: &Gc<Tricky>, mode: Mode) {
    t.mode.set(mode);
    t.calls.set(0);
}

fn kept() -> Vec<Gc<Tricky>> {
    KEPT.with(|k| k.borrow().clone())
}

fn clear_kept() {
    let k = KEPT.with(|k| std::mem::take(&mut *k.borrow_mut()));
    drop(k);
}

/// The heap is consistent and no value was dropped twice.
#[track_caller]
fn assert_consistent() {
    assert_eq!(validate(), Ok(()), "heap consistency");
    let log = drops_sorted();
    for pair in log.windows(2) {
        assert_ne!(pair[0], pair[1], "value {} dropped twice: {log:?}", pair[0]);
    }
}

/// A fresh ordinary cycle is still collected, exactly.
#[track_caller]
fn assert_heap_still_works() {
    assert_consistent();
    let before = drop_total();
    drop(support::ring([900, 901]));
    assert_eq!(collect(), 2, "a later ordinary cycle is collected");
    assert_eq!(drop_total(), before + 2);
    assert_eq!((drop_count(900), drop_count(901)), (1, 1));
    assert_consistent();
}

/// Builds a ring `1 -> 2 -> 3 -> 1`, sets the first one's mode, drops the
/// ring and collects; returns what `collect()` said.
fn collect_ring_with(mode: Mode) -> usize {
    let ring = tricky_ring(&[1, 2, 3]);
    set_mode(&ring[0], mode);
    drop(ring);
    collect()
}

// ---------------------------------------------------------------------------
// Allocating
// ---------------------------------------------------------------------------

#[test]
fn trace_that_allocates_every_call_leaves_its_objects_alive_and_the_heap_consistent() {
    assert_eq!(collect_ring_with(Mode::Allocate), 3);
    assert_dropped_once([1, 2, 3]);
    assert_consistent();
    // The nodes kept by the traces are intact; their garbage rings are
    // collected later.
    let kept = KEPT_NODES.with(|k| std::mem::take(&mut *k.borrow_mut()));
    assert!(!kept.is_empty(), "the trace ran");
    assert!(kept
        .iter()
        .all(|n| n.id > 1_000 && n.children.borrow().is_empty()));
    let rings = kept.len();
    drop(kept);
    assert_eq!(collect(), 2 * rings);
    assert_dropped_once((1..=3).chain(1_001..=NEXT_ID.with(Cell::get)));
    assert_heap_still_works();
}

#[test]
fn trace_that_allocates_during_an_introspection_walk_leaves_a_consistent_heap() {
    let ring = tricky_ring(&[1, 2]);
    set_mode(&ring[0], Mode::Allocate);
    let referrers = get_referrers(&ring[1]);
    assert_eq!(referrers.len(), 1, "ring[0] holds ring[1]");
    assert_eq!(referrers[0].downcast::<Tricky>().map(|t| t.id), Some(1));
    drop(referrers);
    assert_consistent();
    let calls = ring[0].calls.get() as usize;
    assert!(calls > 0, "the walk traced it");
    set_mode(&ring[0], Mode::Plain);
    drop(ring);
    KEPT_NODES.with(|k| k.borrow_mut().clear());
    assert_eq!(collect(), 2 + 2 * calls, "the ring and the traces' rings");
    assert_dropped_once((1..=2).chain(1_001..=NEXT_ID.with(Cell::get)));
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Cloning
// ---------------------------------------------------------------------------

/// A ring `1 -> 2 -> 3 -> 1` whose member `cloner` (an index) stores a
/// clone of its child in `KEPT` on its first trace, collected by
/// `collect_once`: nothing is dropped, and `reports` reports are made.
fn clone_once_keeps_the_cycle(cloner: usize, collect_once: fn() -> usize, reports_expected: usize) {
    support::no_stress();
    let reports = capture_unraisable();
    let ring = tricky_ring(&[1, 2, 3]);
    set_mode(&ring[cloner], Mode::CloneOnce);
    drop(ring);
    assert_eq!(collect_once(), 0);
    assert!(drops().is_empty(), "the clone made the cycle reachable");
    let r = reports.borrow().clone();
    assert_eq!(r.len(), reports_expected, "{r:?}");
    if let Some(r) = r.first() {
        assert_eq!(r.context, "collection");
        assert!(r.message.contains("Tricky"), "{r:?}");
    }
    let child = kept()[0].clone();
    let ids = [1, 2, 3];
    assert_eq!(child.id, ids[(cloner + 1) % 3]);
    assert_eq!(
        child.children.borrow()[0].id,
        ids[(cloner + 2) % 3],
        "intact"
    );
    drop(child);
    assert_consistent();
    clear_kept();
    assert_eq!(collect(), 3);
    assert_dropped_once([1, 2, 3]);
    assert_heap_still_works();
}

/// When the garbage owns a weak handle, a full collection traces it a
/// third time, after verify_garbage: `handle_weakrefs` clears the weak
/// handles it owns. A clone made on that call adds a count nobody checked
/// yet; the collector compares the counts again before clearing anything
/// (`run_phases`, step 9), so the clone resurrects the cycle, intact,
/// whichever call makes it.
#[test]
fn trace_that_clones_on_a_later_call_keeps_the_cycle_intact_whichever_call() {
    support::no_stress();
    let _reports = capture_unraisable();
    for call in 1..=4 {
        support::clear_drops();
        CLONE_ON.with(|c| c.set(call));
        let ring = tricky_ring(&[1, 2, 3]);
        *ring[0].weak.borrow_mut() = Some(Gc::downgrade(&ring[2]));
        set_mode(&ring[0], Mode::CloneOnCall);
        drop(ring);
        collect();
        assert_consistent();
        let kept = kept();
        if call <= 3 {
            assert_eq!(kept.len(), 1, "call {call}: the trace ran that often");
        }
        for h in &kept {
            let v = Gc::try_borrow(h).unwrap_or_else(|e| panic!("call {call}: cleared: {e:?}"));
            assert_eq!(v.id, 2);
            assert_eq!(v.children.borrow()[0].id, 3, "call {call}: intact");
            assert!(drops().is_empty(), "call {call}: nothing dropped");
        }
        let resurrected = !kept.is_empty();
        drop(kept);
        clear_kept();
        assert_eq!(collect(), if resurrected { 3 } else { 0 });
        assert_dropped_once([1, 2, 3]);
    }
    assert_heap_still_works();
}

/// A young collection reads every count before any trace runs: the clone
/// is a handle the garbage does not report, which `verify_garbage`
/// reports, keeping the cycle.
#[test]
fn trace_that_stores_a_clone_of_a_child_keeps_the_whole_cycle_alive() {
    clone_once_keeps_the_cycle(0, || refcycle::collect_generation(0), 1);
}

/// A full collection reads an object's count when its walk reaches the
/// object or when the object is first reported, whichever comes first
/// (`update_and_subtract_refs`); the walk starts at the youngest object.
/// Here the cloner is 1, the oldest: the walk has read 2's count before
/// 1's trace makes the clone, so the clone is a handle the garbage does
/// not report, as in a young collection.
#[test]
fn trace_that_clones_a_child_whose_count_a_full_collection_has_read_keeps_the_cycle() {
    clone_once_keeps_the_cycle(0, collect, 1);
}

/// Here the cloner is 3, the youngest, traced first: its child 1 is not
/// reached yet, and its count is read when 3's trace reports it, after the
/// clone. The clone then counts as a handle from outside, and the cycle is
/// kept without a report.
#[test]
fn trace_that_clones_a_child_before_a_full_collection_reads_its_count_keeps_the_cycle() {
    clone_once_keeps_the_cycle(2, collect, 0);
}

#[test]
fn trace_that_clones_and_drops_clones_changes_nothing() {
    let reports = capture_unraisable();
    assert_eq!(collect_ring_with(Mode::CloneAndDrop), 3);
    assert_dropped_once([1, 2, 3]);
    assert!(reports.borrow().is_empty());
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Dropping
// ---------------------------------------------------------------------------

#[test]
fn trace_that_drops_its_children_before_reporting_frees_them_by_refcount() {
    // 1 drops its handle to 2 during the first trace: 2 then looks held
    // from outside (its count was read before), so nothing is garbage this
    // time; when the collection ends, 2's count is zero and reference
    // counting frees it, and 1 and 3 with it.
    assert_eq!(collect_ring_with(Mode::DropBeforeReporting), 0);
    assert_dropped_once([1, 2, 3]);
    assert_heap_still_works();
}

#[test]
fn trace_that_drops_its_children_after_reporting_frees_them_once() {
    // Objects freed by reference counting during a collection are not
    // counted as collected.
    assert_eq!(collect_ring_with(Mode::DropAfterReporting), 0);
    assert_dropped_once([1, 2, 3]);
    assert_heap_still_works();
}

#[test]
fn trace_that_drops_a_child_during_an_introspection_walk_frees_it_after_the_walk() {
    let ring = tricky_ring(&[1, 2]);
    set_mode(&ring[0], Mode::DropBeforeReporting);
    let two = Gc::downgrade(&ring[1]);
    drop(ring); // 1 <-> 2, garbage
    let snap = snapshot();
    assert!(snap.len() >= 2);
    assert_consistent();
    // 1 dropped its handle to 2 during the walk, which broke the cycle:
    // both went by reference counting once the walk was over.
    assert!(two.upgrade().is_none());
    assert_dropped_once([1, 2]);
    assert_eq!(collect(), 0);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Borrowing, dereferencing, calling the collector
// ---------------------------------------------------------------------------

/// A garbage ring whose first node traces in `mode` survives a collection
/// (`why` says why), with the reports `check` is given; once the node
/// traces plainly again, the next collection frees the ring.
fn ring_kept_alive_by(mode: Mode, why: &str, check: impl FnOnce(&[support::Report])) {
    let reports = capture_unraisable();
    let ring = tricky_ring(&[1, 2, 3]);
    set_mode(&ring[0], mode);
    let w = Gc::downgrade(&ring[0]);
    drop(ring);
    assert_eq!(collect(), 0, "{why}");
    assert!(drops().is_empty());
    check(&reports.borrow());
    assert_consistent();
    let first = w.upgrade().expect("alive");
    set_mode(&first, Mode::Plain);
    drop(first);
    assert_eq!(collect(), 3);
    assert_dropped_once([1, 2, 3]);
    assert_heap_still_works();
}

#[test]
fn trace_under_its_own_mutable_borrow_keeps_the_cycle_alive_silently() {
    ring_kept_alive_by(
        Mode::BorrowMut,
        "an opaque object is treated as held",
        |r| assert!(r.is_empty(), "{r:?}"),
    );
}

#[test]
fn trace_that_looks_at_its_children_with_try_borrow_changes_nothing() {
    assert_eq!(collect_ring_with(Mode::TryBorrow), 3);
    assert_dropped_once([1, 2, 3]);
    assert_heap_still_works();
}

/// Once the collector has decided what is garbage it checks the garbage
/// by tracing it again, and from then on no one may borrow a garbage
/// value (the collector will drop it, whatever handles remain). A trace
/// that derefs a child then panics, and its object, with all it reaches,
/// is kept alive for that collection, as for any trace that panics.
#[test]
fn trace_that_derefs_garbage_while_it_is_checked_keeps_it_alive_and_is_reported() {
    ring_kept_alive_by(Mode::Deref, "its trace panicked", |r| {
        assert!(
            r.iter().any(|r| r.message.contains("is being dropped")),
            "the deref's panic is reported: {r:?}"
        );
    });
}

#[test]
fn trace_that_calls_the_collector_and_introspection_gets_empty_answers() {
    assert_eq!(collect_ring_with(Mode::CallTheCollector), 3);
    let n = notes();
    assert!(!n.is_empty(), "the trace ran");
    for s in &n {
        assert_eq!(
            s, "collect=0 validate=Ok(()) objects=0 referents=0 snapshot=0",
            "{n:?}"
        );
    }
    assert_dropped_once([1, 2, 3]);
    assert_heap_still_works();
}

#[test]
fn trace_that_freezes_the_heap_mid_collection_still_frees_the_garbage() {
    support::no_stress();
    let live = Node::new(50);
    assert_eq!(collect_ring_with(Mode::Freeze), 3);
    assert_dropped_once([1, 2, 3]);
    assert_eq!(refcycle::get_freeze_count(), 1, "the live node");
    assert_consistent();
    refcycle::unfreeze();
    drop(live);
    assert_heap_still_works();
}

/// A full collection gives a count to a child the first time it is
/// reported, if the child is tracked and not frozen: such an object is in
/// the set. An object a trace tracks (or unfreezes) meanwhile is not; the
/// collector notices and leaves no mark on it (`validate` would report a
/// per-collection flag left set otherwise).
#[test]
fn trace_that_adopts_new_objects_during_a_full_collection_leaves_them_alive_and_unmarked() {
    support::no_stress();
    let live = tricky_ring(&[1, 2]);
    set_mode(&live[0], Mode::AdoptNew);
    assert_eq!(collect(), 0);
    assert_consistent();
    let adopted = live[0].children.borrow().len() - 1;
    assert!(adopted >= 1, "the trace ran");
    assert!(live[0].children.borrow()[1..]
        .iter()
        .all(|c| c.id > 1_000 && refcycle::is_tracked(c)));
    // The ring, with what it adopted, is collected once dropped.
    set_mode(&live[0], Mode::Plain);
    drop(live);
    assert_eq!(collect(), 2 + adopted);
    assert_dropped_once((1..=2).chain(1_001..=NEXT_ID.with(Cell::get)));
    assert_heap_still_works();
}

#[test]
fn trace_that_unfreezes_and_reports_a_frozen_object_leaves_it_unmarked() {
    support::no_stress();
    let frozen = tricky_ring(&[5]);
    refcycle::freeze();
    FROZEN_CHILD.with(|f| *f.borrow_mut() = Some(frozen[0].clone()));
    let live = tricky_ring(&[1, 2]);
    set_mode(&live[0], Mode::UnfreezeAndReport);
    assert_eq!(collect(), 0);
    assert_consistent();
    assert_eq!(refcycle::get_freeze_count(), 0, "unfrozen by the trace");
    set_mode(&live[0], Mode::Plain);
    FROZEN_CHILD.with(|f| f.borrow_mut().take());
    drop((frozen, live));
    assert_eq!(collect(), 3, "both rings");
    assert_dropped_once([1, 2, 5]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Weak callbacks registered while tracing
// ---------------------------------------------------------------------------

/// Weak references made to the garbage before `handle_weakrefs` die there,
/// before any callback runs; ones made later (by traces of the
/// resurrection check) die, and call back, when their object is cleared,
/// and may meanwhile upgrade to members not cleared yet (as in CPython,
/// whose callbacks for weak references made during finalization run from
/// `delete_garbage`).
#[test]
fn weak_callbacks_registered_by_traces_each_run_once() {
    let reports = capture_unraisable();
    assert_eq!(collect_ring_with(Mode::RegisterCallbacks), 3);
    let registered = WEAKS.with(|w| w.borrow().len());
    assert!(registered > 0, "the trace ran");
    assert_eq!(
        CALLBACKS.with(Cell::get),
        registered,
        "every callback ran exactly once"
    );
    assert!(reports.borrow().is_empty(), "{:?}", reports.borrow());
    assert!(WEAKS.with(|w| w.borrow().iter().all(|w| w.upgrade().is_none())));
    assert_dropped_once([1, 2, 3]);
    WEAKS.with(|w| w.borrow_mut().clear());
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Moving a handle out of the value while tracing
// ---------------------------------------------------------------------------

/// A trace that reports a handle and then moves it out of its value is not
/// a correct impl (it changes the graph under the collector), so which
/// objects survive depends on when it does it. What is defined: the moved
/// handle never points to freed memory (it derefs, or gives `Cleared`),
/// nothing is dropped twice, and the heap stays consistent.
#[test]
fn trace_that_moves_a_handle_out_after_reporting_it_never_exposes_freed_memory() {
    let _reports = capture_unraisable();
    for call in 1..=8 {
        support::clear_drops();
        STEAL_ON.with(|s| s.set(call));
        NOTES.with(|n| n.borrow_mut().clear());
        collect_ring_with(Mode::StealAfterReporting);
        assert_consistent();
        let kept = kept();
        for h in &kept {
            assert_intact_or_cleared(h, "Tricky", |v| {
                assert_eq!(v.id, 2, "call {call}: the value is intact");
            });
        }
        // The trace borrowed the moved handle's value only if that value
        // was not dropped: a borrow of it could have been kept.
        if kept.iter().any(Gc::is_cleared) {
            assert_eq!(notes(), ["lent=false"], "call {call}");
        }
        drop(kept);
        clear_kept();
        collect();
        assert_dropped_once([1, 2, 3]);
        assert_consistent();
    }
    assert_heap_still_works();
}
