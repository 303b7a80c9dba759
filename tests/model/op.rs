//! The operations both drivers understand, and what each one observes.
//!
//! Indices in an [`Op`] are resolved modulo the current length of the list
//! they index (root handles, a node's children, weak handles), identically
//! by the model and by the real heap; an op on an empty list does nothing.
//! Keeping them small plain numbers makes shrunk sequences easy to read.

use proptest::prelude::*;

/// At most this many nodes per sequence; further allocations do nothing.
pub const MAX_NODES: usize = 12;

/// One step of a test sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Allocate a node without finalizer; its handle becomes a new root.
    Alloc,
    /// Allocate a node with a finalizer (logs that it ran; when `resurrect`
    /// is set, stores a clone of its handle in the resurrected list).
    AllocFinalizable {
        /// Whether the finalizer resurrects its object.
        resurrect: bool,
    },
    /// `roots[a]`'s child list gets a handle to `roots[b]`.
    Link(usize, usize),
    /// Remove child `k` of `roots[a]`.
    Unlink(usize, usize),
    /// Clone child `k` of `roots[a]` into a new root (reach deeper nodes).
    Descend(usize, usize),
    /// Clone `roots[i]` into a new root.
    CloneHandle(usize),
    /// Drop `roots[i]`.
    DropHandle(usize),
    /// Make a weak handle to `roots[i]`.
    Downgrade(usize),
    /// Upgrade weak handle `w`; a handle it yields becomes a new root.
    Upgrade(usize),
    /// Move the handles finalizers stored into the roots, sorted by id.
    Adopt,
    /// `collect_generation(g)`.
    Collect(usize),
}

/// What an op returned, compared between model and heap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observed {
    /// The op returns nothing.
    Nothing,
    /// Whether `Weak::upgrade` returned a handle.
    Upgraded(bool),
    /// The count `collect_generation` returned.
    Collected(usize),
}

impl Arbitrary for Op {
    type Parameters = ();
    type Strategy = BoxedStrategy<Op>;

    fn arbitrary_with((): ()) -> Self::Strategy {
        // Indices range a little past MAX_NODES so that `%` spreads them.
        let ix = || 0..16usize;
        prop_oneof![
            3 => Just(Op::Alloc),
            3 => any::<bool>().prop_map(|resurrect| Op::AllocFinalizable { resurrect }),
            5 => (ix(), ix()).prop_map(|(a, b)| Op::Link(a, b)),
            2 => (ix(), ix()).prop_map(|(a, k)| Op::Unlink(a, k)),
            2 => (ix(), ix()).prop_map(|(a, k)| Op::Descend(a, k)),
            1 => ix().prop_map(Op::CloneHandle),
            5 => ix().prop_map(Op::DropHandle),
            3 => ix().prop_map(Op::Downgrade),
            3 => ix().prop_map(Op::Upgrade),
            1 => Just(Op::Adopt),
            4 => (0..=2usize).prop_map(Op::Collect),
        ]
        .boxed()
    }
}

/// `list[i % len]`'s position, or `None` for an empty list.
pub fn pick(i: usize, len: usize) -> Option<usize> {
    (len > 0).then(|| i % len)
}
