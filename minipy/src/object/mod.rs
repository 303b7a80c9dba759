//! The object model: [`Value`] and one Rust type per kind of heap object.
//!
//! | file | objects |
//! |---|---|
//! | `value.rs` | [`Value`], identity, `id()` |
//! | `str.rs` | [`PyStr`] and string `repr` |
//! | `sequence.rs` | [`List`], [`Tuple`], [`Range`], [`Slice`] |
//! | `dict.rs`, `set.rs` | [`Dict`], [`Set`] (hash tables) |
//! | `class.rs`, `instance.rs` | [`Class`], [`AttrMap`], [`Instance`] |
//! | `function.rs` | [`Function`], [`Cell`], [`Builtin`], [`Method`], [`Descriptor`] |
//! | `args.rs` | [`Args`], [`PosArgs`]: a call's arguments |
//! | `frame.rs` | [`Frame`], [`Traceback`] |
//! | `module.rs`, `weakref.rs`, `iter.rs` | [`Module`], [`WeakRef`], [`Iter`], [`DictView`] |
//!
//! Every heap type implements refcycle's `Trace` by hand, reporting each
//! handle it owns once, and names itself through `Trace::type_name` as
//! CPython's `type(o).__name__` would (`"list"`, or the class name for an
//! instance), so that refcycle's debug output reads like CPython's.

use std::cell::RefCell;

use refcycle::Visitor;

mod args;
mod class;
pub mod dict;
mod frame;
mod function;
mod instance;
mod iter;
mod module;
mod sequence;
mod set;
mod str;
mod value;
mod weakref;

pub use args::{Args, PosArgs};
pub use class::{bump_class_epoch, flag, AttrMap, Class, Kind};
pub use dict::{Dict, DictStore};
pub use frame::{Frame, Traceback};
pub use function::{Builtin, Cell, DescrKind, Descriptor, Function, Method, NativeFn, Super};
pub use instance::{ExcState, Hint, Instance};
pub use iter::{DictView, Iter, IterKind, IterState, ViewKind};
pub use module::{CodeObject, Module};
pub use sequence::{
    adjust_slice, drop_reversed, new_list, range_len, List, Range, Slice, Tuple, TupleItems,
};
pub use set::Set;
pub use str::{all_name_chars, is_printable, repr_str, PyStr};
pub use value::Value;
pub use weakref::{WeakRef, WeakTarget};

/// Traces what a `RefCell` holds with `trace`, or marks the object opaque
/// while the cell is mutably borrowed (what refcycle's `Trace` impl for
/// `RefCell` does). Written out for the heap types, because the generic
/// impl's lock plumbing cost a call and a result on the stack per cell,
/// which showed in the collector's profile of a large heap.
#[inline(always)]
fn trace_cell<T>(
    cell: &RefCell<T>,
    visitor: &mut Visitor<'_>,
    trace: impl FnOnce(&T, &mut Visitor<'_>),
) {
    match cell.try_borrow() {
        Ok(v) => trace(&v, visitor),
        Err(_) => visitor.mark_opaque(),
    }
}
