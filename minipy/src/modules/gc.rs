//! The `gc` module, wired to refcycle's collector (which implements the
//! semantics: thresholds, generations, finalizers, `garbage`).
//!
//! `gc.garbage` and `gc.callbacks` are real list objects. One refcycle
//! callback, registered per interpreter, does what CPython's collector
//! does around each collection: at the stop phase it moves refcycle's
//! uncollectable objects into `gc.garbage`, and at both phases it calls
//! the Python callables in `gc.callbacks` with `(phase, info)`.

use std::rc::Rc;

use refcycle::{CallbackInfo, Gc, GcCallback, Phase};

use crate::builtins::{arity, def_in, int_arg};
use crate::object::{new_list, Args, Dict, DictStore, Value};
use crate::vm::{PyResult, Vm};

/// Fills the module's namespace.
pub fn fill(vm: &Vm, d: &Gc<Dict>) {
    def_in(vm, d, "enable", enable);
    def_in(vm, d, "disable", disable);
    def_in(vm, d, "isenabled", isenabled);
    def_in(vm, d, "collect", collect);
    def_in(vm, d, "get_count", get_count);
    def_in(vm, d, "get_threshold", get_threshold);
    def_in(vm, d, "set_threshold", set_threshold);
    def_in(vm, d, "get_stats", get_stats);
    def_in(vm, d, "get_objects", get_objects);
    def_in(vm, d, "get_referrers", get_referrers);
    def_in(vm, d, "get_referents", get_referents);
    def_in(vm, d, "is_tracked", is_tracked);
    def_in(vm, d, "is_finalized", is_finalized);
    def_in(vm, d, "freeze", freeze);
    def_in(vm, d, "unfreeze", unfreeze);
    def_in(vm, d, "get_freeze_count", get_freeze_count);
    def_in(vm, d, "set_debug", set_debug);
    def_in(vm, d, "get_debug", get_debug);
    let set = |k: &str, v: Value| d.set_str(vm.intern(k), v);
    set("garbage", Value::List(vm.gc_garbage.clone()));
    set("callbacks", Value::List(vm.gc_callbacks.clone()));
    set("DEBUG_STATS", Value::Int(i64::from(refcycle::DEBUG_STATS)));
    set(
        "DEBUG_COLLECTABLE",
        Value::Int(i64::from(refcycle::DEBUG_COLLECTABLE)),
    );
    set(
        "DEBUG_UNCOLLECTABLE",
        Value::Int(i64::from(refcycle::DEBUG_UNCOLLECTABLE)),
    );
    set(
        "DEBUG_SAVEALL",
        Value::Int(i64::from(refcycle::DEBUG_SAVEALL)),
    );
    set("DEBUG_LEAK", Value::Int(i64::from(refcycle::DEBUG_LEAK)));
}

/// Registers the interpreter's collection hook with refcycle; the
/// returned handle unregisters it (`refcycle::remove_callback`).
pub fn register_hook() -> GcCallback {
    let cb: GcCallback = Rc::new(|phase: Phase, info: &CallbackInfo| {
        if let Some(vm) = crate::vm::current() {
            on_collection(&vm, phase, info);
        }
    });
    refcycle::add_callback(cb.clone());
    cb
}

/// Runs around every collection (see the module docs).
fn on_collection(vm: &Vm, phase: Phase, info: &CallbackInfo) {
    if phase == Phase::Stop {
        move_garbage(vm);
    }
    let callbacks = vm.gc_callbacks.snapshot();
    if callbacks.is_empty() || vm.callbacks_muted.get() {
        return;
    }
    let phase = vm.str_val(if phase == Phase::Start {
        "start"
    } else {
        "stop"
    });
    for cb in callbacks {
        let d = Dict::new_gc();
        d.set_str(vm.intern("generation"), Value::Int(info.generation as i64));
        d.set_str(vm.intern("collected"), Value::Int(info.collected as i64));
        d.set_str(
            vm.intern("uncollectable"),
            Value::Int(info.uncollectable as i64),
        );
        let args = Args::new(vec![phase.clone(), Value::Dict(d)]);
        if let Err(e) = vm.call_unlinked(&cb, args) {
            vm.write_unraisable(e, Some(&cb));
        }
    }
}

/// Moves refcycle's `garbage()` into `gc.garbage`.
pub fn move_garbage(vm: &Vm) {
    let objects = refcycle::take_garbage();
    if objects.is_empty() {
        return;
    }
    let values: Vec<Value> = objects.iter().filter_map(Value::from_any).collect();
    drop(objects);
    vm.gc_garbage.items.borrow_mut().extend(values);
}

fn enable(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "enable", &args, 0, 0)?;
    refcycle::enable();
    Ok(Value::None)
}

fn disable(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "disable", &args, 0, 0)?;
    refcycle::disable();
    Ok(Value::None)
}

fn isenabled(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "isenabled", &args, 0, 0)?;
    Ok(Value::Bool(refcycle::is_enabled()))
}

fn generation_arg(vm: &Vm, v: Option<&Value>) -> PyResult<Option<usize>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => {
            let g = int_arg(vm, v)?;
            if !(0..3).contains(&g) {
                return Err(vm.value_error("invalid generation".into()));
            }
            Ok(Some(g as usize))
        }
    }
}

fn collect(vm: &Vm, mut args: Args) -> PyResult<Value> {
    if let Some(g) = args.take_kw("generation") {
        args.pos.push(g);
    }
    arity(vm, "collect", &args, 0, 1)?;
    let g = generation_arg(vm, args.pos.first())?.unwrap_or(2);
    drop(args);
    let n = refcycle::collect_generation(g);
    Ok(Value::Int(n as i64))
}

fn triple(vm: &Vm, (a, b, c): (usize, usize, usize)) -> Value {
    vm.new_tuple(vec![
        Value::Int(a as i64),
        Value::Int(b as i64),
        Value::Int(c as i64),
    ])
}

fn get_count(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "get_count", &args, 0, 0)?;
    Ok(triple(vm, refcycle::get_count()))
}

fn get_threshold(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "get_threshold", &args, 0, 0)?;
    Ok(triple(vm, refcycle::get_threshold()))
}

fn set_threshold(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "set_threshold", &args, 1, 3)?;
    let (mut t0, mut t1, mut t2) = refcycle::get_threshold();
    let vals = args
        .pos
        .iter()
        .map(|v| int_arg(vm, v).map(|i| i.max(0) as usize))
        .collect::<PyResult<Vec<_>>>()?;
    for (slot, v) in [&mut t0, &mut t1, &mut t2].into_iter().zip(vals) {
        *slot = v;
    }
    refcycle::set_threshold(t0, t1, t2);
    Ok(Value::None)
}

fn get_stats(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "get_stats", &args, 0, 0)?;
    let stats = refcycle::get_stats();
    let items = stats
        .iter()
        .map(|s| {
            let d = Dict::new_gc();
            d.set_str(vm.intern("collections"), Value::Int(s.collections as i64));
            d.set_str(vm.intern("collected"), Value::Int(s.collected as i64));
            d.set_str(
                vm.intern("uncollectable"),
                Value::Int(s.uncollectable as i64),
            );
            Value::Dict(d)
        })
        .collect();
    Ok(new_list(items))
}

fn get_objects(vm: &Vm, mut args: Args) -> PyResult<Value> {
    if let Some(g) = args.take_kw("generation") {
        args.pos.push(g);
    }
    arity(vm, "get_objects", &args, 0, 1)?;
    let g = generation_arg(vm, args.pos.first())?;
    let objects = refcycle::get_objects(g);
    let values = objects.iter().filter_map(Value::from_any).collect();
    drop(objects);
    Ok(new_list(values))
}

fn get_referrers(_vm: &Vm, args: Args) -> PyResult<Value> {
    let mut out = Vec::new();
    for v in &args.pos {
        if let Some(any) = v.to_any() {
            let found = refcycle::get_referrers(&any);
            drop(any);
            out.extend(found.iter().filter_map(Value::from_any));
        }
    }
    Ok(new_list(out))
}

/// What CPython's `tp_traverse` visits for the common containers,
/// immediates and strings included (refcycle's tracing skips those, as
/// they are never part of a cycle).
fn py_referents(v: &Value) -> Option<Vec<Value>> {
    Some(match v {
        Value::List(l) => l.snapshot(),
        Value::Tuple(t) => t.items.to_vec(),
        Value::Set(s) => s.items(),
        Value::Dict(d) => d.items().into_iter().flat_map(|(k, x)| [k, x]).collect(),
        Value::Instance(i) => {
            let mut out: Vec<Value> = i.attrs.borrow().entries().map(|(_, x)| x.clone()).collect();
            out.push(Value::Class(i.class.clone()));
            out
        }
        Value::Cell(c) => c.get().into_iter().collect(),
        _ => return None,
    })
}

fn get_referents(_vm: &Vm, args: Args) -> PyResult<Value> {
    let mut out = Vec::new();
    for v in &args.pos {
        if let Some(items) = py_referents(v) {
            out.extend(items);
        } else if let Some(any) = v.to_any() {
            let found = refcycle::get_referents(&any);
            drop(any);
            out.extend(found.iter().filter_map(Value::from_any));
        }
    }
    Ok(new_list(out))
}

/// Whether CPython would consider `v` an atomic value (one a container
/// holding only such values is untracked by CPython).
fn atomic(v: &Value) -> bool {
    match v {
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => true,
        Value::Tuple(t) => t.items.iter().all(atomic),
        _ => false,
    }
}

/// `gc.is_tracked(obj)`. Dicts answer what the collector does (they are
/// tracked as CPython tracks them, see `object/dict.rs`). refcycle tracks
/// every tuple, but CPython untracks those that hold only atomic values at
/// their first collection; for them this answers as CPython would after a
/// collection (see `docs/minipy-compat.md`).
fn is_tracked(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "is_tracked", &args, 1, 1)?;
    let v = &args.pos[0];
    Ok(Value::Bool(match v {
        Value::Dict(d) => refcycle::is_tracked(d),
        Value::Tuple(_) => !atomic(v),
        Value::Str(_) | Value::Range(_) => false,
        other => other.heap_ptr().is_some(),
    }))
}

fn is_finalized(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "is_finalized", &args, 1, 1)?;
    Ok(Value::Bool(match &args.pos[0] {
        Value::Instance(i) => refcycle::is_finalized(i),
        _ => false,
    }))
}

fn freeze(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "freeze", &args, 0, 0)?;
    refcycle::freeze();
    Ok(Value::None)
}

fn unfreeze(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "unfreeze", &args, 0, 0)?;
    refcycle::unfreeze();
    Ok(Value::None)
}

fn get_freeze_count(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "get_freeze_count", &args, 0, 0)?;
    Ok(Value::Int(refcycle::get_freeze_count() as i64))
}

fn set_debug(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "set_debug", &args, 1, 1)?;
    let flags = int_arg(vm, &args.pos[0])?;
    refcycle::set_debug(flags as u32);
    Ok(Value::None)
}

fn get_debug(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "get_debug", &args, 0, 0)?;
    Ok(Value::Int(i64::from(refcycle::get_debug())))
}
