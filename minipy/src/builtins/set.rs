//! Methods of `set`.

use refcycle::Gc;

use super::list::receiver;
use super::{method, method_arity};
use crate::ast::{BinOp, CmpOp};
use crate::object::{Args, Set, Value};
use crate::vm::{PyResult, Vm};

/// Registers the methods.
pub fn install(vm: &Vm) {
    let s = &vm.types.set;
    let m = |name: &'static str, f: crate::object::NativeFn| method(vm, s, "set", name, f);
    m("add", add);
    m("remove", remove);
    m("discard", discard);
    m("pop", pop);
    m("clear", clear);
    m("copy", copy);
    m("update", update);
    m("union", union);
    m("intersection", intersection);
    m("difference", difference);
    m("symmetric_difference", symmetric_difference);
    m("issubset", issubset);
    m("issuperset", issuperset);
    m("isdisjoint", isdisjoint);
}

fn this(vm: &Vm, args: &Args, name: &str) -> PyResult<Gc<Set>> {
    match receiver(vm, args, name, "set")? {
        Value::Set(s) => Ok(s.clone()),
        _ => unreachable!("receiver checked the type"),
    }
}

/// Any iterable as a set (the argument of `union` and friends).
fn as_set(vm: &Vm, v: &Value) -> PyResult<Gc<Set>> {
    if let Value::Set(s) = v {
        return Ok(s.clone());
    }
    let s = Gc::new(Set::new());
    for x in vm.collect_iterable(v.clone())? {
        s.add(vm, x)?;
    }
    Ok(s)
}

fn add(vm: &Vm, mut args: Args) -> PyResult<Value> {
    method_arity(vm, "add", &args, 1, 1)?;
    let s = this(vm, &args, "add")?;
    s.add(vm, args.pos.pop().unwrap_or_default())?;
    Ok(Value::None)
}

fn remove(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "remove", &args, 1, 1)?;
    let s = this(vm, &args, "remove")?;
    if !s.discard(vm, &args.pos[1])? {
        return Err(vm.key_error(args.pos[1].clone()));
    }
    Ok(Value::None)
}

fn discard(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "discard", &args, 1, 1)?;
    this(vm, &args, "discard")?.discard(vm, &args.pos[1])?;
    Ok(Value::None)
}

fn pop(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "pop", &args, 0, 0)?;
    this(vm, &args, "pop")?
        .pop()
        .ok_or_else(|| vm.err(&vm.types.key_error, "pop from an empty set".into()))
}

fn clear(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "clear", &args, 0, 0)?;
    this(vm, &args, "clear")?.clear();
    Ok(Value::None)
}

fn copy(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "copy", &args, 0, 0)?;
    let s = this(vm, &args, "copy")?;
    Ok(Value::Set(Gc::new(s.copy(vm)?)))
}

fn update(vm: &Vm, args: Args) -> PyResult<Value> {
    let s = this(vm, &args, "update")?;
    for other in &args.pos[1..] {
        let o = as_set(vm, other)?;
        s.merge(vm, &o)?;
    }
    Ok(Value::None)
}

/// Folds the arguments into the receiver with a set operator.
fn fold(vm: &Vm, args: Args, name: &str, op: BinOp) -> PyResult<Value> {
    let mut acc = Value::Set(this(vm, &args, name)?);
    if args.pos.len() == 1 {
        acc = Value::Set(Gc::new(as_set(vm, &acc)?.copy(vm)?));
    }
    for other in &args.pos[1..] {
        let o = Value::Set(as_set(vm, other)?);
        acc = vm.binary_op(op, &acc, &o)?;
    }
    Ok(acc)
}

fn union(vm: &Vm, args: Args) -> PyResult<Value> {
    fold(vm, args, "union", BinOp::BitOr)
}

fn intersection(vm: &Vm, args: Args) -> PyResult<Value> {
    fold(vm, args, "intersection", BinOp::BitAnd)
}

fn difference(vm: &Vm, args: Args) -> PyResult<Value> {
    fold(vm, args, "difference", BinOp::Sub)
}

fn symmetric_difference(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "symmetric_difference", &args, 1, 1)?;
    fold(vm, args, "symmetric_difference", BinOp::BitXor)
}

fn relation(vm: &Vm, args: Args, name: &str, op: CmpOp) -> PyResult<Value> {
    method_arity(vm, name, &args, 1, 1)?;
    let s = Value::Set(this(vm, &args, name)?);
    let o = Value::Set(as_set(vm, &args.pos[1])?);
    vm.rich_compare(op, &s, &o)
}

fn issubset(vm: &Vm, args: Args) -> PyResult<Value> {
    relation(vm, args, "issubset", CmpOp::LtE)
}

fn issuperset(vm: &Vm, args: Args) -> PyResult<Value> {
    relation(vm, args, "issuperset", CmpOp::GtE)
}

fn isdisjoint(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "isdisjoint", &args, 1, 1)?;
    let s = this(vm, &args, "isdisjoint")?;
    for x in vm.collect_iterable(args.pos[1].clone())? {
        if s.contains(vm, &x)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}
