//! `dict`: an insertion-ordered hash table, CPython's "compact dict" shape.
//!
//! Entries sit in a `Vec` in insertion order (deleted ones leave a hole
//! until the next resize); a separate index table, probed with CPython's
//! perturbation scheme, maps hashes to entry positions.
//!
//! Comparing keys may run Python code (`__eq__`), which may change the dict
//! or drop it: the table is never borrowed while that code runs. The
//! candidate key is cloned out, the borrow released, the comparison made,
//! and if the dict's structure changed meanwhile (a `version` counter) the
//! lookup starts over, as CPython's does.
//!
//! # Tracking
//!
//! As in CPython 3.11 (`MAINTAIN_TRACKING` in `Objects/dictobject.c`), a
//! dict starts untracked by the collector ([`Dict::new_gc`]) and becomes
//! tracked when a key or value that may be tracked (anything but an int,
//! float, bool, `None`, str, range or code object) is stored in it. It
//! then stays tracked: CPython untracks dicts of atomic values again
//! during full collections (`untrack_dicts`), minipy does not. An
//! untracked object is never collected, so the dict is tracked *before*
//! the container goes in. Storing therefore needs the dict's handle: the
//! setters are the [`DictStore`] trait's, implemented for `Gc<Dict>`.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};

use refcycle::{Gc, Trace, Visitor};

use super::{PyStr, Value};
use crate::vm::{PyResult, Vm};

/// The source of dict versions: every structural change of any dict
/// takes the next number, so a version identifies one dict's state and a
/// cache keyed by it cannot confuse two dicts (CPython 3.11's
/// `pydict_global_version`).
static NEXT_VERSION: AtomicU64 = AtomicU64::new(1);

fn next_version() -> u64 {
    NEXT_VERSION.fetch_add(1, Ordering::Relaxed)
}

const EMPTY: i32 = -1;
const DUMMY: i32 = -2;
const MIN_SIZE: usize = 8;

/// A Python `dict`.
pub struct Dict {
    table: RefCell<Table>,
    /// Changes on every insertion of a new key and every removal (see
    /// `NEXT_VERSION`).
    version: Cell<u64>,
    /// Whether a key or value that may be tracked was ever stored: the
    /// dict has been tracked then (see the module docs). Set by
    /// [`DictStore`]'s setters, read by them (so that tracking costs one
    /// branch per store) and by [`Dict::copy`]; never cleared.
    tracked: Cell<bool>,
}

/// Storing into a dict, through its handle (see the module docs on
/// tracking).
pub trait DictStore {
    /// Sets `key` to `value`. The value replaced, if any, is dropped after
    /// the table is released (its `__del__` may use this dict).
    ///
    /// # Errors
    /// What hashing or comparing `key` raises.
    fn set(&self, vm: &Vm, key: Value, value: Value) -> PyResult<()>;

    /// Sets a `str` key (see `lookup_str`).
    fn set_str(&self, key: Gc<PyStr>, value: Value);
}

impl DictStore for Gc<Dict> {
    #[inline]
    fn set(&self, vm: &Vm, key: Value, value: Value) -> PyResult<()> {
        if !self.tracked.get() && (key.may_be_tracked() || value.may_be_tracked()) {
            start_tracking(self);
        }
        self.insert(vm, key, value)
    }

    #[inline]
    fn set_str(&self, key: Gc<PyStr>, value: Value) {
        if !self.tracked.get() && value.may_be_tracked() {
            start_tracking(self);
        }
        self.insert_str(key, value)
    }
}

#[derive(Default)]
struct Table {
    indices: Vec<i32>,
    entries: Vec<Option<Entry>>,
    used: usize,
}

struct Entry {
    hash: i64,
    key: Value,
    value: Value,
}

/// Where a key is, or where it would go.
enum Slot {
    Found { slot: usize, entry: usize },
    Vacant { slot: usize },
}

impl Trace for Dict {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        match self.table.try_borrow() {
            Ok(t) => {
                for e in t.entries.iter().flatten() {
                    e.key.trace(visitor);
                    e.value.trace(visitor);
                }
            }
            Err(_) => visitor.mark_opaque(),
        }
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("dict")
    }
}

/// Steps through the index table the way CPython's dict does.
struct Probe {
    i: usize,
    perturb: u64,
    mask: usize,
}

impl Probe {
    fn new(hash: i64, mask: usize) -> Probe {
        Probe {
            i: hash as usize & mask,
            perturb: hash as u64,
            mask,
        }
    }

    fn advance(&mut self) {
        self.perturb >>= 5;
        self.i = (self
            .i
            .wrapping_mul(5)
            .wrapping_add(self.perturb as usize + 1))
            & self.mask;
    }
}

/// How two keys compare without running Python code: `Some(answer)`, or
/// `None` when only the objects' `__eq__` can tell.
pub fn fast_key_eq(vm: &Vm, a: &Value, b: &Value) -> Option<bool> {
    use Value as V;
    if a.is(b) {
        return Some(true);
    }
    match (a, b) {
        (V::Str(x), V::Str(y)) => Some(x.as_str() == y.as_str()),
        (V::Int(_) | V::Bool(_) | V::Float(_), V::Int(_) | V::Bool(_) | V::Float(_)) => {
            Some(crate::eval::ops::num_eq(a, b))
        }
        (V::Tuple(x), V::Tuple(y)) => {
            if x.items.len() != y.items.len() {
                return Some(false);
            }
            for (p, q) in x.items.iter().zip(y.items.iter()) {
                if !fast_key_eq(vm, p, q)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        _ if vm.has_user_eq(a) || vm.has_user_eq(b) => None,
        _ => Some(false),
    }
}

/// Tracks a dict (before a container is stored in it).
#[cold]
fn start_tracking(d: &Gc<Dict>) {
    d.tracked.set(true);
    refcycle::track(d);
}

impl Dict {
    fn new() -> Dict {
        Dict {
            table: RefCell::new(Table::default()),
            version: Cell::new(next_version()),
            tracked: Cell::new(false),
        }
    }

    /// A new empty dict, untracked until it holds something that may be
    /// tracked (see the module docs).
    pub fn new_gc() -> Gc<Dict> {
        Dict::into_gc(Dict::new())
    }

    /// Allocates `d`, untracked unless its `tracked` flag is set.
    /// (Untracking right after the allocation is what refcycle offers;
    /// during a collection it does nothing and the dict stays tracked,
    /// which costs only a little collector time.)
    fn into_gc(d: Dict) -> Gc<Dict> {
        let tracked = d.tracked.get();
        let g = Gc::new(d);
        if !tracked {
            refcycle::untrack(&g);
        }
        g
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.table.borrow().used
    }

    /// Whether the dict is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The structure version (changes when keys are added or removed).
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    fn bump(&self) {
        self.version.set(next_version());
    }

    /// Finds `key` (whose hash is `hash`), running `__eq__` when needed.
    /// The table is borrowed one probe step at a time, never across the
    /// call to `__eq__`.
    fn lookup(&self, vm: &Vm, key: &Value, hash: i64) -> PyResult<Slot> {
        'restart: loop {
            let version = self.version.get();
            let mask = {
                let t = self.table.borrow();
                if t.indices.is_empty() {
                    return Ok(Slot::Vacant { slot: 0 });
                }
                t.indices.len() - 1
            };
            let mut p = Probe::new(hash, mask);
            let mut free = None;
            loop {
                let candidate = {
                    let t = self.table.borrow();
                    let ix = t.indices[p.i];
                    if ix == EMPTY {
                        let slot = free.unwrap_or(p.i);
                        return Ok(Slot::Vacant { slot });
                    }
                    if ix == DUMMY {
                        free.get_or_insert(p.i);
                        None
                    } else {
                        let e = t.entries[ix as usize].as_ref().expect("indexed entry");
                        if e.hash != hash {
                            None
                        } else {
                            match fast_key_eq(vm, &e.key, key) {
                                Some(true) => {
                                    let entry = ix as usize;
                                    return Ok(Slot::Found { slot: p.i, entry });
                                }
                                Some(false) => None,
                                None => Some((ix as usize, e.key.clone())),
                            }
                        }
                    }
                };
                if let Some((entry, candidate)) = candidate {
                    let equal = vm.eq(&candidate, key)?;
                    drop(candidate);
                    if self.version.get() != version {
                        continue 'restart;
                    }
                    if equal {
                        return Ok(Slot::Found { slot: p.i, entry });
                    }
                }
                p.advance();
            }
        }
    }

    /// Finds a `str` key without running any Python code: only `str` keys
    /// (and the identical object) can match. A user object that claims
    /// equality with a string through `__eq__` is not found this way; the
    /// interpreter uses this path for names (globals, modules), where
    /// CPython's own fast path behaves the same.
    fn lookup_str(&self, key: &PyStr) -> Slot {
        let t = self.table.borrow();
        if t.indices.is_empty() {
            return Slot::Vacant { slot: 0 };
        }
        let hash = key.hash();
        let mut p = Probe::new(hash, t.indices.len() - 1);
        let mut free = None;
        loop {
            let ix = t.indices[p.i];
            if ix == EMPTY {
                return Slot::Vacant {
                    slot: free.unwrap_or(p.i),
                };
            }
            if ix == DUMMY {
                free.get_or_insert(p.i);
            } else if let Some(e) = &t.entries[ix as usize] {
                if e.hash == hash {
                    if let Value::Str(s) = &e.key {
                        if std::ptr::eq(&**s, key) || s.as_str() == key.as_str() {
                            return Slot::Found {
                                slot: p.i,
                                entry: ix as usize,
                            };
                        }
                    }
                }
            }
            p.advance();
        }
    }

    /// The value for `key`.
    pub fn get(&self, vm: &Vm, key: &Value) -> PyResult<Option<Value>> {
        if let Value::Str(s) = key {
            return Ok(self.get_str(s));
        }
        let hash = vm.hash(key)?;
        Ok(match self.lookup(vm, key, hash)? {
            Slot::Found { entry, .. } => self.value_at(entry),
            Slot::Vacant { .. } => None,
        })
    }

    /// The value for a `str` key (see `lookup_str`).
    pub fn get_str(&self, key: &PyStr) -> Option<Value> {
        match self.lookup_str(key) {
            Slot::Found { entry, .. } => self.value_at(entry),
            Slot::Vacant { .. } => None,
        }
    }

    /// A `str` key's entry position and value (see `lookup_str`).
    pub fn find_str(&self, key: &PyStr) -> Option<(usize, Value)> {
        match self.lookup_str(key) {
            Slot::Found { entry, .. } => Some((entry, self.value_at(entry)?)),
            Slot::Vacant { .. } => None,
        }
    }

    /// The value at an entry position (valid while the version is the
    /// same as when the position was found).
    #[inline]
    pub fn value_at_pos(&self, pos: usize) -> Option<Value> {
        self.value_at(pos)
    }

    #[inline]
    fn value_at(&self, entry: usize) -> Option<Value> {
        let t = self.table.borrow();
        t.entries.get(entry)?.as_ref().map(|e| e.value.clone())
    }

    /// Stores without tracking (see [`DictStore::set`]).
    fn insert(&self, vm: &Vm, key: Value, value: Value) -> PyResult<()> {
        if let Value::Str(s) = &key {
            let slot = self.lookup_str(s);
            self.store(slot, s.hash(), key, value);
            return Ok(());
        }
        let hash = vm.hash(&key)?;
        let slot = self.lookup(vm, &key, hash)?;
        self.store(slot, hash, key, value);
        Ok(())
    }

    /// Stores without tracking (see [`DictStore::set_str`]).
    fn insert_str(&self, key: Gc<PyStr>, value: Value) {
        let slot = self.lookup_str(&key);
        let hash = key.hash();
        self.store(slot, hash, Value::Str(key), value);
    }

    fn store(&self, slot: Slot, hash: i64, key: Value, value: Value) {
        let old = {
            let mut t = self.table.borrow_mut();
            match slot {
                Slot::Found { entry, .. } => {
                    let e = t.entries[entry].as_mut().expect("found entry");
                    Some(std::mem::replace(&mut e.value, value))
                }
                Slot::Vacant { slot } => {
                    if t.indices.is_empty() {
                        t.resize(MIN_SIZE);
                        t.insert_new(hash, key, value);
                    } else {
                        let ix = t.entries.len() as i32;
                        t.indices[slot] = ix;
                        t.entries.push(Some(Entry { hash, key, value }));
                        t.used += 1;
                        if t.entries.len() * 3 >= t.indices.len() * 2 {
                            let want = (t.used * 3).max(MIN_SIZE);
                            t.resize(want);
                        }
                    }
                    None
                }
            }
        };
        if old.is_none() {
            self.bump();
        }
        drop(old);
    }

    /// Removes `key`; returns its (key, value) for the caller to drop.
    pub fn remove(&self, vm: &Vm, key: &Value) -> PyResult<Option<(Value, Value)>> {
        let slot = if let Value::Str(s) = key {
            self.lookup_str(s)
        } else {
            let hash = vm.hash(key)?;
            self.lookup(vm, key, hash)?
        };
        Ok(self.take(slot))
    }

    /// Removes a `str` key (see `lookup_str`).
    pub fn remove_str(&self, key: &PyStr) -> Option<(Value, Value)> {
        let slot = self.lookup_str(key);
        self.take(slot)
    }

    fn take(&self, slot: Slot) -> Option<(Value, Value)> {
        let Slot::Found { slot, entry } = slot else {
            return None;
        };
        let e = {
            let mut t = self.table.borrow_mut();
            t.indices[slot] = DUMMY;
            t.used -= 1;
            t.entries[entry].take()
        };
        self.bump();
        e.map(|e| (e.key, e.value))
    }

    /// Whether `key` is present.
    pub fn contains(&self, vm: &Vm, key: &Value) -> PyResult<bool> {
        Ok(self.get(vm, key)?.is_some())
    }

    /// The number of entry positions (holes included), for iterating by
    /// position with [`Dict::entry_at`].
    pub fn positions(&self) -> usize {
        self.table.borrow().entries.len()
    }

    /// The (key, value) at entry position `i`, if that position holds one.
    pub fn entry_at(&self, i: usize) -> Option<(Value, Value)> {
        let t = self.table.borrow();
        match t.entries.get(i) {
            Some(Some(e)) => Some((e.key.clone(), e.value.clone())),
            _ => None,
        }
    }

    /// The items, in insertion order.
    pub fn items(&self) -> Vec<(Value, Value)> {
        let t = self.table.borrow();
        t.entries
            .iter()
            .flatten()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect()
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> Vec<Value> {
        let t = self.table.borrow();
        t.entries.iter().flatten().map(|e| e.key.clone()).collect()
    }

    /// The values, in insertion order.
    pub fn values(&self) -> Vec<Value> {
        let t = self.table.borrow();
        t.entries
            .iter()
            .flatten()
            .map(|e| e.value.clone())
            .collect()
    }

    /// Removes everything. The items are dropped after the table is
    /// released, in insertion order.
    pub fn clear(&self) {
        let old = std::mem::take(&mut *self.table.borrow_mut());
        self.bump();
        for e in old.entries.into_iter().flatten() {
            drop(e);
        }
    }

    /// Removes and returns the last item (`popitem`).
    pub fn pop_last(&self) -> Option<(Value, Value)> {
        let e = {
            let mut t = self.table.borrow_mut();
            let pos = t.entries.iter().rposition(Option::is_some)?;
            let e = t.entries[pos].take()?;
            let slot = t.indices.iter().position(|&ix| ix == pos as i32)?;
            t.indices[slot] = DUMMY;
            t.used -= 1;
            e
        };
        self.bump();
        Some((e.key, e.value))
    }

    /// A shallow copy, tracked if this dict is (as CPython's
    /// `PyDict_Copy`).
    pub fn copy(&self) -> Gc<Dict> {
        let d = Dict::new();
        d.tracked.set(self.tracked.get());
        {
            let mut t = d.table.borrow_mut();
            for (k, v, h) in self.hashed_items() {
                if t.indices.is_empty() {
                    t.resize(MIN_SIZE);
                }
                t.insert_new(h, k, v);
                if t.entries.len() * 3 >= t.indices.len() * 2 {
                    let want = (t.used * 3).max(MIN_SIZE);
                    t.resize(want);
                }
            }
        }
        Dict::into_gc(d)
    }

    fn hashed_items(&self) -> Vec<(Value, Value, i64)> {
        let t = self.table.borrow();
        t.entries
            .iter()
            .flatten()
            .map(|e| (e.key.clone(), e.value.clone(), e.hash))
            .collect()
    }
}

impl Table {
    /// Rebuilds the index table with at least `want` slots, squeezing out
    /// the holes left by deletions.
    fn resize(&mut self, want: usize) {
        let mut size = MIN_SIZE;
        while size < want {
            size *= 2;
        }
        self.entries.retain(Option::is_some);
        self.indices = vec![EMPTY; size];
        let mask = size - 1;
        for (ix, e) in self.entries.iter().enumerate() {
            let hash = e.as_ref().map_or(0, |e| e.hash);
            let mut p = Probe::new(hash, mask);
            while self.indices[p.i] != EMPTY {
                p.advance();
            }
            self.indices[p.i] = ix as i32;
        }
    }

    /// Inserts a key known to be absent (copying, resizing).
    fn insert_new(&mut self, hash: i64, key: Value, value: Value) {
        let mask = self.indices.len() - 1;
        let mut p = Probe::new(hash, mask);
        while self.indices[p.i] != EMPTY {
            p.advance();
        }
        self.indices[p.i] = self.entries.len() as i32;
        self.entries.push(Some(Entry { hash, key, value }));
        self.used += 1;
    }
}
