//! Deep structures do not overflow the stack: dropping the head of a
//! 10-million-node singly linked chain frees every node (CPython's
//! trashcan defers deep releases onto a queue), even on a thread with a
//! 256 KiB stack; and a very long ring that is cyclic garbage is freed by
//! `collect()`, again on a small stack.

mod support;

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use refcycle::{collect, Gc, Trace};
use support::scale;

/// Stack size of the threads that drop the deep structures: far too small
/// for a recursive drop of even a few thousand nodes.
const SMALL_STACK: usize = 256 * 1024;

thread_local! {
    static LINK_DROPS: Cell<usize> = const { Cell::new(0) };
}

fn link_drops() -> usize {
    LINK_DROPS.with(Cell::get)
}

/// One node of a singly linked chain.
#[derive(Trace)]
struct Link {
    next: Option<Gc<Link>>,
}

impl Drop for Link {
    fn drop(&mut self) {
        LINK_DROPS.with(|d| d.set(d.get() + 1));
    }
}

/// One node of a ring (the last one's `next` is set after it is built).
#[derive(Trace)]
struct RingLink {
    next: RefCell<Option<Gc<RingLink>>>,
}

impl Drop for RingLink {
    fn drop(&mut self) {
        LINK_DROPS.with(|d| d.set(d.get() + 1));
    }
}

fn build_chain(n: usize) -> Gc<Link> {
    let mut head = Gc::new(Link { next: None });
    for _ in 1..n {
        head = Gc::new(Link { next: Some(head) });
    }
    head
}

/// Runs `f` on a new thread with a small stack and returns its result.
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    thread::Builder::new()
        .name("small-stack".into())
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the small-stack thread panicked")
}

#[test]
fn dropping_a_ten_million_node_chain_does_not_overflow_the_stack() {
    let n = scale(10_000_000);
    let dropped = on_small_stack(move || {
        // The chain is built iteratively; only the drop could recurse.
        // Stress mode would run a full collection every ten allocations,
        // which makes building a long chain quadratic: not this test's
        // subject.
        support::no_stress();
        let head = build_chain(n);
        assert_eq!(link_drops(), 0);
        drop(head);
        link_drops()
    });
    assert_eq!(dropped, n);
}

#[test]
fn dropping_a_deep_chain_with_the_collector_disabled_frees_every_node() {
    let n = scale(1_000_000);
    let dropped = on_small_stack(move || {
        support::no_stress();
        refcycle::disable();
        let head = build_chain(n);
        drop(head);
        assert_eq!(refcycle::get_count().0, 0, "every node was untracked");
        link_drops()
    });
    assert_eq!(dropped, n);
}

#[test]
fn deep_chain_held_by_a_live_object_survives_collections() {
    let n = scale(100_000);
    let dropped = on_small_stack(move || {
        support::no_stress();
        let head = build_chain(n);
        assert_eq!(collect(), 0);
        assert_eq!(link_drops(), 0);
        // Walk it iteratively to check it is intact.
        let mut len = 1;
        let mut cur = head.next.clone();
        while let Some(node) = cur {
            len += 1;
            cur = node.next.clone();
        }
        assert_eq!(len, n);
        drop(head);
        link_drops()
    });
    assert_eq!(dropped, n);
}

#[test]
fn long_garbage_ring_is_freed_by_collect_on_a_small_stack() {
    let n = scale(1_000_000);
    let (found, dropped) = on_small_stack(move || {
        support::no_stress();
        let first = Gc::new(RingLink {
            next: RefCell::new(None),
        });
        let mut head = first.clone();
        for _ in 1..n {
            head = Gc::new(RingLink {
                next: RefCell::new(Some(head)),
            });
        }
        *first.next.borrow_mut() = Some(head); // close the ring
        drop(first);
        assert_eq!(link_drops(), 0, "a ring is not freed by refcount");
        let found = collect();
        (found, link_drops())
    });
    assert_eq!(found, n);
    assert_eq!(dropped, n);
}

#[test]
fn garbage_ring_holding_a_deep_chain_frees_both_on_a_small_stack() {
    // The collector clears the ring; the chain hanging off it is released
    // through the queue of deferred releases, not recursively.
    #[derive(Trace)]
    struct Anchor {
        me: RefCell<Option<Gc<Anchor>>>,
        chain: Gc<Link>,
    }
    let n = scale(1_000_000);
    let (found, dropped) = on_small_stack(move || {
        support::no_stress();
        let anchor = Gc::new(Anchor {
            me: RefCell::new(None),
            chain: build_chain(n),
        });
        *anchor.me.borrow_mut() = Some(anchor.clone());
        drop(anchor);
        let found = collect();
        (found, link_drops())
    });
    assert_eq!(found, n + 1, "the chain is tracked and unreachable too");
    assert_eq!(dropped, n);
}

/// Holds a chain in a thread-local and, when the thread's locals are
/// destroyed, drops it and reports how many links were dropped and whether
/// the heap was already torn down at that point.
struct ChainHolder {
    chain: Option<Gc<Link>>,
    out: Arc<(AtomicUsize, AtomicBool)>,
}

impl Drop for ChainHolder {
    fn drop(&mut self) {
        // A torn-down heap reads as "disabled" (the default of a missing heap).
        let heap_gone = !refcycle::is_enabled();
        drop(self.chain.take());
        self.out.0.store(link_drops(), Ordering::SeqCst);
        self.out.1.store(heap_gone, Ordering::SeqCst);
    }
}

thread_local! {
    static HOLDER: RefCell<Option<ChainHolder>> = const { RefCell::new(None) };
}

#[test]
fn deep_chain_released_after_heap_teardown_does_not_overflow() {
    let n = scale(1_000_000);
    let out = Arc::new((AtomicUsize::new(0), AtomicBool::new(false)));
    let o = out.clone();
    on_small_stack(move || {
        // Touch the holder before the heap exists: thread-locals are
        // destroyed in reverse order of first use, so the holder's
        // destructor runs after the heap's teardown.
        HOLDER.with(|_| ());
        support::no_stress();
        let chain = build_chain(n);
        HOLDER.with(|h| {
            *h.borrow_mut() = Some(ChainHolder {
                chain: Some(chain),
                out: o,
            })
        });
    });
    assert_eq!(out.0.load(Ordering::SeqCst), n, "every link was dropped");
    assert!(
        out.1.load(Ordering::SeqCst),
        "the chain was released without a heap (after teardown)"
    );
}
