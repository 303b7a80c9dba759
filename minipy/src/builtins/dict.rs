//! Methods of `dict`.

use refcycle::Gc;

use super::construct::dict_update;
use super::list::receiver;
use super::{method, method_arity};
use crate::object::{Args, Dict, DictStore, DictView, Value, ViewKind};
use crate::vm::{PyResult, Vm};

/// Registers the methods.
pub fn install(vm: &Vm) {
    let d = &vm.types.dict;
    method(vm, d, "dict", "get", get);
    method(vm, d, "dict", "keys", keys);
    method(vm, d, "dict", "values", values);
    method(vm, d, "dict", "items", items);
    method(vm, d, "dict", "pop", pop);
    method(vm, d, "dict", "popitem", popitem);
    method(vm, d, "dict", "setdefault", setdefault);
    method(vm, d, "dict", "update", update);
    method(vm, d, "dict", "clear", clear);
    method(vm, d, "dict", "copy", copy);
    let f = super::native("fromkeys", fromkeys);
    let old = d.dict.borrow_mut().set(vm.intern("fromkeys"), f);
    drop(old);
}

fn this(vm: &Vm, args: &Args, name: &str) -> PyResult<Gc<Dict>> {
    match receiver(vm, args, name, "dict")? {
        Value::Dict(d) => Ok(d.clone()),
        _ => unreachable!("receiver checked the type"),
    }
}

fn get(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "get", &args, 1, 2)?;
    let d = this(vm, &args, "get")?;
    Ok(d.get(vm, &args.pos[1])?
        .unwrap_or_else(|| args.pos.get(2).cloned().unwrap_or_default()))
}

fn view(vm: &Vm, args: Args, name: &str, kind: ViewKind) -> PyResult<Value> {
    method_arity(vm, name, &args, 0, 0)?;
    let dict = this(vm, &args, name)?;
    Ok(Value::DictView(Gc::new(DictView { dict, kind })))
}

fn keys(vm: &Vm, args: Args) -> PyResult<Value> {
    view(vm, args, "keys", ViewKind::Keys)
}

fn values(vm: &Vm, args: Args) -> PyResult<Value> {
    view(vm, args, "values", ViewKind::Values)
}

fn items(vm: &Vm, args: Args) -> PyResult<Value> {
    view(vm, args, "items", ViewKind::Items)
}

fn pop(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "pop", &args, 1, 2)?;
    let d = this(vm, &args, "pop")?;
    match d.remove(vm, &args.pos[1])? {
        Some((_, v)) => Ok(v),
        None => match args.pos.get(2) {
            Some(default) => Ok(default.clone()),
            None => Err(vm.key_error(args.pos[1].clone())),
        },
    }
}

fn popitem(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "popitem", &args, 0, 0)?;
    let d = this(vm, &args, "popitem")?;
    match d.pop_last() {
        Some((k, v)) => Ok(vm.new_pair(k, v)),
        None => Err(vm.err(&vm.types.key_error, "popitem(): dictionary is empty".into())),
    }
}

fn setdefault(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "setdefault", &args, 1, 2)?;
    let d = this(vm, &args, "setdefault")?;
    if let Some(v) = d.get(vm, &args.pos[1])? {
        return Ok(v);
    }
    let v = args.pos.get(2).cloned().unwrap_or_default();
    d.set(vm, args.pos[1].clone(), v.clone())?;
    Ok(v)
}

fn update(vm: &Vm, mut args: Args) -> PyResult<Value> {
    let kw = std::mem::take(&mut args.kw);
    method_arity(vm, "update", &args, 0, 1)?;
    let d = this(vm, &args, "update")?;
    if let Some(src) = args.pos.get(1).cloned() {
        dict_update(vm, &d, src)?;
    }
    for (k, v) in kw {
        d.set_str(k, v);
    }
    Ok(Value::None)
}

fn clear(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "clear", &args, 0, 0)?;
    this(vm, &args, "clear")?.clear();
    Ok(Value::None)
}

fn copy(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "copy", &args, 0, 0)?;
    let d = this(vm, &args, "copy")?;
    Ok(Value::Dict(d.copy()))
}

fn fromkeys(vm: &Vm, args: Args) -> PyResult<Value> {
    super::arity(vm, "fromkeys", &args, 1, 2)?;
    let d = Dict::new_gc();
    let v = args.pos.get(1).cloned().unwrap_or_default();
    for k in vm.collect_iterable(args.pos[0].clone())? {
        d.set(vm, k, v.clone())?;
    }
    Ok(Value::Dict(d))
}
