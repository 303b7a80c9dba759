//! `std::rc::Rc`: the baseline. It has no collector, so the workloads
//! break its cycles by hand before dropping them.

use std::cell::RefCell;
use std::rc::Rc;

use crate::subject::{Payload, Subject};

/// An `Rc` node.
pub struct Node {
    _payload: Payload,
    children: RefCell<Vec<Rc<Node>>>,
}

/// `std::rc::Rc`.
pub struct RcS;

impl Subject for RcS {
    const AUTO_COLLECT: bool = false;
    const HAS_COLLECTOR: bool = false;
    const SCANS_HEAP: bool = false;
    type Handle = Rc<Node>;
    type Node = Node;
    type Leaf = Rc<Payload>;

    fn node(payload: u64) -> Self::Handle {
        Rc::new(Node {
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

    fn collect() {}

    fn leaf(payload: u64) -> Self::Leaf {
        Rc::new(Payload(payload))
    }
}
