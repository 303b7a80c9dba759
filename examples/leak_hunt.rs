//! A leak hunt, objgraph-style: a server leaks two objects per request,
//! and refcycle's introspection finds out why.
//!
//! Run it with `cargo run --example leak_hunt`. The steps:
//! 1. serve 100 requests between two snapshots: their growth (objgraph's
//!    `show_growth`) says Listener and Request objects pile up;
//! 2. `collect()` frees none of them, so they are not garbage: something
//!    reachable holds them;
//! 3. `backref_chain` on one Request shows what: the App's Cache holds a
//!    Listener, which holds the Request (which holds the Listener back: the
//!    forgotten cycle);
//! 4. a snapshot of three requests, written as Graphviz DOT (and as SVG,
//!    when Graphviz's `dot` is installed);
//! 5. the fix: the Cache holds its listeners through `Weak` handles. The
//!    request/listener cycles become garbage, the collector frees them, and
//!    nothing grows any more.
//!
//! The output is the same on every run (no addresses), except for the
//! temporary directory the DOT file goes to.

use std::cell::RefCell;
use std::path::Path;
use std::process::Command;

use refcycle::{
    backref_chain, collect, get_objects, leak_report, snapshot, Gc, Snapshot, Trace, Weak,
};

/// The application: one long-lived object holding the shared cache.
#[derive(Trace)]
struct App {
    cache: Gc<Cache>,
}

/// A cache of change listeners, notified when the data they watch changes.
#[derive(Trace)]
struct Cache {
    /// The bug: strong handles keep every listener alive forever.
    strong: RefCell<Vec<Gc<Listener>>>,
    /// The fix: weak handles, pruned once their listener is gone.
    weak: RefCell<Vec<Weak<Listener>>>,
}

/// Calls back into its request when the cached data changes.
#[derive(Trace)]
struct Listener {
    request: Gc<Request>,
}

/// One request; it keeps its listener to unsubscribe later (and forgets).
#[derive(Trace)]
struct Request {
    #[trace(skip)]
    id: u32,
    listener: RefCell<Option<Gc<Listener>>>,
}

impl App {
    fn new() -> Gc<App> {
        Gc::new(App {
            cache: Gc::new(Cache {
                strong: RefCell::new(Vec::new()),
                weak: RefCell::new(Vec::new()),
            }),
        })
    }

    /// Handles one request. With `fixed == false`, the cache keeps the
    /// listener, hence the request, alive after the request is done.
    fn serve(&self, id: u32, fixed: bool) {
        let request = Gc::new(Request {
            id,
            listener: RefCell::new(None),
        });
        let listener = Gc::new(Listener {
            request: request.clone(),
        });
        // request <-> listener: a cycle, fine on its own (the collector
        // frees cycles), fatal when something reachable holds it.
        *request.listener.borrow_mut() = Some(listener.clone());
        if fixed {
            let mut weak = self.cache.weak.borrow_mut();
            weak.retain(Weak::is_alive);
            weak.push(Gc::downgrade(&listener));
        } else {
            self.cache.strong.borrow_mut().push(listener);
        }
    }
}

fn step(n: u32, title: &str) {
    println!();
    println!("Step {n}. {title}");
}

fn show_growth(before: &Snapshot, after: &Snapshot) {
    let growth = Snapshot::growth(before, after);
    if growth.is_empty() {
        println!("  (no type grew)");
    }
    for row in growth {
        println!("  {row}");
    }
}

fn main() {
    let app = App::new();

    step(1, "Serve 100 requests between two snapshots; what grew?");
    let before = snapshot();
    for id in 0..100 {
        app.serve(id, false);
    }
    let after = snapshot();
    show_growth(&before, &after);

    step(2, "Is it garbage the collector has not got to yet?");
    println!("  collect() found {} unreachable objects", collect());
    println!("  still growing after the collection:");
    show_growth(&before, &snapshot());
    println!("  No: something reachable holds them.");

    step(3, "Why is a Request alive? (objgraph's find_backref_chain)");
    let request = get_objects(None)
        .into_iter()
        .find_map(|o| o.downcast::<Request>())
        .expect("a leaked request");
    // `find_map` consumed the Vec: no stray handles make objects look held.
    // A snapshot taken first: the chain's own handles would count as
    // handles from outside.
    let snap = snapshot();
    println!("  Request #{}:", request.id);
    let chain = backref_chain(&request).expect("something holds it");
    println!("  {chain}");
    let root = snap.find(chain.root()).expect("in the snapshot");
    println!(
        "  It starts at the App, held from outside the heap by {} handle: our `app` local.",
        root.external_count
    );
    println!("  The Cache keeps each Listener; each Listener keeps its Request.");
    drop((request, chain, snap, app));
    collect();

    step(4, "Draw it: three leaked requests as a Graphviz graph");
    let small = App::new();
    for id in 0..3 {
        small.serve(id, false);
    }
    let snap = snapshot();
    println!(
        "  {} objects, {} held from outside:",
        snap.len(),
        roots(&snap)
    );
    for (name, n) in snap.most_common_types(10) {
        println!("    {n} {}", name.rsplit("::").next().unwrap_or_default());
    }
    write_graph(&snap);
    drop(small);
    collect();

    step(5, "The fix: the Cache holds Weak<Listener>");
    let app = App::new();
    let before = snapshot();
    for id in 0..100 {
        app.serve(id, true);
    }
    println!(
        "  collect() freed {} objects (100 request/listener cycles)",
        collect()
    );
    show_growth(&before, &snapshot());
    print!("  leak_report():\n{}", indent(&leak_report().to_string()));
    drop(app);
}

fn roots(snap: &Snapshot) -> usize {
    snap.objects()
        .iter()
        .filter(|o| o.external_count > 0)
        .count()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// Writes `leak_hunt.dot` to the temporary directory, and `leak_hunt.svg`
/// next to it if Graphviz is installed.
fn write_graph(snap: &Snapshot) {
    let dir = std::env::temp_dir();
    let dot_path = dir.join("leak_hunt.dot");
    std::fs::write(&dot_path, snap.to_dot()).expect("write the DOT file");
    println!("  wrote {}", dot_path.display());
    let svg_path = dir.join("leak_hunt.svg");
    match render_svg(&dot_path, &svg_path) {
        Ok(()) => println!("  wrote {} (Graphviz)", svg_path.display()),
        Err(why) => println!("  no SVG: {why}; render with `dot -Tsvg leak_hunt.dot`"),
    }
}

fn render_svg(dot: &Path, svg: &Path) -> Result<(), String> {
    let status = Command::new("dot")
        .arg("-Tsvg")
        .arg(dot)
        .arg("-o")
        .arg(svg)
        .status()
        .map_err(|_| "Graphviz's `dot` is not installed".to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`dot` failed ({status})"))
    }
}
