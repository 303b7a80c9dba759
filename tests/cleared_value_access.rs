//! Reaching a value the collector dropped ("cleared"), or is dropping.
//! When the collector frees a cycle it drops the members' values one by
//! one; a `Drop` impl that looks at a fellow member finds it cleared,
//! whether that member went first or not yet (a borrow of a member not
//! yet dropped could outlive it: the collector drops it whatever handles
//! remain). `Gc::try_borrow` returns `Err(Cleared { type_name })` and
//! deref panics with a message naming the type. Objects outside the
//! garbage are intact. Never freed memory: the memory stays until the last
//! handle goes, even when a `Drop` impl stores a handle to a cleared
//! member in a global.

mod support;

use std::cell::{Cell, RefCell};
use std::fmt;

use refcycle::{collect, is_tracked, Cleared, Gc, Trace, Weak};
use support::{capture_unraisable, catch, log_drop};

/// What a `Peer`'s `Drop` saw when it looked at the next peer.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Intact(u64),
    Cleared(&'static str),
    Panicked(String),
}

thread_local! {
    static SEEN: RefCell<Vec<(u64, Seen)>> = const { RefCell::new(Vec::new()) };
}

fn seen() -> Vec<(u64, Seen)> {
    SEEN.with(|s| s.borrow().clone())
}

/// How a `Peer`'s `Drop` looks at its successor.
#[derive(Clone, Copy)]
enum Look {
    TryBorrow,
    CatchDeref,
    PlainDeref,
}

#[derive(Trace)]
struct Peer {
    #[trace(skip)]
    id: u64,
    #[trace(skip)]
    look: Look,
    next: RefCell<Option<Gc<Peer>>>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        log_drop(self.id);
        let next = self.next.borrow();
        let Some(next) = next.as_ref() else { return };
        let seen = match self.look {
            Look::TryBorrow => match Gc::try_borrow(next) {
                Ok(p) => Seen::Intact(p.id),
                Err(Cleared { type_name }) => Seen::Cleared(type_name),
            },
            Look::CatchDeref => match catch(|| next.id) {
                None => Seen::Intact(next.id),
                Some(message) => Seen::Panicked(message),
            },
            Look::PlainDeref => {
                let id = next.id; // panics out of Drop if cleared
                Seen::Intact(id)
            }
        };
        SEEN.with(|s| s.borrow_mut().push((self.id, seen)));
    }
}

fn peer_ring(ids: &[u64], look: Look) {
    let peers: Vec<_> = ids
        .iter()
        .map(|&id| {
            Gc::new(Peer {
                id,
                look,
                next: RefCell::new(None),
            })
        })
        .collect();
    for (i, p) in peers.iter().enumerate() {
        *p.next.borrow_mut() = Some(peers[(i + 1) % peers.len()].clone());
    }
}

#[test]
fn drop_sees_every_fellow_member_cleared_never_freed() {
    let ids = [1, 2, 3, 4];
    peer_ring(&ids, Look::TryBorrow);
    assert_eq!(collect(), 4);
    let seen = seen();
    assert_eq!(seen.len(), 4, "each Drop ran once: {seen:?}");
    for (id, s) in &seen {
        // Its successor was dropped before it (the last member's) or is
        // still to be dropped (the others'): cleared either way.
        match s {
            Seen::Cleared(type_name) => assert!(type_name.contains("Peer"), "{type_name}"),
            other => panic!("member {id} saw {other:?}"),
        }
    }
    support::assert_dropped_once(ids);
}

/// A cycle member that looks, when dropped, at an object outside it.
#[derive(Trace)]
struct Looker {
    cycle: RefCell<Option<Gc<Looker>>>,
    outside: Gc<Peer>,
}

impl Drop for Looker {
    fn drop(&mut self) {
        let seen = match Gc::try_borrow(&self.outside) {
            Ok(p) => Seen::Intact(p.id),
            Err(Cleared { type_name }) => Seen::Cleared(type_name),
        };
        SEEN.with(|s| s.borrow_mut().push((0, seen)));
    }
}

#[test]
fn drop_sees_an_object_outside_the_garbage_intact() {
    let outside = Gc::new(Peer {
        id: 9,
        look: Look::TryBorrow,
        next: RefCell::new(None),
    });
    let a = Gc::new(Looker {
        cycle: RefCell::new(None),
        outside: outside.clone(),
    });
    let b = Gc::new(Looker {
        cycle: RefCell::new(Some(a.clone())),
        outside: outside.clone(),
    });
    *a.cycle.borrow_mut() = Some(b);
    drop(a);
    assert_eq!(collect(), 2);
    assert_eq!(seen(), [(0, Seen::Intact(9)), (0, Seen::Intact(9))]);
    assert_eq!(Gc::strong_count(&outside), 1);
}

#[test]
fn deref_of_a_cleared_member_panics_naming_the_type() {
    peer_ring(&[1, 2, 3], Look::CatchDeref);
    assert_eq!(collect(), 3);
    let seen = seen();
    assert_eq!(seen.len(), 3);
    let messages: Vec<&String> = seen
        .iter()
        .filter_map(|(_, s)| match s {
            Seen::Panicked(m) => Some(m),
            _ => None,
        })
        .collect();
    assert!(!messages.is_empty(), "{seen:?}");
    for m in messages {
        assert!(m.contains("Peer"), "the message names the type: {m}");
        assert!(
            m.contains("cycle collector"),
            "and says who dropped it: {m}"
        );
    }
}

#[test]
fn uncaught_deref_panic_in_drop_is_reported_naming_the_type() {
    let reports = capture_unraisable();
    peer_ring(&[1, 2], Look::PlainDeref);
    assert_eq!(collect(), 2, "the collection completes");
    support::assert_dropped_once([1, 2]);
    let reports = reports.borrow();
    assert_eq!(reports.len(), 2, "each Drop panicked: {reports:?}");
    for r in reports.iter() {
        assert_eq!(r.context, "drop of");
        assert!(r.type_name.contains("Peer"));
        assert!(r.message.contains("Peer"), "{r:?}");
    }
}

// ---------------------------------------------------------------------------
// A Drop impl that tries to keep a borrow of a fellow member
// ---------------------------------------------------------------------------

thread_local! {
    /// The box of the handle a `Drop` impl or callback leaked.
    static LEAKED_BY_DROP: Cell<Option<*mut Gc<Held<Borrower>>>> = const { Cell::new(None) };
    static LEAKED_BY_CALLBACK: Cell<Option<*mut Gc<Held<Registrar>>>> = const { Cell::new(None) };
    /// The text of a garbage value it managed to borrow for `'static`.
    static BORROWED: Cell<Option<&'static str>> = const { Cell::new(None) };
    static WATCHER: RefCell<Option<Weak<Held<Registrar>>>> = const { RefCell::new(None) };
}

/// Safe code that would outlive the clearing with a borrow of a garbage
/// value: the handle is kept for ever, as `Box::leak` keeps it, and the
/// value is borrowed through it for `'static`, if the collector lends it.
/// (The box's pointer is kept too, so that the test can free it at its
/// end: Miri's leak check would report it otherwise.)
fn leak_and_borrow<T: Trace + 'static>(
    handle: Gc<T>,
    leaked: &'static std::thread::LocalKey<Cell<Option<*mut Gc<T>>>>,
    text: impl Fn(&'static T) -> &'static str,
) {
    let raw = Box::into_raw(Box::new(handle));
    leaked.with(|l| l.set(Some(raw)));
    // SAFETY: the box lives until `check_no_borrow_kept` frees it.
    let handle: &'static Gc<T> = unsafe { &*raw };
    if let Ok(value) = Gc::try_borrow(handle) {
        BORROWED.with(|b| b.set(Some(text(value))));
    }
}

/// After the collection: no borrow was lent (it would point into a
/// `String` the collector dropped since, and Miri would report the read
/// below), and the value is cleared. Frees the leaked box.
fn check_no_borrow_kept<T: Trace + 'static>(
    leaked: &'static std::thread::LocalKey<Cell<Option<*mut Gc<T>>>>,
) {
    let raw = leaked.with(Cell::take).expect("the leak happened");
    if let Some(text) = BORROWED.with(Cell::take) {
        panic!("a borrow outlived the clearing: {} bytes", text.len());
    }
    // SAFETY: from `leak_and_borrow`; freed only below.
    assert!(Gc::is_cleared(unsafe { &*raw }));
    // SAFETY: from `leak_and_borrow`, and no longer used anywhere else.
    drop(unsafe { Box::from_raw(raw) });
}

/// The second member of a two-object cycle, whose value the collector
/// drops second (with `front` allocated first), after `front`'s `Drop`
/// or a callback it registered has had its try.
#[derive(Trace)]
struct Held<F: Trace + 'static> {
    #[trace(skip)]
    text: String,
    front: RefCell<Option<Gc<F>>>,
}

/// Makes the cycle `front <-> Held` (`link` gives the front's field that
/// holds the `Held`), drops it and collects it.
fn collect_cycle_with_held<F: Trace + 'static>(
    front: F,
    link: impl FnOnce(&F) -> &RefCell<Option<Gc<Held<F>>>>,
) {
    let front = Gc::new(front);
    let held = Gc::new(Held {
        text: "dropped with the garbage".repeat(4),
        front: RefCell::new(Some(front.clone())),
    });
    *link(&front).borrow_mut() = Some(held);
    drop(front);
    assert_eq!(collect(), 2);
}

/// Leaks its handle to the `Held` and borrows through it, when dropped.
#[derive(Trace)]
struct Borrower {
    held: RefCell<Option<Gc<Held<Borrower>>>>,
}

impl Drop for Borrower {
    fn drop(&mut self) {
        if let Some(held) = self.held.borrow().as_ref() {
            leak_and_borrow(held.clone(), &LEAKED_BY_DROP, |v: &'static Held<_>| {
                v.text.as_str()
            });
        }
    }
}

#[test]
fn drop_cannot_keep_a_borrow_of_a_member_not_yet_dropped() {
    collect_cycle_with_held(
        Borrower {
            held: RefCell::new(None),
        },
        |b| &b.held,
    );
    check_no_borrow_kept(&LEAKED_BY_DROP);
}

/// Registers, when dropped, a weak-reference callback on the `Held` that
/// leaks a handle to it and borrows through it. The collector runs that
/// callback when it gets to the `Held`, just before it drops its value.
#[derive(Trace)]
struct Registrar {
    held: RefCell<Option<Gc<Held<Registrar>>>>,
}

impl Drop for Registrar {
    fn drop(&mut self) {
        let held = self.held.borrow().clone();
        let Some(held) = held else { return };
        let weak = Gc::downgrade_with_callback(&held.clone(), move || {
            leak_and_borrow(held, &LEAKED_BY_CALLBACK, |v: &'static Held<_>| {
                v.text.as_str()
            });
        });
        // Kept, so that the callback is not cancelled.
        WATCHER.with(|w| *w.borrow_mut() = Some(weak));
    }
}

#[test]
fn weak_callback_run_as_the_collector_drops_a_member_cannot_keep_a_borrow_of_it() {
    collect_cycle_with_held(
        Registrar {
            held: RefCell::new(None),
        },
        |r| &r.held,
    );
    check_no_borrow_kept(&LEAKED_BY_CALLBACK);
    WATCHER.with(|w| w.borrow_mut().take());
}

thread_local! {
    static LEAKED_PARTNER: Cell<Option<*mut Gc<Partner>>> = const { Cell::new(None) };
}

/// A cycle member whose finalizer leaks a handle to its partner and
/// borrows through it. Finalizers see the garbage intact and may borrow
/// it: the leaked handle holds the partner from outside, so the check
/// after the finalizers finds it resurrected, and nothing is dropped.
#[derive(Trace)]
struct Partner {
    #[trace(skip)]
    text: String,
    partner: RefCell<Option<Gc<Partner>>>,
}

impl refcycle::Finalize for Partner {
    fn finalize(this: &Gc<Self>) {
        if LEAKED_PARTNER.with(|l| l.get()).is_some() {
            return; // the other finalizer did it already
        }
        if let Some(p) = this.partner.borrow().clone() {
            leak_and_borrow(p, &LEAKED_PARTNER, |v: &'static Partner| v.text.as_str());
        }
    }
}

#[test]
fn finalizer_may_keep_a_borrow_of_a_member_which_then_survives() {
    let a = Gc::new_with_finalizer(Partner {
        text: "a".repeat(40),
        partner: RefCell::new(None),
    });
    let b = Gc::new_with_finalizer(Partner {
        text: "b".repeat(50),
        partner: RefCell::new(Some(a.clone())),
    });
    *a.partner.borrow_mut() = Some(b);
    drop(a);
    assert_eq!(collect(), 0, "resurrected by the leaked handle");
    let text = BORROWED
        .with(Cell::take)
        .expect("the finalizer was lent it");
    assert_eq!(text.len(), 50, "b's text, intact (Miri checks the read)");
    let raw = LEAKED_PARTNER.with(Cell::take).expect("leaked");
    // SAFETY: from `leak_and_borrow`; freed only below.
    let b = unsafe { &*raw };
    assert!(!Gc::is_cleared(b));
    // Break the cycle and let the handle go: both are freed.
    let a = b.partner.borrow_mut().take().expect("b holds a");
    a.partner.borrow_mut().take();
    drop(a);
    // SAFETY: from `leak_and_borrow`, and no longer used anywhere else.
    drop(unsafe { Box::from_raw(raw) });
    assert_eq!(collect(), 0, "nothing left to collect");
}

// ---------------------------------------------------------------------------
// A Drop impl that keeps a fellow member alive in a global
// ---------------------------------------------------------------------------

thread_local! {
    static STASH: RefCell<Vec<Gc<Keeper>>> = const { RefCell::new(Vec::new()) };
}

/// Stores a clone of its `other` handle in `STASH` when dropped.
#[derive(Trace)]
struct Keeper {
    #[trace(skip)]
    id: u64,
    other: RefCell<Option<Gc<Keeper>>>,
}

impl fmt::Debug for Keeper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keeper({})", self.id)
    }
}

impl Drop for Keeper {
    fn drop(&mut self) {
        log_drop(self.id);
        if let Some(other) = self.other.borrow().as_ref() {
            STASH.with(|s| s.borrow_mut().push(other.clone()));
        }
    }
}

fn stashed() -> Vec<Gc<Keeper>> {
    STASH.with(|s| s.borrow().clone())
}

fn keeper_pair() {
    let a = Gc::new(Keeper {
        id: 1,
        other: RefCell::new(None),
    });
    let b = Gc::new(Keeper {
        id: 2,
        other: RefCell::new(Some(a.clone())),
    });
    *a.other.borrow_mut() = Some(b);
}

#[test]
fn handle_stored_by_a_drop_impl_panics_on_deref_naming_the_type() {
    keeper_pair();
    assert_eq!(collect(), 2);
    support::assert_dropped_once([1, 2]);
    let stash = stashed();
    assert_eq!(stash.len(), 2, "each Drop stored its fellow member");
    for h in &stash {
        assert!(Gc::is_cleared(h));
        let message = catch(|| h.id).expect("deref of a cleared value panics");
        assert!(message.contains("Keeper"), "{message}");
        let err = Gc::try_borrow(h).expect_err("cleared");
        assert!(err.type_name.contains("Keeper"), "{err:?}");
        assert!(err.to_string().contains("Keeper"), "{err}");
    }
    drop(stash);
    STASH.with(|s| s.borrow_mut().clear()); // frees the memory (Miri checks)
}

#[test]
fn cleared_handle_still_supports_handle_operations() {
    keeper_pair();
    assert_eq!(collect(), 2);
    let stash = stashed();
    STASH.with(|s| s.borrow_mut().clear());
    let h = &stash[0];
    let h2 = h.clone();
    assert!(Gc::ptr_eq(h, &h2));
    assert_eq!(Gc::strong_count(h), 2);
    assert!(!is_tracked(h), "a cleared object is no longer tracked");
    let w = Gc::downgrade(h);
    assert!(
        w.upgrade().is_none(),
        "weak handles never upgrade to a cleared value"
    );
    let debug = format!("{h:?}");
    assert!(
        debug.contains("cleared") && debug.contains("Keeper"),
        "{debug}"
    );
    assert_eq!(collect(), 0, "a cleared object is not collected again");
    assert_eq!(support::drop_total(), 2, "nor dropped again");
    drop(h2);
    drop(stash);
    drop(w);
    assert_eq!(support::drop_total(), 2);
}

#[test]
fn stored_handles_are_freed_when_the_global_is_cleared() {
    let reports = capture_unraisable();
    keeper_pair();
    assert_eq!(collect(), 2);
    let weak: Vec<_> = stashed().iter().map(Gc::downgrade).collect();
    STASH.with(|s| s.borrow_mut().clear());
    assert!(weak.iter().all(|w| w.upgrade().is_none()));
    assert_eq!(support::drop_total(), 2);
    assert!(reports.borrow().is_empty(), "{:?}", reports.borrow());
}
