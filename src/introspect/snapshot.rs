//! [`Snapshot`]: the heap's object graph as plain data, detached from the
//! heap (it holds no handles, so taking one keeps nothing alive), with
//! objgraph's per-type counts (`most_common_types`, `show_growth`) and two
//! exports: Graphviz DOT for looking at, JSON for tools. [`Snapshot`]'s
//! docs say what is in one.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};

use super::graph::{addr, Graph};
use super::{header_of, short_type_name, with_heap, GcHandle, Inspection};
use crate::header::display_name;
use crate::heap::NUM_GENERATIONS;

/// Which generation an object is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Generation {
    /// One of the collected generations: 0 (young), 1, or 2 (old).
    Gen(usize),
    /// The permanent generation of [`freeze`](crate::freeze): never collected.
    Permanent,
}

/// `0`, `1`, `2` or `permanent`.
impl fmt::Display for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Generation::Gen(g) => write!(f, "{g}"),
            Generation::Permanent => f.write_str("permanent"),
        }
    }
}

/// One object of a [`Snapshot`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Its number in this snapshot: its index in [`Snapshot::objects`].
    pub id: usize,
    /// Its address, as [`Gc::as_ptr`](crate::Gc::as_ptr) gives it.
    pub address: usize,
    /// Its [`Trace::type_name`](crate::Trace::type_name).
    pub type_name: Cow<'static, str>,
    /// The generation it was in.
    pub generation: Generation,
    /// Its number of strong handles.
    pub strong_count: usize,
    /// How many of those no tracked object accounts for: handles held from
    /// outside the heap (Rust locals, globals, an `Rc`).
    pub external_count: usize,
}

/// The heap's object graph at one moment; [`snapshot`] takes one.
///
/// What is in it, and what is not:
/// - every **tracked** object, frozen ones included, numbered `0..len()`
///   in generation order (0, 1, 2, permanent), each generation in list
///   order. Ids are stable within one snapshot only; `address` identifies
///   an object across snapshots while it lives.
/// - its **edges**: one per strong handle its `Trace` reports to another
///   tracked object (two handles to the same object are two edges).
///   Handles to untracked objects (`Gc<String>`, `Gc<i32>`: leaves that can
///   hold nothing, so can keep nothing alive) are left out, as CPython's
///   `gc` leaves out ints and strs; `get_referents` still lists them. Weak
///   handles keep nothing alive and are not edges.
/// - `external_count`: the strong handles no tracked object accounts for,
///   so held from outside the heap. The objects with a positive count are
///   where every live object's [`backref_chain`](crate::backref_chain)
///   starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    objects: Vec<ObjectInfo>,
    /// Object `i`'s edges are `targets[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    targets: Vec<usize>,
}

/// Takes a [`Snapshot`] of this thread's heap: every tracked object with
/// its type name, generation, counts and edges.
///
/// Takes time and memory linear in the number of objects and edges; it
/// runs every object's `Trace` once and its `type_name` once. Returns an
/// empty snapshot while a collection is under way (from a finalizer, say).
///
/// # Examples
/// ```
/// use refcycle::{snapshot, Gc, Trace};
/// use std::cell::RefCell;
///
/// #[derive(Trace)]
/// struct Node { next: RefCell<Option<Gc<Node>>> }
///
/// let b = Gc::new(Node { next: RefCell::new(None) });
/// let a = Gc::new(Node { next: RefCell::new(Some(b.clone())) });
/// let snap = snapshot();
/// let (ia, ib) = (snap.find(&a).unwrap(), snap.find(&b).unwrap());
/// assert_eq!(snap.referents(ia.id), [ib.id]);
/// assert_eq!(ia.external_count, 1); // the local `a`
/// assert_eq!((ib.strong_count, ib.external_count), (2, 1)); // `a` and the local `b`
/// println!("{}", snap.to_dot());
/// ```
pub fn snapshot() -> Snapshot {
    with_heap(|heap| match Inspection::begin(heap) {
        Some(insp) => Snapshot::build(&insp),
        None => Snapshot::default(),
    })
}

impl Snapshot {
    fn build(insp: &Inspection<'_>) -> Snapshot {
        let mut names = Vec::new();
        // SAFETY: live while `insp` is (Inspection::objects).
        let graph = Graph::build(insp, None, |obj| names.push(unsafe { display_name(obj) }));
        let mut objects = Vec::with_capacity(graph.len());
        let mut names = names.into_iter();
        for (k, &end) in graph.ends.iter().enumerate() {
            let generation = if k < NUM_GENERATIONS {
                Generation::Gen(k)
            } else {
                Generation::Permanent
            };
            for id in objects.len()..end {
                objects.push(ObjectInfo {
                    id,
                    address: addr(graph.objects[id]),
                    type_name: names.next().expect("one name per object"),
                    generation,
                    strong_count: graph.strong[id],
                    external_count: graph.external[id],
                });
            }
        }
        let (starts, targets) = graph.into_edges();
        Snapshot {
            objects,
            starts,
            targets,
        }
    }

    /// The number of objects.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether the snapshot has no object.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Every object, by id.
    pub fn objects(&self) -> &[ObjectInfo] {
        &self.objects
    }

    /// The object with this id.
    pub fn object(&self, id: usize) -> Option<&ObjectInfo> {
        self.objects.get(id)
    }

    /// The ids object `id` holds strong handles to, once per handle, in the
    /// order its `Trace` reported them; empty for an unknown id.
    pub fn referents(&self, id: usize) -> &[usize] {
        match (self.starts.get(id), self.starts.get(id + 1)) {
            (Some(&a), Some(&b)) => &self.targets[a..b],
            _ => &[],
        }
    }

    /// The entry for a live object (by address), if it was in the heap
    /// when the snapshot was taken. Linear in the snapshot's size.
    pub fn find(&self, obj: &impl GcHandle) -> Option<&ObjectInfo> {
        let a = addr(header_of(obj));
        self.objects.iter().find(|o| o.address == a)
    }

    /// The number of objects of each type name.
    pub fn type_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for (name, n) in self.counts() {
            counts.insert(name.to_string(), n);
        }
        counts
    }

    fn counts(&self) -> HashMap<&str, usize> {
        let mut counts = HashMap::new();
        for o in &self.objects {
            *counts.entry(&*o.type_name).or_insert(0) += 1;
        }
        counts
    }

    /// The `limit` most common type names and their counts, most common
    /// first, ties by name (objgraph's `most_common_types`).
    ///
    /// # Examples
    /// ```
    /// use refcycle::{snapshot, Gc};
    ///
    /// let v: Vec<Gc<Vec<Gc<u8>>>> = (0..3).map(|_| Gc::new(Vec::new())).collect();
    /// let top = snapshot().most_common_types(1);
    /// assert_eq!(top, [(std::any::type_name::<Vec<Gc<u8>>>().to_string(), 3)]);
    /// ```
    pub fn most_common_types(&self, limit: usize) -> Vec<(String, usize)> {
        most_common(self.counts(), limit)
    }

    /// The types with more objects in `after` than in `before`, largest
    /// growth first, ties by name (objgraph's `show_growth`, with the two
    /// snapshots explicit instead of kept in a global).
    ///
    /// # Examples
    /// ```
    /// use refcycle::{snapshot, Gc, Snapshot};
    ///
    /// let before = snapshot();
    /// let kept: Vec<Gc<Vec<Gc<u8>>>> = (0..5).map(|_| Gc::new(Vec::new())).collect();
    /// let growth = Snapshot::growth(&before, &snapshot());
    /// assert_eq!((growth[0].count, growth[0].delta), (5, 5));
    /// println!("{}", growth[0]); // Vec<Gc<u8>>   5   +5 (in aligned columns)
    /// ```
    pub fn growth(before: &Snapshot, after: &Snapshot) -> Vec<TypeGrowth> {
        let old = before.counts();
        let mut out: Vec<TypeGrowth> = after
            .counts()
            .into_iter()
            .filter_map(|(name, count)| {
                let was = old.get(name).copied().unwrap_or(0);
                (count > was).then(|| TypeGrowth {
                    type_name: name.to_string(),
                    count,
                    delta: count - was,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.delta
                .cmp(&a.delta)
                .then_with(|| a.type_name.cmp(&b.type_name))
        });
        out
    }

    /// The graph in Graphviz's DOT language: one box per object (`n<id>`,
    /// labelled with its id, short type name, generation and counts;
    /// objects held from outside the heap are filled), one arrow per edge.
    /// Render it with `dot -Tsvg heap.dot -o heap.svg`.
    pub fn to_dot(&self) -> String {
        let mut s = String::from("digraph refcycle {\n");
        s.push_str("  node [shape=box, fontname=\"monospace\"];\n");
        for o in &self.objects {
            let mut label = format!(
                "#{} {}\ngen {}, strong {}",
                o.id,
                short_type_name(&o.type_name),
                o.generation,
                o.strong_count
            );
            let mut style = "";
            if o.external_count > 0 {
                write!(label, "\nheld from outside: {}", o.external_count).unwrap();
                style = ", style=filled, fillcolor=\"#fff2a8\"";
            }
            writeln!(s, "  n{} [label=\"{}\"{style}];", o.id, dot_escape(&label)).unwrap();
        }
        for o in &self.objects {
            for t in self.referents(o.id) {
                writeln!(s, "  n{} -> n{t};", o.id).unwrap();
            }
        }
        s.push_str("}\n");
        s
    }

    /// The snapshot as JSON, one object per line:
    ///
    /// ```text
    /// {"objects":[
    /// {"id":0,"address":94011,"type":"app::Node","generation":0,"strong":1,"external":1,"referents":[1]},
    /// ...
    /// ]}
    /// ```
    ///
    /// `generation` is `0`, `1`, `2` or `"permanent"`; `referents` are ids.
    pub fn to_json(&self) -> String {
        let mut s = String::from("{\"objects\":[\n");
        for (i, o) in self.objects.iter().enumerate() {
            write!(s, "{{\"id\":{},\"address\":{},\"type\":", o.id, o.address).unwrap();
            push_json_string(&mut s, &o.type_name);
            match o.generation {
                Generation::Gen(g) => write!(s, ",\"generation\":{g}").unwrap(),
                Generation::Permanent => s.push_str(",\"generation\":\"permanent\""),
            }
            write!(
                s,
                ",\"strong\":{},\"external\":{},\"referents\":[",
                o.strong_count, o.external_count
            )
            .unwrap();
            for (k, t) in self.referents(o.id).iter().enumerate() {
                if k > 0 {
                    s.push(',');
                }
                write!(s, "{t}").unwrap();
            }
            s.push_str(if i + 1 < self.objects.len() {
                "]},\n"
            } else {
                "]}\n"
            });
        }
        s.push_str("]}\n");
        s
    }
}

/// One row of [`Snapshot::growth`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeGrowth {
    /// The type name.
    pub type_name: String,
    /// Its number of objects in the later snapshot.
    pub count: usize,
    /// How many more than in the earlier one.
    pub delta: usize,
}

/// objgraph's row format: short name, count, `+delta`, aligned.
impl fmt::Display for TypeGrowth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = short_type_name(&self.type_name);
        write!(f, "{name:<24} {:>9} {:>+9}", self.count, self.delta)
    }
}

/// Sorts counts, most common first and ties by name, and keeps `limit`.
pub(crate) fn most_common<K: AsRef<str>>(
    counts: impl IntoIterator<Item = (K, usize)>,
    limit: usize,
) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(k, n)| (k.as_ref().to_string(), n))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(limit);
    v
}

/// Escapes text for a double-quoted DOT string; a newline becomes DOT's
/// centred line break `\n`.
fn dot_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `text` as a JSON string literal (RFC 8259 section 7: quote,
/// backslash and control characters escaped; everything else as UTF-8).
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::{dot_escape, push_json_string};

    #[test]
    fn json_strings_escape_quotes_backslashes_and_controls() {
        let mut s = String::new();
        push_json_string(&mut s, "a\"b\\c\n\u{1}é");
        assert_eq!(s, r#""a\"b\\c\n\u0001é""#);
    }

    #[test]
    fn dot_strings_escape_quotes_and_backslashes() {
        assert_eq!(dot_escape("a\"b\\c\nd"), r#"a\"b\\c\nd"#);
    }
}
