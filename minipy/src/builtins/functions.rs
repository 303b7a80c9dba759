//! Built-in functions: `print`, `len`, `repr`, `isinstance`, `sorted` ...

use refcycle::Gc;

use super::{arity, def, sort_values, str_arg};
use crate::object::{Args, Class, IterKind, IterState, Value};
use crate::vm::{PyResult, Vm};

/// Registers the built-in functions.
pub fn install(vm: &Vm) {
    def(vm, "print", print);
    def(vm, "len", len);
    def(vm, "repr", repr);
    def(vm, "ascii", ascii);
    def(vm, "id", id);
    def(vm, "hash", hash);
    def(vm, "isinstance", isinstance);
    def(vm, "issubclass", issubclass);
    def(vm, "hasattr", hasattr);
    def(vm, "getattr", getattr);
    def(vm, "setattr", setattr);
    def(vm, "delattr", delattr);
    def(vm, "callable", callable);
    def(vm, "iter", iter);
    def(vm, "next", next);
    def(vm, "sorted", sorted);
    def(vm, "any", any);
    def(vm, "all", all);
    def(vm, "format", format);
    def(vm, "map", map);
    def(vm, "filter", filter);
}

fn print(vm: &Vm, mut args: Args) -> PyResult<Value> {
    let sep = take_str_kw(vm, &mut args, "sep", " ")?;
    let end = take_str_kw(vm, &mut args, "end", "\n")?;
    let file = args.take_kw("file").filter(|f| !f.is_none());
    let flush = args.take_kw("flush");
    if let Some((k, _)) = args.kw.first() {
        return Err(vm.type_error(format!(
            "'{}' is an invalid keyword argument for print()",
            k.as_str()
        )));
    }
    let mut out = String::new();
    for (i, v) in args.pos.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        out.push_str(&vm.str_string(v)?);
    }
    out.push_str(&end);
    match file {
        None => vm.write_out(&out),
        Some(f) if f.is(&vm.stdio.0) => vm.write_out(&out),
        Some(f) if f.is(&vm.stdio.1) => vm.write_err(&out),
        Some(f) => {
            let write = vm.getattr(&f, &vm.intern("write"))?;
            vm.call0(&write, vec![vm.new_str(out)])?;
        }
    }
    if flush.is_some_and(|f| vm.truthy(&f).unwrap_or(false)) {
        vm.flush();
    }
    Ok(Value::None)
}

fn take_str_kw(vm: &Vm, args: &mut Args, name: &str, default: &str) -> PyResult<String> {
    match args.take_kw(name) {
        None | Some(Value::None) => Ok(default.to_string()),
        Some(Value::Str(s)) => Ok(s.as_str().to_string()),
        Some(other) => Err(vm.type_error(format!(
            "{name} must be None or a string, not {}",
            vm.type_name(&other)
        ))),
    }
}

fn len(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "len", &args, 1, 1)?;
    Ok(Value::Int(vm.len(&args.pos[0])? as i64))
}

fn repr(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "repr", &args, 1, 1)?;
    Ok(vm.new_str(vm.repr_string(&args.pos[0])?))
}

fn ascii(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "ascii", &args, 1, 1)?;
    let r = vm.repr_string(&args.pos[0])?;
    Ok(vm.new_str(crate::eval::format::ascii_escape(&r)))
}

fn id(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "id", &args, 1, 1)?;
    Ok(Value::Int(args.pos[0].id()))
}

fn hash(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "hash", &args, 1, 1)?;
    Ok(Value::Int(vm.hash(&args.pos[0])?))
}

/// Whether `v` is an instance of the class (or tuple of classes) `spec`.
pub fn is_instance(vm: &Vm, v: &Value, spec: &Value) -> PyResult<bool> {
    match spec {
        Value::Class(c) => Ok(vm.class_of(v).is_subclass(c) || weakref_isinstance(vm, v, c)),
        Value::Tuple(t) => {
            for s in t.items.iter() {
                if is_instance(vm, v, s)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(
            vm.type_error("isinstance() arg 2 must be a type, a tuple of types, or a union".into())
        ),
    }
}

/// Iterator objects all report the generic `iterator` class, but
/// `isinstance(enumerate(x), enumerate)` must hold.
fn weakref_isinstance(_vm: &Vm, v: &Value, c: &Gc<Class>) -> bool {
    matches!(v, Value::Iter(i) if i.kind.name() == c.name.as_str())
}

fn isinstance(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "isinstance", &args, 2, 2)?;
    Ok(Value::Bool(is_instance(vm, &args.pos[0], &args.pos[1])?))
}

fn issubclass(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "issubclass", &args, 2, 2)?;
    let Value::Class(c) = &args.pos[0] else {
        return Err(vm.type_error("issubclass() arg 1 must be a class".into()));
    };
    fn check(vm: &Vm, c: &Gc<Class>, spec: &Value) -> PyResult<bool> {
        match spec {
            Value::Class(s) => Ok(c.is_subclass(s)),
            Value::Tuple(t) => {
                for s in t.items.iter() {
                    if check(vm, c, s)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Err(vm.type_error(
                "issubclass() arg 2 must be a class, a tuple of classes, or a union".into(),
            )),
        }
    }
    Ok(Value::Bool(check(vm, c, &args.pos[1])?))
}

fn attr_name(vm: &Vm, v: &Value) -> PyResult<Gc<crate::object::PyStr>> {
    match v {
        Value::Str(s) => Ok(vm.intern_str(s)),
        _ => Err(vm.type_error(format!(
            "attribute name must be string, not '{}'",
            vm.type_name(v)
        ))),
    }
}

fn hasattr(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "hasattr", &args, 2, 2)?;
    let name = attr_name(vm, &args.pos[1])?;
    Ok(Value::Bool(vm.getattr_opt(&args.pos[0], &name)?.is_some()))
}

fn getattr(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "getattr", &args, 2, 3)?;
    let name = attr_name(vm, &args.pos[1])?;
    match args.pos.get(2) {
        Some(default) => Ok(vm
            .getattr_opt(&args.pos[0], &name)?
            .unwrap_or_else(|| default.clone())),
        None => vm.getattr(&args.pos[0], &name),
    }
}

fn setattr(vm: &Vm, mut args: Args) -> PyResult<Value> {
    arity(vm, "setattr", &args, 3, 3)?;
    let name = attr_name(vm, &args.pos[1])?;
    let v = args.pos.pop().unwrap_or_default();
    vm.setattr(&args.pos[0], &name, v)?;
    Ok(Value::None)
}

fn delattr(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "delattr", &args, 2, 2)?;
    let name = attr_name(vm, &args.pos[1])?;
    vm.delattr(&args.pos[0], &name)?;
    Ok(Value::None)
}

fn callable(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "callable", &args, 1, 1)?;
    let v = &args.pos[0];
    Ok(Value::Bool(match v {
        Value::Function(_) | Value::Builtin(_) | Value::Method(_) | Value::Class(_) => true,
        Value::Instance(i) => i.class.lookup(&vm.names.call).is_some(),
        _ => false,
    }))
}

fn iter(vm: &Vm, mut args: Args) -> PyResult<Value> {
    arity(vm, "iter", &args, 1, 1)?;
    vm.get_iter(args.pos.remove(0))
}

fn next(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "next", &args, 1, 2)?;
    let it = &args.pos[0];
    if !matches!(it, Value::Iter(_) | Value::Instance(_)) {
        return Err(vm.type_error(format!("'{}' object is not an iterator", vm.type_name(it))));
    }
    match vm.object_next(it)? {
        Some(v) => Ok(v),
        None => match args.pos.get(1) {
            Some(d) => Ok(d.clone()),
            None => {
                let e = vm.new_exception(&vm.types.stop_iteration, Vec::new());
                Err(vm.raise_instance(e))
            }
        },
    }
}

/// `sorted(iterable, key=None, reverse=False)`.
pub fn sorted(vm: &Vm, mut args: Args) -> PyResult<Value> {
    let key = args.take_kw("key").filter(|k| !k.is_none());
    let reverse = match args.take_kw("reverse") {
        Some(r) => vm.truthy(&r)?,
        None => false,
    };
    arity(vm, "sorted", &args, 1, 1)?;
    let items = vm.collect_iterable(args.pos.remove(0))?;
    Ok(crate::object::new_list(sort_with_key(
        vm,
        items,
        key.as_ref(),
        reverse,
    )?))
}

/// Sorts values, applying `key` first if given.
pub fn sort_with_key(
    vm: &Vm,
    items: Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
) -> PyResult<Vec<Value>> {
    let keys = match key {
        Some(f) => Some(
            items
                .iter()
                .map(|v| vm.call0(f, vec![v.clone()]))
                .collect::<PyResult<Vec<_>>>()?,
        ),
        None => None,
    };
    sort_values(vm, items, keys, reverse)
}

fn any(vm: &Vm, mut args: Args) -> PyResult<Value> {
    arity(vm, "any", &args, 1, 1)?;
    let mut it = vm.iter_state(args.pos.remove(0))?;
    while let Some(v) = vm.iter_next(&mut it)? {
        if vm.truthy(&v)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn all(vm: &Vm, mut args: Args) -> PyResult<Value> {
    arity(vm, "all", &args, 1, 1)?;
    let mut it = vm.iter_state(args.pos.remove(0))?;
    while let Some(v) = vm.iter_next(&mut it)? {
        if !vm.truthy(&v)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn format(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "format", &args, 1, 2)?;
    let spec = match args.pos.get(1) {
        Some(s) => str_arg(vm, "format() argument 2", s)?.as_str().to_string(),
        None => String::new(),
    };
    Ok(vm.new_str(vm.format_value(&args.pos[0], &spec)?))
}

/// `map(f, *iterables)`, evaluated eagerly into an iterator over a list
/// (minipy has no generators; the results are the same unless `f` has
/// side effects that interleave with the consumer).
fn map(vm: &Vm, mut args: Args) -> PyResult<Value> {
    if args.pos.len() < 2 {
        return Err(vm.type_error("map() must have at least two arguments.".into()));
    }
    let f = args.pos.remove(0);
    let mut iters = args
        .pos
        .into_iter()
        .map(|v| vm.iter_state(v))
        .collect::<PyResult<Vec<_>>>()?;
    let mut out = Vec::new();
    'outer: loop {
        let mut call_args = Vec::with_capacity(iters.len());
        for it in iters.iter_mut() {
            match vm.iter_next(it)? {
                Some(v) => call_args.push(v),
                None => break 'outer,
            }
        }
        out.push(vm.call0(&f, call_args)?);
    }
    Ok(vm.new_iter(
        IterState::Values {
            items: out,
            index: 0,
        },
        IterKind::Other,
    ))
}

/// `filter(f, iterable)`, evaluated eagerly (see `map`).
fn filter(vm: &Vm, mut args: Args) -> PyResult<Value> {
    arity(vm, "filter", &args, 2, 2)?;
    let it = args.pos.pop().unwrap_or_default();
    let f = args.pos.pop().unwrap_or_default();
    let mut st = vm.iter_state(it)?;
    let mut out = Vec::new();
    while let Some(v) = vm.iter_next(&mut st)? {
        let keep = if f.is_none() {
            vm.truthy(&v)?
        } else {
            let r = vm.call0(&f, vec![v.clone()])?;
            vm.truthy(&r)?
        };
        if keep {
            out.push(v);
        }
    }
    Ok(vm.new_iter(
        IterState::Values {
            items: out,
            index: 0,
        },
        IterKind::Other,
    ))
}
