//! Iterator objects and dict views.
//!
//! [`IterState`] is the state of an iteration. A `for` loop keeps one on
//! the Rust stack (no heap object); `iter()`, `enumerate()`, `zip()` and
//! friends wrap one in an [`Iter`] object. Stepping is in
//! `eval/iterate.rs`.

use std::borrow::Cow;
use std::cell::RefCell;

use refcycle::{Gc, Trace, Visitor};

use super::{Dict, Value};

/// Which part of a dict a view or iterator yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewKind {
    /// The keys.
    Keys,
    /// The values.
    Values,
    /// `(key, value)` tuples.
    Items,
}

/// The state of an iteration.
pub enum IterState {
    /// A list, tuple or str (or anything indexable by position), by index.
    Seq {
        /// The sequence.
        seq: Value,
        /// The next index.
        index: usize,
    },
    /// A list, tuple or str backwards (`reversed`).
    Reversed {
        /// The sequence.
        seq: Value,
        /// How many items are left (the next index is `left - 1`).
        left: usize,
    },
    /// `range`.
    Range {
        /// The next value.
        next: i64,
        /// How many values are left.
        left: i64,
        /// The step.
        step: i64,
    },
    /// A dict, by entry position; `len` is its size when iteration began
    /// (a change raises `RuntimeError`, as in CPython).
    Dict {
        /// The dict.
        dict: Gc<Dict>,
        /// The next entry position.
        pos: usize,
        /// The dict's length when iteration began.
        len: usize,
        /// What to yield.
        kind: ViewKind,
    },
    /// A snapshot of values (sets).
    Values {
        /// The values.
        items: Vec<Value>,
        /// The next index.
        index: usize,
    },
    /// `enumerate(inner, start)`.
    Enumerate {
        /// The underlying iterator.
        inner: Box<IterState>,
        /// The next count.
        count: i64,
    },
    /// `zip(*iters)`.
    Zip {
        /// The underlying iterators.
        iters: Vec<IterState>,
    },
    /// An iterator object: an [`Iter`], or an instance with `__next__`.
    Object(Value),
    /// An instance with `__getitem__` but no `__iter__`: indexes 0, 1, ...
    /// until `IndexError`.
    GetItem {
        /// The object.
        obj: Value,
        /// The next index.
        index: i64,
    },
    /// Finished.
    Done,
}

impl Trace for IterState {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        match self {
            IterState::Seq { seq, .. } | IterState::Reversed { seq, .. } => seq.trace(visitor),
            IterState::Dict { dict, .. } => dict.trace(visitor),
            IterState::Values { items, .. } => items.trace(visitor),
            IterState::Enumerate { inner, .. } => inner.trace(visitor),
            IterState::Zip { iters } => iters.trace(visitor),
            IterState::Object(v) | IterState::GetItem { obj: v, .. } => v.trace(visitor),
            IterState::Range { .. } | IterState::Done => {}
        }
    }
}

/// What an iterator object is, for its repr and `type()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IterKind {
    /// `iter(list)`.
    List,
    /// `iter(tuple)`.
    Tuple,
    /// `iter(str)`.
    Str,
    /// `iter(range)`.
    Range,
    /// `iter(dict)` and views.
    Dict(ViewKind),
    /// `iter(set)`.
    Set,
    /// `enumerate(...)`.
    Enumerate,
    /// `zip(...)`.
    Zip,
    /// `reversed(...)`.
    Reversed,
    /// `map(...)` / `filter(...)` results, and anything else.
    Other,
}

impl IterKind {
    /// The type name, as CPython's (`list_iterator`, `enumerate` ...).
    pub fn name(self) -> &'static str {
        match self {
            IterKind::List => "list_iterator",
            IterKind::Tuple => "tuple_iterator",
            IterKind::Str => "str_ascii_iterator",
            IterKind::Range => "range_iterator",
            IterKind::Dict(ViewKind::Keys) => "dict_keyiterator",
            IterKind::Dict(ViewKind::Values) => "dict_valueiterator",
            IterKind::Dict(ViewKind::Items) => "dict_itemiterator",
            IterKind::Set => "set_iterator",
            IterKind::Enumerate => "enumerate",
            IterKind::Zip => "zip",
            IterKind::Reversed => "list_reverseiterator",
            IterKind::Other => "iterator",
        }
    }
}

/// An iterator object.
pub struct Iter {
    /// What it iterates. Never borrowed across Python code: stepping takes
    /// the state out and puts it back.
    pub state: RefCell<IterState>,
    /// What kind of iterator it is.
    pub kind: IterKind,
}

impl Trace for Iter {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.state.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(self.kind.name())
    }
}

/// `dict.keys()`, `dict.values()` or `dict.items()`.
pub struct DictView {
    /// The dict.
    pub dict: Gc<Dict>,
    /// Which view.
    pub kind: ViewKind,
}

impl Trace for DictView {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.dict.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self.kind {
            ViewKind::Keys => "dict_keys",
            ViewKind::Values => "dict_values",
            ViewKind::Items => "dict_items",
        })
    }
}
