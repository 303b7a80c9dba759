//! A narrated tour of refcycle for Python programmers.
//!
//! Run it with `cargo run --example tour`. Each numbered step prints what
//! it does, the Python it corresponds to, and what the heap reports.
//!
//! The steps:
//! 1. reference counting frees an object the moment its last handle goes;
//! 2. a reference cycle that reference counting cannot free;
//! 3. `get_count()`: what the automatic trigger counts;
//! 4. `collect()` finds the cycle and frees it;
//! 5. generations: objects that survive a young collection are promoted;
//! 6. a young collection does not look at the older generations;
//! 7. weak references die with their object.
//!
//! Then it visits the pitfall examples listed in `PITFALLS`: resurrection,
//! a legacy finalizer that blocks collection, a `Drop` that sees a
//! half-destroyed neighbour, and weak-reference callbacks.

use std::cell::{Cell, RefCell};

use refcycle::{Gc, Trace, Weak};

/// Prints the numbered steps.
struct Narrator {
    step: Cell<u32>,
}

impl Narrator {
    fn step(&self, title: &str, python: &str) {
        let n = self.step.get() + 1;
        self.step.set(n);
        println!();
        println!("Step {n}. {title}");
        for line in python.lines() {
            println!("    >>> {line}");
        }
    }

    fn say(&self, text: &str) {
        println!("  {text}");
    }
}

/// An object that announces its own destruction: Rust's `Drop`, which runs
/// when the value is destroyed (by reference counting or by the collector).
#[derive(Trace)]
struct Node {
    #[trace(skip)]
    name: &'static str,
    /// Like a Python attribute that may point at another object.
    other: RefCell<Option<Gc<Node>>>,
}

impl Node {
    fn new(name: &'static str) -> Gc<Node> {
        Gc::new(Node {
            name,
            other: RefCell::new(None),
        })
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        println!("  [drop] {} is destroyed", self.name);
    }
}

/// A value that can hold no handle: `NEEDS_TRACE` is false, so the
/// collector never tracks it (CPython does not track ints or strs).
#[derive(Trace)]
struct Leaf {
    name: &'static str,
}

impl Drop for Leaf {
    fn drop(&mut self) {
        println!("  [drop] {} is destroyed", self.name);
    }
}

fn counts() -> String {
    format!("get_count() = {:?}", refcycle::get_count())
}

fn stats() -> String {
    let s = refcycle::get_stats();
    let per_gen: Vec<String> = s
        .iter()
        .enumerate()
        .map(|(g, st)| {
            format!(
                "gen {g}: collections={} collected={}",
                st.collections, st.collected
            )
        })
        .collect();
    format!("get_stats() = [{}]", per_gen.join("; "))
}

/// Step 1: the last handle goes, the object goes, no collector involved.
fn refcounting(t: &Narrator) {
    t.step(
        "Reference counting frees an object at once",
        "x = Leaf('leaf')   # an object holding no references, like an int or a str\n\
         y = x\ndel x\ndel y              # refcount 0: freed now",
    );
    let x = Gc::new(Leaf { name: "leaf" });
    let y = x.clone();
    t.say(&format!(
        "two handles: Gc::strong_count = {} (sys.getrefcount minus its own)",
        Gc::strong_count(&x)
    ));
    t.say(&format!(
        "is_tracked(&x) = {}: a Leaf can hold no Gc, so the collector ignores it",
        refcycle::is_tracked(&x)
    ));
    drop(x);
    t.say(&format!(
        "after drop(x): strong_count = {}",
        Gc::strong_count(&y)
    ));
    t.say("now drop(y), the last handle:");
    drop(y);
    t.say("the value was dropped inside drop(y), before this line");
}

/// Steps 2 to 4: a cycle, the counts, and the collection that frees it.
fn cycle_and_collect(t: &Narrator) {
    t.step(
        "A cycle that reference counting cannot free",
        "a = Node('a'); b = Node('b')\na.other = b; b.other = a\ndel a, b",
    );
    let a = Node::new("a");
    let b = Node::new("b");
    *a.other.borrow_mut() = Some(b.clone());
    *b.other.borrow_mut() = Some(a.clone());
    t.say(&format!(
        "with the locals: strong_count(a) = {}, strong_count(b) = {}",
        Gc::strong_count(&a),
        Gc::strong_count(&b)
    ));
    let (wa, wb) = (Gc::downgrade(&a), Gc::downgrade(&b));
    drop((a, b));
    t.say(&format!(
        "after dropping the locals: strong_count(a) = {}, strong_count(b) = {}",
        wa.strong_count(),
        wb.strong_count()
    ));
    t.say("each is held by the other, so neither count reaches 0: nothing was dropped");

    t.step("What the automatic trigger counts", "gc.get_count()");
    t.say(&counts());
    t.say("the first number: tracked allocations minus deallocations since the");
    t.say("last young collection (a, b). Past get_threshold().0 (700) a young");
    t.say("collection runs by itself; this tour stays far below that.");

    t.step("collect() finds the cycle and frees it", "gc.collect()");
    let found = refcycle::collect();
    t.say(&format!(
        "collect() returned {found}: the unreachable objects it found"
    ));
    t.say(&format!(
        "weak handles now: a alive = {}, b alive = {}",
        wa.upgrade().is_some(),
        wb.upgrade().is_some()
    ));
    t.say(&counts());
}

/// Step 5: a survivor of a young collection moves to generation 1, where
/// young collections no longer look at it.
fn generations(t: &Narrator) {
    t.step(
        "Generations: survivors are promoted",
        "p = Node('p'); q = Node('q')\np.other = q; q.other = p\n\
         gc.collect(0)      # p is held by a local: survives, moves to generation 1",
    );
    let p = Node::new("p");
    let q = Node::new("q");
    *p.other.borrow_mut() = Some(q.clone());
    *q.other.borrow_mut() = Some(p.clone());
    drop(q); // q is still reachable through p
    t.say(&format!("before: {}", counts()));
    let found = refcycle::collect_generation(0);
    t.say(&format!(
        "collect_generation(0) returned {found}; after: {}",
        counts()
    ));
    t.say("generation 0 is empty again: p and q moved to generation 1. The");
    t.say("second number counts young collections since generation 1 was last");
    t.say("collected.");

    t.step(
        "A young collection does not look at older generations",
        "del p              # the cycle p <-> q is now garbage, in generation 1\n\
         gc.collect(0)      # 0: generation 1 is not examined\n\
         gc.collect(1)      # 2",
    );
    drop(p);
    t.say(&format!(
        "collect_generation(0) returned {}",
        refcycle::collect_generation(0)
    ));
    t.say("the cycle is still there: it lives in generation 1 now");
    let found = refcycle::collect_generation(1);
    t.say(&format!(
        "collect_generation(1) returned {found}; after: {}",
        counts()
    ));
    t.say(&stats());
}

/// Step 6: weak references die with their object, on either path.
fn weak_references(t: &Narrator) {
    t.step(
        "A weak reference dies with its object",
        "r = weakref.ref(obj)\nr() is obj          # True\ndel obj\nr() is None         # True",
    );
    let obj = Node::new("obj");
    let r: Weak<Node> = Gc::downgrade(&obj);
    t.say(&format!(
        "r.upgrade() gives {:?}",
        r.upgrade().map(|o| o.name)
    ));
    drop(obj);
    t.say(&format!(
        "after drop(obj): r.upgrade().is_none() = {}",
        r.upgrade().is_none()
    ));

    println!();
    t.say("the same for an object that only the collector can free:");
    let c = Node::new("c");
    *c.other.borrow_mut() = Some(c.clone()); // c.other = c
    let r = Gc::downgrade(&c);
    drop(c);
    t.say(&format!(
        "c refers to itself; after drop(c), r is alive: {}",
        r.upgrade().is_some()
    ));
    let found = refcycle::collect();
    t.say(&format!(
        "collect() returned {found}; r is alive: {}",
        r.upgrade().is_some()
    ));
}

// The pitfall examples, compiled into the tour as modules; each one's own
// `main` is unused here.
#[allow(dead_code)]
#[path = "half_destroyed.rs"]
mod half_destroyed;
#[allow(dead_code)]
#[path = "legacy_finalizer_blocks.rs"]
mod legacy_finalizer_blocks;
#[allow(dead_code)]
#[path = "resurrection.rs"]
mod resurrection;
#[allow(dead_code)]
#[path = "weakref_callbacks.rs"]
mod weakref_callbacks;

/// The examples of finalizer pitfalls, visited after the basic steps, each
/// on a thread of its own so that it starts from a fresh heap (they turn
/// automatic collection off and install gc callbacks). Each is also a
/// program of its own: `cargo run --example resurrection`, and so on.
const PITFALLS: &[Pitfall] = &[
    (
        "Pitfall: a finalizer resurrects its object",
        resurrection::tour,
    ),
    (
        "Pitfall: a Python-2-style finalizer blocks the collection of its cycle",
        legacy_finalizer_blocks::tour,
    ),
    (
        "Pitfall: a Drop impl looks at another member of its own cycle",
        half_destroyed::tour,
    ),
    (
        "Pitfall: when (and whether) a weak reference's callback runs",
        weakref_callbacks::tour,
    ),
];

/// Narrated programs not visited by the tour.
const PITFALL_PROGRAMS: &[(&str, &str)] =
    &[("leak_hunt", "a leak hunt with the introspection functions")];

/// A pitfall example: its title and the function that walks through it.
type Pitfall = (&'static str, fn());

/// Runs one pitfall example on a thread (and so a heap) of its own.
fn visit(example: fn()) {
    let done = std::thread::spawn(example).join();
    done.expect("the pitfall example panicked");
}

fn main() {
    // The tour prints exact counts, so it controls when collections run:
    // no stress mode, even when REFCYCLE_STRESS is set in the environment.
    refcycle::set_stress(false);

    println!("refcycle: a tour of reference counting and the cycle collector");
    println!("(the lines starting with >>> are the Python each step mirrors)");
    let t = Narrator { step: Cell::new(0) };
    refcounting(&t);
    cycle_and_collect(&t);
    generations(&t);
    weak_references(&t);

    // ---- Pitfall examples: visited in order, from the list above. ----
    for (title, example) in PITFALLS {
        t.step(title, "");
        visit(*example);
    }

    println!();
    println!("More narrated programs:");
    for (name, what) in PITFALL_PROGRAMS {
        println!("    cargo run --example {name:<24} # {what}");
    }

    println!();
    println!("End of the tour. Read docs/internals.md for how a collection works.");
}
