//! Methods of `str` about case, character classes and layout: `upper`,
//! `title`, `isdigit`, `center`, `zfill`, `partition` ...

use refcycle::Gc;

use super::list::receiver;
use super::str::str_param;
use super::{int_arg, method, method_arity};
use crate::object::{Args, PyStr, Value};
use crate::vm::{PyResult, Vm};

/// Registers the methods.
pub fn install(vm: &Vm) {
    let s = &vm.types.str_;
    let m = |name: &'static str, f: crate::object::NativeFn| method(vm, s, "str", name, f);
    m("upper", upper);
    m("lower", lower);
    m("title", title);
    m("capitalize", capitalize);
    m("swapcase", swapcase);
    m("isdigit", isdigit);
    m("isnumeric", isdigit);
    m("isdecimal", isdigit);
    m("isalpha", isalpha);
    m("isalnum", isalnum);
    m("isspace", isspace);
    m("isupper", isupper);
    m("islower", islower);
    m("isidentifier", isidentifier);
    m("isprintable", isprintable);
    m("center", center);
    m("ljust", ljust);
    m("rjust", rjust);
    m("zfill", zfill);
    m("partition", partition);
    m("rpartition", rpartition);
}

fn this(vm: &Vm, args: &Args, name: &str) -> PyResult<Gc<PyStr>> {
    match receiver(vm, args, name, "str")? {
        Value::Str(s) => Ok(s.clone()),
        _ => unreachable!("receiver checked the type"),
    }
}

fn map_str(vm: &Vm, args: Args, name: &str, f: fn(&str) -> String) -> PyResult<Value> {
    method_arity(vm, name, &args, 0, 0)?;
    let s = this(vm, &args, name)?;
    Ok(vm.new_str(f(s.as_str())))
}

fn upper(vm: &Vm, args: Args) -> PyResult<Value> {
    map_str(vm, args, "upper", str::to_uppercase)
}

fn lower(vm: &Vm, args: Args) -> PyResult<Value> {
    map_str(vm, args, "lower", str::to_lowercase)
}

fn swapcase(vm: &Vm, args: Args) -> PyResult<Value> {
    map_str(vm, args, "swapcase", |s| {
        s.chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    c.to_lowercase().collect::<Vec<_>>()
                } else {
                    c.to_uppercase().collect()
                }
            })
            .collect()
    })
}

fn title(vm: &Vm, args: Args) -> PyResult<Value> {
    map_str(vm, args, "title", |s| {
        let mut out = String::new();
        let mut prev_cased = false;
        for c in s.chars() {
            if prev_cased {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_cased = c.is_alphabetic();
        }
        out
    })
}

fn capitalize(vm: &Vm, args: Args) -> PyResult<Value> {
    map_str(vm, args, "capitalize", |s| {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f
                .to_uppercase()
                .chain(c.flat_map(char::to_lowercase))
                .collect(),
            None => String::new(),
        }
    })
}

fn predicate(vm: &Vm, args: Args, name: &str, f: fn(&str) -> bool) -> PyResult<Value> {
    method_arity(vm, name, &args, 0, 0)?;
    let s = this(vm, &args, name)?;
    Ok(Value::Bool(f(s.as_str())))
}

fn isdigit(vm: &Vm, args: Args) -> PyResult<Value> {
    predicate(vm, args, "isdigit", |s| {
        !s.is_empty() && s.chars().all(|c| c.is_numeric())
    })
}

fn isalpha(vm: &Vm, args: Args) -> PyResult<Value> {
    predicate(vm, args, "isalpha", |s| {
        !s.is_empty() && s.chars().all(char::is_alphabetic)
    })
}

fn isalnum(vm: &Vm, args: Args) -> PyResult<Value> {
    predicate(vm, args, "isalnum", |s| {
        !s.is_empty() && s.chars().all(char::is_alphanumeric)
    })
}

fn isspace(vm: &Vm, args: Args) -> PyResult<Value> {
    predicate(vm, args, "isspace", |s| {
        !s.is_empty() && s.chars().all(char::is_whitespace)
    })
}

fn isupper(vm: &Vm, args: Args) -> PyResult<Value> {
    predicate(vm, args, "isupper", |s| {
        s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
    })
}

fn islower(vm: &Vm, args: Args) -> PyResult<Value> {
    predicate(vm, args, "islower", |s| {
        s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase)
    })
}

fn isidentifier(vm: &Vm, args: Args) -> PyResult<Value> {
    predicate(vm, args, "isidentifier", |s| {
        let mut c = s.chars();
        c.next().is_some_and(|f| f.is_alphabetic() || f == '_')
            && c.all(|x| x.is_alphanumeric() || x == '_')
    })
}

fn isprintable(vm: &Vm, args: Args) -> PyResult<Value> {
    predicate(vm, args, "isprintable", |s| {
        s.chars().all(crate::object::is_printable)
    })
}

fn justify(vm: &Vm, args: Args, name: &str, align: char) -> PyResult<Value> {
    method_arity(vm, name, &args, 1, 2)?;
    let s = this(vm, &args, name)?;
    let width = int_arg(vm, &args.pos[1])?.max(0) as usize;
    let fill = match args.pos.get(2) {
        Some(Value::Str(f)) if f.char_len() == 1 => f.char_at(0),
        Some(_) => {
            return Err(
                vm.type_error("The fill character must be exactly one character long".into())
            )
        }
        None => ' ',
    };
    let len = s.char_len();
    if len >= width {
        return Ok(Value::Str(s));
    }
    let n = width - len;
    let f = |k: usize| fill.to_string().repeat(k);
    let out = match align {
        '<' => format!("{}{}", s.as_str(), f(n)),
        '>' => format!("{}{}", f(n), s.as_str()),
        _ => {
            // CPython centres with the extra fill on the left when the
            // padding and the width are both odd.
            let left = n / 2 + (n & width & 1);
            format!("{}{}{}", f(left), s.as_str(), f(n - left))
        }
    };
    Ok(vm.new_str(out))
}

fn center(vm: &Vm, args: Args) -> PyResult<Value> {
    justify(vm, args, "center", '^')
}

fn ljust(vm: &Vm, args: Args) -> PyResult<Value> {
    justify(vm, args, "ljust", '<')
}

fn rjust(vm: &Vm, args: Args) -> PyResult<Value> {
    justify(vm, args, "rjust", '>')
}

fn zfill(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "zfill", &args, 1, 1)?;
    let s = this(vm, &args, "zfill")?;
    let width = int_arg(vm, &args.pos[1])?.max(0) as usize;
    let text = s.as_str();
    let len = s.char_len();
    if len >= width {
        return Ok(Value::Str(s));
    }
    let (sign, rest) = match text.chars().next() {
        Some(c @ ('+' | '-')) => (c.to_string(), &text[1..]),
        _ => (String::new(), text),
    };
    Ok(vm.new_str(format!("{sign}{}{rest}", "0".repeat(width - len))))
}

fn partition_impl(vm: &Vm, args: Args, name: &str, right: bool) -> PyResult<Value> {
    method_arity(vm, name, &args, 1, 1)?;
    let s = this(vm, &args, name)?;
    let sep = str_param(vm, &args.pos[1], name)?;
    if sep.as_str().is_empty() {
        return Err(vm.value_error("empty separator".into()));
    }
    let text = s.as_str();
    let found = if right {
        text.rfind(sep.as_str())
    } else {
        text.find(sep.as_str())
    };
    let parts = match found {
        Some(i) => (&text[..i], sep.as_str(), &text[i + sep.as_str().len()..]),
        None if right => ("", "", text),
        None => (text, "", ""),
    };
    Ok(vm.new_tuple(vec![
        vm.str_val(parts.0),
        vm.str_val(parts.1),
        vm.str_val(parts.2),
    ]))
}

fn partition(vm: &Vm, args: Args) -> PyResult<Value> {
    partition_impl(vm, args, "partition", false)
}

fn rpartition(vm: &Vm, args: Args) -> PyResult<Value> {
    partition_impl(vm, args, "rpartition", true)
}
