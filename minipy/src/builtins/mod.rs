//! The built-in namespace and the methods of built-in types.
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` (here) | installing everything, argument-count helpers |
//! | `functions.rs` | `print`, `len`, `isinstance`, `sorted`, `iter` ... |
//! | `numeric.rs` | `abs`, `min`, `max`, `sum`, `round`, `divmod` ... |
//! | `introspect.rs` | `globals`, `locals`, `dir`, `vars`, `eval`, `exec` |
//! | `construct.rs` | calling built-in classes: `int(x)`, `list(it)`, `range(n)` ... |
//! | `list.rs`, `dict.rs`, `str.rs`, `str_shape.rs`, `set.rs` | methods of those types |
//! | `object.rs` | `object`'s methods, exceptions' methods, special attributes |

mod construct;
mod dict;
mod functions;
pub mod introspect;
mod list;
mod numeric;
mod object;
mod set;
mod str;
mod str_shape;

use refcycle::Gc;

pub use construct::{construct, float_to_int};

use crate::object::{Args, Builtin, Class, Dict, DictStore, NativeFn, Value};
use crate::vm::{PyResult, Vm};

/// Sets up the builtins namespace and the methods of built-in types.
pub fn install(vm: &Vm) {
    functions::install(vm);
    numeric::install(vm);
    introspect::install(vm);
    for c in vm.types.all() {
        vm.builtins.set_str(c.name.clone(), Value::Class(c.clone()));
    }
    let t = &vm.types;
    vm.builtins
        .set_str(vm.intern("NotImplemented"), vm.not_implemented());
    vm.builtins.set_str(vm.intern("Ellipsis"), vm.ellipsis());
    vm.builtins.set_str(
        vm.intern("EnvironmentError"),
        Value::Class(t.os_error.clone()),
    );
    vm.builtins
        .set_str(vm.intern("IOError"), Value::Class(t.os_error.clone()));
    for name in [
        "function",
        "builtin_function_or_method",
        "method",
        "module",
        "cell",
        "code",
        "frame",
        "traceback",
        "NoneType",
        "iterator",
        "dict_keys",
        "dict_values",
        "dict_items",
        "ellipsis",
        "NotImplementedType",
        "TextIOWrapper",
        "ReferenceType",
    ] {
        drop(vm.builtins.remove_str(&vm.intern(name)));
    }
    list::install(vm);
    dict::install(vm);
    str::install(vm);
    str_shape::install(vm);
    set::install(vm);
    object::install(vm);
}

/// Adds a function to the builtins namespace.
fn def(vm: &Vm, name: &'static str, func: NativeFn) {
    vm.builtins.set_str(vm.intern(name), native(name, func));
}

/// A module-level built-in function value.
pub fn native(name: &'static str, func: NativeFn) -> Value {
    Value::Builtin(Gc::new(Builtin {
        name,
        func,
        owner: None,
        bound: None,
    }))
}

/// Adds a function to a module dict.
pub fn def_in(vm: &Vm, dict: &Gc<Dict>, name: &'static str, func: NativeFn) {
    dict.set_str(vm.intern(name), native(name, func));
}

/// Adds a method to a built-in class.
fn method(vm: &Vm, class: &Gc<Class>, owner: &'static str, name: &'static str, func: NativeFn) {
    let m = Value::Builtin(Gc::new(Builtin {
        name,
        func,
        owner: Some(owner),
        bound: None,
    }));
    let old = class.dict.borrow_mut().set(vm.intern(name), m);
    crate::object::bump_class_epoch();
    drop(old);
}

/// Checks a built-in's positional argument count (and that it takes no
/// keywords), with CPython's wording.
pub fn arity(vm: &Vm, name: &str, args: &Args, min: usize, max: usize) -> PyResult<()> {
    if !args.kw.is_empty() {
        return Err(vm.type_error(format!("{name}() takes no keyword arguments")));
    }
    let n = args.pos.len();
    if n >= min && n <= max {
        return Ok(());
    }
    let msg = if min == 1 && max == 1 {
        format!("{name}() takes exactly one argument ({n} given)")
    } else if min == max {
        format!("{name} expected {min} argument{}, got {n}", plural(min))
    } else {
        out_of_range(name, n, min, max)
    };
    Err(vm.type_error(msg))
}

/// CPython's `expected at least/at most N arguments, got n`.
fn out_of_range(name: &str, n: usize, min: usize, max: usize) -> String {
    let (bound, limit) = if n < min {
        ("least", min)
    } else {
        ("most", max)
    };
    format!(
        "{name} expected at {bound} {limit} argument{}, got {n}",
        plural(limit)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Checks a method's argument count (`self` excluded from the message):
/// CPython's `append() takes exactly one argument (0 given)` style.
pub fn method_arity(vm: &Vm, name: &str, args: &Args, min: usize, max: usize) -> PyResult<()> {
    if !args.kw.is_empty() {
        return Err(vm.type_error(format!("{name}() takes no keyword arguments")));
    }
    let n = args.pos.len().saturating_sub(1);
    if n >= min && n <= max {
        return Ok(());
    }
    let msg = if min == max && min == 0 {
        format!("{name}() takes no arguments ({n} given)")
    } else if min == max && min == 1 {
        format!("{name}() takes exactly one argument ({n} given)")
    } else {
        out_of_range(name, n, min, max)
    };
    Err(vm.type_error(msg))
}

/// An int argument.
pub fn int_arg(vm: &Vm, v: &Value) -> PyResult<i64> {
    match vm.index_of(v)? {
        Some(i) => Ok(i),
        None => Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

/// A str argument.
pub fn str_arg<'a>(vm: &Vm, what: &str, v: &'a Value) -> PyResult<&'a Gc<crate::object::PyStr>> {
    match v {
        Value::Str(s) => Ok(s),
        _ => Err(vm.type_error(format!("{what} must be str, not {}", vm.type_name(v)))),
    }
}

/// Sorts values by `keys` (parallel) with only `<`, stably, as CPython
/// does; a comparison error stops the sort. (Rust's `sort_by` may panic
/// on an inconsistent order, which user `__lt__` can produce.)
pub fn sort_values(
    vm: &Vm,
    items: Vec<Value>,
    keys: Option<Vec<Value>>,
    reverse: bool,
) -> PyResult<Vec<Value>> {
    let keys = keys.unwrap_or_else(|| items.clone());
    let mut pairs: Vec<(Value, Value)> = keys.into_iter().zip(items).collect();
    if reverse {
        pairs.reverse();
    }
    let mut pairs = merge_sort(vm, pairs)?;
    if reverse {
        pairs.reverse();
    }
    Ok(pairs.into_iter().map(|(_, v)| v).collect())
}

fn merge_sort(vm: &Vm, mut v: Vec<(Value, Value)>) -> PyResult<Vec<(Value, Value)>> {
    if v.len() <= 1 {
        return Ok(v);
    }
    let right = v.split_off(v.len() / 2);
    let left = merge_sort(vm, v)?;
    let right = merge_sort(vm, right)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        if vm.less_than(&b.0, &a.0)? {
            out.extend(r.next());
        } else {
            out.extend(l.next());
        }
    }
    out.extend(l);
    out.extend(r);
    Ok(out)
}
