//! dumpster (its thread-local `unsync` flavour): reference counts plus a
//! collection over the handles dropped since the last one, triggered
//! automatically.

use std::cell::RefCell;

use dumpster::unsync::Gc;
use dumpster::{TraceWith, Visitor};

use crate::subject::{Payload, Subject};

/// A dumpster node.
pub struct Node {
    _payload: Payload,
    children: RefCell<Vec<Gc<Node>>>,
}

// SAFETY: `accept` visits exactly the `Gc`s the node owns (its children),
// as dumpster's derive would.
unsafe impl<V: Visitor> TraceWith<V> for Node {
    fn accept(&self, visitor: &mut V) -> Result<(), ()> {
        self.children.accept(visitor)
    }
}

// SAFETY: a payload owns no `Gc`.
unsafe impl<V: Visitor> TraceWith<V> for Payload {
    fn accept(&self, _: &mut V) -> Result<(), ()> {
        Ok(())
    }
}

/// `dumpster::unsync::Gc`.
pub struct Dumpster;

impl Subject for Dumpster {
    const AUTO_COLLECT: bool = true;
    const SCANS_HEAP: bool = false;
    type Handle = Gc<Node>;
    type Node = Node;
    type Leaf = Gc<Payload>;

    fn node(payload: u64) -> Self::Handle {
        Gc::new(Node {
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
        dumpster::unsync::collect();
    }

    fn leaf(payload: u64) -> Self::Leaf {
        Gc::new(Payload(payload))
    }
}
