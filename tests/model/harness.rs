//! Runs one op sequence through the oracle and the real heap, comparing
//! them after every op. Every driver (hand-written cases, proptest, the
//! fuzz target) goes through [`run`].
//!
//! What is checked after every op:
//! - both return the same thing (`Upgrade`, `collect_generation`);
//! - the real heap logged the events the model predicted for the op:
//!   finalizers, drops and weak-reference callbacks, each at most once
//!   ever, in an order that satisfies the model's constraints (exact for
//!   the refcount path; by phase for a collection);
//! - the dropped values are exactly the model's dead nodes, the finalizers
//!   that ran exactly the model's finalized nodes: so nothing reachable is
//!   ever dropped, refcounting frees acyclic garbage at once, a collection
//!   frees exactly the collectable unreachable part of the generations it
//!   looks at, and every legacy cycle ends in `garbage()`;
//! - the roots, the resurrected list and `garbage()` hold the model's
//!   nodes, and every node reachable from them is intact: its value
//!   derefs, its children and weak handles are the model's, its strong
//!   count and `is_finalized` are the model's;
//! - each weak handle, the test's or a node's, upgrades iff the model says.
//!
//! A sequence ends with a teardown: drop every handle and collect; break
//! what the collector parked in `garbage()` by hand; repeat until nothing
//! is left. Then every node was dropped exactly once, every finalizer ran
//! exactly once, and every callback of a weak handle the test holds ran.

use std::collections::{BTreeMap, BTreeSet};

use refcycle::Gc;

use crate::op::{Event, Op, MAX_NODES};
use crate::oracle::{Divergence, Model, ModelNode, Prediction};
use crate::real::{self, Node, RealHeap};

/// Where refcycle is known to go wrong (each has an ignored regression
/// test in `tests/model.rs`). Remove an entry once fixed: the random
/// drivers then check it too.
pub const KNOWN_DIVERGENCES: &[Divergence] = &[];

/// How to treat the known divergences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Stop a sequence before an op that would hit a known divergence
    /// (the real heap does not run it). For the random drivers, which
    /// would otherwise keep finding those.
    Tolerant,
    /// Check everything (the divergences' regression tests).
    Strict,
}

/// How a sequence ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every op and the teardown were checked.
    Checked,
    /// Checking stopped before an op that hits a known divergence.
    CutShort(Divergence),
}

/// Runs `ops` through both drivers, checking after each, then tears down.
pub fn run(ops: &[Op], mode: Mode) -> Outcome {
    let _report = ReportOnPanic(ops);
    real::reset();
    let mut case = Case {
        model: Model::default(),
        heap: RealHeap::default(),
        mode,
        logged: BTreeSet::new(),
    };
    let result = ops
        .iter()
        .enumerate()
        .try_for_each(|(i, op)| case.step(op, Some(i)))
        .and_then(|()| case.teardown());
    match result {
        Ok(()) => Outcome::Checked,
        Err(d) => Outcome::CutShort(d),
    }
}

/// Prints the sequence if a check fails (the fuzz target's input is
/// bytes; shrunk proptest cases are printed by proptest as well).
struct ReportOnPanic<'a>(&'a [Op]);

impl Drop for ReportOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("model: the failing sequence: {:?}", self.0);
        }
    }
}

struct Case {
    model: Model,
    heap: RealHeap,
    mode: Mode,
    /// The events logged by earlier ops (each at most once ever).
    logged: BTreeSet<Event>,
}

impl Case {
    fn tolerates(&self, d: Divergence) -> bool {
        self.mode == Mode::Tolerant && KNOWN_DIVERGENCES.contains(&d)
    }

    /// Applies `op` to both drivers, compares what they return, then checks.
    fn step(&mut self, op: &Op, step: Option<usize>) -> Result<(), Divergence> {
        let when = When { step, op };
        let predicted = self.model.apply(op);
        if let Some(d) = self.model.divergence.filter(|&d| self.tolerates(d)) {
            return Err(d);
        }
        let observed = self.heap.apply(op);
        assert_eq!(observed, predicted, "{when}");
        let events = real::events_since(self.logged.len());
        check_events(&self.model.predicted, &events, &when);
        for e in events {
            assert!(self.logged.insert(e), "{when}: {e:?} logged twice");
        }
        self.check(&when);
        Ok(())
    }

    /// Drops every handle and collects, breaking `garbage()` by hand,
    /// until nothing is left.
    fn teardown(&mut self) -> Result<(), Divergence> {
        for _ in 0..=2 * MAX_NODES {
            self.step(&Op::Adopt, None)?;
            self.step(&Op::DropRoots, None)?;
            self.step(&Op::Collect(2), None)?;
            // Left: what finalizers resurrected, what the collector parked
            // in garbage(), and cycles that only a legacy node freed by
            // this collection held (found in the next one, as in CPython).
            if self.model.alive().is_empty() {
                self.check_the_end();
                return Ok(());
            }
            // Break every uncollectable cycle by hand.
            self.step(&Op::AdoptGarbage, None)?;
            for i in 0..self.model.roots.len() {
                while !self.model.nodes[self.model.roots[i]].children.is_empty() {
                    self.step(&Op::Unlink(i, 0), None)?;
                }
            }
        }
        panic!("teardown does not end: {:?}", self.model);
    }

    fn check_the_end(&self) {
        assert_eq!(self.model.alive(), BTreeSet::new(), "the model leaked");
        for (id, node) in self.model.nodes.iter().enumerate() {
            let has_finalizer = node.finalizer.is_some();
            assert_eq!(node.finalized, has_finalizer, "node {id} finalized");
        }
        assert!(self.heap.weaks.iter().all(|w| w.upgrade().is_none()));
        for &w in &self.model.test_weaks {
            let ran = self.logged.contains(&Event::Callback(w));
            assert_eq!(ran, self.model.weaks[w].callback, "weak {w}'s callback");
        }
    }

    /// Compares the real heap with the model.
    fn check(&self, when: &When<'_>) {
        let model = &self.model;
        let of_nodes = |f: fn(&ModelNode) -> bool, e: fn(usize) -> Event| -> BTreeSet<Event> {
            let ids = (0..model.nodes.len()).filter(|&id| f(&model.nodes[id]));
            ids.map(e).collect()
        };
        let logged = |e: fn(&Event) -> bool| -> BTreeSet<Event> {
            self.logged.iter().copied().filter(e).collect()
        };
        let dropped = logged(|e| matches!(e, Event::Dropped(_)));
        let dead = of_nodes(|n| n.dead, Event::Dropped);
        assert_eq!(dropped, dead, "{when}: dropped vs the model's dead");
        let ran = logged(|e| matches!(e, Event::Finalized(_)));
        let finalized = of_nodes(|n| n.finalized, Event::Finalized);
        assert_eq!(ran, finalized, "{when}: finalizers run");

        let ids = |hs: &[Gc<Node>]| -> Vec<usize> { hs.iter().map(|h| h.id).collect() };
        assert_eq!(ids(&self.heap.roots), model.roots, "{when}: root handles");
        let held = real::resurrected();
        assert_eq!(
            sorted(ids(&held)),
            sorted(model.resurrected.clone()),
            "{when}: resurrected"
        );
        let parked = real::garbage();
        assert_eq!(
            sorted(ids(&parked)),
            sorted(model.garbage.clone()),
            "{when}: garbage()"
        );

        let all = self.heap.roots.iter().cloned().chain(held).chain(parked);
        self.check_reachable(all, when);

        for (weak, &w) in self.heap.weaks.iter().zip(&model.test_weaks) {
            self.check_weak(weak.is_alive(), w, when);
        }
    }

    /// Walks the real graph from `held` and checks each node against the
    /// model.
    fn check_reachable(&self, held: impl Iterator<Item = Gc<Node>>, when: &When<'_>) {
        let model = &self.model;
        // `seen` keeps one clone per visited node (subtracted from its
        // strong count below); every other clone is gone once `todo` is
        // empty.
        let mut seen: BTreeMap<usize, Gc<Node>> = BTreeMap::new();
        let mut todo: Vec<Gc<Node>> = held.collect();
        while let Some(h) = todo.pop() {
            let id = Gc::try_borrow(&h)
                .unwrap_or_else(|e| panic!("{when}: a reachable node was cleared: {e}"))
                .id;
            if seen.contains_key(&id) {
                continue;
            }
            todo.extend(h.children.borrow().iter().cloned());
            seen.insert(id, h);
        }
        let ids: BTreeSet<usize> = seen.keys().copied().collect();
        assert_eq!(
            ids,
            model.reachable(),
            "{when}: reachable nodes vs the model's"
        );
        let counts = model.refcounts();
        for (&id, h) in &seen {
            let node = &model.nodes[id];
            assert_eq!(
                h.child_ids(),
                node.children,
                "{when}: children of node {id}"
            );
            let count = Gc::strong_count(h) - 1;
            assert_eq!(count, counts[id], "{when}: strong count of node {id}");
            let finalized = refcycle::is_finalized(h);
            assert_eq!(finalized, node.finalized, "{when}: is_finalized({id})");
            let weaks = h.weaks.borrow();
            assert_eq!(
                weaks.len(),
                node.weaks.len(),
                "{when}: weak handles of node {id}"
            );
            for (weak, &w) in weaks.iter().zip(&node.weaks) {
                self.check_weak(weak.is_alive(), w, when);
            }
        }
    }

    fn check_weak(&self, alive: bool, w: usize, when: &When<'_>) {
        let model = &self.model;
        let target = model.weaks[w].target;
        let expected = model.weak_alive(w);
        assert_eq!(alive, expected, "{when}: weak handle {w} to node {target}");
    }
}

/// Where a check failed: the op, and its step (`None`: the teardown).
/// Formatted only if a check fails.
struct When<'a> {
    step: Option<usize>,
    op: &'a Op,
}

impl std::fmt::Display for When<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.step {
            Some(i) => write!(f, "step {i}: {:?}", self.op),
            None => write!(f, "teardown: {:?}", self.op),
        }
    }
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v
}

/// Checks the events one op logged against the model's prediction.
fn check_events(p: &Prediction, got: &[Event], when: &When<'_>) {
    let context = || {
        format!(
            "{when}\n  logged:    {got:?}\n  predicted: {:?}\n  optional:  {:?}",
            p.events, p.optional
        )
    };
    let mut at = BTreeMap::new();
    for (i, &e) in got.iter().enumerate() {
        assert!(
            at.insert(e, i).is_none(),
            "{e:?} logged twice; {}",
            context()
        );
    }
    let required: BTreeSet<Event> = p.events.iter().copied().collect();
    for e in &required {
        assert!(at.contains_key(e), "{e:?} missing; {}", context());
    }
    for e in got {
        let expected = required.contains(e) || p.optional.contains(e);
        assert!(expected, "{e:?} unexpected; {}", context());
    }
    for (a, b) in &p.before {
        if let (Some(i), Some(j)) = (at.get(a), at.get(b)) {
            assert!(i < j, "{a:?} must come before {b:?}; {}", context());
        }
    }
}
