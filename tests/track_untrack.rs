//! `untrack` / `track` (CPython's `PyObject_GC_UnTrack` / `_Track`): an
//! untracked container is never examined, so a cycle through it survives
//! collections (a leak, never unsafety) until it is tracked again; it is
//! still freed by reference counting, and its dealloc still counts toward
//! the young threshold. Both do nothing where they cannot apply.

mod support;

use std::cell::Cell;

use refcycle::{
    collect, disable, get_count, is_tracked, track, untrack, validate, Finalize, Gc, Trace, Visitor,
};
use support::{drop_count, link, Node};

#[test]
fn an_untracked_cycle_survives_until_tracked_again() {
    disable();
    let a = Node::new(1);
    let b = Node::new(2);
    link(&a, &b);
    link(&b, &a);
    untrack(&a);
    assert!(!is_tracked(&a) && is_tracked(&b));
    let a_again = a.clone();
    drop((a, b));
    assert_eq!(collect(), 0, "a's handle to b counts as from outside");
    assert_eq!(drop_count(1) + drop_count(2), 0);
    assert_eq!(validate(), Ok(()));

    track(&a_again);
    assert!(is_tracked(&a_again));
    drop(a_again);
    assert_eq!(collect(), 2);
    assert_eq!((drop_count(1), drop_count(2)), (1, 1));
}

#[test]
fn an_untracked_object_is_freed_by_refcount_and_counted_as_a_dealloc() {
    disable();
    let before = get_count().0;
    let n = Node::new(7);
    assert_eq!(get_count().0, before + 1, "a tracked allocation counts");
    untrack(&n);
    assert_eq!(get_count().0, before + 1, "untracking is not a dealloc");
    drop(n);
    assert_eq!(drop_count(7), 1);
    assert_eq!(get_count().0, before, "its dealloc counts, as in CPython");
}

#[test]
fn track_and_untrack_do_nothing_where_they_cannot_apply() {
    let leaf = Gc::new(5u64); // can hold no handle: never tracked
    track(&leaf);
    assert!(!is_tracked(&leaf));

    let n = Node::new(1);
    track(&n); // already tracked
    assert!(is_tracked(&n));
    untrack(&n);
    untrack(&n); // already untracked
    assert!(!is_tracked(&n));
    assert_eq!(validate(), Ok(()));
}

thread_local! {
    static SEEN_TRACKED: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Tries to untrack itself from its own finalizer, mid-collection.
struct SelfUntracker(std::cell::RefCell<Option<Gc<SelfUntracker>>>);

impl Trace for SelfUntracker {
    fn trace(&self, v: &mut Visitor<'_>) {
        self.0.trace(v);
    }
}

impl Finalize for SelfUntracker {
    fn finalize(this: &Gc<Self>) {
        untrack(this);
        SEEN_TRACKED.with(|s| s.set(Some(is_tracked(this))));
    }
}

#[test]
fn untrack_during_a_collection_is_ignored() {
    disable();
    let s = Gc::new_with_finalizer(SelfUntracker(Default::default()));
    *s.0.borrow_mut() = Some(s.clone());
    drop(s);
    assert_eq!(collect(), 1);
    assert_eq!(
        SEEN_TRACKED.with(Cell::get),
        Some(true),
        "the finalizer's untrack did nothing: the object is in the collector's lists"
    );
    assert_eq!(validate(), Ok(()));
}
