//! Pitfall: a finalizer that *resurrects* its object.
//!
//! Run it with `cargo run --example resurrection`.
//!
//! A finalizer ([`Finalize::finalize`], Python's `__del__`) receives a strong
//! handle to the object that is dying. Nothing stops it from storing a clone
//! of that handle somewhere that lives on, here a thread-local registry:
//!
//! ```python
//! registry = []
//! class Phoenix:
//!     def __del__(self):
//!         registry.append(self)      # "I am not dead yet"
//! ```
//!
//! The object then survives its own death. PEP 442 (Python 3.4) and
//! refcycle agree on what happens next, and this example prints each step:
//!
//! 1. On the reference-counting path (the last handle is dropped), the
//!    finalizer runs, sees the count go back up, and the release stops
//!    there: the value is not dropped, and weak references to it stay
//!    alive (they were never cleared). When it dies again, the finalizer
//!    does **not** run a second time (`gc.is_finalized(obj)` stays true).
//! 2. In a cycle, the collector first clears every weak reference to the
//!    garbage, then runs the finalizers with the whole cycle intact, then
//!    checks the garbage again: the resurrected object and everything it
//!    reaches (the rest of its cycle) survive, untouched, and move to the
//!    next older generation (the oldest, after a full collection). Nothing is dropped, so the collection reports
//!    `0 collected`. The weak references that were cleared stay dead:
//!    resurrection does not bring them back. New ones work as usual.
//! 3. When the resurrected cycle becomes garbage again, the next collection
//!    frees it without running the finalizer again.
//!
//! The comments beside the statements give the Python line that does the
//! same. A Python script built from them prints the same lines, in the same
//! order, on CPython 3.11, except the `destroyed` ones: Python code cannot
//! watch an object's memory being reclaimed.
//!
//! [`Finalize::finalize`]: refcycle::Finalize::finalize

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use refcycle::{CallbackInfo, Finalize, Gc, GcCallback, Phase, Trace};

thread_local! {
    /// `registry = []`: where finalizers put the objects they resurrect.
    static REGISTRY: RefCell<Vec<Gc<Phoenix>>> = const { RefCell::new(Vec::new()) };
    /// Whether a collection is under way (set by the gc callback), so that
    /// each event can say which path it happens on.
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
}

/// An object whose finalizer resurrects it.
#[derive(Trace)]
struct Phoenix {
    #[trace(skip)]
    name: &'static str,
    /// `self.friend`: the other member of its cycle, if any.
    friend: RefCell<Option<Gc<Friend>>>,
}

/// A plain object (no finalizer) that the phoenix's cycle runs through.
#[derive(Trace)]
struct Friend {
    #[trace(skip)]
    name: &'static str,
    /// `self.phoenix`: closes the cycle.
    phoenix: RefCell<Option<Gc<Phoenix>>>,
}

impl Finalize for Phoenix {
    fn finalize(this: &Gc<Self>) {
        let friend = this.friend.borrow().as_ref().map(|f| f.name);
        println!(
            "  [{}] {}.__del__ runs; self.friend = {:?}; storing self in the registry",
            path("finalize_garbage: finalizer", "refcount path: finalizer"),
            this.name,
            friend,
        ); // print(...); registry.append(self)
        REGISTRY.with(|r| r.borrow_mut().push(this.clone()));
    }
}

impl Drop for Phoenix {
    fn drop(&mut self) {
        println!(
            "  [{}] {} is destroyed (its value is dropped)",
            path("delete_garbage: drop", "refcount path: drop"),
            self.name
        ); // (tp_dealloc / tp_clear: no Python code runs here)
    }
}

impl Drop for Friend {
    fn drop(&mut self) {
        println!(
            "  [{}] {} is destroyed (its value is dropped)",
            path("delete_garbage: drop", "refcount path: drop"),
            self.name
        ); // (tp_dealloc / tp_clear: no Python code runs here)
    }
}

/// Names the path an event happens on: inside a collection, the phase.
fn path(in_collection: &'static str, on_refcount_path: &'static str) -> &'static str {
    if COLLECTING.with(Cell::get) {
        in_collection
    } else {
        on_refcount_path
    }
}

/// `gc.callbacks.append(narrate)`: one line before and after a collection.
fn narrate_collections() -> GcCallback {
    let cb: GcCallback = Rc::new(|phase: Phase, info: &CallbackInfo| match phase {
        Phase::Start => {
            COLLECTING.with(|c| c.set(true));
            println!("-- collector starts (generation {}) --", info.generation);
        }
        Phase::Stop => {
            COLLECTING.with(|c| c.set(false));
            println!(
                "-- collector done: {} collected, {} uncollectable --",
                info.collected, info.uncollectable
            );
        }
    });
    refcycle::add_callback(cb.clone());
    cb
}

/// A weak-reference callback that announces the death it reports.
fn announce(name: &'static str) -> impl FnOnce() + 'static {
    move || {
        println!(
            "  [{}] {name} is dead",
            path(
                "handle_weakrefs: weakref callback",
                "refcount path: weakref callback"
            ),
        ) // lambda wr: print(...)
    }
}

fn registry_names() -> Vec<&'static str> {
    REGISTRY.with(|r| r.borrow().iter().map(|p| p.name).collect())
}

/// `registry.clear()`, taking the handles out before dropping them, so
/// that code run by the drops may use the registry.
fn clear_registry() {
    let taken = REGISTRY.with(|r| r.take());
    drop(taken);
}

/// Part 1: resurrection when the last handle is dropped.
fn on_the_refcount_path() {
    println!();
    println!("== 1. Resurrection on the reference-counting path");
    let p = Gc::new_with_finalizer(Phoenix {
        name: "lonely",
        friend: RefCell::new(None),
    }); // p = Phoenix("lonely")
    let w = Gc::downgrade_with_callback(&p, announce("lonely")); // w = weakref.ref(p, cb)
    println!("drop(p): the last handle goes"); // del p
    drop(p);
    println!("registry = {:?}", registry_names()); // print(registry)
    let back = REGISTRY.with(|r| r.borrow()[0].clone());
    println!(
        "is_finalized = {}, strong_count = {} (the registry's and ours)",
        refcycle::is_finalized(&back),
        Gc::strong_count(&back)
    ); // gc.is_finalized(registry[0])
    println!(
        "w.upgrade() is alive: {} (weak references are cleared only after a finalizer \
         that did not resurrect)",
        w.upgrade().is_some()
    ); // w() is not None  -> True
    drop(back);

    println!("registry.clear(): it dies again; its finalizer does not run again");
    clear_registry(); // registry.clear()
    println!("w.upgrade() is alive: {}", w.upgrade().is_some()); // w() is not None  -> False
}

/// Part 2: resurrection inside a cycle found by the collector.
fn in_a_cycle() {
    println!();
    println!("== 2. Resurrection inside a garbage cycle");
    let p = Gc::new_with_finalizer(Phoenix {
        name: "phoenix",
        friend: RefCell::new(None),
    }); // p = Phoenix("phoenix")
    let f = Gc::new(Friend {
        name: "friend",
        phoenix: RefCell::new(Some(p.clone())),
    }); // f = Friend("friend"); f.phoenix = p
    *p.friend.borrow_mut() = Some(f.clone()); // p.friend = f
    let wp = Gc::downgrade_with_callback(&p, announce("phoenix")); // wp = weakref.ref(p, cb)
    let wf = Gc::downgrade_with_callback(&f, announce("friend")); // wf = weakref.ref(f, cb)
    println!("drop(p), drop(f): the cycle is garbage"); // del p, f
    drop((p, f));

    let found = refcycle::collect(); // found = gc.collect()
    println!("collect() = {found}: the garbage was all resurrected, nothing was freed"); // print(found)  -> 0

    let p = REGISTRY.with(|r| r.borrow()[0].clone());
    let f = p.friend.borrow().clone().expect("the cycle survived");
    let back = f.phoenix.borrow().clone().expect("the cycle survived");
    println!(
        "registry = {:?}; registry[0].friend = {:?}; its .phoenix is registry[0]: {}",
        registry_names(),
        f.name,
        Gc::ptr_eq(&back, &p)
    ); // print(registry, registry[0].friend.name, registry[0].friend.phoenix is registry[0])
    println!(
        "the old weak references stay dead: wp alive = {}, wf alive = {}",
        wp.upgrade().is_some(),
        wf.upgrade().is_some()
    ); // wp() is None and wf() is None  -> True
    let w2 = Gc::downgrade(&p); // w2 = weakref.ref(registry[0])
    println!(
        "a weak reference made after the resurrection works: w2 alive = {}",
        w2.upgrade().is_some()
    ); // w2() is not None  -> True
    drop((p, f, back));

    println!();
    println!("== 3. The resurrected cycle dies again");
    println!("registry.clear(): only the cycle holds it now"); // registry.clear()
    clear_registry();
    let found = refcycle::collect(); // found = gc.collect()
    println!("collect() = {found}: freed this time, and __del__ did not run again"); // print(found)  -> 2
    println!("w2 alive = {}", w2.upgrade().is_some()); // w2() is None  -> True
}

/// The whole narrated walk (the tour example runs it too).
pub fn tour() {
    println!("refcycle: a finalizer that resurrects its object (PEP 442)");
    refcycle::disable(); // gc.disable(): only our explicit collect() calls run
    let narrator = narrate_collections();
    on_the_refcount_path();
    in_a_cycle();
    refcycle::remove_callback(&narrator); // gc.callbacks.remove(narrate)
}

fn main() {
    tour();
}
