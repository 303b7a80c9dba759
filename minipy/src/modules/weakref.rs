//! The `weakref` module: `ref` (with callbacks) and `getweakrefcount`.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

use refcycle::Gc;

use crate::builtins::{arity, def_in};
use crate::object::{Args, Dict, DictStore, Value, WeakRef, WeakTarget};
use crate::vm::{PyResult, Vm};

/// Fills the module's namespace.
pub fn fill(vm: &Vm, d: &Gc<Dict>) {
    d.set_str(vm.intern("ref"), Value::Class(vm.types.weakref.clone()));
    d.set_str(
        vm.intern("ReferenceType"),
        Value::Class(vm.types.weakref.clone()),
    );
    def_in(vm, d, "getweakrefcount", getweakrefcount);
}

/// `weakref.ref(obj[, callback])`.
pub fn new_ref(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "ref", &args, 1, 2)?;
    let obj = &args.pos[0];
    let callback = args.pos.get(1).cloned().unwrap_or_default();
    if callback.is_none() {
        if let Some(shared) = basic_ref(vm, obj) {
            return Ok(Value::WeakRef(shared));
        }
    }
    let slot: Rc<OnceCell<refcycle::Weak<WeakRef>>> = Rc::new(OnceCell::new());
    let target = weak_target(vm, obj, (!callback.is_none()).then(|| slot.clone()))?;
    let wr = Gc::new(WeakRef {
        target,
        callback: RefCell::new(callback),
        target_id: obj.id(),
        hash: Cell::new(None),
    });
    let _ = slot.set(Gc::downgrade(&wr));
    if wr.callback.borrow().is_none() {
        remember_basic_ref(vm, obj, &wr);
    }
    Ok(Value::WeakRef(wr))
}

/// The live callback-less weak reference to `obj`, if one exists.
fn basic_ref(vm: &Vm, obj: &Value) -> Option<Gc<WeakRef>> {
    let w = vm.basic_refs.borrow().get(&(obj.id() as usize))?.clone();
    let wr = w.upgrade()?;
    let same = wr.target.upgrade().is_some_and(|t| t.is(obj));
    (same && wr.callback.borrow().is_none()).then_some(wr)
}

fn remember_basic_ref(vm: &Vm, obj: &Value, wr: &Gc<WeakRef>) {
    let mut refs = vm.basic_refs.borrow_mut();
    if refs.len() >= 64 && refs.len().is_power_of_two() {
        // Forget references that died (or whose referent did), so the
        // table stays about as large as the live ones.
        refs.retain(|_, w| w.upgrade().is_some_and(|r| r.target.upgrade().is_some()));
    }
    refs.insert(obj.id() as usize, Gc::downgrade(wr));
}

/// A refcycle weak handle to `obj`, with the callback trampoline if the
/// reference has a callback.
fn weak_target(
    vm: &Vm,
    obj: &Value,
    slot: Option<Rc<OnceCell<refcycle::Weak<WeakRef>>>>,
) -> PyResult<WeakTarget> {
    macro_rules! downgrade {
        ($g:expr, $variant:ident) => {
            WeakTarget::$variant(match slot {
                Some(slot) => Gc::downgrade_with_callback($g, move || trampoline(&slot)),
                None => Gc::downgrade($g),
            })
        };
    }
    Ok(match obj {
        Value::Instance(i) if i.class.weakrefable => downgrade!(i, Instance),
        Value::Function(f) => downgrade!(f, Function),
        Value::Class(c) => downgrade!(c, Class),
        Value::Method(m) => downgrade!(m, Method),
        Value::Set(s) => downgrade!(s, Set),
        _ => {
            return Err(vm.type_error(format!(
                "cannot create weak reference to '{}' object",
                vm.type_name(obj)
            )))
        }
    })
}

/// What refcycle calls when the referent dies: calls the Python callback
/// with the weakref object, if that object is still alive (CPython does
/// not call the callback of a weak reference that died first).
fn trampoline(slot: &OnceCell<refcycle::Weak<WeakRef>>) {
    let Some(wr) = slot.get().and_then(refcycle::Weak::upgrade) else {
        return;
    };
    let Some(vm) = crate::vm::current() else {
        return;
    };
    let cb = wr.callback.replace(Value::None);
    if cb.is_none() {
        return;
    }
    if let Err(e) = vm.call_unlinked(&cb, Args::new(vec![Value::WeakRef(wr)])) {
        vm.write_unraisable(e, Some(&cb));
    }
}

fn getweakrefcount(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "getweakrefcount", &args, 1, 1)?;
    let n = match &args.pos[0] {
        Value::Instance(g) => Gc::weak_count(g),
        Value::Function(g) => Gc::weak_count(g),
        Value::Class(g) => Gc::weak_count(g),
        Value::Method(g) => Gc::weak_count(g),
        Value::Set(g) => Gc::weak_count(g),
        _ => 0,
    };
    Ok(Value::Int(n as i64))
}

impl Vm {
    /// `hash(weakref)`: the referent's hash, remembered once computed.
    pub fn weakref_hash(&self, w: &WeakRef) -> PyResult<i64> {
        if let Some(h) = w.hash.get() {
            return Ok(h);
        }
        match w.target.upgrade() {
            Some(v) => {
                let h = self.hash(&v)?;
                w.hash.set(Some(h));
                Ok(h)
            }
            None => Err(self.type_error("weak object has gone away".into())),
        }
    }
}
