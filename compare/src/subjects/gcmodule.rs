//! gcmodule: CPython's algorithm without generations; every collection
//! scans every tracked object, and none runs unless asked.

use std::cell::RefCell;

use gcmodule::{Cc, Trace, Tracer};

use crate::subject::{Payload, Subject};

/// A gcmodule node.
pub struct Node {
    _payload: Payload,
    children: RefCell<Vec<Cc<Node>>>,
}

impl Trace for Node {
    fn trace(&self, tracer: &mut Tracer) {
        self.children.trace(tracer);
    }

    fn is_type_tracked() -> bool {
        true
    }
}

impl Trace for Payload {
    fn is_type_tracked() -> bool {
        false
    }
}

/// `gcmodule::Cc`.
pub struct GcModule;

impl Subject for GcModule {
    const AUTO_COLLECT: bool = false;
    const SCANS_HEAP: bool = true;
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
        gcmodule::collect_thread_cycles();
    }

    fn leaf(payload: u64) -> Self::Leaf {
        Cc::new(Payload(payload))
    }
}
