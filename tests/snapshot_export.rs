//! A heap snapshot records every tracked object (frozen ones included) with
//! its type name, generation, strong count, external count (handles held
//! from outside the heap) and its edges to other tracked objects, and
//! exports the same graph as Graphviz DOT and as JSON. Both exports are
//! parsed back here, the JSON by a real JSON parser (`serde_json`), the DOT
//! by a small strict parser of the subset we write (and by Graphviz's
//! `dot`, when it is installed), and compared with the snapshot.

mod support;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

use refcycle::{
    collect, collect_generation, freeze, get_referents, snapshot, unfreeze, Gc, Generation,
    Snapshot, Trace, Visitor,
};
use serde_json::Value;
use support::{drops_sorted, link, no_stress, scale, Node};

/// The three-node graph of these tests: `a -> b -> c -> a`, plus `a -> c`,
/// with only `a` held by a local.
fn triangle() -> Gc<Node> {
    let (a, b, c) = (Node::new(1), Node::new(2), Node::new(3));
    link(&a, &b);
    link(&b, &c);
    link(&c, &a);
    link(&a, &c);
    a
}

/// The snapshot ids of `a` and of its two children (`b`, `c`), found by
/// address through borrowed handles, so no count changes.
fn ids(snap: &Snapshot, a: &Gc<Node>) -> (usize, usize, usize) {
    let children = a.children.borrow();
    let id = |n: &Gc<Node>| snap.find(n).expect("in the snapshot").id;
    (id(a), id(&children[0]), id(&children[1]))
}

#[test]
fn a_snapshot_records_objects_counts_and_edges() {
    no_stress();
    let a = triangle();
    let snap = snapshot();
    assert_eq!(snap.len(), 3);
    let (ia, ib, ic) = ids(&snap, &a);
    let oa = snap.object(ia).unwrap();
    assert_eq!(oa.address, Gc::as_ptr(&a) as usize);
    assert_eq!(oa.type_name, std::any::type_name::<Node>());
    assert_eq!(oa.generation, Generation::Gen(0));
    assert_eq!((oa.strong_count, oa.external_count), (2, 1));
    let ob = snap.object(ib).unwrap();
    assert_eq!((ob.strong_count, ob.external_count), (1, 0));
    let oc = snap.object(ic).unwrap();
    assert_eq!((oc.strong_count, oc.external_count), (2, 0));
    assert_eq!(snap.referents(ia), [ib, ic]);
    assert_eq!(snap.referents(ib), [ic]);
    assert_eq!(snap.referents(ic), [ia]);
    for (i, o) in snap.objects().iter().enumerate() {
        assert_eq!(o.id, i);
    }
    support::unlink_all(&a);
}

#[test]
fn a_snapshot_records_generations_including_the_permanent_one() {
    no_stress();
    let old = Node::new(1);
    collect(); // generation 2
    let middle = Node::new(2);
    collect_generation(0); // generation 1
    let frozen = Node::new(3);
    let snap_before = snapshot();
    freeze();
    let young = Node::new(4);
    let snap = snapshot();
    assert_eq!(
        snap_before.find(&frozen).unwrap().generation,
        Generation::Gen(0)
    );
    assert_eq!(snap.find(&young).unwrap().generation, Generation::Gen(0));
    for n in [&old, &middle, &frozen] {
        assert_eq!(snap.find(n).unwrap().generation, Generation::Permanent);
    }
    unfreeze();
    let snap = snapshot();
    assert_eq!(snap.find(&middle).unwrap().generation, Generation::Gen(2));
    // Ids follow generation order: young first.
    assert_eq!(snap.find(&young).unwrap().id, 0);
}

#[test]
fn a_snapshot_holds_no_handles() {
    let a = triangle();
    let before = Gc::strong_count(&a);
    let snap = snapshot();
    assert_eq!(Gc::strong_count(&a), before);
    support::unlink_all(&a);
    drop(a);
    assert_eq!(drops_sorted(), [1, 2, 3], "freed while the snapshot lives");
    assert_eq!(snap.len(), 3);
}

#[derive(Trace)]
struct Holder {
    label: Gc<String>,
    next: RefCell<Option<Gc<Holder>>>,
}

#[test]
fn edges_to_untracked_objects_are_left_out() {
    let h = Gc::new(Holder {
        label: Gc::new("leaf".to_string()),
        next: RefCell::new(None),
    });
    let snap = snapshot();
    assert_eq!(snap.len(), 1);
    assert!(snap.referents(snap.find(&h).unwrap().id).is_empty());
    assert_eq!(get_referents(&h).len(), 1, "get_referents still lists it");
}

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

/// Checks that `json` says exactly what `snap` does.
fn assert_json_matches(json: &str, snap: &Snapshot) {
    let v: Value = serde_json::from_str(json).expect("valid JSON");
    let objects = v["objects"].as_array().expect("an `objects` array");
    assert_eq!(objects.len(), snap.len());
    for (j, o) in objects.iter().zip(snap.objects()) {
        assert_eq!(j["id"].as_u64(), Some(o.id as u64));
        assert_eq!(j["address"].as_u64(), Some(o.address as u64));
        assert_eq!(j["type"].as_str(), Some(&*o.type_name));
        let generation = match o.generation {
            Generation::Gen(g) => Value::from(g),
            Generation::Permanent => Value::from("permanent"),
        };
        assert_eq!(j["generation"], generation);
        assert_eq!(j["strong"].as_u64(), Some(o.strong_count as u64));
        assert_eq!(j["external"].as_u64(), Some(o.external_count as u64));
        let referents: Vec<usize> = j["referents"]
            .as_array()
            .expect("referents array")
            .iter()
            .map(|r| r.as_u64().expect("an id") as usize)
            .collect();
        assert_eq!(referents, snap.referents(o.id));
    }
}

#[test]
fn json_export_parses_back_to_the_snapshot() {
    let a = triangle();
    let snap = snapshot();
    assert_json_matches(&snap.to_json(), &snap);
    support::unlink_all(&a);
}

#[test]
fn json_export_of_an_empty_heap_is_valid() {
    let snap = snapshot();
    assert!(snap.is_empty());
    let v: Value = serde_json::from_str(&snap.to_json()).unwrap();
    assert_eq!(v, serde_json::json!({ "objects": [] }));
}

#[test]
fn json_export_writes_the_permanent_generation_as_a_string() {
    no_stress();
    let _a = Node::new(1);
    freeze();
    let snap = snapshot();
    let v: Value = serde_json::from_str(&snap.to_json()).unwrap();
    assert_eq!(v["objects"][0]["generation"], "permanent");
    assert_json_matches(&snap.to_json(), &snap);
    unfreeze();
}

/// An object whose type name needs escaping in both formats.
struct Odd;

const ODD_NAME: &str = "Odd \"quoted\" \\ name\nline2\t\u{1} é";

impl Trace for Odd {
    fn trace(&self, _: &mut Visitor<'_>) {}

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(ODD_NAME)
    }
}

#[test]
fn names_that_need_escaping_survive_both_exports() {
    let odd = Gc::new(Odd);
    let snap = snapshot();
    let v: Value = serde_json::from_str(&snap.to_json()).unwrap();
    assert_eq!(v["objects"][0]["type"], ODD_NAME);
    let dot = parse_dot(&snap.to_dot());
    let id = snap.find(&odd).unwrap().id;
    let label = &dot.labels[&id];
    assert!(
        label.starts_with(&format!("#{id} {ODD_NAME}\n")),
        "{label:?}"
    );
    render_with_graphviz(&snap.to_dot());
}

#[test]
fn a_large_snapshot_round_trips_through_json() {
    let nodes = support::chain(0..scale(2_000) as u64);
    let snap = snapshot();
    assert_eq!(snap.len(), nodes.len());
    assert_json_matches(&snap.to_json(), &snap);
}

// ---------------------------------------------------------------------------
// DOT
// ---------------------------------------------------------------------------

/// What `parse_dot` understood.
struct Dot {
    labels: BTreeMap<usize, String>,
    filled: Vec<usize>,
    edges: Vec<(usize, usize)>,
}

/// A strict parser for the DOT subset `Snapshot::to_dot` writes: a
/// `digraph` with one `node [...]` default, node lines
/// `n<id> [label="..."(, style=filled, fillcolor="...")?];` and edge lines
/// `n<a> -> n<b>;`. Any other line fails the test.
fn parse_dot(text: &str) -> Dot {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("digraph refcycle {"));
    assert_eq!(
        lines.next(),
        Some("  node [shape=box, fontname=\"monospace\"];")
    );
    let mut dot = Dot {
        labels: BTreeMap::new(),
        filled: Vec::new(),
        edges: Vec::new(),
    };
    let mut closed = false;
    for line in lines {
        assert!(!closed, "text after the closing brace: {line:?}");
        if line == "}" {
            closed = true;
        } else if let Some((from, to)) = line
            .trim()
            .strip_suffix(';')
            .and_then(|l| l.split_once(" -> "))
        {
            dot.edges.push((node_id(from), node_id(to)));
        } else if let Some((id, rest)) = line.trim().split_once(" [label=\"") {
            let (label, rest) = unescape_dot(rest);
            let id = node_id(id);
            match rest {
                "];" => {}
                ", style=filled, fillcolor=\"#fff2a8\"];" => dot.filled.push(id),
                other => panic!("unexpected node attributes {other:?}"),
            }
            assert!(dot.labels.insert(id, label).is_none(), "node n{id} twice");
        } else {
            panic!("unexpected DOT line {line:?}");
        }
    }
    assert!(closed, "no closing brace");
    dot
}

fn node_id(s: &str) -> usize {
    s.strip_prefix('n')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("bad node id {s:?}"))
}

/// Reads a DOT string body up to its closing quote; returns the text and
/// what follows the quote.
fn unescape_dot(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 1..]),
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => out.push('\n'),
                Some(c @ ('"' | '\\')) => out.push(c),
                other => panic!("unexpected escape {other:?}"),
            },
            c => out.push(c),
        }
    }
    panic!("unterminated string");
}

#[test]
fn dot_export_parses_back_to_the_snapshot() {
    let a = triangle();
    let snap = snapshot();
    let dot = parse_dot(&snap.to_dot());
    assert_eq!(
        dot.labels.keys().copied().collect::<Vec<_>>(),
        (0..snap.len()).collect::<Vec<_>>()
    );
    let mut want_edges = Vec::new();
    for o in snap.objects() {
        for &t in snap.referents(o.id) {
            want_edges.push((o.id, t));
        }
        let label = &dot.labels[&o.id];
        assert_eq!(
            label.lines().next().unwrap(),
            format!("#{} Node", o.id),
            "short type name"
        );
        assert!(
            label.contains(&format!("gen {}, strong {}", o.generation, o.strong_count)),
            "{label}"
        );
    }
    assert_eq!(dot.edges, want_edges);
    let ia = snap.find(&a).unwrap().id;
    assert_eq!(dot.filled, [ia], "only `a` is held from outside");
    assert!(dot.labels[&ia].ends_with("held from outside: 1"));
    render_with_graphviz(&snap.to_dot());
    support::unlink_all(&a);
}

#[test]
fn dot_export_of_an_empty_heap_is_valid() {
    let dot = parse_dot(&snapshot().to_dot());
    assert!(dot.labels.is_empty() && dot.edges.is_empty());
    render_with_graphviz(&snapshot().to_dot());
}

/// Runs `dot -Tsvg` on the text when Graphviz is installed (never under
/// Miri, which cannot spawn processes); skips otherwise.
fn render_with_graphviz(text: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    if cfg!(miri) || Command::new("dot").arg("-V").output().is_err() {
        eprintln!("Graphviz `dot` not found: skipping the rendering check");
        return;
    }
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dot");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "dot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
}
