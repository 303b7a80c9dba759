//! refcycle: CPython's generational collector on reference counts.

use std::cell::RefCell;
use std::marker::PhantomData;

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

/// The same node with `#[trace(exact)]`: its `Trace` is exact
/// (`refcycle::Trust`), so a collection whose every object is one skips
/// the check of its garbage (verify_garbage). The payload, which holds no
/// handle, is skipped (its hand-written impl is not declared exact).
#[derive(Trace)]
#[trace(exact)]
pub struct ExactNode {
    #[trace(skip)]
    _payload: Payload,
    children: RefCell<Vec<Gc<ExactNode>>>,
}

/// What the refcycle subjects need of their node type.
pub trait RefcycleNode: Trace + Sized + 'static {
    fn new(payload: Payload) -> Self;
    fn children(&self) -> &RefCell<Vec<Gc<Self>>>;
}

impl RefcycleNode for Node {
    fn new(payload: Payload) -> Self {
        Node {
            _payload: payload,
            children: RefCell::new(Vec::new()),
        }
    }

    fn children(&self) -> &RefCell<Vec<Gc<Self>>> {
        &self.children
    }
}

impl RefcycleNode for ExactNode {
    fn new(payload: Payload) -> Self {
        ExactNode {
            _payload: payload,
            children: RefCell::new(Vec::new()),
        }
    }

    fn children(&self) -> &RefCell<Vec<Gc<Self>>> {
        &self.children
    }
}

/// `refcycle::Gc` with nodes of type `N`, collected automatically when
/// `AUTO`.
pub struct RefcycleOf<N, const AUTO: bool = true>(PhantomData<N>);

/// `refcycle::Gc`.
pub type Refcycle = RefcycleOf<Node>;

/// refcycle with [`ExactNode`]s. Not in the default run: `--subjects
/// Rc,refcycle,refcycle-exact`.
pub type RefcycleExact = RefcycleOf<ExactNode>;

impl<N: RefcycleNode, const AUTO: bool> Subject for RefcycleOf<N, AUTO> {
    const AUTO_COLLECT: bool = AUTO;
    const SCANS_HEAP: bool = true;
    type Handle = Gc<N>;
    type Node = N;
    type Leaf = Gc<Payload>;

    fn node(payload: u64) -> Self::Handle {
        Gc::new(N::new(Payload(payload)))
    }

    fn add_child(parent: &Self::Handle, child: Self::Handle) {
        parent.children().borrow_mut().push(child);
    }

    fn take_children(h: &Self::Handle) -> Vec<Self::Handle> {
        std::mem::take(&mut *h.children().borrow_mut())
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

    fn setup() {
        if !AUTO {
            refcycle::disable();
        }
    }
}

/// refcycle with automatic collection disabled (`refcycle::disable()`):
/// collected only when a workload asks, as bacon_rajan_cc and gcmodule
/// are. Not in the default run: `--subjects Rc,refcycle,refcycle-manual`.
pub type RefcycleManual = RefcycleOf<Node, false>;
