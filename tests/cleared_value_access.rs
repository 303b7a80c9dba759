//! Reaching a value the collector already dropped ("cleared"). When the
//! collector frees a cycle it drops the members' values one by one, so a
//! `Drop` impl that looks at a fellow member sees either the intact value
//! or, if that one went first, a cleared one: `Gc::try_borrow` returns
//! `Err(Cleared { type_name })` and deref panics with a message naming the
//! type. Never freed memory: the memory stays until the last handle goes,
//! even when a `Drop` impl stores a handle to a cleared member in a global.

mod support;

use std::cell::RefCell;
use std::fmt;

use refcycle::{collect, is_tracked, Cleared, Gc, Trace};
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

/// The id each ring member points to.
fn successor(ids: &[u64], id: u64) -> u64 {
    let i = ids.iter().position(|&x| x == id).unwrap();
    ids[(i + 1) % ids.len()]
}

#[test]
fn drop_sees_a_fellow_member_intact_or_cleared_never_freed() {
    let ids = [1, 2, 3, 4];
    peer_ring(&ids, Look::TryBorrow);
    assert_eq!(collect(), 4);
    let seen = seen();
    assert_eq!(seen.len(), 4, "each Drop ran once: {seen:?}");
    let mut intact = 0;
    let mut cleared = 0;
    for (id, s) in &seen {
        match s {
            Seen::Intact(next) => {
                assert_eq!(*next, successor(&ids, *id), "saw the right value");
                intact += 1;
            }
            Seen::Cleared(type_name) => {
                assert!(type_name.contains("Peer"), "{type_name}");
                cleared += 1;
            }
            Seen::Panicked(m) => panic!("try_borrow panicked: {m}"),
        }
    }
    // The first member dropped sees its successor intact; the last sees
    // its successor cleared.
    assert!(intact >= 1 && cleared >= 1, "{seen:?}");
    support::assert_dropped_once(ids);
}

#[test]
fn two_cycle_drops_see_one_intact_and_one_cleared() {
    peer_ring(&[1, 2], Look::TryBorrow);
    assert_eq!(collect(), 2);
    let seen = seen();
    let intact = seen
        .iter()
        .filter(|(_, s)| matches!(s, Seen::Intact(_)))
        .count();
    let cleared = seen
        .iter()
        .filter(|(_, s)| matches!(s, Seen::Cleared(_)))
        .count();
    assert_eq!((intact, cleared), (1, 1), "{seen:?}");
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
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0].context, "drop of");
    assert!(reports[0].type_name.contains("Peer"));
    assert!(reports[0].message.contains("Peer"), "{:?}", reports[0]);
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
