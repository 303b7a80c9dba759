//! Numeric built-in functions: `abs`, `min`, `max`, `sum`, `divmod`,
//! `round`, `pow`, `hex`/`oct`/`bin`, `chr`, `ord`.

use super::{arity, def, int_arg};
use crate::object::{Args, Value};
use crate::vm::{PyResult, Vm};

/// Registers the functions.
pub fn install(vm: &Vm) {
    def(vm, "abs", abs);
    def(vm, "min", min);
    def(vm, "max", max);
    def(vm, "sum", sum);
    def(vm, "divmod", divmod);
    def(vm, "round", round);
    def(vm, "pow", pow);
    def(vm, "hex", hex);
    def(vm, "oct", oct);
    def(vm, "bin", bin);
    def(vm, "chr", chr);
    def(vm, "ord", ord);
}

fn abs(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "abs", &args, 1, 1)?;
    match &args.pos[0] {
        Value::Int(i) => i.checked_abs().map(Value::Int).ok_or_else(|| {
            vm.overflow(
                "integer overflow: the result does not fit in 64 bits (minipy ints are 64-bit)",
            )
        }),
        Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        v @ Value::Instance(i) => match i.class.lookup(&vm.intern("__abs__")) {
            Some(m) => vm.call0(&m, vec![v.clone()]),
            None => Err(bad_operand(vm, "abs()", v)),
        },
        v => Err(bad_operand(vm, "abs()", v)),
    }
}

fn bad_operand(vm: &Vm, what: &str, v: &Value) -> crate::vm::Exc {
    vm.type_error(format!(
        "bad operand type for {what}: '{}'",
        vm.type_name(v)
    ))
}

/// `min` and `max`: one iterable or several arguments, `key=`, `default=`.
fn extremum(vm: &Vm, mut args: Args, name: &str, want_less: bool) -> PyResult<Value> {
    let key = args.take_kw("key").filter(|k| !k.is_none());
    let default = args.take_kw("default");
    if let Some((k, _)) = args.kw.first() {
        return Err(vm.type_error(format!(
            "'{}' is an invalid keyword argument for {name}()",
            k.as_str()
        )));
    }
    let items = match args.pos.len() {
        0 => return Err(vm.type_error(format!("{name} expected at least 1 argument, got 0"))),
        1 => vm.collect_iterable(args.pos.remove(0))?,
        _ => args.pos.into_vec(),
    };
    let mut best: Option<(Value, Value)> = None;
    for v in items {
        let k = match &key {
            Some(f) => vm.call0(f, vec![v.clone()])?,
            None => v.clone(),
        };
        let better = match &best {
            None => true,
            Some((bk, _)) if want_less => vm.less_than(&k, bk)?,
            Some((bk, _)) => vm.less_than(bk, &k)?,
        };
        if better {
            best = Some((k, v));
        }
    }
    match (best, default) {
        (Some((_, v)), _) => Ok(v),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(vm.value_error(format!("{name}() arg is an empty sequence"))),
    }
}

fn min(vm: &Vm, args: Args) -> PyResult<Value> {
    extremum(vm, args, "min", true)
}

fn max(vm: &Vm, args: Args) -> PyResult<Value> {
    extremum(vm, args, "max", false)
}

fn sum(vm: &Vm, mut args: Args) -> PyResult<Value> {
    let start = args.take_kw("start");
    arity(vm, "sum", &args, 1, 2)?;
    let mut acc = start
        .or_else(|| args.pos.get(1).cloned())
        .unwrap_or(Value::Int(0));
    if matches!(acc, Value::Str(_)) {
        return Err(vm.type_error("sum() can't sum strings [use ''.join(seq) instead]".into()));
    }
    let mut it = vm.iter_state(args.pos.swap_remove(0))?;
    while let Some(v) = vm.iter_next(&mut it)? {
        acc = vm.binary_op(crate::ast::BinOp::Add, &acc, &v)?;
    }
    Ok(acc)
}

fn chr(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "chr", &args, 1, 1)?;
    let i = int_arg(vm, &args.pos[0])?;
    match u32::try_from(i).ok().and_then(char::from_u32) {
        Some(c) => Ok(vm.new_str(c.to_string())),
        None => Err(vm.value_error("chr() arg not in range(0x110000)".into())),
    }
}

fn ord(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "ord", &args, 1, 1)?;
    match &args.pos[0] {
        Value::Str(s) if s.char_len() == 1 => Ok(Value::Int(s.char_at(0) as i64)),
        Value::Str(s) => Err(vm.type_error(format!(
            "ord() expected a character, but string of length {} found",
            s.char_len()
        ))),
        other => Err(vm.type_error(format!(
            "ord() expected string of length 1, but {} found",
            vm.type_name(other)
        ))),
    }
}

fn divmod(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "divmod", &args, 2, 2)?;
    let (a, b) = (&args.pos[0], &args.pos[1]);
    if let (Value::Float(_), _) | (_, Value::Float(_)) = (a, b) {
        let is_zero = matches!(b, Value::Float(f) if *f == 0.0) || matches!(b, Value::Int(0));
        if is_zero {
            return Err(vm.err(&vm.types.zero_division_error, "float divmod()".into()));
        }
    }
    let q = vm.binary_op(crate::ast::BinOp::FloorDiv, a, b)?;
    let r = vm.binary_op(crate::ast::BinOp::Mod, a, b)?;
    Ok(vm.new_pair(q, r))
}

fn round(vm: &Vm, mut args: Args) -> PyResult<Value> {
    if let Some(n) = args.take_kw("ndigits") {
        args.pos.push(n);
    }
    arity(vm, "round", &args, 1, 2)?;
    let nd = match args.pos.get(1) {
        None | Some(Value::None) => None,
        Some(v) => Some(int_arg(vm, v)?),
    };
    match (&args.pos[0], nd) {
        (Value::Int(i), None) => Ok(Value::Int(*i)),
        (Value::Bool(b), None) => Ok(Value::Int(i64::from(*b))),
        (Value::Int(i), Some(n)) => Ok(Value::Int(round_int(*i, n))),
        (Value::Float(f), None) => {
            let r = f.round_ties_even();
            if !r.is_finite() {
                let what = if r.is_nan() { "NaN" } else { "infinity" };
                return Err(if r.is_nan() {
                    vm.value_error(format!("cannot convert float {what} to integer"))
                } else {
                    vm.overflow(&format!("cannot convert float {what} to integer"))
                });
            }
            if r.abs() >= 9.2e18 {
                return Err(vm.overflow("int too large: minipy ints are 64-bit"));
            }
            Ok(Value::Int(r as i64))
        }
        (Value::Float(f), Some(n)) => Ok(Value::Float(round_float(*f, n))),
        (v @ Value::Instance(i), _) => match i.class.lookup(&vm.intern("__round__")) {
            Some(m) => {
                let mut a = vec![v.clone()];
                a.extend(args.pos.get(1).cloned());
                vm.call0(&m, a)
            }
            None => Err(vm.type_error(format!(
                "type {} doesn't define __round__ method",
                vm.type_name(v)
            ))),
        },
        (v, _) => Err(vm.type_error(format!(
            "type {} doesn't define __round__ method",
            vm.type_name(v)
        ))),
    }
}

/// `round(i, n)` for ints: rounds to a multiple of `10**-n`, ties to even.
fn round_int(i: i64, n: i64) -> i64 {
    if n >= 0 {
        return i;
    }
    let Some(p) = 10i64.checked_pow((-n) as u32) else {
        return 0;
    };
    let (q, r) = (i.div_euclid(p), i.rem_euclid(p));
    let q = match (2 * r).cmp(&p) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if q % 2 != 0 => q + 1,
        _ => q,
    };
    q.saturating_mul(p)
}

/// `round(f, n)`: correctly rounded through the decimal representation,
/// as CPython does (so `round(2.675, 2)` is 2.67).
fn round_float(f: f64, n: i64) -> f64 {
    if !f.is_finite() || n > 300 {
        return f;
    }
    if n >= 0 {
        let s = format!("{:.*}", n as usize, f);
        return s.parse().unwrap_or(f);
    }
    let p = 10f64.powi((-n) as i32);
    (f / p).round_ties_even() * p
}

fn pow(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "pow", &args, 2, 3)?;
    match args.pos.get(2) {
        None | Some(Value::None) => {
            vm.binary_op(crate::ast::BinOp::Pow, &args.pos[0], &args.pos[1])
        }
        Some(m) => {
            let (b, e, m) = (
                int_arg(vm, &args.pos[0])?,
                int_arg(vm, &args.pos[1])?,
                int_arg(vm, m)?,
            );
            if m == 0 {
                return Err(vm.value_error("pow() 3rd argument cannot be 0".into()));
            }
            if e < 0 {
                return Err(vm.value_error(
                    "pow() 2nd argument cannot be negative when 3rd argument specified".into(),
                ));
            }
            let (mut r, mut b, mut e, m) = (1i128, (b as i128).rem_euclid(m as i128), e, m as i128);
            while e > 0 {
                if e & 1 == 1 {
                    r = r * b % m;
                }
                b = b * b % m;
                e >>= 1;
            }
            let r = if m < 0 && r > 0 { r + m } else { r };
            Ok(Value::Int(r as i64))
        }
    }
}

fn radix(vm: &Vm, args: &Args, name: &str, spec: &str) -> PyResult<Value> {
    arity(vm, name, args, 1, 1)?;
    let i = int_arg(vm, &args.pos[0])?;
    Ok(vm.new_str(vm.format_value(&Value::Int(i), spec)?))
}

fn hex(vm: &Vm, args: Args) -> PyResult<Value> {
    radix(vm, &args, "hex", "#x")
}

fn oct(vm: &Vm, args: Args) -> PyResult<Value> {
    radix(vm, &args, "oct", "#o")
}

fn bin(vm: &Vm, args: Args) -> PyResult<Value> {
    radix(vm, &args, "bin", "#b")
}
