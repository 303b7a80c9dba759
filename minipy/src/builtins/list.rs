//! Methods of `list` (and `tuple`'s `index` / `count`).
//!
//! Each method borrows the list's vector only for the moment it reads or
//! writes it: comparisons (`__eq__`) and drops of removed items happen
//! with the borrow released.

use refcycle::Gc;

use super::{functions::sort_with_key, int_arg, method, method_arity};
use crate::object::{new_list, Args, List, Value};
use crate::vm::{PyResult, Vm};

/// Registers the methods.
pub fn install(vm: &Vm) {
    let l = &vm.types.list;
    method(vm, l, "list", "append", append);
    method(vm, l, "list", "extend", extend);
    method(vm, l, "list", "pop", pop);
    method(vm, l, "list", "insert", insert);
    method(vm, l, "list", "remove", remove);
    method(vm, l, "list", "index", index);
    method(vm, l, "list", "count", count);
    method(vm, l, "list", "clear", clear);
    method(vm, l, "list", "sort", sort);
    method(vm, l, "list", "reverse", reverse);
    method(vm, l, "list", "copy", copy);
    let t = &vm.types.tuple;
    method(vm, t, "tuple", "index", index);
    method(vm, t, "tuple", "count", count);
}

/// The receiver of a method of a built-in type, checked.
pub fn receiver<'a>(vm: &Vm, args: &'a Args, name: &str, owner: &str) -> PyResult<&'a Value> {
    match args.pos.first() {
        Some(v) if vm.class_of(v).name.as_str() == owner => Ok(v),
        Some(v) => Err(vm.type_error(format!(
            "descriptor '{name}' for '{owner}' objects doesn't apply to a '{}' object",
            vm.type_name(v)
        ))),
        None => Err(vm.type_error(format!("unbound method {owner}.{name}() needs an argument"))),
    }
}

fn this(vm: &Vm, args: &Args, name: &str) -> PyResult<Gc<List>> {
    match receiver(vm, args, name, "list")? {
        Value::List(l) => Ok(l.clone()),
        _ => unreachable!("receiver checked the type"),
    }
}

fn append(vm: &Vm, mut args: Args) -> PyResult<Value> {
    method_arity(vm, "append", &args, 1, 1)?;
    let l = this(vm, &args, "append")?;
    let v = args.pos.pop().unwrap_or_default();
    l.push(v);
    Ok(Value::None)
}

fn extend(vm: &Vm, mut args: Args) -> PyResult<Value> {
    method_arity(vm, "extend", &args, 1, 1)?;
    let l = this(vm, &args, "extend")?;
    let items = vm.collect_iterable(args.pos.pop().unwrap_or_default())?;
    l.items.borrow_mut().extend(items);
    Ok(Value::None)
}

fn pop(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "pop", &args, 0, 1)?;
    let l = this(vm, &args, "pop")?;
    let len = l.len() as i64;
    if len == 0 {
        return Err(vm.index_error("pop from empty list"));
    }
    let i = match args.pos.get(1) {
        Some(v) => int_arg(vm, v)?,
        None => -1,
    };
    let i = if i < 0 { i + len } else { i };
    if i < 0 || i >= len {
        return Err(vm.index_error("pop index out of range"));
    }
    let v = l.items.borrow_mut().remove(i as usize);
    Ok(v)
}

fn insert(vm: &Vm, mut args: Args) -> PyResult<Value> {
    method_arity(vm, "insert", &args, 2, 2)?;
    let l = this(vm, &args, "insert")?;
    let v = args.pos.pop().unwrap_or_default();
    let len = l.len() as i64;
    let i = int_arg(vm, &args.pos[1])?;
    let i = if i < 0 { (i + len).max(0) } else { i.min(len) };
    l.items.borrow_mut().insert(i as usize, v);
    Ok(Value::None)
}

/// The position of the first item equal to `x` in a list or tuple.
fn find(vm: &Vm, seq: &Value, x: &Value, start: usize, stop: usize) -> PyResult<Option<usize>> {
    let mut i = start;
    while i < stop {
        let item = match seq {
            Value::List(l) => l.get(i),
            Value::Tuple(t) => t.items.get(i).cloned(),
            _ => None,
        };
        let Some(item) = item else { break };
        if item.is(x) || vm.eq(&item, x)? {
            return Ok(Some(i));
        }
        i += 1;
    }
    Ok(None)
}

fn remove(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "remove", &args, 1, 1)?;
    let l = this(vm, &args, "remove")?;
    match find(vm, &args.pos[0], &args.pos[1], 0, usize::MAX)? {
        Some(i) => {
            let old = l.items.borrow_mut().remove(i);
            drop(old);
            Ok(Value::None)
        }
        None => Err(vm.value_error("list.remove(x): x not in list".into())),
    }
}

fn seq_len(seq: &Value) -> usize {
    match seq {
        Value::List(l) => l.len(),
        Value::Tuple(t) => t.items.len(),
        _ => 0,
    }
}

fn index(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "index", &args, 1, 3)?;
    let seq = &args.pos[0];
    if !matches!(seq, Value::List(_) | Value::Tuple(_)) {
        return Err(vm.type_error("index() needs a list or tuple".into()));
    }
    let len = seq_len(seq) as i64;
    let bound = |i: usize, default: i64| -> PyResult<usize> {
        let v = match args.pos.get(i) {
            Some(v) => int_arg(vm, v)?,
            None => default,
        };
        let v = if v < 0 { (v + len).max(0) } else { v.min(len) };
        Ok(v as usize)
    };
    let (start, stop) = (bound(2, 0)?, bound(3, len)?);
    match find(vm, seq, &args.pos[1], start, stop)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => {
            let what = if matches!(seq, Value::List(_)) {
                format!("{} is not in list", vm.repr_string(&args.pos[1])?)
            } else {
                "tuple.index(x): x not in tuple".to_string()
            };
            Err(vm.value_error(what))
        }
    }
}

fn count(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "count", &args, 1, 1)?;
    let seq = &args.pos[0];
    let mut n = 0;
    let mut i = 0;
    while let Some(found) = find(vm, seq, &args.pos[1], i, usize::MAX)? {
        n += 1;
        i = found + 1;
    }
    Ok(Value::Int(n))
}

fn clear(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "clear", &args, 0, 0)?;
    let l = this(vm, &args, "clear")?;
    crate::object::drop_reversed(l.replace(Vec::new()));
    Ok(Value::None)
}

fn sort(vm: &Vm, mut args: Args) -> PyResult<Value> {
    let key = args.take_kw("key").filter(|k| !k.is_none());
    let reverse = match args.take_kw("reverse") {
        Some(r) => vm.truthy(&r)?,
        None => false,
    };
    if args.pos.len() > 1 {
        return Err(vm.type_error("sort() takes no positional arguments".into()));
    }
    let l = this(vm, &args, "sort")?;
    // As CPython: the list looks empty while it is being sorted.
    let items = l.replace(Vec::new());
    let backup = items.clone();
    let sorted = sort_with_key(vm, items, key.as_ref(), reverse);
    let changed = !l.is_empty();
    match sorted {
        Ok(v) => drop(l.replace(v)),
        Err(e) => {
            drop(l.replace(backup));
            return Err(e);
        }
    }
    if changed {
        return Err(vm.value_error("list modified during sort".into()));
    }
    Ok(Value::None)
}

fn reverse(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "reverse", &args, 0, 0)?;
    let l = this(vm, &args, "reverse")?;
    l.items.borrow_mut().reverse();
    Ok(Value::None)
}

fn copy(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "copy", &args, 0, 0)?;
    let l = this(vm, &args, "copy")?;
    Ok(new_list(l.snapshot()))
}
