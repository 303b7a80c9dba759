//! The oracle: a plain reference graph that predicts what the heap must do.
//!
//! Nodes are numbered in allocation order. The model keeps, per node, its
//! child list, generation, finalizer state and weak-reference epoch, and
//! derives every strong count from the handles it knows about (roots,
//! the resurrected list, child lists of live nodes). It follows DESIGN.md
//! literally:
//!
//! - refcounting: a node whose count reaches zero runs its finalizer if it
//!   has one that has not run (which may resurrect it: its weak references
//!   then stay valid, as in CPython's `subtype_dealloc`), otherwise it dies
//!   and drops its children;
//! - `collect(g)`: the nodes of generations `0..=g`, minus those referenced
//!   from outside that set or reachable from such, are unreachable; their
//!   weak references die, their finalizers run once, whatever a finalizer
//!   made reachable again survives, and the rest die. Survivors (resurrected
//!   ones included) move to generation `min(g + 1, 2)`.

use std::collections::BTreeSet;

use crate::op::{pick, Observed, Op, MAX_NODES};

/// One node of the model.
#[derive(Clone, Debug)]
pub struct ModelNode {
    /// Children, in order (a child may appear several times).
    pub children: Vec<usize>,
    /// `None`: no finalizer; `Some(resurrect)`: a finalizer that
    /// resurrects its object when `resurrect` is set.
    pub finalizer: Option<bool>,
    /// Whether the finalizer has run.
    pub finalized: bool,
    /// Whether the value was dropped.
    pub dead: bool,
    /// The generation the collector keeps it in.
    pub generation: usize,
    /// Bumped whenever the node's weak references are cleared.
    pub weak_epoch: u32,
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
    /// Weak handles: node id and the epoch they were made in.
    pub weaks: Vec<(usize, u32)>,
}

impl Model {
    /// Applies `op` and predicts what the real heap returns for it.
    pub fn apply(&mut self, op: &Op) -> Observed {
        match *op {
            Op::Alloc => self.alloc(None),
            Op::AllocFinalizable { resurrect } => self.alloc(Some(resurrect)),
            Op::Link(a, b) => {
                if let (Some(a), Some(b)) = (self.root(a), self.root(b)) {
                    self.nodes[a].children.push(b);
                }
            }
            Op::Unlink(a, k) => {
                if let Some(a) = self.root(a) {
                    if let Some(k) = pick(k, self.nodes[a].children.len()) {
                        self.nodes[a].children.remove(k);
                        self.settle();
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
                    self.roots.remove(i);
                    self.settle();
                }
            }
            Op::Downgrade(i) => {
                if let Some(id) = self.root(i) {
                    self.weaks.push((id, self.nodes[id].weak_epoch));
                }
            }
            Op::Upgrade(w) => {
                let Some(w) = pick(w, self.weaks.len()) else {
                    return Observed::Upgraded(false);
                };
                let ok = self.weak_alive(w);
                if ok {
                    self.roots.push(self.weaks[w].0);
                }
                return Observed::Upgraded(ok);
            }
            Op::Adopt => {
                let mut r = std::mem::take(&mut self.resurrected);
                r.sort_unstable();
                self.roots.extend(r);
            }
            Op::Collect(g) => return Observed::Collected(self.collect(g)),
        }
        Observed::Nothing
    }

    /// Drops every root handle (the end of a sequence).
    pub fn drop_roots(&mut self) {
        self.roots.clear();
        self.settle();
    }

    fn alloc(&mut self, finalizer: Option<bool>) {
        if self.nodes.len() < MAX_NODES {
            self.roots.push(self.nodes.len());
            self.nodes.push(ModelNode {
                children: Vec::new(),
                finalizer,
                finalized: false,
                dead: false,
                generation: 0,
                weak_epoch: 0,
            });
        }
    }

    fn root(&self, i: usize) -> Option<usize> {
        pick(i, self.roots.len()).map(|i| self.roots[i])
    }

    /// Whether weak handle `w` must upgrade.
    pub fn weak_alive(&self, w: usize) -> bool {
        let (id, epoch) = self.weaks[w];
        !self.nodes[id].dead && self.nodes[id].weak_epoch == epoch
    }

    /// The ids of live nodes.
    pub fn alive(&self) -> BTreeSet<usize> {
        (0..self.nodes.len())
            .filter(|&id| !self.nodes[id].dead)
            .collect()
    }

    /// The strong count of `id`: every handle the model knows of.
    pub fn refcount(&self, id: usize) -> usize {
        let held = |v: &[usize]| v.iter().filter(|&&x| x == id).count();
        let inner: usize = self
            .nodes
            .iter()
            .filter(|n| !n.dead)
            .map(|n| held(&n.children))
            .sum();
        held(&self.roots) + held(&self.resurrected) + inner
    }

    /// Nodes reachable from the held handles (roots and resurrected list).
    pub fn reachable(&self) -> BTreeSet<usize> {
        let start = self.roots.iter().chain(&self.resurrected).copied();
        self.closure(start, |_| true)
    }

    /// Everything reachable from `start`, following only edges into nodes
    /// that satisfy `within`.
    fn closure(
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
    fn unreachable_within(&self, set: &BTreeSet<usize>) -> BTreeSet<usize> {
        let internal = |id: usize| -> usize {
            set.iter()
                .map(|&p| self.nodes[p].children.iter().filter(|&&c| c == id).count())
                .sum()
        };
        let external = set
            .iter()
            .copied()
            .filter(|&id| self.refcount(id) > internal(id));
        let reached = self.closure(external, |c| set.contains(&c));
        set.difference(&reached).copied().collect()
    }

    /// Frees (or finalizes) every live node whose strong count is zero,
    /// until none is left: the refcount path, cascades included.
    fn settle(&mut self) {
        while let Some(id) = self.alive().into_iter().find(|&id| self.refcount(id) == 0) {
            let node = &mut self.nodes[id];
            if let (Some(resurrect), false) = (node.finalizer, node.finalized) {
                node.finalized = true;
                if resurrect {
                    self.resurrected.push(id);
                    continue;
                }
            }
            self.kill(id);
        }
    }

    /// The value is dropped: weak references die, child handles go.
    fn kill(&mut self, id: usize) {
        let node = &mut self.nodes[id];
        node.dead = true;
        node.weak_epoch += 1;
        node.children.clear();
    }

    /// `collect_generation(g)`; returns the number of nodes it freed.
    pub fn collect(&mut self, g: usize) -> usize {
        let older = (g + 1).min(2);
        let set: BTreeSet<usize> = self
            .alive()
            .into_iter()
            .filter(|&id| self.nodes[id].generation <= g)
            .collect();
        let unreachable = self.unreachable_within(&set);
        for &id in &set {
            self.nodes[id].generation = older;
        }
        for &id in &unreachable {
            let node = &mut self.nodes[id];
            node.weak_epoch += 1;
            if let (Some(resurrect), false) = (node.finalizer, node.finalized) {
                node.finalized = true;
                if resurrect {
                    self.resurrected.push(id);
                }
            }
        }
        let garbage = self.unreachable_within(&unreachable);
        // Mark every victim dead before any drops its children, so that
        // `settle` only sees the refcount frees the clearing causes.
        for &id in &garbage {
            self.nodes[id].dead = true;
        }
        for &id in &garbage {
            self.kill(id);
        }
        self.settle();
        garbage.len()
    }
}
