//! The real heap driver: `refcycle` handles, plus thread-local logs that
//! let the checker see which values were dropped and which finalizers ran.

use std::cell::RefCell;

use refcycle::{collect_generation, Finalize, Gc, Trace, Weak};

use crate::op::{pick, Observed, Op, MAX_NODES};

thread_local! {
    /// Ids of dropped values, in drop order.
    static DROPPED: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    /// Ids of nodes whose finalizer ran, in order.
    static FINALIZED: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    /// Handles stored by resurrecting finalizers.
    static RESURRECTED: RefCell<Vec<Gc<Node>>> = const { RefCell::new(Vec::new()) };
}

/// A graph node: an id, whether its finalizer resurrects, and children.
#[derive(Trace)]
pub struct Node {
    #[trace(skip)]
    pub id: usize,
    #[trace(skip)]
    resurrect: bool,
    pub children: RefCell<Vec<Gc<Node>>>,
}

impl Node {
    /// The ids of this node's children, in order.
    pub fn child_ids(&self) -> Vec<usize> {
        self.children.borrow().iter().map(|c| c.id).collect()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        DROPPED.with(|d| d.borrow_mut().push(self.id));
    }
}

impl Finalize for Node {
    fn finalize(this: &Gc<Self>) {
        FINALIZED.with(|f| f.borrow_mut().push(this.id));
        if this.resurrect {
            RESURRECTED.with(|r| r.borrow_mut().push(this.clone()));
        }
    }
}

/// The drop log so far.
pub fn dropped() -> Vec<usize> {
    DROPPED.with(|d| d.borrow().clone())
}

/// The finalizer log so far.
pub fn finalized() -> Vec<usize> {
    FINALIZED.with(|f| f.borrow().clone())
}

/// Clones of the handles in the resurrected list.
pub fn resurrected() -> Vec<Gc<Node>> {
    RESURRECTED.with(|r| r.borrow().clone())
}

/// Empties the resurrected list, returning its handles.
fn take_resurrected() -> Vec<Gc<Node>> {
    RESURRECTED.with(|r| std::mem::take(&mut *r.borrow_mut()))
}

/// Starts a sequence on a clean heap: whatever an earlier (failed) case
/// left behind is collected, the logs are emptied, and automatic
/// collection is off (the sequence decides when the collector runs;
/// the model predicts exactly what each collection frees).
pub fn reset() {
    refcycle::disable();
    refcycle::set_stress(false);
    loop {
        let stale = take_resurrected();
        if stale.is_empty() && refcycle::collect() == 0 {
            break;
        }
        drop(stale);
    }
    DROPPED.with(|d| d.borrow_mut().clear());
    FINALIZED.with(|f| f.borrow_mut().clear());
}

/// The test's handles into the real heap.
#[derive(Default)]
pub struct RealHeap {
    /// Root handles, parallel to `Model::roots`.
    pub roots: Vec<Gc<Node>>,
    /// Weak handles, parallel to `Model::weaks`.
    pub weaks: Vec<Weak<Node>>,
    next_id: usize,
}

impl RealHeap {
    /// Performs `op` on the real heap and reports what it returned.
    pub fn apply(&mut self, op: &Op) -> Observed {
        match *op {
            Op::Alloc => self.alloc(false, false),
            Op::AllocFinalizable { resurrect } => self.alloc(true, resurrect),
            Op::Link(a, b) => {
                if let (Some(a), Some(b)) = (self.root(a), self.root(b)) {
                    let child = b.clone();
                    a.children.borrow_mut().push(child);
                }
            }
            Op::Unlink(a, k) => {
                if let Some(a) = self.root(a) {
                    let removed = {
                        let mut children = a.children.borrow_mut();
                        pick(k, children.len()).map(|k| children.remove(k))
                    };
                    drop(removed); // outside the borrow: may run finalizers
                }
            }
            Op::Descend(a, k) => {
                if let Some(a) = self.root(a) {
                    let child = {
                        let children = a.children.borrow();
                        pick(k, children.len()).map(|k| children[k].clone())
                    };
                    self.roots.extend(child);
                }
            }
            Op::CloneHandle(i) => {
                if let Some(h) = self.root(i).cloned() {
                    self.roots.push(h);
                }
            }
            Op::DropHandle(i) => {
                if let Some(i) = pick(i, self.roots.len()) {
                    drop(self.roots.remove(i));
                }
            }
            Op::Downgrade(i) => {
                if let Some(h) = self.root(i) {
                    let w = Gc::downgrade(h);
                    self.weaks.push(w);
                }
            }
            Op::Upgrade(w) => {
                let up = pick(w, self.weaks.len()).and_then(|w| self.weaks[w].upgrade());
                let ok = up.is_some();
                self.roots.extend(up);
                return Observed::Upgraded(ok);
            }
            Op::Adopt => {
                let mut r = take_resurrected();
                r.sort_unstable_by_key(|h| h.id);
                self.roots.extend(r);
            }
            Op::Collect(g) => return Observed::Collected(collect_generation(g)),
        }
        Observed::Nothing
    }

    fn alloc(&mut self, finalizable: bool, resurrect: bool) {
        if self.next_id >= MAX_NODES {
            return;
        }
        let node = Node {
            id: self.next_id,
            resurrect,
            children: RefCell::new(Vec::new()),
        };
        self.next_id += 1;
        self.roots.push(if finalizable {
            Gc::new_with_finalizer(node)
        } else {
            Gc::new(node)
        });
    }

    fn root(&self, i: usize) -> Option<&Gc<Node>> {
        pick(i, self.roots.len()).map(|i| &self.roots[i])
    }
}
