//! Pitfall: a `Drop` impl that looks at another member of its own cycle.
//!
//! Run it with `cargo run --example half_destroyed`.
//!
//! When the collector frees a garbage cycle it must start somewhere: it
//! drops the values one after the other (CPython's `delete_garbage`, which
//! calls `tp_clear` on each object in turn), so while any one destructor
//! runs, the cycle is half destroyed. In CPython a `tp_clear` that reaches
//! a neighbour finds it either still intact or already cleared, depending
//! on an order nobody chose. In Rust even the intact neighbour cannot be
//! lent out: a destructor could keep that borrow (through a handle it
//! leaks) past the moment the collector drops the neighbour. So refcycle
//! condemns the whole garbage before it drops any of it, and from then on
//! every member counts as *cleared*: [`Gc::try_borrow`] reports
//! [`Cleared`], and a plain deref panics with a message naming the type.
//! Nothing touches freed memory either way: the memory outlives every
//! handle.
//!
//! Python 3 code cannot get into this situation, and that is the point of
//! PEP 442: `__del__` is a *finalizer*, and the collector runs every
//! finalizer of the garbage before it clears anything. The Rust `Drop`
//! impl here plays the part of a C extension's `tp_dealloc`/`tp_clear`
//! (or of Python 2's `__del__`, which is why Python 2 refused to collect
//! such cycles, see `legacy_finalizer_blocks.rs`). The fix is the same in
//! both languages: move code that needs its neighbours from the destructor
//! into a finalizer, [`Finalize`] here and `__del__` in Python:
//!
//! ```python
//! class Member:
//!     def __del__(self):               # runs while the whole cycle is intact
//!         print(self.name, "sees", self.partner.name)
//! ```
//!
//! The example builds the cycle `alice <-> bob` twice with a `Drop` that
//! looks at the partner, once in each order of creation: the member
//! dropped first (whose partner is still whole in memory) and the one
//! dropped second (whose partner is gone) see the same thing. Then it
//! builds the cycle once more with a finalizer doing the same. Part 3 run
//! as Python on CPython 3.11 prints the same finalizer lines in the same
//! order.

use std::cell::{Cell, RefCell};
use std::panic::AssertUnwindSafe;
use std::rc::Rc;

use refcycle::{CallbackInfo, Cleared, Finalize, Gc, GcCallback, Phase, Trace};

thread_local! {
    /// Whether a collection is under way (set by the gc callback), so that
    /// each event can say which path it happens on.
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
    /// The names of the `Part`s whose `Drop` has run.
    static GONE: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// A cycle member whose destructor (`Drop`) reads its partner: the pitfall.
#[derive(Trace)]
struct Part {
    #[trace(skip)]
    name: &'static str,
    #[trace(skip)]
    partner_name: Cell<&'static str>,
    partner: RefCell<Option<Gc<Part>>>,
}

impl Drop for Part {
    fn drop(&mut self) {
        let partner = self.partner.borrow();
        let Some(partner) = partner.as_ref() else {
            return;
        };
        let phase = path("delete_garbage: drop", "refcount path: drop");
        let partner_name = self.partner_name.get();
        let partner_state = if GONE.with(|g| g.borrow().contains(&partner_name)) {
            "dropped already"
        } else {
            "not dropped yet"
        };
        GONE.with(|g| g.borrow_mut().push(self.name));
        println!(
            "  [{phase}] {}'s Drop runs; {partner_name}'s value is {partner_state}",
            self.name
        );
        match Gc::try_borrow(partner) {
            Ok(p) => println!(
                "  [{phase}] {} sees intact value: partner.name = {:?}",
                self.name, p.name
            ),
            Err(Cleared { type_name }) => {
                println!(
                    "  [{phase}] {} sees Cleared {{ type_name: {type_name:?} }}",
                    self.name
                );
                // What a plain `partner.name` does instead: it panics.
                let outcome = quietly(|| partner.name);
                if let Err(message) = outcome {
                    println!(
                        "  [{phase}] {} tried partner.name and caught a panic:",
                        self.name
                    );
                    println!("      {message}");
                }
            }
        }
    }
}

/// The same cycle member with the partner-reading code in a finalizer.
#[derive(Trace)]
struct Member {
    #[trace(skip)]
    name: &'static str,
    partner: RefCell<Option<Gc<Member>>>,
}

impl Finalize for Member {
    fn finalize(this: &Gc<Self>) {
        let partner = this.partner.borrow();
        let seen = match partner.as_ref().map(Gc::try_borrow) {
            Some(Ok(p)) => format!("sees intact value: partner.name = {:?}", p.name),
            Some(Err(cleared)) => format!("sees {cleared:?}"),
            None => "has no partner".to_string(),
        };
        println!(
            "  [{}] {} {seen}",
            path("finalize_garbage: finalizer", "refcount path: finalizer"),
            this.name
        ); // def __del__(self): print(self.name, "sees", self.partner.name)
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        println!(
            "  [{}] {} is destroyed (its Drop does not touch the partner)",
            path("delete_garbage: drop", "refcount path: drop"),
            self.name
        ); // (tp_clear / tp_dealloc: no Python code runs here)
    }
}

/// Runs `f`, catching a panic and returning its message, with a silent
/// panic hook meanwhile so that the default hook prints nothing.
fn quietly<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "<non-string panic>".to_string())
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

fn part(name: &'static str) -> Gc<Part> {
    Gc::new(Part {
        name,
        partner_name: Cell::new(""),
        partner: RefCell::new(None),
    })
}

/// Parts 1 and 2: the cycle with a partner-reading `Drop`, its members
/// created in the given order.
fn destructor_in_a_cycle(first: &'static str, second: &'static str) {
    GONE.with(|g| g.borrow_mut().clear());
    let a = part(first); // a = Part(first)
    let b = part(second); // b = Part(second)
    *a.partner.borrow_mut() = Some(b.clone()); // a.partner = b
    *b.partner.borrow_mut() = Some(a.clone()); // b.partner = a
    a.partner_name.set(second);
    b.partner_name.set(first);
    println!("created {first}, then {second}; drop both handles and collect()");
    drop((a, b)); // del a, b
    refcycle::collect(); // gc.collect()
}

/// Part 3: the same logic in a finalizer.
fn finalizer_in_a_cycle() {
    let a = Gc::new_with_finalizer(Member {
        name: "alice",
        partner: RefCell::new(None),
    }); // a = Member("alice")
    let b = Gc::new_with_finalizer(Member {
        name: "bob",
        partner: RefCell::new(Some(a.clone())),
    }); // b = Member("bob"); b.partner = a
    *a.partner.borrow_mut() = Some(b.clone()); // a.partner = b
    println!("created alice, then bob; drop both handles and collect()");
    drop((a, b)); // del a, b
    refcycle::collect(); // gc.collect()
}

/// The whole narrated walk (the tour example runs it too).
pub fn tour() {
    println!("refcycle: a destructor that sees its cycle half destroyed");
    refcycle::disable(); // gc.disable(): only our explicit collect() calls run
    let narrator = narrate_collections();

    println!();
    println!("== 1. Drop reads the partner; alice created first");
    destructor_in_a_cycle("alice", "bob");

    println!();
    println!("== 2. The same, bob created first: the order swaps, nothing else");
    destructor_in_a_cycle("bob", "alice");

    println!();
    println!("== 3. The same logic in a finalizer: every member is intact");
    finalizer_in_a_cycle();

    refcycle::remove_callback(&narrator); // gc.callbacks.remove(narrate)
}

fn main() {
    tour();
}
