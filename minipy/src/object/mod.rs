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
//! | `frame.rs` | [`Frame`], [`Traceback`] |
//! | `module.rs`, `weakref.rs`, `iter.rs` | [`Module`], [`WeakRef`], [`Iter`], [`DictView`] |
//!
//! Every heap type implements refcycle's `Trace` by hand, reporting each
//! handle it owns once, and names itself through `Trace::type_name` as
//! CPython's `type(o).__name__` would (`"list"`, or the class name for an
//! instance), so that refcycle's debug output reads like CPython's.

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

pub use class::{bump_class_epoch, flag, AttrMap, Class, Kind};
pub use dict::Dict;
pub use frame::{Frame, Traceback};
pub use function::{Args, Builtin, Cell, DescrKind, Descriptor, Function, Method, NativeFn, Super};
pub use instance::{ExcState, Hint, Instance};
pub use iter::{DictView, Iter, IterKind, IterState, ViewKind};
pub use module::{CodeObject, Module};
pub use sequence::{adjust_slice, drop_reversed, new_list, range_len, List, Range, Slice, Tuple};
pub use set::Set;
pub use str::{all_name_chars, repr_str, PyStr};
pub use value::Value;
pub use weakref::{WeakRef, WeakTarget};
