//! Classes, and [`AttrMap`], the attribute table of classes and instances.
//!
//! Every name used as an attribute is interned (the compiler interns
//! names in source; `getattr`/`setattr` intern their argument, as CPython
//! does), so an `AttrMap` compares keys by pointer only.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use refcycle::{Gc, Trace, Visitor};

use super::{PyStr, Value};

/// Above this many entries an [`AttrMap`] keeps a hash index.
const INDEX_FROM: usize = 12;
/// Entries kept inside the map itself, so that an instance with a few
/// attributes is one allocation (the collector and the allocator both
/// prefer that: the profile of an allocation-heavy benchmark showed the
/// separate attribute vector's cold writes as its hottest spot).
const INLINE: usize = 4;

type Entry = (Gc<PyStr>, Value);

/// An ordered name → value table keyed by interned strings.
///
/// Up to four entries (`INLINE`) live in `inline` (a filled prefix); beyond
/// that every entry moves to `spill`.
///
/// The spill is boxed and comes first (`repr(C)`), so that what the
/// collector reads when it traces an instance (the class, the spill
/// pointer, the inline entries up to the first empty one) is packed right
/// after the object's header, in a smaller object: the collection of a
/// large heap is bound by memory traffic. Measured on `big_heap_collect`
/// (median `gc.collect()` of 25, six runs): 36 ms with a `Vec` spill and
/// its index after the inline entries, 31.5 ms with them moved first,
/// 22.5 ms with them boxed (CPython: 25 ms).
#[derive(Default)]
#[repr(C)]
pub struct AttrMap {
    spill: Option<Box<Spill>>,
    inline: [Option<Entry>; INLINE],
}

/// The entries of a spilled [`AttrMap`], and their hash index once there
/// are more than `INDEX_FROM`.
#[derive(Default)]
struct Spill {
    entries: Vec<Entry>,
    index: Option<HashMap<usize, usize>>,
}

fn key_of(name: &Gc<PyStr>) -> usize {
    Gc::as_ptr(name) as usize
}

impl AttrMap {
    /// An empty table.
    pub fn new() -> AttrMap {
        AttrMap::default()
    }

    /// An empty table with room for `n` entries.
    pub fn with_capacity(n: usize) -> AttrMap {
        AttrMap {
            spill: (n > INLINE).then(|| {
                Box::new(Spill {
                    entries: Vec::with_capacity(n),
                    index: None,
                })
            }),
            ..AttrMap::default()
        }
    }

    /// The spilled entries, if the table has spilled.
    #[inline]
    fn spilled(&self) -> Option<&Spill> {
        self.spill.as_deref().filter(|s| !s.entries.is_empty())
    }

    fn position(&self, name: &Gc<PyStr>) -> Option<usize> {
        debug_assert!(
            name.is_interned(),
            "attribute name {:?} not interned",
            name.as_str()
        );
        if let Some(s) = self.spilled() {
            if let Some(ix) = &s.index {
                return ix.get(&key_of(name)).copied();
            }
            return s.entries.iter().position(|(k, _)| Gc::ptr_eq(k, name));
        }
        self.inline
            .iter()
            .map_while(Option::as_ref)
            .position(|(k, _)| Gc::ptr_eq(k, name))
    }

    fn slot(&self, i: usize) -> &Entry {
        match self.spilled() {
            Some(s) => &s.entries[i],
            None => self.inline[i].as_ref().expect("filled prefix"),
        }
    }

    fn slot_mut(&mut self, i: usize) -> &mut Entry {
        if self.spilled().is_some() {
            let s = self.spill.as_mut().expect("spilled");
            &mut s.entries[i]
        } else {
            self.inline[i].as_mut().expect("filled prefix")
        }
    }

    /// The value of `name`.
    pub fn get(&self, name: &Gc<PyStr>) -> Option<&Value> {
        self.position(name).map(|i| &self.slot(i).1)
    }

    /// Whether `name` is present.
    pub fn contains(&self, name: &Gc<PyStr>) -> bool {
        self.position(name).is_some()
    }

    /// Sets `name`; returns the replaced value, for the caller to drop
    /// after releasing any borrow.
    pub fn set(&mut self, name: Gc<PyStr>, value: Value) -> Option<Value> {
        if let Some(i) = self.position(&name) {
            return Some(std::mem::replace(&mut self.slot_mut(i).1, value));
        }
        let spilled = self.spilled().is_some();
        let len = self.len();
        if !spilled && len < INLINE {
            self.inline[len] = Some((name, value));
            return None;
        }
        let s = self.spill.get_or_insert_with(Box::default);
        if !spilled {
            s.entries
                .extend(self.inline.iter_mut().filter_map(Option::take));
        }
        if let Some(ix) = &mut s.index {
            ix.insert(key_of(&name), s.entries.len());
        }
        s.entries.push((name, value));
        if s.index.is_none() && s.entries.len() > INDEX_FROM {
            s.reindex();
        }
        None
    }

    /// Removes `name`; returns its value.
    pub fn remove(&mut self, name: &Gc<PyStr>) -> Option<Value> {
        let i = self.position(name)?;
        if self.spilled().is_some() {
            let s = self.spill.as_mut().expect("spilled");
            let (_, v) = s.entries.remove(i);
            if s.index.is_some() {
                s.reindex();
            }
            return Some(v);
        }
        let (_, v) = self.inline[i].take()?;
        self.inline[i..].rotate_left(1);
        Some(v)
    }

    /// The entries, in insertion order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        let spill = self.spill.as_deref().map_or(&[][..], |s| &s.entries[..]);
        self.inline
            .iter()
            .map_while(Option::as_ref)
            .chain(spill.iter())
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        match self.spilled() {
            Some(s) => s.entries.len(),
            None => self.inline.iter().take_while(|e| e.is_some()).count(),
        }
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes every entry out (for dropping outside a borrow).
    pub fn take_all(&mut self) -> Vec<Entry> {
        let mut out: Vec<Entry> = self.inline.iter_mut().filter_map(Option::take).collect();
        if let Some(s) = self.spill.take() {
            out.extend(s.entries);
        }
        out
    }
}

impl Spill {
    fn reindex(&mut self) {
        let ix = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (key_of(k), i))
            .collect();
        self.index = Some(ix);
    }
}

impl Trace for AttrMap {
    /// The values (names are interned strings, never tracked). Loops over
    /// the inline entries and the spill directly: the chained iterator of
    /// `entries` cost a third of an instance's trace.
    #[inline]
    fn trace(&self, visitor: &mut Visitor<'_>) {
        for e in &self.inline {
            match e {
                Some((_, v)) => v.trace(visitor),
                None => break,
            }
        }
        if let Some(s) = &self.spill {
            for (_, v) in &s.entries {
                v.trace(visitor);
            }
        }
    }
}

/// What a class's instances are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `object` and user classes: [`Instance`](super::Instance)s.
    Object,
    /// Exception classes: instances carry exception state.
    Exception,
    /// A built-in type whose values are not instances (`int`, `list` ...).
    Builtin,
}

/// A class.
pub struct Class {
    /// `__name__`.
    pub name: Gc<PyStr>,
    /// `__qualname__`.
    pub qualname: Gc<PyStr>,
    /// `__module__` (`"builtins"` for built-in types).
    pub module: Gc<PyStr>,
    /// The single base class (`None` only for `object`).
    pub base: Option<Gc<Class>>,
    /// The class attributes. Borrow briefly.
    pub dict: RefCell<AttrMap>,
    /// What instances are made of.
    pub kind: Kind,
    /// Whether the class or a base defines `__del__`.
    pub has_del: Cell<bool>,
    /// The names instances may have as attributes, when every class in
    /// the chain defines `__slots__` (`None`: instances have a dict).
    pub slots: Option<Vec<Gc<PyStr>>>,
    /// Whether instances accept weak references (`__slots__` without
    /// `__weakref__` forbids it).
    pub weakrefable: bool,
    /// [`flag`]s of the MRO, and the class epoch they were computed at.
    pub cache: Cell<(u64, u32)>,
    /// The most attributes an instance has had: new instances reserve
    /// that much room (CPython sizes instance dicts from shared keys).
    pub attr_hint: Cell<usize>,
}

/// Bumped whenever any class's dict changes after creation, which
/// invalidates every class's cached [`flag`]s (CPython's type attribute
/// cache uses the same trick, with a version per type). One counter for
/// all threads: a bump elsewhere only costs a recomputation. (Rejected: a
/// thread-local, whose access cost showed in every attribute store.)
static CLASS_EPOCH: AtomicU64 = AtomicU64::new(1);

/// Records that some class dict changed.
pub fn bump_class_epoch() {
    CLASS_EPOCH.fetch_add(1, Ordering::Relaxed);
}

/// Which hooks a class (or a base) defines, so that attribute access can
/// skip looking for them on every instance.
pub mod flag {
    /// `__setattr__`.
    pub const SETATTR: u32 = 1;
    /// `__getattr__`.
    pub const GETATTR: u32 = 2;
    /// `__delattr__`.
    pub const DELATTR: u32 = 4;
    /// `__new__`.
    pub const NEW: u32 = 8;
    /// Some attribute is a `property`.
    pub const PROPERTY: u32 = 16;
}

impl Trace for Class {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.base.trace(visitor);
        super::trace_cell(&self.dict, visitor, AttrMap::trace);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("type")
    }
}

impl Class {
    /// The class's [`flag`]s.
    #[inline]
    pub fn flags(&self) -> u32 {
        let epoch = CLASS_EPOCH.load(Ordering::Relaxed);
        let (at, flags) = self.cache.get();
        if at == epoch {
            return flags;
        }
        let flags = self.compute_flags();
        self.cache.set((epoch, flags));
        flags
    }

    fn compute_flags(&self) -> u32 {
        let mut flags = 0;
        let mut scan = |dict: &AttrMap| {
            for (k, v) in dict.entries() {
                flags |= match k.as_str() {
                    "__setattr__" => flag::SETATTR,
                    "__getattr__" => flag::GETATTR,
                    "__delattr__" => flag::DELATTR,
                    "__new__" => flag::NEW,
                    _ => 0,
                };
                if matches!(v, Value::Descr(d) if d.kind == super::DescrKind::Property) {
                    flags |= flag::PROPERTY;
                }
            }
        };
        scan(&self.dict.borrow());
        let mut cur = self.base.clone();
        while let Some(c) = cur {
            scan(&c.dict.borrow());
            cur = c.base.clone();
        }
        flags
    }

    /// Whether the class (or a base) has any of `flags`.
    #[inline]
    pub fn has(&self, flags: u32) -> bool {
        self.flags() & flags != 0
    }

    /// The classes from this one up to `object` (the MRO, single
    /// inheritance).
    pub fn mro(this: &Gc<Class>) -> Vec<Gc<Class>> {
        let mut out = vec![this.clone()];
        let mut cur = this.base.clone();
        while let Some(c) = cur {
            cur = c.base.clone();
            out.push(c);
        }
        out
    }

    /// Looks `name` up along the MRO (no borrow is held on return).
    pub fn lookup(&self, name: &Gc<PyStr>) -> Option<Value> {
        if let Some(v) = self.dict.borrow().get(name) {
            return Some(v.clone());
        }
        let mut cur = self.base.clone();
        while let Some(c) = cur {
            if let Some(v) = c.dict.borrow().get(name) {
                return Some(v.clone());
            }
            cur = c.base.clone();
        }
        None
    }

    /// Whether `self` is `other` or a subclass of it.
    pub fn is_subclass(&self, other: &Gc<Class>) -> bool {
        if std::ptr::eq(self, &**other) {
            return true;
        }
        let mut cur = self.base.clone();
        while let Some(c) = cur {
            if Gc::ptr_eq(&c, other) {
                return true;
            }
            cur = c.base.clone();
        }
        false
    }

    /// The name `repr` and error messages show (`__main__.A` is `A` in
    /// messages, but `<class '__main__.A'>` in reprs).
    pub fn full_name(&self) -> String {
        let m = self.module.as_str();
        if m == "builtins" {
            self.qualname.as_str().to_string()
        } else {
            format!("{}.{}", m, self.qualname.as_str())
        }
    }
}
