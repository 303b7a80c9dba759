//! refcycle: CPython's generational collector on reference counts.

use std::cell::RefCell;

use refcycle::{Gc, Trace, Visitor};

use crate::subject::{Payload, Subject};

/// A refcycle node.
pub struct Node {
    _payload: Payload,
    children: RefCell<Vec<Gc<Node>>>,
}

impl Trace for Node {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.children.trace(visitor);
    }
}

impl Trace for Payload {
    const NEEDS_TRACE: bool = false;
    fn trace(&self, _: &mut Visitor<'_>) {}
}

/// `refcycle::Gc`.
pub struct Refcycle;

impl Subject for Refcycle {
    const AUTO_COLLECT: bool = true;
    const SCANS_HEAP: bool = true;
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
        refcycle::collect();
    }

    fn collect_young() {
        refcycle::collect_generation(0);
    }

    fn leaf(payload: u64) -> Self::Leaf {
        Gc::new(Payload(payload))
    }
}

/// refcycle with automatic collection disabled (`refcycle::disable()`):
/// collected only when a workload asks, as bacon_rajan_cc and gcmodule
/// are. Not in the default run: `--subjects Rc,refcycle,refcycle-manual`.
pub struct RefcycleManual;

impl Subject for RefcycleManual {
    const AUTO_COLLECT: bool = false;
    const SCANS_HEAP: bool = true;
    type Handle = Gc<Node>;
    type Node = Node;
    type Leaf = Gc<Payload>;

    fn node(payload: u64) -> Self::Handle {
        Refcycle::node(payload)
    }

    fn add_child(parent: &Self::Handle, child: Self::Handle) {
        Refcycle::add_child(parent, child);
    }

    fn take_children(h: &Self::Handle) -> Vec<Self::Handle> {
        Refcycle::take_children(h)
    }

    fn collect() {
        Refcycle::collect();
    }

    fn collect_young() {
        Refcycle::collect_young();
    }

    fn leaf(payload: u64) -> Self::Leaf {
        Refcycle::leaf(payload)
    }

    fn setup() {
        refcycle::disable();
    }
}
