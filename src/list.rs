//! Intrusive, circular, doubly linked lists of object headers: the
//! generations, and the scratch lists of a collection (CPython's `PyGC_Head`
//! lists in `Python/gc.c`).
//!
//! Every list has a sentinel `Links` allocated on its own, so its address
//! never moves. An empty list's sentinel points at itself.

use std::cell::Cell;
use std::ptr::{self, NonNull};

use crate::header::{head, head_ptr, Header, HEAD_SIZE};

/// The two link words at the start of a tracked object's
/// [`GcHead`](crate::header::GcHead), [`HEAD_SIZE`] bytes before its
/// [`Header`] (header invariant 4): a `*const Links` of an object (not a
/// sentinel) and its `NonNull<Header>` convert by that offset.
#[repr(C)]
pub(crate) struct Links {
    prev: Cell<*const Links>,
    next: Cell<*const Links>,
}

impl Links {
    pub const fn unlinked() -> Self {
        Links {
            prev: Cell::new(ptr::null()),
            next: Cell::new(ptr::null()),
        }
    }
}

/// A list with a heap-allocated sentinel.
///
/// # Invariant
/// `sentinel` is a live allocation owned by this list. Every node reachable
/// through the links is either the sentinel or a tracked object header
/// (header invariant 1, with TRACKED set), and `next`/`prev` are mutually
/// consistent.
pub(crate) struct List {
    sentinel: NonNull<Links>,
}

impl List {
    pub fn new() -> Self {
        let s = NonNull::from(Box::leak(Box::new(Links::unlinked())));
        let p = s.as_ptr() as *const Links;
        // SAFETY: `s` was just allocated and is exclusively ours.
        let l = unsafe { s.as_ref() };
        l.prev.set(p);
        l.next.set(p);
        List { sentinel: s }
    }

    fn head(&self) -> &Links {
        // SAFETY: the sentinel lives as long as the list (List invariant).
        unsafe { self.sentinel.as_ref() }
    }

    fn sentinel_ptr(&self) -> *const Links {
        self.sentinel.as_ptr()
    }

    pub fn is_empty(&self) -> bool {
        self.head().next.get() == self.sentinel_ptr()
    }

    /// The first object, if any.
    pub fn first(&self) -> Option<NonNull<Header>> {
        self.node(self.head().next.get())
    }

    /// The last object, if any.
    pub fn last(&self) -> Option<NonNull<Header>> {
        self.node(self.head().prev.get())
    }

    /// The object after `h` in this list, if any.
    ///
    /// # Safety
    /// `h` must be linked into this list.
    pub unsafe fn next_of(&self, h: NonNull<Header>) -> Option<NonNull<Header>> {
        // SAFETY: `h` is a live linked header (List invariant).
        self.node(unsafe { links(h) }.next.get())
    }

    /// The object before `h` in this list, if any.
    ///
    /// # Safety
    /// `h` must be linked into this list.
    pub unsafe fn prev_of(&self, h: NonNull<Header>) -> Option<NonNull<Header>> {
        // SAFETY: `h` is a live linked header (List invariant).
        self.node(unsafe { links(h) }.prev.get())
    }

    fn node(&self, p: *const Links) -> Option<NonNull<Header>> {
        if p == self.sentinel_ptr() || p.is_null() {
            None
        } else {
            // SAFETY: not the sentinel, so the links of a tracked object,
            // whose header is HEAD_SIZE bytes further in the same
            // allocation (List invariant, header invariant 4).
            NonNull::new(unsafe { p.cast_mut().byte_add(HEAD_SIZE) }.cast::<Header>())
        }
    }

    /// Appends `h`, which must not be linked anywhere.
    ///
    /// # Safety
    /// `h` must satisfy header invariant 1, be of a tracked type (invariant
    /// 4) and be unlinked.
    pub unsafe fn push_back(&self, h: NonNull<Header>) {
        // The pointer stored in the neighbours is made from `h`, not from
        // a reference to the links, so it keeps the provenance of the
        // whole allocation and `node` can turn it back into the header.
        // SAFETY: `h` is live and of a tracked type (caller).
        let node = unsafe { links_ptr(h) };
        // SAFETY: as above.
        let n = unsafe { &*node };
        let head = self.head();
        let last = head.prev.get();
        // SAFETY: `last` is the sentinel or a linked live header (List
        // invariant).
        unsafe {
            n.prev.set(last);
            n.next.set(self.sentinel_ptr());
            (*last).next.set(node);
        }
        head.prev.set(node);
    }

    /// Moves every object of `self` to the end of `to`, leaving `self` empty
    /// (CPython's `gc_list_merge`).
    pub fn merge_into(&self, to: &List) {
        if self.is_empty() {
            return;
        }
        let from = self.head();
        let (first, last) = (from.next.get(), from.prev.get());
        let to_head = to.head();
        let to_last = to_head.prev.get();
        // SAFETY: all pointers are sentinels or linked live headers (List
        // invariant of both lists).
        unsafe {
            (*to_last).next.set(first);
            (*first).prev.set(to_last);
            (*last).next.set(to.sentinel_ptr());
        }
        to_head.prev.set(last);
        from.next.set(self.sentinel_ptr());
        from.prev.set(self.sentinel_ptr());
    }

    /// Number of objects (walks the list).
    pub fn len(&self) -> usize {
        let mut n = 0;
        let mut cur = self.first();
        while let Some(h) = cur {
            n += 1;
            // SAFETY: `h` is linked into self.
            cur = unsafe { self.next_of(h) };
        }
        n
    }

    /// The objects from the youngest (the last linked) to the oldest.
    ///
    /// Collections do not reorder the lists, which stay in allocation
    /// order for the most part, so this walk meets a structure built
    /// bottom-up, whose last object holds the rest, parents first.
    /// (Measured on `compare --child refcycle FULL 1000000`: 25 to 28 ms
    /// for the whole collection walking from this end, 34 to 40 ms from
    /// the other, and 41 ms walking from both ends at once, two
    /// independent chains of loads; docs/performance.md.)
    ///
    /// # Safety
    /// The walk reads each object's `prev` link as it yields the object,
    /// so while the walk goes on nothing may unlink an object it has not
    /// reached yet (the yielded ones may be moved at will). The collector
    /// walks its own lists while releases are deferred and untracking is
    /// refused, which only it changes.
    pub unsafe fn youngest_first(&self) -> YoungestFirst<'_> {
        YoungestFirst {
            list: self,
            cur: self.last(),
        }
    }

    /// Collects the objects into a vector, following `next` links only
    /// (so that `validate` can check the `prev` links against it).
    pub fn to_vec(&self) -> Vec<NonNull<Header>> {
        let mut v = Vec::new();
        let mut cur = self.first();
        while let Some(h) = cur {
            v.push(h);
            // SAFETY: `h` is linked into self.
            cur = unsafe { self.next_of(h) };
        }
        v
    }
}

/// The links of a tracked object.
///
/// # Safety
/// `h` must be live and of a tracked type (header invariant 4).
unsafe fn links<'a>(h: NonNull<Header>) -> &'a Links {
    // SAFETY: forwarded.
    &unsafe { head(h) }.links
}

/// A pointer to the links of a tracked object, with the provenance of the
/// whole allocation (header invariant 1), as the lists store them.
///
/// # Safety
/// `h` must be live and of a tracked type (header invariant 4).
unsafe fn links_ptr(h: NonNull<Header>) -> *const Links {
    // SAFETY: forwarded; the links are the GcHead's first field (repr(C)).
    unsafe { head_ptr(h) }.cast::<Links>()
}

/// Unlinks `h` from whatever list holds it and nulls its links.
///
/// # Safety
/// `h` must be a live header linked into some list.
pub(crate) unsafe fn unlink(h: NonNull<Header>) {
    // SAFETY: `h` is live and linked; its neighbours are sentinels or live
    // linked headers (List invariant).
    unsafe {
        let links = links(h);
        let (prev, next) = (links.prev.get(), links.next.get());
        (*prev).next.set(next);
        (*next).prev.set(prev);
        links.prev.set(ptr::null());
        links.next.set(ptr::null());
    }
}

/// Moves `h` from its current list to the end of `to`.
///
/// # Safety
/// `h` must be a live header linked into some list.
pub(crate) unsafe fn move_to(h: NonNull<Header>, to: &List) {
    // SAFETY: forwarded from the caller.
    unsafe {
        unlink(h);
        to.push_back(h);
    }
}

/// The walk of [`List::youngest_first`].
pub(crate) struct YoungestFirst<'a> {
    list: &'a List,
    cur: Option<NonNull<Header>>,
}

impl Iterator for YoungestFirst<'_> {
    type Item = NonNull<Header>;

    fn next(&mut self) -> Option<NonNull<Header>> {
        let h = self.cur?;
        // SAFETY: `h` is linked into the list: it was reached through the
        // links, and nothing unlinks an object before the walk reaches it
        // (the contract of `List::youngest_first`).
        self.cur = unsafe { self.list.prev_of(h) };
        Some(h)
    }
}

impl Drop for List {
    fn drop(&mut self) {
        // Objects still linked would point at a freed sentinel; the heap
        // empties every list before dropping it.
        debug_assert!(
            self.is_empty(),
            "refcycle: a list was dropped while objects were linked"
        );
        // SAFETY: the sentinel was allocated by Box in `new` and is ours.
        drop(unsafe { Box::from_raw(self.sentinel.as_ptr()) });
    }
}
