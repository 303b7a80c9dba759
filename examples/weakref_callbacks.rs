//! Pitfall: *when* (and whether) a weak reference's callback runs.
//!
//! Run it with `cargo run --example weakref_callbacks`.
//!
//! [`Gc::downgrade_with_callback`] is Python's `weakref.ref(obj, callback)`:
//! the callback runs when `obj` dies. Python programmers are often caught
//! out by its exact rules, which refcycle follows (CPython's
//! `subtype_dealloc` and `handle_weakrefs`):
//!
//! 1. On the reference-counting path (the last handle goes), the object's
//!    finalizer runs first, then the callbacks, then the value is dropped.
//! 2. In a collection, every weak reference to the garbage is cleared
//!    *before* any user code runs; then the callbacks of weak references
//!    held from outside the garbage run; only then do the finalizers run.
//!    So a finalizer (or a callback) can never reach the garbage through a
//!    weak reference.
//! 3. A weak reference that is itself held *inside* the garbage never gets
//!    its callback called, whether it points into the garbage or at an
//!    object that is still alive (the callback could otherwise see or
//!    resurrect objects in an unsafe state).
//! 4. Several callbacks on one object run newest first.
//! 5. Dropping the weak reference (`del wr`) cancels its callback.
//!
//! One difference of form: Python passes the dead weak reference to the
//! callback (`lambda wr: ...`), a refcycle callback takes no argument, so
//! the closures here capture a plain weak handle (`probe`) to check that
//! the object is gone. The Python lines are in the comments; CPython 3.11
//! prints the same events in the same order, though its "collected" counts
//! in part 3 are higher: there the weakref objects and the callback
//! functions are garbage objects too.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use refcycle::{CallbackInfo, Finalize, Gc, GcCallback, Phase, Trace, Weak};

thread_local! {
    /// Whether a collection is under way (set by the gc callback), so that
    /// each event can say which path it happens on.
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
    /// `probe`: a plain weak reference the finalizers report on.
    static PROBE: RefCell<Option<Weak<Obj>>> = const { RefCell::new(None) };
}

/// An object with a finalizer that may hold a strong and a weak reference.
#[derive(Trace)]
struct Obj {
    #[trace(skip)]
    name: &'static str,
    /// `self.other`.
    other: RefCell<Option<Gc<Obj>>>,
    /// `self.wr`: a weak reference (with a callback) owned by this object.
    wr: RefCell<Option<Weak<Obj>>>,
}

impl Finalize for Obj {
    fn finalize(this: &Gc<Self>) {
        let phase = path("finalize_garbage: finalizer", "refcount path: finalizer");
        let probe = PROBE.with(|p| p.borrow().as_ref().map(|w| w.upgrade().is_some()));
        match probe {
            Some(alive) => println!("  [{phase}] {}.__del__; probe alive: {alive}", this.name), // def __del__(self): print(self.name, probe() is not None)
            None => println!("  [{phase}] {}.__del__", this.name), // def __del__(self): print(self.name)
        }
    }
}

impl Drop for Obj {
    fn drop(&mut self) {
        println!(
            "  [{}] {} is destroyed",
            path("delete_garbage: drop", "refcount path: drop"),
            self.name
        ); // (tp_dealloc / tp_clear: no Python code runs here)
    }
}

fn obj(name: &'static str) -> Gc<Obj> {
    Gc::new_with_finalizer(Obj {
        name,
        other: RefCell::new(None),
        wr: RefCell::new(None),
    }) // Obj(name)
}

/// `weakref.ref(target, lambda wr: print(label, "callback; wr() is None:", wr() is None))`
fn weak_with_callback(target: &Gc<Obj>, label: &'static str) -> Weak<Obj> {
    let probe = Gc::downgrade(target);
    Gc::downgrade_with_callback(target, move || {
        println!(
            "  [{}] {label} callback; upgrade() is None: {}",
            path("handle_weakrefs: callback", "refcount path: callback"),
            probe.upgrade().is_none()
        )
    })
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

/// Part 1: the last handle goes.
fn refcount_death() {
    println!();
    println!("== 1. Refcount death: the finalizer first, then the callback");
    let o = obj("solo"); // o = Obj("solo")
    let _w = weak_with_callback(&o, "solo"); // w = weakref.ref(o, callback)
    println!("drop(o)"); // del o
    drop(o);
}

/// Part 2: a garbage cycle with a weak reference from outside.
fn collection_order() {
    println!();
    println!("== 2. In a collection: weak refs cleared, callbacks, then finalizers");
    let a = obj("a"); // a = Obj("a")
    let b = obj("b"); // b = Obj("b")
    *a.other.borrow_mut() = Some(b.clone()); // a.other = b
    *b.other.borrow_mut() = Some(a.clone()); // b.other = a
    PROBE.with(|p| *p.borrow_mut() = Some(Gc::downgrade(&a))); // probe = weakref.ref(a)
    let _wa = weak_with_callback(&a, "a"); // wa = weakref.ref(a, callback)
    println!("drop(a), drop(b), collect()"); // del a, b
    drop((a, b));
    refcycle::collect(); // gc.collect()
    PROBE.with(|p| p.take()); // probe = None
}

/// Part 3: weak references owned by the garbage.
fn weakref_inside_garbage() {
    println!();
    println!("== 3. A weak reference held inside the garbage: no callback, ever");
    let a = obj("a"); // a = Obj("a")
    let b = obj("b"); // b = Obj("b")
    let x = obj("x"); // x = Obj("x"): stays alive
    *a.other.borrow_mut() = Some(b.clone()); // a.other = b
    *b.other.borrow_mut() = Some(a.clone()); // b.other = a
    *a.wr.borrow_mut() = Some(weak_with_callback(&b, "b (held by a)")); // a.wr = weakref.ref(b, callback)
    *b.wr.borrow_mut() = Some(weak_with_callback(&x, "x (held by b)")); // b.wr = weakref.ref(x, callback)
    println!("drop(a), drop(b), collect(): b dies, but a.wr is garbage too"); // del a, b
    drop((a, b));
    refcycle::collect(); // gc.collect()
    println!("drop(x): x dies, but the weak reference b.wr died with b"); // del x
    drop(x);
}

/// Part 4: several callbacks on one object.
fn newest_first() {
    println!();
    println!("== 4. Several callbacks: newest first");
    let o = obj("multi"); // o = Obj("multi")
    let ws: Vec<Weak<Obj>> = ["multi #1", "multi #2", "multi #3"]
        .into_iter()
        .map(|label| weak_with_callback(&o, label))
        .collect(); // ws = [weakref.ref(o, callback(i)) for i in (1, 2, 3)]
    println!("on the refcount path: drop(o)"); // del o
    drop(o);
    drop(ws);

    let o = obj("multi2"); // o = Obj("multi2")
    *o.other.borrow_mut() = Some(o.clone()); // o.other = o
    let ws: Vec<Weak<Obj>> = ["multi2 #1", "multi2 #2", "multi2 #3"]
        .into_iter()
        .map(|label| weak_with_callback(&o, label))
        .collect(); // ws = [weakref.ref(o, callback(i)) for i in (1, 2, 3)]
    println!("in a collection: drop(o), collect()"); // del o
    drop(o);
    refcycle::collect(); // gc.collect()
    drop(ws);
}

/// Part 5: dropping the weak reference first.
fn cancelled() {
    println!();
    println!("== 5. Dropping the weak reference cancels its callback");
    let o = obj("cancel"); // o = Obj("cancel")
    let w = weak_with_callback(&o, "cancel"); // w = weakref.ref(o, callback)
    println!("drop(w), then drop(o): no callback"); // del w; del o
    drop(w);
    drop(o);
}

/// The whole narrated walk (the tour example runs it too).
pub fn tour() {
    println!("refcycle: when weak reference callbacks run");
    refcycle::disable(); // gc.disable(): only our explicit collect() calls run
    let narrator = narrate_collections();
    refcount_death();
    collection_order();
    weakref_inside_garbage();
    newest_first();
    cancelled();
    refcycle::remove_callback(&narrator); // gc.callbacks.remove(narrate)
}

fn main() {
    tour();
}
