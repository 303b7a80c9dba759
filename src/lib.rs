//! # refcycle
//!
//! A reference-counted object heap with CPython's generational cycle
//! collector and finalizer hooks.
//!
//! - [`Gc<T>`] is a strong handle with `Rc`'s API: dropping the last one
//!   frees the value at once.
//! - Values that can hold handles implement [`Trace`] (usually
//!   `#[derive(Trace)]`) and are tracked in three generations. A collection
//!   ([`collect`], or automatic, on CPython 3.11's thresholds) finds the
//!   reference cycles that counting cannot free, by the algorithm of
//!   CPython's `Python/gc.c`: subtract the references internal to the
//!   collected objects from their reference counts; what is left over is
//!   held from outside, and everything else is garbage.
//! - [`Finalize`] gives a type a finalizer that runs once, with the garbage
//!   intact, and may resurrect its object (PEP 442).
//! - Safety does not depend on [`Trace`] impls being right: a wrong impl
//!   leaks or is reported, never causes undefined behaviour (see
//!   `docs/safety.md`).
//!
//! ```
//! use refcycle::{Gc, Trace};
//! use std::cell::RefCell;
//!
//! #[derive(Trace)]
//! struct Person {
//!     #[trace(skip)]
//!     name: String,
//!     friend: RefCell<Option<Gc<Person>>>,
//! }
//!
//! let alice = Gc::new(Person { name: "alice".into(), friend: RefCell::new(None) });
//! let bob = Gc::new(Person { name: "bob".into(), friend: RefCell::new(Some(alice.clone())) });
//! *alice.friend.borrow_mut() = Some(bob.clone());
//! drop((alice, bob)); // a cycle: refcounts stay at 1
//! assert_eq!(refcycle::collect(), 2); // the collector frees both
//! ```
//!
//! Read `docs/internals.md` for how a collection works, step by step, and
//! `src/collect/mod.rs` for the collector's driver.

mod any;
mod collect;
mod finalize;
mod gc;
mod gc_module;
mod header;
mod heap;
mod introspect;
mod list;
mod pool;
mod trace;
mod trace_impls;
mod trashcan;
mod unraisable;
mod validate;
mod weak;

pub use crate::any::AnyGc;
pub use crate::finalize::Finalize;
pub use crate::gc::{Cleared, Gc};
pub use crate::gc_module::{
    add_callback, clear_garbage, collect, collect_generation, disable, enable, freeze, garbage,
    get_count, get_debug, get_freeze_count, get_stats, get_threshold, is_enabled, is_finalized,
    is_tracked, remove_callback, set_debug, set_stress, set_threshold, take_garbage, track,
    unfreeze, untrack, CallbackInfo, GcCallback, GenerationStats, Phase, DEBUG_COLLECTABLE,
    DEBUG_LEAK, DEBUG_SAVEALL, DEBUG_STATS, DEBUG_UNCOLLECTABLE,
};
pub use crate::introspect::{
    backref_chain, get_objects, get_referents, get_referrers, leak_report, snapshot, BackrefChain,
    GcHandle, Generation, LeakReport, ObjectInfo, Snapshot, TypeGrowth,
};
pub use crate::trace::{Trace, Trust, Visitor};
pub use crate::unraisable::{set_unraisable_hook, Unraisable, UnraisableHook};
pub use crate::validate::{validate, HeapError};
pub use crate::weak::Weak;
pub use refcycle_derive::Trace;

/// Number of generations (young, middle, old).
pub const NUM_GENERATIONS: usize = heap::NUM_GENERATIONS;
