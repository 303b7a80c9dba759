//! rust-cc: a cycle collector over the objects whose count was decremented
//! (a "possible cycles" buffer), with automatic collection on by default.

use std::cell::RefCell;

use rust_cc::{Cc, Context, Finalize, Trace};

use crate::subject::{Payload, Subject};

/// A rust-cc node.
pub struct Node {
    _payload: Payload,
    children: RefCell<Vec<Cc<Node>>>,
}

// SAFETY: `trace` reports exactly the `Cc`s the node owns (its children),
// as rust-cc's derive would.
unsafe impl Trace for Node {
    fn trace(&self, ctx: &mut Context<'_>) {
        self.children.trace(ctx);
    }
}

impl Finalize for Node {}

// SAFETY: a payload owns no `Cc`.
unsafe impl Trace for Payload {
    fn trace(&self, _: &mut Context<'_>) {}
}

impl Finalize for Payload {}

/// `rust_cc::Cc`.
pub struct RustCc;

impl Subject for RustCc {
    const AUTO_COLLECT: bool = true;
    const SCANS_HEAP: bool = false;
    type Handle = Cc<Node>;
    type Node = Node;
    type Leaf = Cc<Payload>;

    fn node(payload: u64) -> Self::Handle {
        Cc::new(Node {
            _payload: Payload(payload),
            children: RefCell::new(Vec::new()),
        })
    }

    fn add_child(parent: &Self::Handle, child: Self::Handle) {
        parent.children.borrow_mut().push(child);
    }

    fn take_children(h: &Self::Handle) -> Vec<Self::Handle> {
        std::mem::take(&mut *h.children.borrow_mut())
    }

    fn collect() {
        rust_cc::collect_cycles();
    }

    fn leaf(payload: u64) -> Self::Leaf {
        Cc::new(Payload(payload))
    }
}
