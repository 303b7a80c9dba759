//! The operations both drivers understand, what each one returns, and what
//! the real heap logs while it runs them.
//!
//! Indices in an [`Op`] are resolved modulo the current length of the list
//! they index (root handles, a node's children, the test's weak handles),
//! identically by the model and by the real heap; an op on an empty list
//! does nothing. Keeping them small plain numbers makes shrunk sequences
//! easy to read.
//!
//! This file has no dependency beyond `std`: the proptest driver
//! (`tests/model.rs`) and the fuzz target (`fuzz/fuzz_targets/model.rs`)
//! both include it, the fuzz target through [`decode`].

/// At most this many nodes per sequence; further allocations do nothing.
/// (It also keeps refcount cascades shallower than the trashcan's depth,
/// so every release happens at once, in an order the model can follow.)
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
    /// Like `AllocFinalizable`, with `Gc::new_with_legacy_finalizer`: a
    /// cycle through the node is uncollectable and ends in `garbage()`.
    AllocLegacy {
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
    /// Drop every root handle, first to last (the end of a sequence).
    DropRoots,
    /// Make a weak handle to `roots[i]`; the test keeps it.
    Downgrade(usize),
    /// `Gc::downgrade_with_callback(roots[i], ..)`; the callback logs the
    /// weak handle's number (how many weak handles were made before it).
    /// The test keeps the handle when `owner` is `None`; otherwise
    /// `roots[owner]`'s weak list owns it (and `Trace` reports it).
    DowngradeWithCallback(usize, Option<usize>),
    /// Drop the test's weak handle `w` (cancelling its callback).
    DropWeak(usize),
    /// Upgrade the test's weak handle `w`; a handle it yields becomes a
    /// new root.
    Upgrade(usize),
    /// Move the handles finalizers stored into the roots, sorted by id.
    Adopt,
    /// `take_garbage()` into the roots, sorted by id (to break cycles by
    /// hand with `Unlink`).
    AdoptGarbage,
    /// `take_garbage()` and drop the handles, in id order.
    ClearGarbage,
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

/// Something the real heap's user code logs: a finalizer, a value's
/// `Drop`, a weak-reference callback. Each must happen at most once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    /// Node `id`'s finalizer ran.
    Finalized(usize),
    /// The callback of weak handle number `w` ran.
    Callback(usize),
    /// Node `id`'s value was dropped.
    Dropped(usize),
}

/// `list[i % len]`'s position, or `None` for an empty list.
pub fn pick(i: usize, len: usize) -> Option<usize> {
    (len > 0).then(|| i % len)
}

/// Decodes fuzzer bytes into ops: one tag byte per op, then one byte per
/// argument (missing bytes read as 0). Tags are spread roughly like the
/// weights of the proptest strategy; every byte string decodes.
pub fn decode(bytes: &[u8]) -> Vec<Op> {
    let mut input = bytes.iter().copied();
    let mut ops = Vec::new();
    while let Some(tag) = input.next() {
        let mut arg = || usize::from(input.next().unwrap_or(0));
        let op = match tag % 40 {
            0..=2 => Op::Alloc,
            3..=5 => Op::AllocFinalizable {
                resurrect: arg() % 2 == 1,
            },
            6..=7 => Op::AllocLegacy {
                resurrect: arg() % 2 == 1,
            },
            8..=12 => Op::Link(arg() % 16, arg() % 16),
            13..=14 => Op::Unlink(arg() % 16, arg() % 16),
            15..=16 => Op::Descend(arg() % 16, arg() % 16),
            17 => Op::CloneHandle(arg() % 16),
            18..=22 => Op::DropHandle(arg() % 16),
            23 => Op::DropRoots,
            24..=25 => Op::Downgrade(arg() % 16),
            26..=28 => {
                let (i, owner) = (arg() % 16, arg());
                Op::DowngradeWithCallback(i, (owner >= 128).then_some(owner % 16))
            }
            29 => Op::DropWeak(arg() % 16),
            30..=32 => Op::Upgrade(arg() % 16),
            33 => Op::Adopt,
            34 => Op::AdoptGarbage,
            35 => Op::ClearGarbage,
            _ => Op::Collect(arg() % 3),
        };
        ops.push(op);
    }
    ops
}
