//! "Why is this object alive?": the shortest chain of strong handles from
//! an object held from outside the heap down to a given object (objgraph's
//! `find_backref_chain`).
//!
//! The roots are the objects whose strong count is not explained by
//! handles inside the heap (their external count, see `graph.rs`): held
//! by a Rust local, a global or thread-local, an `Rc`. A breadth-first
//! search from all of them at once, over strong edges, finds the shortest
//! chain from any root. An old-generation object holding a young one needs
//! no special case: the whole heap is one graph here.
//!
//! (Rejected: searching backwards from the target with `get_referrers`, as
//! objgraph does. Each step scans the whole heap, so a chain of length k
//! costs k full scans; and without external counts there is no way to tell
//! where to stop, which objgraph answers with "a module".)

use std::collections::VecDeque;
use std::fmt;

use super::graph::Graph;
use super::{short_type_name, with_heap, GcHandle, Inspection};
use crate::any::AnyGc;

/// A chain of objects, each holding a strong handle to the next: the first
/// is held from outside the heap, the last is the object asked about.
/// Returned by [`backref_chain`].
///
/// It holds a strong handle to each object, so the objects stay alive
/// while you keep it.
#[derive(Clone, Debug)]
pub struct BackrefChain {
    objects: Vec<AnyGc>,
}

impl BackrefChain {
    /// The objects, root first, the object asked about last. Never empty.
    pub fn objects(&self) -> &[AnyGc] {
        &self.objects
    }

    /// The object held from outside the heap: where the chain starts.
    pub fn root(&self) -> &AnyGc {
        &self.objects[0]
    }

    /// Each object's [`Trace::type_name`](crate::Trace::type_name), root
    /// first.
    pub fn type_names(&self) -> Vec<String> {
        self.objects.iter().map(|o| o.name().into_owned()).collect()
    }

    /// The handles, root first.
    pub fn into_objects(self) -> Vec<AnyGc> {
        self.objects
    }
}

/// `<held from outside> Cache -> Vec<Node> -> Node`, with short type names.
impl fmt::Display for BackrefChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<held from outside>")?;
        for (i, o) in self.objects.iter().enumerate() {
            let sep = if i == 0 { " " } else { " -> " };
            write!(f, "{sep}{}", short_type_name(&o.name()))?;
        }
        Ok(())
    }
}

/// Why is `obj` alive? The shortest chain of strong handles from an object
/// held from outside the heap (a Rust local, a global, an `Rc`) down to
/// `obj` (objgraph's `find_backref_chain`).
///
/// The handle you pass is taken to be your own, outside the heap, and is
/// not counted as a reason for `obj` to be alive. Every *other* handle you
/// hold counts: drop the `Vec` that [`get_objects`](crate::get_objects)
/// returned before asking, or every object in it looks held from outside.
/// If something else outside the heap holds `obj` directly, the chain is
/// just `[obj]`.
///
/// Returns `None` when nothing but your handle keeps `obj` alive: no other
/// handle to it exists, or only unreachable objects hold it (garbage that
/// the next [`collect`](crate::collect) will free); also while a collection
/// is under way. Handles that a `Trace` cannot
/// report right now (a mutably borrowed `RefCell`) look external.
///
/// # Examples
/// ```
/// use refcycle::{backref_chain, Gc, Trace};
/// use std::cell::RefCell;
///
/// #[derive(Trace)]
/// struct Node { next: RefCell<Vec<Gc<Node>>> }
/// fn node() -> Gc<Node> { Gc::new(Node { next: RefCell::new(Vec::new()) }) }
///
/// let (root, middle, leaf) = (node(), node(), node());
/// root.next.borrow_mut().push(middle.clone());
/// middle.next.borrow_mut().push(leaf.clone());
/// middle.next.borrow_mut().push(root.clone()); // a cycle back to the root
/// drop(middle);
///
/// let chain = backref_chain(&leaf).unwrap();
/// assert_eq!(chain.objects().len(), 3);
/// assert_eq!(chain.root().as_ptr(), Gc::as_ptr(&root));
/// assert!(chain.to_string().starts_with("<held from outside> Node -> Node -> Node"));
/// # root.next.borrow_mut().clear();
/// ```
pub fn backref_chain(obj: &impl GcHandle) -> Option<BackrefChain> {
    let obj = obj.erased();
    let target = obj.ptr();
    with_heap(|heap| {
        let insp = Inspection::begin(heap)?;
        // An untracked target (a `Gc<String>`) can still be held by tracked
        // objects: index it too, so that edges to it are seen.
        let mut graph = Graph::build(&insp, Some(obj), |_| {});
        let t = graph.index_of(target)?;
        // The caller's own handle is not a reason to be alive.
        graph.external[t] = graph.external[t].saturating_sub(1);
        let path = shortest_path_from_roots(&graph, t)?;
        let objects = path
            .into_iter()
            // SAFETY: live while `insp` is (Inspection::objects), or held
            // by the caller (the untracked target).
            .map(|i| unsafe { AnyGc::from_live(graph.erased(i)) })
            .collect();
        Some(BackrefChain { objects })
    })
}

/// Breadth-first search from every object with a positive external count;
/// returns the indexes from a root to `target`, both included.
fn shortest_path_from_roots(graph: &Graph, target: usize) -> Option<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    // parent[i] == i marks a root.
    let mut parent = vec![UNSEEN; graph.len()];
    let mut queue = VecDeque::new();
    for (i, &external) in graph.external.iter().enumerate() {
        if external > 0 {
            parent[i] = i;
            queue.push_back(i);
        }
    }
    while parent[target] == UNSEEN {
        let i = queue.pop_front()?;
        for &j in graph.referents(i) {
            if parent[j] == UNSEEN {
                parent[j] = i;
                queue.push_back(j);
            }
        }
    }
    let mut path = vec![target];
    let mut cur = target;
    while parent[cur] != cur {
        cur = parent[cur];
        path.push(cur);
    }
    path.reverse();
    Some(path)
}
