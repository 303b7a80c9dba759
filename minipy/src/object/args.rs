//! [`Args`], the arguments of a call, and [`PosArgs`], their positional
//! part.
//!
//! Most calls of built-in functions and methods pass at most three
//! positional arguments (`len(x)`, `l.append(x)`, `isinstance(x, C)`,
//! `d.get(k, default)`, the receiver counting as one), so [`PosArgs`] keeps
//! up to three inline and moves to a vector only past that: a vector per
//! call was a `malloc` and a `free` per built-in call, a fifth of the cost
//! of `len(l)`. Reads go through `Deref` to `[Value]`; the mutating
//! methods are `Vec`'s that the built-ins use.

use refcycle::Gc;

use super::{PyStr, Value};

/// How many positional arguments live inline.
const INLINE: usize = 3;

/// The arguments of a call: positional, then `name=value` pairs.
#[derive(Default)]
pub struct Args {
    /// Positional arguments.
    pub pos: PosArgs,
    /// Keyword arguments (names interned).
    pub kw: Vec<(Gc<PyStr>, Value)>,
}

impl Args {
    /// Positional arguments only.
    pub fn new(pos: impl Into<PosArgs>) -> Args {
        Args {
            pos: pos.into(),
            kw: Vec::new(),
        }
    }

    /// Removes and returns keyword argument `name`.
    pub fn take_kw(&mut self, name: &str) -> Option<Value> {
        let i = self.kw.iter().position(|(k, _)| k.as_str() == name)?;
        Some(self.kw.remove(i).1)
    }
}

/// A call's positional arguments: a `Vec<Value>` that holds up to three
/// values without allocating (see the module docs).
pub struct PosArgs(Repr);

enum Repr {
    /// The first `len` items are the arguments; the rest are `None`.
    Inline(u8, [Value; INLINE]),
    Heap(Vec<Value>),
}

impl Default for PosArgs {
    fn default() -> Self {
        PosArgs::new()
    }
}

impl PosArgs {
    /// No arguments.
    #[inline]
    pub fn new() -> PosArgs {
        PosArgs(Repr::Inline(0, Default::default()))
    }

    /// Moves the arguments to a vector (with room for one more).
    fn spill(&mut self) -> &mut Vec<Value> {
        if let Repr::Inline(len, items) = &mut self.0 {
            let mut v = Vec::with_capacity(INLINE + 1);
            v.extend(std::mem::take(items).into_iter().take(*len as usize));
            self.0 = Repr::Heap(v);
        }
        match &mut self.0 {
            Repr::Heap(v) => v,
            Repr::Inline(..) => unreachable!("spilled above"),
        }
    }

    /// Appends an argument.
    #[inline]
    pub fn push(&mut self, v: Value) {
        match &mut self.0 {
            Repr::Inline(len, items) if (*len as usize) < INLINE => {
                items[*len as usize] = v;
                *len += 1;
            }
            _ => self.spill().push(v),
        }
    }

    /// Removes the last argument.
    pub fn pop(&mut self) -> Option<Value> {
        match &mut self.0 {
            Repr::Inline(0, _) => None,
            Repr::Inline(len, items) => {
                *len -= 1;
                Some(std::mem::take(&mut items[*len as usize]))
            }
            Repr::Heap(v) => v.pop(),
        }
    }

    /// Inserts an argument at `i` (`Vec::insert`).
    pub fn insert(&mut self, i: usize, v: Value) {
        match &mut self.0 {
            Repr::Inline(len, items) if (*len as usize) < INLINE => {
                let n = *len as usize;
                assert!(i <= n, "insertion index {i} past {n} arguments");
                items[n] = v;
                items[i..=n].rotate_right(1);
                *len += 1;
            }
            _ => self.spill().insert(i, v),
        }
    }

    /// Removes the argument at `i`, shifting the rest (`Vec::remove`).
    pub fn remove(&mut self, i: usize) -> Value {
        match &mut self.0 {
            Repr::Inline(len, items) => {
                let n = *len as usize;
                assert!(i < n, "removal index {i} past {n} arguments");
                let v = std::mem::take(&mut items[i]);
                items[i..n].rotate_left(1);
                *len -= 1;
                v
            }
            Repr::Heap(v) => v.remove(i),
        }
    }

    /// Removes the argument at `i`, putting the last one in its place
    /// (`Vec::swap_remove`).
    pub fn swap_remove(&mut self, i: usize) -> Value {
        let last = self.len() - 1;
        self.swap(i, last);
        self.pop().expect("an argument at `i`")
    }

    /// The arguments as a vector.
    pub fn into_vec(self) -> Vec<Value> {
        match self.0 {
            Repr::Inline(len, items) => items.into_iter().take(len as usize).collect(),
            Repr::Heap(v) => v,
        }
    }
}

impl std::ops::Deref for PosArgs {
    type Target = [Value];

    #[inline]
    fn deref(&self) -> &[Value] {
        match &self.0 {
            Repr::Inline(len, items) => &items[..*len as usize],
            Repr::Heap(v) => v,
        }
    }
}

impl std::ops::DerefMut for PosArgs {
    #[inline]
    fn deref_mut(&mut self) -> &mut [Value] {
        match &mut self.0 {
            Repr::Inline(len, items) => &mut items[..*len as usize],
            Repr::Heap(v) => v,
        }
    }
}

impl From<Vec<Value>> for PosArgs {
    fn from(v: Vec<Value>) -> PosArgs {
        if v.len() > INLINE {
            return PosArgs(Repr::Heap(v));
        }
        let mut out = PosArgs::new();
        out.extend(v);
        out
    }
}

impl Extend<Value> for PosArgs {
    fn extend<I: IntoIterator<Item = Value>>(&mut self, iter: I) {
        for v in iter {
            self.push(v);
        }
    }
}

impl IntoIterator for PosArgs {
    type Item = Value;
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        match self.0 {
            Repr::Inline(len, items) => IntoIter::Inline(items.into_iter().take(len as usize)),
            Repr::Heap(v) => IntoIter::Heap(v.into_iter()),
        }
    }
}

/// The arguments of a [`PosArgs`], by value.
pub enum IntoIter {
    /// From the inline arguments.
    Inline(std::iter::Take<std::array::IntoIter<Value, INLINE>>),
    /// From the vector.
    Heap(std::vec::IntoIter<Value>),
}

impl Iterator for IntoIter {
    type Item = Value;

    #[inline]
    fn next(&mut self) -> Option<Value> {
        match self {
            IntoIter::Inline(it) => it.next(),
            IntoIter::Heap(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            IntoIter::Inline(it) => it.size_hint(),
            IntoIter::Heap(it) => it.size_hint(),
        }
    }
}

impl<'a> IntoIterator for &'a PosArgs {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(p: &PosArgs) -> Vec<i64> {
        p.iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                _ => -1,
            })
            .collect()
    }

    #[test]
    fn behaves_like_a_vec_across_the_inline_limit() {
        let mut p = PosArgs::new();
        p.push(Value::Int(1));
        p.push(Value::Int(3));
        p.insert(1, Value::Int(2));
        assert_eq!(ints(&p), [1, 2, 3]);
        p.insert(0, Value::Int(0));
        assert_eq!(ints(&p), [0, 1, 2, 3]);
        assert!(matches!(p.remove(1), Value::Int(1)));
        assert!(matches!(p.swap_remove(0), Value::Int(0)));
        assert_eq!(ints(&p), [3, 2]);
        assert!(matches!(p.pop(), Some(Value::Int(2))));
        let back: Vec<Value> = PosArgs::from(vec![Value::Int(7), Value::Int(8)]).into_vec();
        assert_eq!(back.len(), 2);
        let mut q = PosArgs::new();
        q.push(Value::Int(5));
        assert!(matches!(q.remove(0), Value::Int(5)));
        assert!(q.is_empty() && q.pop().is_none());
    }
}
