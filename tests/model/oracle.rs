//! The oracle: a plain reference graph that predicts what the heap must do.
//!
//! Nodes are numbered in allocation order, weak handles in creation order.
//! The model keeps, per node, its child list, generation, finalizer state,
//! weak-reference epoch and the weak handles its value owns; per weak
//! handle, its target, epoch, owner and callback state. Every strong count
//! is derived from the handles the model knows about (roots, the
//! resurrected list, `garbage()`, child lists). It follows CPython 3.11
//! (`Objects/typeobject.c` `subtype_dealloc`, `Python/gc.c`
//! `gc_collect_main`), which DESIGN.md takes as the specification:
//!
//! - refcounting ([`Model::release`]): a node whose count reaches zero
//!   runs its finalizer if it has one that has not run (which may
//!   resurrect it: its weak references then stay valid), otherwise its
//!   weak references die, their callbacks run newest first, and its value
//!   is dropped: children first, in order, then its own weak handles,
//!   which cancels their callbacks. A legacy finalizer runs after the weak
//!   references die instead (CPython's `tp_del`). A node resurrected here
//!   is in generation 0 (CPython re-tracks it for its finalizer);
//! - `collect(g)` (`collect.rs`): see there.
//!
//! Besides *what* happens, the model predicts *when*: each op yields a
//! [`Prediction`] of the events the real heap logs (finalizers, drops,
//! callbacks), with the order constraints that hold between them.
//!
//! One deliberate departure from CPython's legacy finalizers, as refcycle
//! documents it and the model test's issue asks ("nothing is finalized
//! twice"): a legacy finalizer runs at most once, like a PEP 442 one;
//! CPython calls `tp_del` again each time a resurrected object dies.
//!
//! Where refcycle is known to go wrong, the model still predicts what it
//! should do and flags the op with a [`Divergence`]; the drivers decide
//! what to do about it (see `harness.rs`).

use std::collections::BTreeSet;

use crate::op::{pick, Event, Observed, Op, MAX_NODES};

/// One node of the model.
#[derive(Clone, Debug)]
pub struct ModelNode {
    /// Children, in order (a child may appear several times).
    pub children: Vec<usize>,
    /// `None`: no finalizer; `Some(resurrect)`: a finalizer that
    /// resurrects its object when `resurrect` is set.
    pub finalizer: Option<bool>,
    /// Whether the finalizer is a legacy one (`new_with_legacy_finalizer`).
    pub legacy: bool,
    /// Whether the finalizer has run.
    pub finalized: bool,
    /// Whether the value was dropped.
    pub dead: bool,
    /// The generation the collector keeps it in.
    pub generation: usize,
    /// Where refcycle keeps it: unlike CPython, refcycle leaves a node that
    /// a PEP 442 finalizer resurrected on the refcount path in its old
    /// generation (see [`Divergence::ResurrectionKeepsGeneration`]). Only
    /// used to notice when that changes what a collection looks at.
    pub refcycle_generation: usize,
    /// Bumped whenever the node's weak references are cleared.
    pub weak_epoch: u32,
    /// The weak handles the value owns, by number, in order.
    pub weaks: Vec<usize>,
}

/// One weak handle of the model.
#[derive(Clone, Debug)]
pub struct ModelWeak {
    /// The node it points to.
    pub target: usize,
    /// The target's `weak_epoch` when the handle was made.
    pub epoch: u32,
    /// Whether it was made with a callback.
    pub callback: bool,
    /// Whether the callback can still run (not run, not cancelled).
    pub pending: bool,
    /// Whether the callback is registered under the target, waiting for
    /// its weak references to be cleared.
    pub registered: bool,
    /// `Some(id)`: node `id`'s value owns the handle; `None`: the test.
    pub owner: Option<usize>,
    /// Whether the handle still exists (not dropped).
    pub held: bool,
    /// A collection found its owner unreachable, which clears the handle
    /// wherever it points (`handle_weakrefs`, bpo-38006): it never
    /// upgrades again, even if a finalizer resurrects the owner.
    pub trash_cleared: bool,
}

/// What the real heap must log during one op.
#[derive(Clone, Debug, Default)]
pub struct Prediction {
    /// The events that must be logged.
    pub events: Vec<Event>,
    /// Events that may or may not be logged (their order is up to the
    /// collector's internal list order; see `Model::drain`).
    pub optional: BTreeSet<Event>,
    /// `(a, b)`: if both are logged, `a` is logged first.
    pub before: Vec<(Event, Event)>,
}

/// A place where refcycle is known to go wrong: the model predicts what
/// it should do (CPython 3.11, DESIGN.md) and flags the op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Divergence {
    /// Memory safety: the last weak handle to a node is dropped while the
    /// refcount path drops that node's value (the node owns a weak handle
    /// to itself, or owns, through the nodes its drop frees, one to
    /// itself). refcycle frees the allocation in the middle of the drop,
    /// then again when the release ends: a double free.
    WeakFreedDuringDrop,
    /// A node that a PEP 442 finalizer resurrected on the refcount path is
    /// in generation 0 in CPython (`subtype_dealloc` re-tracks it there
    /// for the finalizer); refcycle leaves it in its old generation. The
    /// op flagged is the collection whose set of nodes this changes.
    ResurrectionKeepsGeneration,
}

/// The reference graph and the handles the test holds.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Every node ever allocated, indexed by id.
    pub nodes: Vec<ModelNode>,
    /// The test's root handles, by node id.
    pub roots: Vec<usize>,
    /// Handles stored by resurrecting finalizers, by node id.
    pub resurrected: Vec<usize>,
    /// The handles in `refcycle::garbage()`, by node id.
    pub garbage: Vec<usize>,
    /// Every weak handle ever made, by number.
    pub weaks: Vec<ModelWeak>,
    /// The weak handles the test holds, by number, in order.
    pub test_weaks: Vec<usize>,
    /// What the last op must have logged.
    pub predicted: Prediction,
    /// Set when the last op's prediction hit a [`Divergence`].
    pub divergence: Option<Divergence>,
    /// Whether each event must follow the one before (`Model::emit`).
    pub(crate) in_order: bool,
    /// The nodes whose values the refcount path is dropping right now.
    dropping: Vec<usize>,
}

impl Model {
    /// Applies `op` and predicts what the real heap returns for it.
    pub fn apply(&mut self, op: &Op) -> Observed {
        self.predicted = Prediction::default();
        self.divergence = None;
        self.in_order = true;
        match *op {
            Op::Alloc => self.alloc(None, false),
            Op::AllocFinalizable { resurrect } => self.alloc(Some(resurrect), false),
            Op::AllocLegacy { resurrect } => self.alloc(Some(resurrect), true),
            Op::Link(a, b) => {
                if let (Some(a), Some(b)) = (self.root(a), self.root(b)) {
                    self.nodes[a].children.push(b);
                }
            }
            Op::Unlink(a, k) => {
                if let Some(a) = self.root(a) {
                    if let Some(k) = pick(k, self.nodes[a].children.len()) {
                        let child = self.nodes[a].children.remove(k);
                        self.handle_dropped(child);
                    }
                }
            }
            Op::Descend(a, k) => {
                if let Some(a) = self.root(a) {
                    let children = &self.nodes[a].children;
                    if let Some(k) = pick(k, children.len()) {
                        self.roots.push(children[k]);
                    }
                }
            }
            Op::CloneHandle(i) => {
                if let Some(id) = self.root(i) {
                    self.roots.push(id);
                }
            }
            Op::DropHandle(i) => {
                if let Some(i) = pick(i, self.roots.len()) {
                    let id = self.roots.remove(i);
                    self.handle_dropped(id);
                }
            }
            Op::DropRoots => {
                // First to last, each while the later ones still count.
                while !self.roots.is_empty() {
                    let id = self.roots.remove(0);
                    self.handle_dropped(id);
                }
            }
            Op::Downgrade(i) => {
                if let Some(id) = self.root(i) {
                    let w = self.new_weak(id, false, None);
                    self.test_weaks.push(w);
                }
            }
            Op::DowngradeWithCallback(i, owner) => {
                if let Some(id) = self.root(i) {
                    let owner = owner.and_then(|o| self.root(o));
                    let w = self.new_weak(id, true, owner);
                    match owner {
                        Some(o) => self.nodes[o].weaks.push(w),
                        None => self.test_weaks.push(w),
                    }
                }
            }
            Op::DropWeak(w) => {
                if let Some(w) = pick(w, self.test_weaks.len()) {
                    let w = self.test_weaks.remove(w);
                    self.drop_weak(w);
                }
            }
            Op::Upgrade(w) => {
                let Some(w) = pick(w, self.test_weaks.len()) else {
                    return Observed::Upgraded(false);
                };
                let w = self.test_weaks[w];
                let ok = self.weak_alive(w);
                if ok {
                    self.roots.push(self.weaks[w].target);
                }
                return Observed::Upgraded(ok);
            }
            Op::Adopt => {
                let mut r = std::mem::take(&mut self.resurrected);
                r.sort_unstable();
                self.roots.extend(r);
            }
            Op::AdoptGarbage => {
                let mut g = std::mem::take(&mut self.garbage);
                g.sort_unstable();
                self.roots.extend(g);
            }
            Op::ClearGarbage => {
                self.garbage.sort_unstable();
                while !self.garbage.is_empty() {
                    let id = self.garbage.remove(0);
                    self.handle_dropped(id);
                }
            }
            Op::Collect(g) => return Observed::Collected(self.collect(g)),
        }
        Observed::Nothing
    }

    fn alloc(&mut self, finalizer: Option<bool>, legacy: bool) {
        if self.nodes.len() < MAX_NODES {
            self.roots.push(self.nodes.len());
            self.nodes.push(ModelNode {
                children: Vec::new(),
                finalizer,
                legacy,
                finalized: false,
                dead: false,
                generation: 0,
                refcycle_generation: 0,
                weak_epoch: 0,
                weaks: Vec::new(),
            });
        }
    }

    fn new_weak(&mut self, target: usize, callback: bool, owner: Option<usize>) -> usize {
        self.weaks.push(ModelWeak {
            target,
            epoch: self.nodes[target].weak_epoch,
            callback,
            pending: callback,
            registered: callback,
            owner,
            held: true,
            trash_cleared: false,
        });
        self.weaks.len() - 1
    }

    fn root(&self, i: usize) -> Option<usize> {
        pick(i, self.roots.len()).map(|i| self.roots[i])
    }

    /// Whether weak handle `w` upgrades.
    pub fn weak_alive(&self, w: usize) -> bool {
        let weak = &self.weaks[w];
        let node = &self.nodes[weak.target];
        !node.dead && node.weak_epoch == weak.epoch && !weak.trash_cleared
    }

    /// The ids of live nodes.
    pub fn alive(&self) -> BTreeSet<usize> {
        (0..self.nodes.len())
            .filter(|&id| !self.nodes[id].dead)
            .collect()
    }

    /// Every node's strong count: every handle the model knows of. (Only
    /// a value being dropped right now has children while dead.)
    pub fn refcounts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.nodes.len()];
        let children = self.nodes.iter().flat_map(|n| &n.children);
        let held = self.roots.iter().chain(&self.resurrected);
        for &id in held.chain(&self.garbage).chain(children) {
            counts[id] += 1;
        }
        counts
    }

    /// The strong count of `id`.
    pub fn refcount(&self, id: usize) -> usize {
        self.refcounts()[id]
    }

    /// Nodes reachable from the held handles (roots, the resurrected list
    /// and `garbage()`).
    pub fn reachable(&self) -> BTreeSet<usize> {
        let held = self.roots.iter().chain(&self.resurrected);
        self.closure(held.chain(&self.garbage).copied(), |_| true)
    }

    /// Everything reachable from `start`, following only edges into nodes
    /// that satisfy `within`.
    pub(crate) fn closure(
        &self,
        start: impl IntoIterator<Item = usize>,
        within: impl Fn(usize) -> bool,
    ) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<usize> = start.into_iter().collect();
        while let Some(id) = todo.pop() {
            if seen.insert(id) {
                let next = self.nodes[id].children.iter().copied();
                todo.extend(next.filter(|&c| within(c)));
            }
        }
        seen
    }

    /// CPython's `deduce_unreachable` on `set`: the members neither
    /// referenced from outside `set` nor reachable from one that is.
    pub(crate) fn unreachable_within(&self, set: &BTreeSet<usize>) -> BTreeSet<usize> {
        let mut gc_refs = self.refcounts();
        for &p in set {
            for &c in &self.nodes[p].children {
                if set.contains(&c) {
                    gc_refs[c] -= 1;
                }
            }
        }
        let external = set.iter().copied().filter(|&id| gc_refs[id] > 0);
        let reached = self.closure(external, |c| set.contains(&c));
        set.difference(&reached).copied().collect()
    }

    /// A handle to `id` was just dropped: release it if it was the last.
    pub(crate) fn handle_dropped(&mut self, id: usize) {
        if !self.nodes[id].dead && self.refcount(id) == 0 {
            self.release(id);
        }
    }

    /// The refcount path for a node whose count is zero, in
    /// `subtype_dealloc`'s order: finalizer (which may resurrect: the node
    /// then lives on in generation 0), weak references and their
    /// callbacks, then the value; a legacy finalizer runs after the weak
    /// references die.
    pub(crate) fn release(&mut self, id: usize) {
        let mut prev = None;
        let legacy = self.nodes[id].legacy;
        if !legacy && self.finalize_from_dealloc(id, &mut prev) {
            return;
        }
        self.clear_weakrefs(id, &mut prev);
        if legacy && self.finalize_from_dealloc(id, &mut prev) {
            return;
        }
        self.nodes[id].dead = true;
        self.emit(Event::Dropped(id), &mut prev);
        self.dropping.push(id);
        self.drop_contents(id);
        self.dropping.pop();
    }

    /// Runs `id`'s finalizer unless it has none or it already ran;
    /// returns whether it resurrected the node.
    fn finalize_from_dealloc(&mut self, id: usize, prev: &mut Option<Event>) -> bool {
        let node = &mut self.nodes[id];
        let Some(resurrect) = node.finalizer.filter(|_| !node.finalized) else {
            return false;
        };
        node.finalized = true;
        if resurrect {
            // Re-tracked into the young generation while it ran, it stays
            // there (CPython); refcycle does that for legacy ones only.
            node.generation = 0;
            if node.legacy {
                node.refcycle_generation = 0;
            }
        }
        self.emit(Event::Finalized(id), prev);
        if resurrect {
            self.resurrected.push(id);
        }
        resurrect
    }

    /// A dropped value's fields: its children, first to last (each while
    /// the later ones still count), then its weak handles.
    fn drop_contents(&mut self, id: usize) {
        while !self.nodes[id].children.is_empty() {
            let child = self.nodes[id].children.remove(0);
            self.handle_dropped(child);
        }
        for w in std::mem::take(&mut self.nodes[id].weaks) {
            self.drop_weak(w);
        }
    }

    /// Weak handle `w` is dropped, cancelling its callback.
    pub(crate) fn drop_weak(&mut self, w: usize) {
        let weak = &mut self.weaks[w];
        weak.held = false;
        weak.pending = false;
        let target = weak.target;
        let last = !self.weaks.iter().any(|x| x.held && x.target == target);
        if last && self.dropping.contains(&target) {
            self.divergence = Some(Divergence::WeakFreedDuringDrop);
        }
    }

    /// Clears `id`'s weak references and runs the callbacks registered on
    /// it that are still pending, newest first.
    pub(crate) fn clear_weakrefs(&mut self, id: usize, prev: &mut Option<Event>) {
        self.nodes[id].weak_epoch += 1;
        for w in (0..self.weaks.len()).rev() {
            let weak = &mut self.weaks[w];
            if weak.target != id || !weak.registered {
                continue;
            }
            weak.registered = false;
            if weak.pending {
                weak.pending = false;
                self.emit(Event::Callback(w), prev);
            }
        }
    }

    /// Predicts `e`, after `prev` (the same object's previous event) and,
    /// when events are in order, after the previous event.
    pub(crate) fn emit(&mut self, e: Event, prev: &mut Option<Event>) {
        let p = &mut self.predicted;
        if let Some(before) = *prev {
            p.before.push((before, e));
        }
        if let (true, Some(&last)) = (self.in_order, p.events.last()) {
            p.before.push((last, e));
        }
        p.events.push(e);
        *prev = Some(e);
    }
}
