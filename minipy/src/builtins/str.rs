//! Methods of `str` that search, split, strip, replace and format (the
//! rest are in `str_shape.rs`).

use refcycle::Gc;

use super::list::receiver;
use super::{int_arg, method, method_arity};
use crate::object::{new_list, Args, PyStr, Value};
use crate::vm::{PyResult, Vm};

/// Registers the methods.
pub fn install(vm: &Vm) {
    let s = &vm.types.str_;
    let m = |name: &'static str, f: crate::object::NativeFn| method(vm, s, "str", name, f);
    m("join", join);
    m("split", split);
    m("rsplit", rsplit);
    m("splitlines", splitlines);
    m("strip", strip);
    m("lstrip", lstrip);
    m("rstrip", rstrip);
    m("startswith", startswith);
    m("endswith", endswith);
    m("replace", replace);
    m("find", find);
    m("rfind", rfind);
    m("index", index);
    m("rindex", rindex);
    m("count", count);
    m("format", format);
}

fn this(vm: &Vm, args: &Args, name: &str) -> PyResult<Gc<PyStr>> {
    match receiver(vm, args, name, "str")? {
        Value::Str(s) => Ok(s.clone()),
        _ => unreachable!("receiver checked the type"),
    }
}

/// A `str` argument of a method, with CPython's wording for others.
pub(super) fn str_param(vm: &Vm, v: &Value, what: &str) -> PyResult<Gc<PyStr>> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        _ => Err(vm.type_error(format!("{what} arg must be None or str"))),
    }
}

fn opt_str(vm: &Vm, args: &Args, i: usize, what: &str) -> PyResult<Option<Gc<PyStr>>> {
    match args.pos.get(i) {
        None | Some(Value::None) => Ok(None),
        Some(v) => str_param(vm, v, what).map(Some),
    }
}

fn join(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "join", &args, 1, 1)?;
    let sep = this(vm, &args, "join")?;
    let items = vm.collect_iterable(args.pos[1].clone())?;
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Str(s) = item else {
            return Err(vm.type_error(format!(
                "sequence item {i}: expected str instance, {} found",
                vm.type_name(item)
            )));
        };
        if i > 0 {
            out.push_str(sep.as_str());
        }
        out.push_str(s.as_str());
    }
    Ok(vm.new_str(out))
}

fn split_args(
    vm: &Vm,
    mut args: Args,
    name: &str,
) -> PyResult<(Gc<PyStr>, Option<Gc<PyStr>>, i64)> {
    let sep_kw = args.take_kw("sep");
    let max_kw = args.take_kw("maxsplit");
    method_arity(vm, name, &args, 0, 2)?;
    let s = this(vm, &args, name)?;
    let sep = match sep_kw.or_else(|| args.pos.get(1).cloned()) {
        None | Some(Value::None) => None,
        Some(v) => Some(str_param(vm, &v, "must be str or None, not").map_err(|_| {
            vm.type_error(format!("must be str or None, not {}", vm.type_name(&v)))
        })?),
    };
    if sep.as_ref().is_some_and(|s| s.as_str().is_empty()) {
        return Err(vm.value_error("empty separator".into()));
    }
    let max = match max_kw.or_else(|| args.pos.get(2).cloned()) {
        Some(v) => int_arg(vm, &v)?,
        None => -1,
    };
    Ok((s, sep, max))
}

fn to_list(vm: &Vm, parts: Vec<&str>) -> Value {
    new_list(parts.into_iter().map(|p| vm.str_val(p)).collect())
}

fn split(vm: &Vm, args: Args) -> PyResult<Value> {
    let (s, sep, max) = split_args(vm, args, "split")?;
    let text = s.as_str();
    let max = if max < 0 { usize::MAX } else { max as usize };
    Ok(match sep {
        Some(sep) => {
            let parts: Vec<&str> = text.splitn(max.saturating_add(1), sep.as_str()).collect();
            to_list(vm, parts)
        }
        None => {
            let mut parts = Vec::new();
            let mut rest = text.trim_start();
            while !rest.is_empty() {
                if parts.len() == max {
                    parts.push(rest);
                    break;
                }
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                parts.push(&rest[..end]);
                rest = rest[end..].trim_start();
            }
            to_list(vm, parts)
        }
    })
}

fn rsplit(vm: &Vm, args: Args) -> PyResult<Value> {
    let (s, sep, max) = split_args(vm, args, "rsplit")?;
    let text = s.as_str();
    let max = if max < 0 { usize::MAX } else { max as usize };
    let mut parts: Vec<&str> = match &sep {
        Some(sep) => text.rsplitn(max.saturating_add(1), sep.as_str()).collect(),
        None => {
            let mut parts = Vec::new();
            let mut rest = text.trim_end();
            while !rest.is_empty() {
                if parts.len() == max {
                    parts.push(rest);
                    break;
                }
                let start = rest.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                parts.push(&rest[start..]);
                rest = rest[..start].trim_end();
            }
            parts
        }
    };
    parts.reverse();
    Ok(to_list(vm, parts))
}

fn splitlines(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "splitlines", &args, 0, 1)?;
    let s = this(vm, &args, "splitlines")?;
    let keep = match args.pos.get(1) {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let mut out = Vec::new();
    let text = s.as_str();
    let mut start = 0;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            let mut end = i + 1;
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                end += 1;
            }
            out.push(&text[start..if keep { end } else { i }]);
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    Ok(to_list(vm, out))
}

fn strip_impl(vm: &Vm, args: Args, name: &str, left: bool, right: bool) -> PyResult<Value> {
    method_arity(vm, name, &args, 0, 1)?;
    let s = this(vm, &args, name)?;
    let chars = opt_str(vm, &args, 1, name)?;
    let text = s.as_str();
    let is_strip = |c: char| match &chars {
        Some(cs) => cs.as_str().contains(c),
        None => c.is_whitespace(),
    };
    let mut t = text;
    if left {
        t = t.trim_start_matches(is_strip);
    }
    if right {
        t = t.trim_end_matches(is_strip);
    }
    if t.len() == text.len() {
        return Ok(Value::Str(s));
    }
    Ok(vm.str_val(t))
}

fn strip(vm: &Vm, args: Args) -> PyResult<Value> {
    strip_impl(vm, args, "strip", true, true)
}

fn lstrip(vm: &Vm, args: Args) -> PyResult<Value> {
    strip_impl(vm, args, "lstrip", true, false)
}

fn rstrip(vm: &Vm, args: Args) -> PyResult<Value> {
    strip_impl(vm, args, "rstrip", false, true)
}

/// The part of `s` that `start`/`end` arguments (char indexes, Python
/// slice rules) select, and its char offset.
fn window<'a>(vm: &Vm, s: &'a PyStr, args: &Args, first: usize) -> PyResult<(&'a str, usize)> {
    let len = s.char_len() as i64;
    let bound = |i: usize, default: i64| -> PyResult<i64> {
        let v = match args.pos.get(i) {
            None | Some(Value::None) => default,
            Some(v) => int_arg(vm, v)?,
        };
        Ok(if v < 0 { (v + len).max(0) } else { v.min(len) })
    };
    let (a, b) = (bound(first, 0)?, bound(first + 1, len)?);
    if a > b {
        return Ok(("", a as usize));
    }
    Ok((s.substring(a as usize, b as usize), a as usize))
}

fn affix(vm: &Vm, args: Args, name: &str, prefix: bool) -> PyResult<Value> {
    method_arity(vm, name, &args, 1, 3)?;
    let s = this(vm, &args, name)?;
    let (text, _) = window(vm, &s, &args, 2)?;
    let check = |p: &str| {
        if prefix {
            text.starts_with(p)
        } else {
            text.ends_with(p)
        }
    };
    match &args.pos[1] {
        Value::Str(p) => Ok(Value::Bool(check(p.as_str()))),
        Value::Tuple(t) => {
            for p in t.items.iter() {
                match p {
                    Value::Str(p) if check(p.as_str()) => return Ok(Value::Bool(true)),
                    Value::Str(_) => {}
                    other => {
                        return Err(vm.type_error(format!(
                            "tuple for {name} must only contain str, not {}",
                            vm.type_name(other)
                        )))
                    }
                }
            }
            Ok(Value::Bool(false))
        }
        other => Err(vm.type_error(format!(
            "{name} first arg must be str or a tuple of str, not {}",
            vm.type_name(other)
        ))),
    }
}

fn startswith(vm: &Vm, args: Args) -> PyResult<Value> {
    affix(vm, args, "startswith", true)
}

fn endswith(vm: &Vm, args: Args) -> PyResult<Value> {
    affix(vm, args, "endswith", false)
}

fn replace(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "replace", &args, 2, 3)?;
    let s = this(vm, &args, "replace")?;
    let old = str_param(vm, &args.pos[1], "replace()")?;
    let new = str_param(vm, &args.pos[2], "replace()")?;
    let count = match args.pos.get(3) {
        Some(v) => int_arg(vm, v)?,
        None => -1,
    };
    let out = if count < 0 {
        s.as_str().replace(old.as_str(), new.as_str())
    } else {
        s.as_str()
            .replacen(old.as_str(), new.as_str(), count as usize)
    };
    Ok(vm.new_str(out))
}

/// `find`/`rfind`: the char index of `sub` in the window, or -1.
fn find_impl(vm: &Vm, args: &Args, name: &str, from_right: bool) -> PyResult<i64> {
    method_arity(vm, name, args, 1, 3)?;
    let s = this(vm, args, name)?;
    let sub = match &args.pos[1] {
        Value::Str(p) => p.clone(),
        other => return Err(vm.type_error(format!("must be str, not {}", vm.type_name(other)))),
    };
    let (text, offset) = window(vm, &s, args, 2)?;
    let found = if from_right {
        text.rfind(sub.as_str())
    } else {
        text.find(sub.as_str())
    };
    Ok(match found {
        Some(b) => (text[..b].chars().count() + offset) as i64,
        None => -1,
    })
}

fn find(vm: &Vm, args: Args) -> PyResult<Value> {
    find_impl(vm, &args, "find", false).map(Value::Int)
}

fn rfind(vm: &Vm, args: Args) -> PyResult<Value> {
    find_impl(vm, &args, "rfind", true).map(Value::Int)
}

fn index(vm: &Vm, args: Args) -> PyResult<Value> {
    match find_impl(vm, &args, "index", false)? {
        -1 => Err(vm.value_error("substring not found".into())),
        i => Ok(Value::Int(i)),
    }
}

fn rindex(vm: &Vm, args: Args) -> PyResult<Value> {
    match find_impl(vm, &args, "rindex", true)? {
        -1 => Err(vm.value_error("substring not found".into())),
        i => Ok(Value::Int(i)),
    }
}

fn count(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "count", &args, 1, 3)?;
    let s = this(vm, &args, "count")?;
    let sub = str_param(vm, &args.pos[1], "count()")?;
    let (text, _) = window(vm, &s, &args, 2)?;
    let n = if sub.as_str().is_empty() {
        text.chars().count() + 1
    } else {
        text.matches(sub.as_str()).count()
    };
    Ok(Value::Int(n as i64))
}

fn format(vm: &Vm, mut args: Args) -> PyResult<Value> {
    let kw = std::mem::take(&mut args.kw);
    let s = this(vm, &args, "format")?;
    Ok(vm.new_str(vm.str_format(s.as_str(), &args.pos[1..], &kw)?))
}
