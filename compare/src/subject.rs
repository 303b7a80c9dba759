//! What every compared crate provides: one node type of the same shape,
//! and the few operations the workloads need.
//!
//! The node is the same for everyone: a [`Payload`] (a `u64` whose `Drop`
//! counts frees) and a `RefCell<Vec<handle>>` of children (the `gc` crate
//! needs its own `GcCell` there: a `RefCell` of its handles is not `Trace`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

thread_local! {
    static FREES: Cell<u64> = const { Cell::new(0) };
}

/// A node's payload: its `Drop` counts one free on this thread. The
/// number itself is only carried, never read.
pub struct Payload(#[allow(dead_code)] pub u64);

impl Drop for Payload {
    #[inline]
    fn drop(&mut self) {
        FREES.with(|f| f.set(f.get() + 1));
    }
}

/// Payloads dropped on this thread so far.
pub fn frees() -> u64 {
    FREES.with(Cell::get)
}

/// One compared crate (or `Rc`).
pub trait Subject {
    /// Whether the crate collects cycles without being asked to.
    const AUTO_COLLECT: bool;
    /// Whether it has a cycle collector at all (`Rc` has not: the
    /// workloads break its cycles by hand).
    const HAS_COLLECTOR: bool = true;
    /// Whether its collection scans the whole live heap (a "full
    /// collection" of live objects means something).
    const SCANS_HEAP: bool;

    /// A strong handle to a node.
    type Handle: Clone;
    /// The node type (for its size).
    type Node;
    /// A handle to an object that can hold no handles (a bare payload).
    type Leaf;

    /// A new node with no children.
    fn node(payload: u64) -> Self::Handle;
    /// Appends `child` to `parent`'s children.
    fn add_child(parent: &Self::Handle, child: Self::Handle);
    /// Takes all of `h`'s children out (how cycles are broken by hand).
    fn take_children(h: &Self::Handle) -> Vec<Self::Handle>;
    /// A full collection (nothing for `Rc`).
    fn collect();
    /// The cheapest collection that frees new cyclic garbage: the young
    /// generation where there is one, else `collect`.
    fn collect_young() {
        Self::collect()
    }
    /// A new payload-only object.
    fn leaf(payload: u64) -> Self::Leaf;

    /// Runs once in the child process, before the workload.
    fn setup() {}
}

/// Counts the bytes requested from the allocator while switched on.
pub struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static COUNTED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to `System` unchanged; the counters are
// side effects that do not touch the memory handed out.
unsafe impl GlobalAlloc for CountingAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            COUNTED.fetch_add(layout.size(), Ordering::Relaxed);
        }
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            COUNTED.fetch_add(new_size.saturating_sub(layout.size()), Ordering::Relaxed);
        }
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Bytes requested from the allocator while `f` runs.
pub fn bytes_allocated_by(f: impl FnOnce()) -> usize {
    COUNTED.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    f();
    COUNTING.store(false, Ordering::Relaxed);
    COUNTED.load(Ordering::Relaxed)
}
