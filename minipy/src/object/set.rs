//! `set`: CPython's open-addressing table (linear probes, then
//! perturbation), so that iteration order, and hence `print({3, 1, 2})`,
//! comes out as CPython's for ints.
//!
//! As with dicts, `__eq__` may run Python code: the table is borrowed one
//! probe step at a time, and a lookup restarts if the table changed while
//! that code ran.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use refcycle::{Trace, Visitor};

use super::dict::fast_key_eq;
use super::Value;
use crate::vm::{PyResult, Vm};

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;

#[derive(Clone)]
enum SlotState {
    Empty,
    Dummy,
    Full(i64, Value),
}

/// A Python `set`.
pub struct Set {
    table: RefCell<Vec<SlotState>>,
    fill: Cell<usize>,
    used: Cell<usize>,
    version: Cell<u64>,
    finger: Cell<usize>,
}

impl Trace for Set {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        match self.table.try_borrow() {
            Ok(t) => {
                for s in t.iter() {
                    if let SlotState::Full(_, v) = s {
                        v.trace(visitor);
                    }
                }
            }
            Err(_) => visitor.mark_opaque(),
        }
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("set")
    }
}

impl Default for Set {
    fn default() -> Self {
        Set::new()
    }
}

/// What a probe found.
enum Found {
    Active(usize),
    Free(usize),
}

impl Set {
    /// An empty set.
    pub fn new() -> Set {
        Set {
            table: RefCell::new(vec![SlotState::Empty; MIN_SIZE]),
            fill: Cell::new(0),
            used: Cell::new(0),
            version: Cell::new(0),
            finger: Cell::new(0),
        }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.used.get()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items, in table order (Python's iteration order).
    pub fn items(&self) -> Vec<Value> {
        self.table
            .borrow()
            .iter()
            .filter_map(|s| match s {
                SlotState::Full(_, v) => Some(v.clone()),
                _ => None,
            })
            .collect()
    }

    fn hashed_items(&self) -> Vec<(i64, Value)> {
        self.table
            .borrow()
            .iter()
            .filter_map(|s| match s {
                SlotState::Full(h, v) => Some((*h, v.clone())),
                _ => None,
            })
            .collect()
    }

    /// Looks `key` up (CPython's `set_add_entry` probe sequence).
    fn find(&self, vm: &Vm, key: &Value, hash: i64) -> PyResult<Found> {
        'restart: loop {
            let version = self.version.get();
            let mask = self.table.borrow().len() - 1;
            let mut i = hash as usize & mask;
            let mut perturb = hash as u64;
            let mut free = None;
            loop {
                let probes = if i + LINEAR_PROBES <= mask {
                    LINEAR_PROBES
                } else {
                    0
                };
                for j in i..=i + probes {
                    let candidate = match &self.table.borrow()[j] {
                        SlotState::Empty => return Ok(Found::Free(free.unwrap_or(j))),
                        SlotState::Dummy => {
                            free.get_or_insert(j);
                            None
                        }
                        SlotState::Full(h, k) if *h == hash => match fast_key_eq(vm, k, key) {
                            Some(true) => return Ok(Found::Active(j)),
                            Some(false) => None,
                            None => Some(k.clone()),
                        },
                        SlotState::Full(..) => None,
                    };
                    if let Some(k) = candidate {
                        let equal = vm.eq(&k, key)?;
                        drop(k);
                        if self.version.get() != version {
                            continue 'restart;
                        }
                        if equal {
                            return Ok(Found::Active(j));
                        }
                    }
                }
                perturb >>= 5;
                i = (i.wrapping_mul(5).wrapping_add(1 + perturb as usize)) & mask;
            }
        }
    }

    /// Adds `key`; returns whether it was new.
    pub fn add(&self, vm: &Vm, key: Value) -> PyResult<bool> {
        let hash = vm.hash(&key)?;
        self.add_hashed(vm, key, hash)
    }

    fn add_hashed(&self, vm: &Vm, key: Value, hash: i64) -> PyResult<bool> {
        let slot = match self.find(vm, &key, hash)? {
            Found::Active(_) => return Ok(false),
            Found::Free(slot) => slot,
        };
        let was_empty = {
            let mut t = self.table.borrow_mut();
            let was_empty = matches!(t[slot], SlotState::Empty);
            t[slot] = SlotState::Full(hash, key);
            was_empty
        };
        self.used.set(self.used.get() + 1);
        self.version.set(self.version.get() + 1);
        if was_empty {
            self.fill.set(self.fill.get() + 1);
            let mask = self.table.borrow().len() - 1;
            if self.fill.get() * 5 >= mask * 3 {
                let used = self.used.get();
                self.resize(if used > 50000 { used * 2 } else { used * 4 });
            }
        }
        Ok(true)
    }

    /// CPython's `set_table_resize`: the smallest power of two above
    /// `minused`, entries reinserted in table order.
    fn resize(&self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        let old = std::mem::replace(&mut *self.table.borrow_mut(), vec![SlotState::Empty; size]);
        let mut t = self.table.borrow_mut();
        for s in old {
            if let SlotState::Full(h, v) = s {
                insert_clean(&mut t, h, v);
            }
        }
        self.fill.set(self.used.get());
        self.version.set(self.version.get() + 1);
    }

    /// Whether `key` is in the set.
    pub fn contains(&self, vm: &Vm, key: &Value) -> PyResult<bool> {
        let hash = vm.hash(key)?;
        Ok(matches!(self.find(vm, key, hash)?, Found::Active(_)))
    }

    /// Removes `key`; returns whether it was there.
    pub fn discard(&self, vm: &Vm, key: &Value) -> PyResult<bool> {
        let hash = vm.hash(key)?;
        let Found::Active(slot) = self.find(vm, key, hash)? else {
            return Ok(false);
        };
        let old = std::mem::replace(&mut self.table.borrow_mut()[slot], SlotState::Dummy);
        self.used.set(self.used.get() - 1);
        self.version.set(self.version.get() + 1);
        drop(old);
        Ok(true)
    }

    /// Removes and returns an arbitrary item (CPython's `set.pop`, which
    /// scans from where the last pop stopped).
    pub fn pop(&self) -> Option<Value> {
        if self.used.get() == 0 {
            return None;
        }
        let old = {
            let mut t = self.table.borrow_mut();
            let mask = t.len() - 1;
            let mut i = self.finger.get() & mask;
            while !matches!(t[i], SlotState::Full(..)) {
                i = (i + 1) & mask;
            }
            self.finger.set(i + 1);
            std::mem::replace(&mut t[i], SlotState::Dummy)
        };
        self.used.set(self.used.get() - 1);
        self.version.set(self.version.get() + 1);
        match old {
            SlotState::Full(_, v) => Some(v),
            _ => None,
        }
    }

    /// Removes everything.
    pub fn clear(&self) {
        let old = std::mem::replace(
            &mut *self.table.borrow_mut(),
            vec![SlotState::Empty; MIN_SIZE],
        );
        self.fill.set(0);
        self.used.set(0);
        self.version.set(self.version.get() + 1);
        drop(old);
    }

    /// Adds every item of `other` (CPython's `set_merge`).
    pub fn merge(&self, vm: &Vm, other: &Set) -> PyResult<()> {
        if std::ptr::eq(self, other) || other.is_empty() {
            return Ok(());
        }
        let mask = self.table.borrow().len() - 1;
        if (self.fill.get() + other.len()) * 5 >= mask * 3 {
            self.resize((self.used.get() + other.len()) * 2);
        }
        let same_shape = self.table.borrow().len() == other.table.borrow().len();
        if self.fill.get() == 0 && same_shape && other.fill.get() == other.used.get() {
            let copy = other.table.borrow().clone();
            *self.table.borrow_mut() = copy;
            self.fill.set(other.fill.get());
            self.used.set(other.used.get());
            return Ok(());
        }
        for (h, v) in other.hashed_items() {
            self.add_hashed(vm, v, h)?;
        }
        Ok(())
    }

    /// A shallow copy.
    pub fn copy(&self, vm: &Vm) -> PyResult<Set> {
        let s = Set::new();
        s.merge(vm, self)?;
        Ok(s)
    }
}

/// CPython's `set_insert_clean`: place a key known to be absent.
fn insert_clean(t: &mut [SlotState], hash: i64, key: Value) {
    let mask = t.len() - 1;
    let mut i = hash as usize & mask;
    let mut perturb = hash as u64;
    loop {
        if matches!(t[i], SlotState::Empty) {
            t[i] = SlotState::Full(hash, key);
            return;
        }
        if i + LINEAR_PROBES <= mask {
            let run = &mut t[i + 1..=i + LINEAR_PROBES];
            if let Some(slot) = run.iter_mut().find(|s| matches!(s, SlotState::Empty)) {
                *slot = SlotState::Full(hash, key);
                return;
            }
        }
        perturb >>= 5;
        i = (i.wrapping_mul(5).wrapping_add(1 + perturb as usize)) & mask;
    }
}
