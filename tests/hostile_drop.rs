//! `Drop` impls of garbage may look at other members of their cycle while
//! the collector clears it, and may do anything else safe code can. What
//! they get is DESIGN §2's behaviour, never freed memory: every member,
//! dropped already or not yet, is cleared (a borrow of one not yet dropped
//! could outlive its value): `Gc::try_borrow` returns `Cleared` and deref
//! panics with a message naming the type; weak handles never upgrade to a
//! cleared value. Handles they store outlive the
//! collection safely. Through all of it the heap stays consistent, every
//! value is dropped exactly once, and later collections work.

mod support;

use std::cell::RefCell;

use refcycle::{collect, get_objects, get_referents, validate, Gc, Trace};
use support::{
    assert_dropped_once, capture_unraisable, catch, drop_count, drop_total, drops, drops_sorted,
    log_drop, no_stress, Node,
};

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

// ---------------------------------------------------------------------------
// Mesh: every member holds a handle to every member
// ---------------------------------------------------------------------------

/// What a `Drop` impl saw when it looked at one fellow member.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Look {
    Intact(u64),
    Cleared,
}

thread_local! {
    /// (dropping id, drops logged before it, what it saw of each member).
    static LOOKS: RefCell<Vec<(u64, usize, Vec<Look>)>> = const { RefCell::new(Vec::new()) };
    static STASH: RefCell<Vec<Gc<Mesh>>> = const { RefCell::new(Vec::new()) };
}

/// What a `Mesh`'s `Drop` does besides looking at every member.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Also {
    Nothing,
    /// Deref the next member's next member (two hops), panic or not.
    TwoHops,
    /// Store a clone of every member's handle (itself included) in `STASH`.
    Stash,
    /// Upgrade a fresh weak handle to each member.
    Upgrade,
}

#[derive(Trace)]
struct Mesh {
    #[trace(skip)]
    id: u64,
    #[trace(skip)]
    also: Also,
    all: RefCell<Vec<Gc<Mesh>>>,
}

impl Drop for Mesh {
    fn drop(&mut self) {
        let before = drop_total();
        log_drop(self.id);
        let all = self.all.borrow();
        let looks = all
            .iter()
            .map(|m| match Gc::try_borrow(m) {
                Ok(v) => Look::Intact(v.id),
                Err(e) => {
                    assert!(e.type_name.contains("Mesh"), "{e:?}");
                    Look::Cleared
                }
            })
            .collect();
        LOOKS.with(|l| l.borrow_mut().push((self.id, before, looks)));
        match self.also {
            Also::Nothing => {}
            Also::TwoHops => {
                let next = &all[(self.id as usize + 1) % all.len()];
                if let Some(message) = catch(|| next.all.borrow()[0].id) {
                    assert!(message.contains("Mesh"), "{message}");
                }
            }
            Also::Stash => STASH.with(|s| s.borrow_mut().extend(all.iter().cloned())),
            Also::Upgrade => {
                for m in all.iter() {
                    let up = Gc::downgrade(m).upgrade();
                    assert_eq!(up.is_some(), !Gc::is_cleared(m));
                }
            }
        }
    }
}

/// `n` members (ids `0..n`), each holding a handle to every member.
fn mesh(n: u64, also: Also) {
    let members: Vec<_> = (0..n)
        .map(|id| {
            Gc::new(Mesh {
                id,
                also,
                all: RefCell::new(Vec::new()),
            })
        })
        .collect();
    for m in &members {
        m.all.borrow_mut().extend(members.iter().cloned());
    }
}

/// Checks what the `Drop` impls of a collected mesh of `n` saw: each saw
/// every member cleared, those dropped before it (itself included) and
/// those still to be dropped alike: the collector drops them whatever
/// handles remain, so none may be borrowed any more.
fn check_looks(n: u64) {
    let looks = LOOKS.with(|l| l.borrow().clone());
    assert_eq!(looks.len(), n as usize, "each Drop ran once");
    for (k, (id, before, seen)) in looks.iter().enumerate() {
        assert_eq!(*before, k, "drops are sequential");
        assert_eq!(seen.len(), n as usize);
        assert!(
            seen.iter().all(|l| *l == Look::Cleared),
            "member {id} saw {seen:?}"
        );
    }
}

#[test]
fn drop_that_looks_at_every_member_sees_each_cleared_never_freed() {
    mesh(6, Also::Nothing);
    assert_eq!(collect(), 6);
    check_looks(6);
    assert_dropped_once(0..6);
    assert_heap_still_works();
}

#[test]
fn drop_that_derefs_two_hops_into_cleared_members_gets_the_cleared_panic() {
    let reports = capture_unraisable();
    mesh(5, Also::TwoHops);
    assert_eq!(collect(), 5);
    check_looks(5);
    assert_dropped_once(0..5);
    assert!(
        reports.borrow().is_empty(),
        "every panic was caught by Drop"
    );
    assert_heap_still_works();
}

#[test]
fn drop_that_upgrades_fresh_weak_handles_gets_none_exactly_for_cleared_members() {
    mesh(4, Also::Upgrade);
    assert_eq!(collect(), 4);
    check_looks(4);
    assert_dropped_once(0..4);
    assert_heap_still_works();
}

#[test]
fn handles_a_drop_stashed_to_its_own_and_other_cleared_values_outlive_the_collection() {
    mesh(3, Also::Stash);
    assert_eq!(collect(), 3);
    assert_dropped_once(0..3);
    assert_consistent();
    let stash = STASH.with(|s| std::mem::take(&mut *s.borrow_mut()));
    assert_eq!(stash.len(), 9, "three members stashed three handles each");
    for h in &stash {
        assert!(Gc::is_cleared(h));
        let message = catch(|| h.id).expect("deref of a cleared value panics");
        assert!(message.contains("Mesh"), "{message}");
        assert!(!refcycle::is_tracked(h));
    }
    assert_eq!(collect(), 0, "cleared objects are not collected again");
    drop(stash); // the memory goes now (Miri checks it was still there)
    assert_eq!(drop_total(), 3, "nor dropped again");
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// Drop impls that store, allocate and collect
// ---------------------------------------------------------------------------

thread_local! {
    static HOLDERS: RefCell<Vec<Gc<Holder>>> = const { RefCell::new(Vec::new()) };
    static NOTES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn notes() -> Vec<String> {
    NOTES.with(|n| n.borrow().clone())
}

/// A tracked object holding handles to cleared values.
#[derive(Trace)]
struct Holder {
    #[trace(skip)]
    id: u64,
    peers: RefCell<Vec<Gc<Peer>>>,
    me: RefCell<Option<Gc<Holder>>>,
}

impl Drop for Holder {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

/// What a `Peer`'s `Drop` does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnDrop {
    /// Put its fellow in a new tracked `Holder` kept in `HOLDERS`.
    KeepInNewObject,
    /// Put its fellow in a new `Holder` that is a garbage self-cycle.
    KeepInNewGarbage,
    /// Call the collector API and introspection; record the answers.
    Inspect,
}

#[derive(Trace)]
struct Peer {
    #[trace(skip)]
    id: u64,
    #[trace(skip)]
    on_drop: OnDrop,
    next: RefCell<Option<Gc<Peer>>>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        log_drop(self.id);
        let next = self.next.borrow().clone().expect("in a ring");
        let holder = || {
            Gc::new(Holder {
                id: self.id + 100,
                peers: RefCell::new(vec![next.clone()]),
                me: RefCell::new(None),
            })
        };
        match self.on_drop {
            OnDrop::KeepInNewObject => HOLDERS.with(|h| h.borrow_mut().push(holder())),
            OnDrop::KeepInNewGarbage => {
                let h = holder();
                *h.me.borrow_mut() = Some(h.clone());
            }
            OnDrop::Inspect => {
                let n = format!(
                    "collect={} validate={:?} objects={} referents={}",
                    collect(),
                    validate(),
                    get_objects(None).len(),
                    get_referents(&next).len(),
                );
                NOTES.with(|v| v.borrow_mut().push(n));
            }
        }
    }
}

fn peer_ring(ids: &[u64], on_drop: OnDrop) {
    let peers: Vec<_> = ids
        .iter()
        .map(|&id| {
            Gc::new(Peer {
                id,
                on_drop,
                next: RefCell::new(None),
            })
        })
        .collect();
    for (i, p) in peers.iter().enumerate() {
        *p.next.borrow_mut() = Some(peers[(i + 1) % peers.len()].clone());
    }
}

#[test]
fn drop_that_keeps_a_fellow_in_a_new_live_object_leaves_a_consistent_heap() {
    peer_ring(&[1, 2, 3], OnDrop::KeepInNewObject);
    assert_eq!(collect(), 3);
    assert_dropped_once([1, 2, 3]);
    assert_consistent();
    let holders = HOLDERS.with(|h| h.borrow().clone());
    assert_eq!(holders.len(), 3);
    for h in &holders {
        assert!(refcycle::is_tracked(h), "a new object is tracked");
        let peer = h.peers.borrow()[0].clone();
        assert!(Gc::is_cleared(&peer), "what it holds was cleared");
        assert!(Gc::try_borrow(&peer).is_err());
    }
    // The holders are traced by later collections: their handles to
    // cleared, untracked values are ignored, and nothing is freed.
    assert_eq!(collect(), 0);
    assert_consistent();
    drop(holders);
    HOLDERS.with(|h| h.borrow_mut().clear());
    assert_dropped_once([1, 2, 3, 101, 102, 103]);
    assert_heap_still_works();
}

#[test]
fn drop_that_makes_new_garbage_holding_cleared_values_is_collected_next_time() {
    peer_ring(&[1, 2, 3], OnDrop::KeepInNewGarbage);
    assert_eq!(collect(), 3);
    assert_dropped_once([1, 2, 3]);
    assert_consistent();
    assert_eq!(collect(), 3, "the three new self-cycles");
    assert_dropped_once([1, 2, 3, 101, 102, 103]);
    assert_heap_still_works();
}

#[test]
fn drop_during_a_collection_sees_the_collector_busy_and_the_heap_valid() {
    no_stress();
    let live = Node::new(50);
    peer_ring(&[1, 2], OnDrop::Inspect);
    assert_eq!(collect(), 2);
    // Collections do not nest, validate() holds inside a collection, and
    // introspection answers empty while objects are in scratch lists.
    assert_eq!(
        notes(),
        ["collect=0 validate=Ok(()) objects=0 referents=0"; 2]
    );
    assert_dropped_once([1, 2]);
    assert_eq!(live.id, 50);
    drop(live);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// The post-collection drain
// ---------------------------------------------------------------------------

/// Untracked (holds no handle); its `Drop` runs in the drain at the end of
/// a collection when only garbage held it.
struct Drained {
    id: u64,
}

impl Trace for Drained {
    const NEEDS_TRACE: bool = false;

    fn trace(&self, _visitor: &mut refcycle::Visitor<'_>) {}
}

impl Drop for Drained {
    fn drop(&mut self) {
        log_drop(self.id);
        // New garbage, a kept node, and a nested collect().
        drop(support::ring([self.id + 1, self.id + 2]));
        NODES.with(|n| n.borrow_mut().push(Node::new(self.id + 3)));
        let n = format!("collect={}", collect());
        NOTES.with(|v| v.borrow_mut().push(n));
    }
}

thread_local! {
    static NODES: RefCell<Vec<Gc<Node>>> = const { RefCell::new(Vec::new()) };
}

#[derive(Trace)]
struct Owner {
    #[trace(skip)]
    id: u64,
    me: RefCell<Option<Gc<Owner>>>,
    drained: Gc<Drained>,
}

impl Drop for Owner {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

#[test]
fn drop_run_by_the_drain_after_a_collection_may_allocate_and_collect() {
    let o = Gc::new(Owner {
        id: 1,
        me: RefCell::new(None),
        drained: Gc::new(Drained { id: 10 }),
    });
    *o.me.borrow_mut() = Some(o.clone());
    drop(o);
    assert_eq!(collect(), 1);
    assert_eq!(drops(), [1, 10], "the leaf went when the collection ended");
    assert_eq!(notes(), ["collect=0"], "still inside the collection");
    assert_consistent();
    assert_eq!(collect(), 2, "the ring its Drop made");
    let kept = NODES.with(|n| n.borrow_mut().pop()).expect("kept");
    assert_eq!(kept.id, 13);
    drop(kept);
    assert_dropped_once([1, 10, 11, 12, 13]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// A value that owns the last weak handle to its own object
// ---------------------------------------------------------------------------

/// Owns weak handles, possibly to itself, and maybe a strong one to itself.
#[derive(Trace)]
struct SelfWeak {
    #[trace(skip)]
    id: u64,
    me: RefCell<Option<Gc<SelfWeak>>>,
    weaks: RefCell<Vec<refcycle::Weak<SelfWeak>>>,
}

impl Drop for SelfWeak {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

fn self_weak(id: u64, callback: bool, cycle: bool) -> Gc<SelfWeak> {
    let s = Gc::new(SelfWeak {
        id,
        me: RefCell::new(None),
        weaks: RefCell::new(Vec::new()),
    });
    let w = if callback {
        Gc::downgrade_with_callback(&s, move || {
            NOTES.with(|n| n.borrow_mut().push(format!("callback {id}")))
        })
    } else {
        Gc::downgrade(&s)
    };
    s.weaks.borrow_mut().push(w);
    if cycle {
        *s.me.borrow_mut() = Some(s.clone());
    }
    s
}

/// Regression: dropping the value dropped the last `Weak` to its own
/// object, which freed the allocation while the release path was still
/// using it (found by the model test, fixed in 109be5f; Miri reports it as
/// undefined behaviour on the tree before the fix). Here on both paths,
/// with and without a callback, so that Miri checks each.
#[test]
fn value_dropping_the_last_weak_handle_to_its_own_object_is_freed_once() {
    // Reference counting, without and with a callback on that handle.
    drop(self_weak(1, false, false));
    drop(self_weak(2, true, false));
    assert_eq!(notes(), ["callback 2"], "it ran: the handle was alive");
    // The collector, on a garbage self-cycle: the weak handle is owned by
    // the garbage, so its callback never runs.
    let a = self_weak(3, false, true);
    let b = self_weak(4, true, true);
    drop((a, b));
    assert_eq!(collect(), 2);
    assert_eq!(notes(), ["callback 2"]);
    assert_dropped_once([1, 2, 3, 4]);
    assert_heap_still_works();
}

// ---------------------------------------------------------------------------
// validate() from a Drop while releases are queued
// ---------------------------------------------------------------------------

/// A binary tree node whose `Drop` lets go of one child first, then calls
/// `validate()` while the trashcan may hold the other releases.
#[derive(Trace)]
struct Branch {
    left: RefCell<Option<Gc<Branch>>>,
    right: Option<Gc<Branch>>,
}

impl Drop for Branch {
    fn drop(&mut self) {
        drop(self.left.borrow_mut().take());
        let v = validate();
        NOTES.with(|n| n.borrow_mut().push(format!("{v:?}")));
    }
}

#[test]
fn validate_from_a_drop_while_the_trashcan_holds_releases_reports_no_error() {
    // A spine deeper than the trashcan's nesting limit, with a leaf on
    // each node: releases past the limit are queued, and the Drop impls
    // that run meanwhile see the queue.
    let leaf = || {
        Some(Gc::new(Branch {
            left: RefCell::new(None),
            right: None,
        }))
    };
    let mut spine = Gc::new(Branch {
        left: RefCell::new(None),
        right: None,
    });
    for _ in 0..100 {
        spine = Gc::new(Branch {
            left: RefCell::new(Some(spine)),
            right: leaf(),
        });
    }
    drop(spine);
    let seen = notes();
    assert_eq!(seen.len(), 201, "every node dropped once");
    let errors: Vec<_> = seen.iter().filter(|v| *v != "Ok(())").collect();
    assert!(
        errors.is_empty(),
        "{} false reports, first: {:?}",
        errors.len(),
        errors[0]
    );
    assert_eq!(validate(), Ok(()));
}

// ---------------------------------------------------------------------------
// Weak callbacks registered by Drop impls of garbage
// ---------------------------------------------------------------------------

thread_local! {
    static WATCHES: RefCell<Vec<refcycle::Weak<Watcher>>> = const { RefCell::new(Vec::new()) };
}

/// A ring member whose `Drop` registers a weak callback on the next member,
/// cleared or not, and keeps the weak handle outside the heap.
#[derive(Trace)]
struct Watcher {
    #[trace(skip)]
    id: u64,
    next: RefCell<Option<Gc<Watcher>>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        log_drop(self.id);
        let next = self.next.borrow().clone().expect("in a ring");
        let id = self.id;
        let w = Gc::downgrade_with_callback(&next, move || {
            NOTES.with(|n| n.borrow_mut().push(format!("{id} saw its next go")))
        });
        WATCHES.with(|v| v.borrow_mut().push(w));
    }
}

/// The collector frees a garbage object as soon as its last handle goes
/// while it deletes the garbage, unless a weak callback waits for it: such
/// an object is released after the collection instead, and its callback
/// runs then. Here the first member's object gets its callback after it
/// was cleared (registered by the last member's Drop), the others before.
#[test]
fn a_callback_registered_on_cleared_garbage_runs_once_when_the_object_goes() {
    no_stress();
    NOTES.with(|n| n.borrow_mut().clear());
    let ring: Vec<_> = (1..=3)
        .map(|id| {
            Gc::new(Watcher {
                id,
                next: RefCell::new(None),
            })
        })
        .collect();
    for (i, w) in ring.iter().enumerate() {
        *w.next.borrow_mut() = Some(ring[(i + 1) % ring.len()].clone());
    }
    drop(ring);
    assert_eq!(collect(), 3);
    assert_eq!(
        notes(),
        [
            "1 saw its next go",
            "2 saw its next go",
            "3 saw its next go"
        ]
    );
    assert_dropped_once([1, 2, 3]);
    let dead = WATCHES.with(|v| v.borrow_mut().drain(..).all(|w| w.upgrade().is_none()));
    assert!(dead, "no weak handle upgrades to a collected object");
    assert_heap_still_works();
}
