//! Calling a built-in class: `int("42")`, `list(it)`, `range(10)`,
//! `type(x)`, `property(f)` ...

use refcycle::Gc;

use super::{arity, int_arg};
use crate::object::{
    new_list, Args, Class, DescrKind, Descriptor, Dict, DictStore, IterKind, IterState, PyStr,
    Range, Set, Slice, Value,
};
use crate::vm::{PyResult, Vm};

/// `cls(args)` for a built-in class.
pub fn construct(vm: &Vm, cls: &Gc<Class>, mut args: Args) -> PyResult<Value> {
    let t = &vm.types;
    let is = |c: &Gc<Class>| Gc::ptr_eq(cls, c);
    if is(&t.int) {
        int_new(vm, args)
    } else if is(&t.float) {
        float_new(vm, args)
    } else if is(&t.str_) {
        arity(vm, "str", &args, 0, 1)?;
        match args.pos.first() {
            Some(v) => vm.to_str_value(v),
            None => Ok(vm.str_val("")),
        }
    } else if is(&t.bool_) {
        arity(vm, "bool", &args, 0, 1)?;
        match args.pos.first() {
            Some(v) => Ok(Value::Bool(vm.truthy(v)?)),
            None => Ok(Value::Bool(false)),
        }
    } else if is(&t.list) {
        arity(vm, "list", &args, 0, 1)?;
        match args.pos.pop() {
            Some(v) => Ok(new_list(vm.collect_iterable(v)?)),
            None => Ok(new_list(Vec::new())),
        }
    } else if is(&t.tuple) {
        arity(vm, "tuple", &args, 0, 1)?;
        match args.pos.pop() {
            Some(Value::Tuple(tu)) => Ok(Value::Tuple(tu)),
            Some(v) => Ok(vm.new_tuple(vm.collect_iterable(v)?)),
            None => Ok(vm.empty_tuple()),
        }
    } else if is(&t.dict) {
        dict_new(vm, args)
    } else if is(&t.set) {
        arity(vm, "set", &args, 0, 1)?;
        let s = Gc::new(Set::new());
        if let Some(v) = args.pos.pop() {
            for x in vm.collect_iterable(v)? {
                s.add(vm, x)?;
            }
        }
        Ok(Value::Set(s))
    } else if is(&t.type_) {
        type_new(vm, args)
    } else if is(&t.range) {
        range_new(vm, args)
    } else {
        construct_more(vm, cls, args)
    }
}

fn construct_more(vm: &Vm, cls: &Gc<Class>, mut args: Args) -> PyResult<Value> {
    let t = &vm.types;
    let is = |c: &Gc<Class>| Gc::ptr_eq(cls, c);
    if is(&t.staticmethod) || is(&t.classmethod) {
        let name = cls.name.as_str().to_string();
        arity(vm, &name, &args, 1, 1)?;
        let kind = if is(&t.staticmethod) {
            DescrKind::Static
        } else {
            DescrKind::ClassMethod
        };
        Ok(descr(kind, args.pos.remove(0), Value::None, Value::None))
    } else if is(&t.property) {
        let mut get = |i: usize, name: &str| {
            args.take_kw(name)
                .or_else(|| args.pos.get(i).cloned())
                .unwrap_or(Value::None)
        };
        let (fget, fset, fdel) = (get(0, "fget"), get(1, "fset"), get(2, "fdel"));
        Ok(descr(DescrKind::Property, fget, fset, fdel))
    } else if is(&t.super_) {
        arity(vm, "super", &args, 0, 2)?;
        match args.pos.len() {
            0 => Err(vm.err(&vm.types.runtime_error, "super(): no arguments".into())),
            1 => Err(vm.type_error("minipy supports super() and super(type, obj) only".into())),
            _ => {
                let obj = args.pos.pop().unwrap_or_default();
                match args.pos.pop() {
                    Some(Value::Class(c)) => vm.make_super(c, obj),
                    Some(other) => Err(vm.type_error(format!(
                        "super() argument 1 must be a type, not {}",
                        vm.type_name(&other)
                    ))),
                    None => unreachable!("two arguments"),
                }
            }
        }
    } else if is(&t.enumerate) {
        let start = args.take_kw("start");
        arity(vm, "enumerate", &args, 1, 2)?;
        let start = match start.or_else(|| args.pos.get(1).cloned()) {
            Some(s) => int_arg(vm, &s)?,
            None => 0,
        };
        let inner = Box::new(vm.iter_state(args.pos.swap_remove(0))?);
        let st = IterState::Enumerate {
            inner,
            count: start,
        };
        Ok(vm.new_iter(st, IterKind::Enumerate))
    } else if is(&t.zip) {
        if args.take_kw("strict").is_some() {
            return Err(vm.type_error("minipy's zip() has no strict mode".into()));
        }
        let iters = args
            .pos
            .into_iter()
            .map(|v| vm.iter_state(v))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(vm.new_iter(IterState::Zip { iters }, IterKind::Zip))
    } else if is(&t.reversed) {
        arity(vm, "reversed", &args, 1, 1)?;
        reversed(vm, args.pos.remove(0))
    } else if is(&t.weakref) {
        crate::modules::weakref::new_ref(vm, args)
    } else if is(&t.none_type) {
        arity(vm, "NoneType", &args, 0, 0)?;
        Ok(Value::None)
    } else if is(&t.slice) {
        arity(vm, "slice", &args, 1, 3)?;
        let mut p = args.pos.into_iter();
        let (a, b, c) = (p.next(), p.next(), p.next());
        let (start, stop) = match b {
            Some(b) => (a.unwrap_or_default(), b),
            None => (Value::None, a.unwrap_or_default()),
        };
        let step = c.unwrap_or_default();
        Ok(Value::Slice(Gc::new(Slice { start, stop, step })))
    } else {
        Err(vm.type_error(format!("cannot create '{}' instances", cls.name.as_str())))
    }
}

fn descr(kind: DescrKind, func: Value, fset: Value, fdel: Value) -> Value {
    Value::Descr(Gc::new(Descriptor {
        kind,
        func,
        fset,
        fdel,
    }))
}

fn reversed(vm: &Vm, v: Value) -> PyResult<Value> {
    let left = match &v {
        Value::List(l) => l.len(),
        Value::Tuple(t) => t.items.len(),
        Value::Str(s) => s.char_len(),
        Value::Range(r) => r.len() as usize,
        Value::Dict(d) => {
            let mut keys = d.keys();
            keys.reverse();
            let st = IterState::Values {
                items: keys,
                index: 0,
            };
            return Ok(vm.new_iter(st, IterKind::Reversed));
        }
        Value::Instance(i) => {
            if let Some(m) = i.class.lookup(&vm.intern("__reversed__")) {
                return vm.call0(&m, vec![v.clone()]);
            }
            if i.class.lookup(&vm.names.getitem).is_some() {
                vm.len(&v)?
            } else {
                return Err(not_reversible(vm, &v));
            }
        }
        _ => return Err(not_reversible(vm, &v)),
    };
    Ok(vm.new_iter(IterState::Reversed { seq: v, left }, IterKind::Reversed))
}

fn not_reversible(vm: &Vm, v: &Value) -> crate::vm::Exc {
    vm.type_error(format!("'{}' object is not reversible", vm.type_name(v)))
}

fn range_new(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "range", &args, 1, 3)?;
    let n: Vec<i64> = args
        .pos
        .iter()
        .map(|v| int_arg(vm, v))
        .collect::<PyResult<_>>()?;
    let (start, stop, step) = match n.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        _ => unreachable!("arity checked"),
    };
    if step == 0 {
        return Err(vm.value_error("range() arg 3 must not be zero".into()));
    }
    Ok(Value::Range(Gc::new(Range { start, stop, step })))
}

fn int_new(vm: &Vm, mut args: Args) -> PyResult<Value> {
    let base_kw = args.take_kw("base");
    arity(vm, "int", &args, 0, 2)?;
    let base = match base_kw.or_else(|| args.pos.get(1).cloned()) {
        Some(b) => Some(int_arg(vm, &b)?),
        None => None,
    };
    let Some(v) = args.pos.first() else {
        return Ok(Value::Int(0));
    };
    match (v, base) {
        (Value::Str(s), b) => parse_int(vm, s, b.unwrap_or(10)),
        (_, Some(_)) => {
            Err(vm.type_error("int() can't convert non-string with explicit base".into()))
        }
        (Value::Int(i), None) => Ok(Value::Int(*i)),
        (Value::Bool(b), None) => Ok(Value::Int(i64::from(*b))),
        (Value::Float(f), None) => float_to_int(vm, *f),
        (Value::Instance(i), None) => {
            for name in ["__int__", "__index__", "__trunc__"] {
                if let Some(m) = i.class.lookup(&vm.intern(name)) {
                    return vm.call0(&m, vec![v.clone()]);
                }
            }
            Err(int_type_error(vm, v))
        }
        _ => Err(int_type_error(vm, v)),
    }
}

fn int_type_error(vm: &Vm, v: &Value) -> crate::vm::Exc {
    vm.type_error(format!(
        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
        vm.type_name(v)
    ))
}

/// `int(f)`: truncation toward zero.
pub fn float_to_int(vm: &Vm, f: f64) -> PyResult<Value> {
    if f.is_nan() {
        return Err(vm.value_error("cannot convert float NaN to integer".into()));
    }
    if f.is_infinite() {
        return Err(vm.overflow("cannot convert float infinity to integer"));
    }
    let t = f.trunc();
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&t) {
        return Err(vm.overflow("int too large to convert: minipy ints are 64-bit"));
    }
    Ok(Value::Int(t as i64))
}

/// `int(s, base)` with CPython's syntax: blanks around, a sign,
/// underscores between digits, a `0x`/`0o`/`0b` prefix for its base (or
/// any, with base 0).
fn parse_int(vm: &Vm, s: &PyStr, base: i64) -> PyResult<Value> {
    let invalid = || {
        vm.value_error(format!(
            "invalid literal for int() with base {base}: {}",
            s.repr()
        ))
    };
    if base != 0 && !(2..=36).contains(&base) {
        return Err(vm.value_error("int() base must be >= 2 and <= 36, or 0".into()));
    }
    let text = s.as_str().trim();
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = match (base, lower.get(..2)) {
        (0 | 16, Some("0x")) => (16, &body[2..]),
        (0 | 8, Some("0o")) => (8, &body[2..]),
        (0 | 2, Some("0b")) => (2, &body[2..]),
        (0, _) => (10, body),
        (b, _) => (b as u32, body),
    };
    let digits = digits
        .strip_prefix('_')
        .filter(|_| radix != 10 || base == 0)
        .unwrap_or(digits);
    // With base 0, a decimal literal may not have leading zeros ("08").
    let leading_zero = base == 0
        && radix == 10
        && digits.starts_with('0')
        && !digits.trim_start_matches(['0', '_']).is_empty();
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || leading_zero
    {
        return Err(invalid());
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if !clean.chars().all(|c| c.is_digit(radix)) {
        return Err(invalid());
    }
    match i64::from_str_radix(&clean, radix) {
        Ok(v) => Ok(Value::Int(if neg { -v } else { v })),
        Err(_) if neg && i128::from_str_radix(&clean, radix) == Ok(1i128 << 63) => {
            Ok(Value::Int(i64::MIN))
        }
        Err(_) => Err(vm.overflow("int too large to convert: minipy ints are 64-bit")),
    }
}

fn float_new(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "float", &args, 0, 1)?;
    let Some(v) = args.pos.first() else {
        return Ok(Value::Float(0.0));
    };
    match v {
        Value::Float(f) => Ok(Value::Float(*f)),
        Value::Int(i) => Ok(Value::Float(*i as f64)),
        Value::Bool(b) => Ok(Value::Float(f64::from(u8::from(*b)))),
        Value::Str(s) => parse_float(s.as_str()).map(Value::Float).ok_or_else(|| {
            vm.value_error(format!("could not convert string to float: {}", s.repr()))
        }),
        Value::Instance(i) => match i.class.lookup(&vm.intern("__float__")) {
            Some(m) => vm.call0(&m, vec![v.clone()]),
            None => Err(float_type_error(vm, v)),
        },
        _ => Err(float_type_error(vm, v)),
    }
}

fn float_type_error(vm: &Vm, v: &Value) -> crate::vm::Exc {
    vm.type_error(format!(
        "float() argument must be a string or a real number, not '{}'",
        vm.type_name(v)
    ))
}

/// Python's float syntax (blanks, `inf`, `nan`, underscores between
/// digits).
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.contains("__") || t.starts_with('_') || t.ends_with('_') {
        return None;
    }
    let clean: String = t.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    let ok = matches!(body, "inf" | "infinity" | "nan")
        || (body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-'))
            && body.chars().any(|c| c.is_ascii_digit()));
    if !ok {
        return None;
    }
    clean.parse().ok()
}

fn dict_new(vm: &Vm, mut args: Args) -> PyResult<Value> {
    let kw = std::mem::take(&mut args.kw);
    arity(vm, "dict", &args, 0, 1)?;
    let d = Dict::new_gc();
    if let Some(src) = args.pos.pop() {
        dict_update(vm, &d, src)?;
    }
    for (k, v) in kw {
        d.set_str(k, v);
    }
    Ok(Value::Dict(d))
}

/// Adds a mapping's items, or an iterable of pairs, to `d`.
pub fn dict_update(vm: &Vm, d: &Gc<Dict>, src: Value) -> PyResult<()> {
    if let Value::Dict(s) = &src {
        for (k, v) in s.items() {
            d.set(vm, k, v)?;
        }
        return Ok(());
    }
    let mut it = vm.iter_state(src)?;
    let mut i = 0;
    while let Some(item) = vm.iter_next(&mut it)? {
        let pair = vm.collect_iterable(item.clone()).map_err(|_| {
            vm.type_error(format!(
                "cannot convert dictionary update sequence element #{i} to a sequence"
            ))
        })?;
        let [k, v] = <[Value; 2]>::try_from(pair).map_err(|p| {
            vm.value_error(format!(
                "dictionary update sequence element #{i} has length {}; 2 is required",
                p.len()
            ))
        })?;
        d.set(vm, k, v)?;
        i += 1;
    }
    Ok(())
}

fn type_new(vm: &Vm, mut args: Args) -> PyResult<Value> {
    match args.pos.len() {
        1 => Ok(Value::Class(vm.class_of(&args.pos[0]))),
        3 => {
            let ns = args.pos.pop().unwrap_or_default();
            let bases = args.pos.pop().unwrap_or_default();
            let name = args.pos.pop().unwrap_or_default();
            let (Value::Str(name), Value::Tuple(bases), Value::Dict(ns)) = (name, bases, ns) else {
                return Err(vm.type_error("type() arguments must be (str, tuple, dict)".into()));
            };
            let base = vm.class_base(bases.items.to_vec())?;
            if ns.get_str(&vm.names.module).is_none() {
                ns.set_str(vm.names.module.clone(), vm.str_val("__main__"));
            }
            let name = vm.intern_str(&name);
            Ok(Value::Class(vm.class_from_namespace(&name, base, &ns)?))
        }
        _ => Err(vm.type_error("type() takes 1 or 3 arguments".into())),
    }
}
