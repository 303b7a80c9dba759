//! gc (rust-gc): a tracing mark-and-sweep collector with root counts; no
//! reference counting, so nothing is freed until a collection runs, which
//! happens automatically as allocation grows.

use gc::{Finalize, Gc, GcCell, Trace};

use crate::subject::{Payload, Subject};

/// A gc node: `GcCell` instead of `RefCell` (the crate requires it, to
/// keep its root counts right).
pub struct Node {
    _payload: Payload,
    children: GcCell<Vec<Gc<Node>>>,
}

impl Finalize for Node {}

// SAFETY: every method forwards to the children, the only `Gc`s the node
// owns, as `custom_trace!` or the derive would.
unsafe impl Trace for Node {
    unsafe fn trace(&self) {
        // SAFETY: forwarded from our caller (the collector's mark phase).
        unsafe { self.children.trace() }
    }

    unsafe fn root(&self) {
        // SAFETY: forwarded from our caller.
        unsafe { self.children.root() }
    }

    unsafe fn unroot(&self) {
        // SAFETY: forwarded from our caller.
        unsafe { self.children.unroot() }
    }

    fn finalize_glue(&self) {
        Finalize::finalize(self);
        self.children.finalize_glue();
    }
}

impl Finalize for Payload {}

// SAFETY: a payload owns no `Gc`.
unsafe impl Trace for Payload {
    gc::unsafe_empty_trace!();
}

/// `gc::Gc`.
pub struct GcCrate;

impl Subject for GcCrate {
    const AUTO_COLLECT: bool = true;
    const SCANS_HEAP: bool = true;
    type Handle = Gc<Node>;
    type Node = Node;
    type Leaf = Gc<Payload>;

    fn node(payload: u64) -> Self::Handle {
        Gc::new(Node {
            _payload: Payload(payload),
            children: GcCell::new(Vec::new()),
        })
    }

    fn add_child(parent: &Self::Handle, child: Self::Handle) {
        parent.children.borrow_mut().push(child);
    }

    fn take_children(h: &Self::Handle) -> Vec<Self::Handle> {
        std::mem::take(&mut *h.children.borrow_mut())
    }

    fn collect() {
        gc::force_collect();
    }

    fn leaf(payload: u64) -> Self::Leaf {
        Gc::new(Payload(payload))
    }
}
