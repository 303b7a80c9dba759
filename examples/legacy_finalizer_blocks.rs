//! Pitfall: a Python-2-style finalizer blocks the collection of its cycle.
//!
//! Run it with `cargo run --example legacy_finalizer_blocks`.
//!
//! Before PEP 442 (Python 3.4), the collector did not know in which order to
//! run the `__del__` methods of a garbage cycle, nor whether a `__del__`
//! would find its neighbours already torn down. So it refused: a cycle
//! through an object with a `__del__` was never freed. The collector
//! counted it as *uncollectable* and appended the object to `gc.garbage`,
//! alive, for the programmer to inspect and break by hand.
//!
//! refcycle keeps that behaviour for objects made with
//! [`Gc::new_with_legacy_finalizer`]. In CPython 3 only C types with a
//! `tp_del` slot still have it; CPython's own test suite makes one from a
//! Python class with `_testcapi.with_tp_del`, which the Python lines in the
//! comments use:
//!
//! ```python
//! from _testcapi import with_tp_del
//!
//! @with_tp_del
//! class Conn:                      # Python 2: class Conn(object) with __del__
//!     def __tp_del__(self):
//!         print(self.name, "closes; pool =", self.pool.name)
//! ```
//!
//! What the example shows, step by step:
//!
//! 1. A cycle `conn <-> pool` where `conn` has a legacy finalizer:
//!    `collect()` finds 2 unreachable objects, frees none, reports both as
//!    uncollectable; no finalizer runs, no weak reference dies.
//! 2. `garbage()` holds the legacy object only (as `gc.garbage` does); the
//!    pool it references is kept alive through it. We inspect the entry
//!    ([`AnyGc::type_name`], [`AnyGc::downcast`]).
//! 3. While `garbage()` holds them they are reachable, so a second
//!    collection finds nothing.
//! 4. We break the cycle by hand and empty `garbage()`: reference counting
//!    frees both objects, and the legacy finalizer finally runs, with its
//!    pool still intact.
//! 5. The same cycle built with [`Gc::new_with_finalizer`] (PEP 442) is
//!    collected at once: the finalizer runs, then both are freed.
//!
//! Run as Python (with the `_testcapi` class above), the same steps print
//! the same lines on CPython 3.11, except the `destroyed` ones.
//!
//! [`AnyGc::type_name`]: refcycle::AnyGc::type_name
//! [`AnyGc::downcast`]: refcycle::AnyGc::downcast

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use refcycle::{CallbackInfo, Finalize, Gc, GcCallback, Phase, Trace};

thread_local! {
    /// Whether a collection is under way (set by the gc callback), so that
    /// each event can say which path it happens on.
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
}

/// A connection that must be closed before it goes: it has a finalizer.
#[derive(Trace)]
struct Conn {
    #[trace(skip)]
    name: &'static str,
    /// `self.pool`.
    pool: RefCell<Option<Gc<Pool>>>,
}

/// The pool the connection belongs to; it points back at the connection.
#[derive(Trace)]
struct Pool {
    #[trace(skip)]
    name: &'static str,
    /// `self.conn`.
    conn: RefCell<Option<Gc<Conn>>>,
}

impl Finalize for Conn {
    // LEGACY stays `false`: whether the finalizer is a legacy one is chosen
    // per object, by `new_with_legacy_finalizer` or `new_with_finalizer`.
    fn finalize(this: &Gc<Self>) {
        let pool = this.pool.borrow().as_ref().map(|p| p.name);
        println!(
            "  [{}] {} closes; self.pool = {:?}",
            path("finalize_garbage: finalizer", "refcount path: finalizer"),
            this.name,
            pool
        ); // def __del__(self): print(self.name, "closes; pool =", self.pool.name)
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        println!(
            "  [{}] {} is destroyed",
            path("delete_garbage: drop", "refcount path: drop"),
            self.name
        ); // (tp_dealloc: no Python code runs here)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        println!(
            "  [{}] {} is destroyed",
            path("delete_garbage: drop", "refcount path: drop"),
            self.name
        ); // (tp_dealloc: no Python code runs here)
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

/// Builds `conn <-> pool` and drops the local handles; returns weak
/// handles to watch them. `make` chooses the kind of finalizer.
fn garbage_cycle(
    names: (&'static str, &'static str),
    make: fn(Conn) -> Gc<Conn>,
) -> (refcycle::Weak<Conn>, refcycle::Weak<Pool>) {
    let conn = make(Conn {
        name: names.0,
        pool: RefCell::new(None),
    }); // conn = Conn("conn")
    let pool = Gc::new(Pool {
        name: names.1,
        conn: RefCell::new(Some(conn.clone())),
    }); // pool = Pool("pool"); pool.conn = conn
    *conn.pool.borrow_mut() = Some(pool.clone()); // conn.pool = pool
    let watch = (Gc::downgrade(&conn), Gc::downgrade(&pool)); // wc, wp = weakref.ref(conn), weakref.ref(pool)
    println!("drop(conn), drop(pool): the cycle is garbage"); // del conn, pool
    drop((conn, pool));
    watch
}

/// Parts 1 to 4: the legacy finalizer.
fn legacy() {
    println!();
    println!("== 1. A cycle through a legacy finalizer is uncollectable");
    let (wc, wp) = garbage_cycle(("conn", "pool"), Gc::new_with_legacy_finalizer);
    let found = refcycle::collect(); // found = gc.collect()
    println!("collect() = {found}: found unreachable, but nothing was freed or finalized"); // print(found)  -> 2
    println!(
        "weak references to them are still alive: conn {}, pool {}",
        wc.upgrade().is_some(),
        wp.upgrade().is_some()
    ); // wc() is not None, wp() is not None  -> True True

    println!();
    println!("== 2. Inspecting garbage()");
    let garbage = refcycle::garbage(); // gc.garbage
    println!(
        "len(garbage()) = {}: the legacy object only; the pool lives on through it",
        garbage.len()
    ); // len(gc.garbage)  -> 1
    let entry = &garbage[0];
    println!("garbage()[0].type_name() = {}", entry.type_name()); // type(gc.garbage[0])
    println!(
        "downcast::<Pool>() is None: {}",
        entry.downcast::<Pool>().is_none()
    ); // not isinstance(gc.garbage[0], Pool)  -> True
    let conn = entry.downcast::<Conn>().expect("a Conn"); // conn = gc.garbage[0]
    let pool = conn.pool.borrow().clone().expect("its pool"); // pool = conn.pool
    println!(
        "conn.name = {:?}, conn.pool.name = {:?}, conn.pool.conn is conn: {}",
        conn.name,
        pool.name,
        pool.conn
            .borrow()
            .as_ref()
            .is_some_and(|c| Gc::ptr_eq(c, &conn))
    ); // print(conn.name, conn.pool.name, conn.pool.conn is conn)
    drop(garbage);

    println!();
    println!("== 3. garbage() keeps them reachable: another collection finds nothing");
    let found = refcycle::collect(); // found = gc.collect()
    println!("collect() = {found}"); // print(found)  -> 0

    println!();
    println!("== 4. Breaking the cycle by hand");
    let back = pool.conn.borrow_mut().take(); // pool.conn = None
    drop(back);
    drop(pool);
    println!("pool.conn = None: the cycle is broken; now empty garbage() and drop conn");
    refcycle::clear_garbage(); // del gc.garbage[:]
    drop(conn); // del conn
    println!(
        "conn alive: {}, pool alive: {}",
        wc.upgrade().is_some(),
        wp.upgrade().is_some()
    ); // wc() is None, wp() is None  -> True True
}

/// Part 5: the same cycle with a PEP 442 finalizer.
fn pep_442() {
    println!();
    println!("== 5. The same cycle with a PEP 442 finalizer (Python 3's __del__)");
    let (wc, wp) = garbage_cycle(("conn442", "pool442"), Gc::new_with_finalizer);
    let found = refcycle::collect(); // found = gc.collect()
    println!(
        "collect() = {found}; len(garbage()) = {}",
        refcycle::garbage().len()
    ); // print(found, len(gc.garbage))  -> 2 0
    println!(
        "conn442 alive: {}, pool442 alive: {}",
        wc.upgrade().is_some(),
        wp.upgrade().is_some()
    ); // wc() is None, wp() is None  -> True True
}

/// The whole narrated walk (the tour example runs it too).
pub fn tour() {
    println!("refcycle: a legacy (Python 2 style) finalizer blocks collection");
    refcycle::disable(); // gc.disable(): only our explicit collect() calls run
    let narrator = narrate_collections();
    legacy();
    pep_442();
    refcycle::remove_callback(&narrator); // gc.callbacks.remove(narrate)
}

fn main() {
    tour();
}
