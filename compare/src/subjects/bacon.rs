//! bacon_rajan_cc: synchronous cycle collection (Bacon and Rajan 2001) over
//! the roots buffered by decrements; collects only when asked.

use std::cell::RefCell;

use bacon_rajan_cc::{Cc, Trace, Tracer};

use crate::subject::{Payload, Subject};

/// A bacon_rajan_cc node.
pub struct Node {
    _payload: Payload,
    children: RefCell<Vec<Cc<Node>>>,
}

impl Trace for Node {
    fn trace(&self, tracer: &mut Tracer) {
        self.children.trace(tracer);
    }
}

impl Trace for Payload {
    fn trace(&self, _: &mut Tracer) {}
}

/// `bacon_rajan_cc::Cc`.
pub struct Bacon;

impl Subject for Bacon {
    const AUTO_COLLECT: bool = false;
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
        bacon_rajan_cc::collect_cycles();
    }

    fn leaf(payload: u64) -> Self::Leaf {
        Cc::new(Payload(payload))
    }
}
