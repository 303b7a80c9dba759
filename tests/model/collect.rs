//! The oracle's collection: CPython 3.11's `gc_collect_main` on the model,
//! phase by phase, as `src/collect/mod.rs` numbers them.
//!
//! `collect(g)` looks at the live nodes of generations `0..=g`:
//!
//! 1. those neither referenced from outside that set nor reachable from
//!    one that is are unreachable; the whole set moves to generation
//!    `min(g + 1, 2)` (survivors, resurrected and uncollectable alike);
//! 2. unreachable legacy-finalizer nodes, and every unreachable node they
//!    reach, are uncollectable: left alone by the next phases;
//! 3. the weak handles the rest (the garbage) owns are cleared, wherever
//!    they point, and their callbacks never run (bpo-38006); the weak
//!    references to the garbage die, and the remaining callbacks run,
//!    newest first per object;
//! 4. the garbage's finalizers run, once in a node's life;
//! 5. whatever a finalizer made reachable again survives, with all it
//!    reaches; the rest is dropped;
//! 6. nodes outside the garbage that only the garbage held are released
//!    by reference counting (refcycle defers this to the collection's end;
//!    CPython does it during the clearing): uncollectable ones too, which
//!    then are not uncollectable after all (a legacy node hanging off a
//!    cycle, in none itself);
//! 7. the other uncollectable legacy nodes are appended to `garbage()`,
//!    alive, weak references intact.
//!
//! The returned count is the dropped nodes plus the uncollectable ones.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::op::Event;
use crate::oracle::{Divergence, Model, ModelNode};

impl Model {
    /// `collect_generation(g)`; returns the number of unreachable nodes
    /// found, freed or uncollectable.
    pub fn collect(&mut self, gen: usize) -> usize {
        self.in_order = false;
        let older = (gen + 1).min(2);
        let generation = |g: fn(&ModelNode) -> usize| -> BTreeSet<usize> {
            let alive = self.alive().into_iter();
            alive.filter(|&id| g(&self.nodes[id]) <= gen).collect()
        };
        let set = generation(|n| n.generation);
        if set != generation(|n| n.refcycle_generation) {
            self.divergence = Some(Divergence::ResurrectionKeepsGeneration);
        }
        let unreachable = self.unreachable_within(&set);
        for &id in &set {
            self.nodes[id].generation = older;
            self.nodes[id].refcycle_generation = older;
        }

        let legacy = unreachable
            .iter()
            .copied()
            .filter(|&id| self.nodes[id].legacy);
        let uncollectable = self.closure(legacy, |c| unreachable.contains(&c));
        let candidates: BTreeSet<usize> = unreachable.difference(&uncollectable).copied().collect();

        let weakrefs = self.phase(|m| m.handle_weakrefs(&candidates));
        let finalizers = self.phase(|m| m.finalize_garbage(&candidates));
        let garbage = self.unreachable_within(&candidates);
        let drops = self.phase(|m| m.delete_garbage(&garbage));
        let drain = self.phase(|m| m.drain());
        self.order_phases(&[weakrefs, finalizers, drops, drain]);

        // Released by the clearing: dead, or resurrected into generation 0
        // (out of the uncollectable list either way).
        let released = |m: &Self, id: usize| m.nodes[id].dead || m.resurrected.contains(&id);
        let kept: Vec<usize> = uncollectable
            .into_iter()
            .filter(|&id| !released(self, id))
            .collect();
        let parked = kept.iter().copied().filter(|&id| self.nodes[id].legacy);
        self.garbage.extend(parked);
        garbage.len() + kept.len()
    }

    /// Runs one phase; returns the range of the events it predicted.
    fn phase(&mut self, f: impl FnOnce(&mut Self)) -> Range<usize> {
        let start = self.predicted.events.len();
        f(self);
        start..self.predicted.events.len()
    }

    /// Every event of a phase comes before every event of the next ones.
    fn order_phases(&mut self, phases: &[Range<usize>]) {
        let events = &self.predicted.events;
        let mut before = Vec::new();
        for (i, earlier) in phases.iter().enumerate() {
            for later in &phases[i + 1..] {
                for a in &events[earlier.clone()] {
                    before.extend(events[later.clone()].iter().map(|&b| (*a, b)));
                }
            }
        }
        self.predicted.before.extend(before);
    }

    /// `handle_weakrefs`: the weak handles the garbage owns are cleared
    /// and their callbacks cancelled, wherever they point; then the weak
    /// references to the garbage die and the other callbacks run.
    fn handle_weakrefs(&mut self, garbage: &BTreeSet<usize>) {
        for weak in &mut self.weaks {
            if weak.owner.is_some_and(|o| garbage.contains(&o)) {
                weak.trash_cleared = true;
                weak.pending = false;
            }
        }
        for &id in garbage {
            self.clear_weakrefs(id, &mut None);
        }
    }

    /// `finalize_garbage`: each finalizer that has not run runs, with the
    /// garbage intact; a resurrecting one stores its handle.
    fn finalize_garbage(&mut self, garbage: &BTreeSet<usize>) {
        for &id in garbage {
            let node = &mut self.nodes[id];
            if let (Some(resurrect), false) = (node.finalizer, node.finalized) {
                node.finalized = true;
                self.emit(Event::Finalized(id), &mut None);
                if resurrect {
                    self.resurrected.push(id);
                }
            }
        }
    }

    /// `delete_garbage`: every value is dropped before any release it
    /// causes happens (the collector defers them).
    fn delete_garbage(&mut self, garbage: &BTreeSet<usize>) {
        for &id in garbage {
            self.nodes[id].dead = true;
            self.nodes[id].weak_epoch += 1;
            self.emit(Event::Dropped(id), &mut None);
        }
        for &id in garbage {
            self.nodes[id].children.clear();
            for w in std::mem::take(&mut self.nodes[id].weaks) {
                self.drop_weak(w);
            }
        }
    }

    /// The releases the clearing caused: live nodes left without handles
    /// (older nodes only the garbage held, uncollectable ones only the
    /// garbage held) and whatever their release frees.
    ///
    /// CPython runs them at once, in the middle of the clearing; refcycle
    /// defers them to the end of the collection and runs them from a queue
    /// whose order follows its internal lists. Which nodes die, which
    /// finalizers run and what is resurrected does not depend on that
    /// order, nor does any callback but one kind: a weak handle whose owner
    /// dies here, and whose target's weak references are cleared here,
    /// runs its callback only if they are cleared first. So only each
    /// object's own events are ordered, and those callbacks are optional.
    fn drain(&mut self) {
        let counts = self.refcounts();
        let queued: Vec<usize> = self
            .alive()
            .into_iter()
            .filter(|&id| counts[id] == 0)
            .collect();
        let alive_before = self.alive();
        let epochs: Vec<u32> = self.nodes.iter().map(|n| n.weak_epoch).collect();
        let pending_before: Vec<usize> = (0..self.weaks.len())
            .filter(|&w| self.weaks[w].pending && self.weaks[w].owner.is_some())
            .collect();
        for &id in &queued {
            self.release(id);
        }
        let died = |m: &Self, id: usize| alive_before.contains(&id) && m.nodes[id].dead;
        let cleared = |m: &Self, id: usize| m.nodes[id].weak_epoch != epochs[id];
        for w in pending_before {
            let weak = &self.weaks[w];
            if weak.owner.is_some_and(|o| died(self, o)) && cleared(self, weak.target) {
                let e = Event::Callback(w);
                self.predicted.events.retain(|&x| x != e);
                self.predicted.optional.insert(e);
            }
        }
    }
}
