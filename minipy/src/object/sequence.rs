//! `list`, `tuple`, `range` and `slice` objects.
//!
//! A list keeps its items in a `RefCell<Vec<Value>>`. The evaluator never
//! holds the borrow while running Python code or dropping a value that
//! might be the last handle to an object with `__del__`: it takes items
//! out (or clones them), lets go, and only then calls or drops.

use std::borrow::Cow;
use std::cell::RefCell;

use refcycle::{Gc, Trace, Visitor};

use super::Value;

/// A Python `list`.
pub struct List {
    /// The items. Borrow briefly (see the module docs).
    pub items: RefCell<Vec<Value>>,
}

impl Trace for List {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        super::trace_cell(&self.items, visitor, |items, visitor| {
            for v in items {
                v.trace(visitor);
            }
        });
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("list")
    }
}

impl List {
    /// A list of these items.
    pub fn new(items: Vec<Value>) -> List {
        List {
            items: RefCell::new(items),
        }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    /// A clone of the item at `i`, if in range.
    pub fn get(&self, i: usize) -> Option<Value> {
        self.items.borrow().get(i).cloned()
    }

    /// A copy of the items (handles cloned), for iterating while Python
    /// code may change the list.
    pub fn snapshot(&self) -> Vec<Value> {
        self.items.borrow().clone()
    }

    /// Appends an item.
    pub fn push(&self, v: Value) {
        self.items.borrow_mut().push(v);
    }

    /// Replaces the items, returning the old ones for the caller to drop
    /// once no borrow is held.
    pub fn replace(&self, items: Vec<Value>) -> Vec<Value> {
        std::mem::replace(&mut *self.items.borrow_mut(), items)
    }
}

impl Drop for List {
    /// Releases the items last to first, as CPython's `list_dealloc`
    /// does (observable through `__del__`).
    fn drop(&mut self) {
        drop_reversed(std::mem::take(self.items.get_mut()));
    }
}

/// Drops values last to first (CPython's order for lists and tuples).
pub fn drop_reversed(mut items: Vec<Value>) {
    while let Some(v) = items.pop() {
        drop(v);
    }
}

/// A Python `tuple` (immutable).
pub struct Tuple {
    /// The items.
    pub items: TupleItems,
}

/// A tuple's items. Pairs, the most frequent tuples (`return a, b`,
/// `dict.items()`, the benchmarks' tree nodes), sit inline: one
/// allocation per tuple instead of two, and no pointer to chase when the
/// collector traces it. Any other length has a boxed slice. Reads go
/// through `Deref` to `[Value]`.
pub enum TupleItems {
    /// Exactly two items.
    Pair([Value; 2]),
    /// Any other number of items.
    Boxed(Box<[Value]>),
}

impl std::ops::Deref for TupleItems {
    type Target = [Value];

    #[inline]
    fn deref(&self) -> &[Value] {
        match self {
            TupleItems::Pair(p) => p,
            TupleItems::Boxed(b) => b,
        }
    }
}

impl Trace for Tuple {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        for v in self.items.iter() {
            v.trace(visitor);
        }
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("tuple")
    }
}

impl Tuple {
    /// A tuple of these items.
    pub fn new(mut items: Vec<Value>) -> Tuple {
        if items.len() == 2 {
            let b = items.pop().unwrap_or_default();
            let a = items.pop().unwrap_or_default();
            return Tuple::pair(a, b);
        }
        Tuple {
            items: TupleItems::Boxed(items.into_boxed_slice()),
        }
    }

    /// The tuple `(a, b)`.
    #[inline]
    pub fn pair(a: Value, b: Value) -> Tuple {
        Tuple {
            items: TupleItems::Pair([a, b]),
        }
    }
}

impl Drop for Tuple {
    /// Releases the items last to first, as CPython's `tupledealloc`.
    fn drop(&mut self) {
        let items = std::mem::replace(&mut self.items, TupleItems::Boxed(Box::new([])));
        match items {
            TupleItems::Pair([a, b]) => {
                drop(b);
                drop(a);
            }
            TupleItems::Boxed(b) => drop_reversed(b.into_vec()),
        }
    }
}

/// A Python `range` (never tracked: it holds only ints).
pub struct Range {
    /// The first value.
    pub start: i64,
    /// The bound (exclusive).
    pub stop: i64,
    /// The step (never 0).
    pub step: i64,
}

impl Trace for Range {
    const NEEDS_TRACE: bool = false;

    fn trace(&self, _visitor: &mut Visitor<'_>) {}

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("range")
    }
}

impl Range {
    /// The number of values.
    pub fn len(&self) -> i64 {
        range_len(self.start, self.stop, self.step)
    }

    /// Whether the range is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th value (`0 <= i < len`).
    pub fn at(&self, i: i64) -> i64 {
        self.start + i * self.step
    }
}

/// The number of values of `range(start, stop, step)`.
pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    let (lo, hi, step) = if step > 0 {
        (start as i128, stop as i128, step as i128)
    } else {
        (stop as i128, start as i128, -(step as i128))
    };
    if lo >= hi {
        0
    } else {
        ((hi - lo - 1) / step + 1) as i64
    }
}

/// A slice object: `a[start:stop:step]` handed to `__getitem__`.
pub struct Slice {
    /// The start, or `None`.
    pub start: Value,
    /// The stop, or `None`.
    pub stop: Value,
    /// The step, or `None`.
    pub step: Value,
}

impl Trace for Slice {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.start.trace(visitor);
        self.stop.trace(visitor);
        self.step.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("slice")
    }
}

/// Resolved slice bounds for a sequence of length `len`, as CPython's
/// `PySlice_AdjustIndices`: returns (start, stop, step, count).
pub fn adjust_slice(
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
    len: i64,
) -> (i64, i64, i64, i64) {
    let clamp = |v: Option<i64>, default: i64, lo: i64, hi: i64| match v {
        None => default,
        Some(v) if v < 0 => (v + len).max(lo),
        Some(v) => v.min(hi),
    };
    let (start, stop) = if step > 0 {
        (clamp(start, 0, 0, len), clamp(stop, len, 0, len))
    } else {
        (
            clamp(start, len - 1, -1, len - 1),
            clamp(stop, -1, -1, len - 1),
        )
    };
    let count = if step > 0 {
        if stop > start {
            (stop - start - 1) / step + 1
        } else {
            0
        }
    } else if start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    (start, stop, step, count)
}

/// Makes a new list value.
pub fn new_list(items: Vec<Value>) -> Value {
    Value::List(Gc::new(List::new(items)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_adjust_like_cpython() {
        assert_eq!(adjust_slice(None, None, 1, 5), (0, 5, 1, 5));
        assert_eq!(adjust_slice(Some(-2), None, 1, 5), (3, 5, 1, 2));
        assert_eq!(adjust_slice(None, None, -1, 5), (4, -1, -1, 5));
        assert_eq!(adjust_slice(Some(10), Some(20), 1, 5), (5, 5, 1, 0));
        assert_eq!(range_len(0, 10, 3), 4);
        assert_eq!(range_len(10, 0, -3), 4);
    }
}
