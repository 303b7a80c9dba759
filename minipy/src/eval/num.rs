//! Numbers: int and float arithmetic with CPython's semantics (floor
//! division and modulo rounding toward minus infinity, the same
//! `ZeroDivisionError` messages) and CPython's hashes for ints, floats
//! and tuples, so `1 == 1.0 == True` hash alike.
//!
//! Ints are 64-bit: a result that does not fit raises `OverflowError`.

use crate::ast::BinOp;
use crate::object::Value;
use crate::vm::{PyResult, Vm};

/// `2**61 - 1`, CPython's hash modulus on 64-bit machines.
const MODULUS: u64 = (1 << 61) - 1;
const HASH_BITS: u32 = 61;
const HASH_INF: i64 = 314159;

/// An int or float operand.
#[derive(Clone, Copy)]
pub enum Num {
    /// An int (or bool).
    Int(i64),
    /// A float.
    Float(f64),
}

impl Num {
    /// The number in `v`, if it is an int, bool or float.
    pub fn of(v: &Value) -> Option<Num> {
        match v {
            Value::Int(i) => Some(Num::Int(*i)),
            Value::Bool(b) => Some(Num::Int(i64::from(*b))),
            Value::Float(f) => Some(Num::Float(*f)),
            _ => None,
        }
    }

    /// As a float.
    pub fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

const OVERFLOW: &str =
    "integer overflow: the result does not fit in 64 bits (minipy ints are 64-bit)";

impl Vm {
    /// Arithmetic on two numbers; `None` if the operator does not apply
    /// (bitwise operators on floats).
    pub fn num_op(&self, op: BinOp, a: Num, b: Num) -> Option<PyResult<Value>> {
        match (a, b) {
            (Num::Int(x), Num::Int(y)) => Some(self.int_op(op, x, y)),
            _ => self.float_op(op, a.to_f64(), b.to_f64()),
        }
    }

    fn int_op(&self, op: BinOp, x: i64, y: i64) -> PyResult<Value> {
        let ovf = |r: Option<i64>| r.map(Value::Int).ok_or_else(|| self.overflow(OVERFLOW));
        match op {
            BinOp::Add => ovf(x.checked_add(y)),
            BinOp::Sub => ovf(x.checked_sub(y)),
            BinOp::Mul => ovf(x.checked_mul(y)),
            BinOp::Div => {
                if y == 0 {
                    return Err(
                        self.err(&self.types.zero_division_error, "division by zero".into())
                    );
                }
                Ok(Value::Float(x as f64 / y as f64))
            }
            BinOp::FloorDiv | BinOp::Mod => {
                if y == 0 {
                    let msg = if op == BinOp::Mod {
                        "integer modulo by zero"
                    } else {
                        "integer division or modulo by zero"
                    };
                    return Err(self.err(&self.types.zero_division_error, msg.into()));
                }
                let (q, r) = int_divmod(x, y).ok_or_else(|| self.overflow(OVERFLOW))?;
                Ok(Value::Int(if op == BinOp::Mod { r } else { q }))
            }
            BinOp::Pow => self.int_pow(x, y),
            BinOp::LShift | BinOp::RShift if y < 0 => {
                Err(self.value_error("negative shift count".into()))
            }
            BinOp::LShift => {
                if x == 0 {
                    return Ok(Value::Int(0));
                }
                let r = if y < 64 {
                    x.checked_shl(y as u32)
                } else {
                    None
                };
                match r {
                    Some(r) if r >> y == x => Ok(Value::Int(r)),
                    _ => Err(self.overflow(OVERFLOW)),
                }
            }
            BinOp::RShift => Ok(Value::Int(if y >= 64 { x >> 63 } else { x >> y })),
            BinOp::BitAnd => Ok(Value::Int(x & y)),
            BinOp::BitOr => Ok(Value::Int(x | y)),
            BinOp::BitXor => Ok(Value::Int(x ^ y)),
        }
    }

    fn int_pow(&self, x: i64, y: i64) -> PyResult<Value> {
        if y < 0 {
            if x == 0 {
                let msg = "0.0 cannot be raised to a negative power";
                return Err(self.err(&self.types.zero_division_error, msg.into()));
            }
            return Ok(Value::Float((x as f64).powf(y as f64)));
        }
        let Ok(y) = u32::try_from(y) else {
            return match x {
                0 | 1 => Ok(Value::Int(x)),
                -1 => Ok(Value::Int(if y % 2 == 0 { 1 } else { -1 })),
                _ => Err(self.overflow(OVERFLOW)),
            };
        };
        x.checked_pow(y)
            .map(Value::Int)
            .ok_or_else(|| self.overflow(OVERFLOW))
    }

    fn float_op(&self, op: BinOp, x: f64, y: f64) -> Option<PyResult<Value>> {
        let zero = |msg: &str| Err(self.err(&self.types.zero_division_error, msg.into()));
        Some(match op {
            BinOp::Add => Ok(Value::Float(x + y)),
            BinOp::Sub => Ok(Value::Float(x - y)),
            BinOp::Mul => Ok(Value::Float(x * y)),
            BinOp::Div if y == 0.0 => zero("float division by zero"),
            BinOp::Div => Ok(Value::Float(x / y)),
            BinOp::FloorDiv if y == 0.0 => zero("float floor division by zero"),
            BinOp::Mod if y == 0.0 => zero("float modulo"),
            BinOp::FloorDiv => Ok(Value::Float(float_divmod(x, y).0)),
            BinOp::Mod => Ok(Value::Float(float_divmod(x, y).1)),
            BinOp::Pow => self.float_pow(x, y),
            _ => return None,
        })
    }

    fn float_pow(&self, x: f64, y: f64) -> PyResult<Value> {
        if x == 0.0 && y < 0.0 {
            let msg = "0.0 cannot be raised to a negative power";
            return Err(self.err(&self.types.zero_division_error, msg.into()));
        }
        if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
            let msg =
                "minipy does not support complex numbers (negative number to a fractional power)";
            return Err(self.value_error(msg.into()));
        }
        let r = x.powf(y);
        if r.is_infinite() && x.is_finite() && y.is_finite() {
            return Err(self.overflow("(34, 'Numerical result out of range')"));
        }
        Ok(Value::Float(r))
    }
}

/// Floor division and modulo of ints, rounding toward minus infinity;
/// `None` on overflow (`i64::MIN // -1`).
pub fn int_divmod(x: i64, y: i64) -> Option<(i64, i64)> {
    let q = x.checked_div(y)?;
    let r = x.checked_rem(y)?;
    if r != 0 && ((r < 0) != (y < 0)) {
        Some((q - 1, r + y))
    } else {
        Some((q, r))
    }
}

/// CPython's `float_divmod`: (floor quotient, remainder with the sign of
/// the divisor).
pub fn float_divmod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut fd = div.floor();
        if div - fd > 0.5 {
            fd += 1.0;
        }
        fd
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

/// The fast path for int operands in expressions: `+ - *` and
/// comparisons without overflow; `None` sends the caller to the general
/// path (which raises, or handles the other operators).
#[inline]
pub fn int_fast(op: BinOp, x: i64, y: i64) -> Option<Value> {
    match op {
        BinOp::Add => x.checked_add(y).map(Value::Int),
        BinOp::Sub => x.checked_sub(y).map(Value::Int),
        BinOp::Mul => x.checked_mul(y).map(Value::Int),
        _ => None,
    }
}

/// `hash()` of an int (CPython's `long_hash`).
pub fn hash_int(x: i64) -> i64 {
    let mut h = (x.unsigned_abs() % MODULUS) as i64;
    if x < 0 {
        h = -h;
    }
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash()` of a float (CPython's `_Py_HashDouble`); NaN hashes by
/// identity in CPython, here to 0.
pub fn hash_float(v: f64) -> i64 {
    if !v.is_finite() {
        return if v.is_nan() {
            0
        } else if v > 0.0 {
            HASH_INF
        } else {
            -HASH_INF
        };
    }
    let (mut m, mut e) = frexp(v);
    let mut sign: i64 = 1;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | x >> (HASH_BITS - 28);
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e as u32 % HASH_BITS
    } else {
        HASH_BITS - 1 - ((-1 - e) as u32 % HASH_BITS)
    };
    x = ((x << e) & MODULUS) | x >> (HASH_BITS - e);
    let x = (x as i64).wrapping_mul(sign);
    if x == -1 {
        -2
    } else {
        x
    }
}

/// `frexp`: `v = m * 2**e` with `0.5 <= |m| < 1`.
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(v * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// CPython 3.11's `tuplehash` over item hashes.
pub fn hash_tuple(hashes: &[i64]) -> i64 {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let mut acc = P5;
    for &h in hashes {
        acc = acc.wrapping_add((h as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add(hashes.len() as u64 ^ (P5 ^ 3527539));
    if acc == u64::MAX {
        1546275796
    } else {
        acc as i64
    }
}

/// CPython's `_Py_HashPointer`, for objects hashed by identity.
pub fn hash_pointer(p: usize) -> i64 {
    let y = p.rotate_right(4) as i64;
    if y == -1 {
        -2
    } else {
        y
    }
}

/// Numeric equality across int, bool and float.
pub fn num_eq(a: &Value, b: &Value) -> bool {
    match (Num::of(a), Num::of(b)) {
        (Some(Num::Int(x)), Some(Num::Int(y))) => x == y,
        (Some(Num::Int(i)), Some(Num::Float(f))) | (Some(Num::Float(f)), Some(Num::Int(i))) => {
            int_float_eq(i, f)
        }
        (Some(Num::Float(x)), Some(Num::Float(y))) => x == y,
        _ => false,
    }
}

/// Exact int/float equality (no rounding of large ints).
fn int_float_eq(i: i64, f: f64) -> bool {
    f.fract() == 0.0
        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
        && f as i64 == i
}

/// Compares two numbers: `None` when unordered (NaN).
pub fn num_cmp(a: Num, b: Num) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (Num::Int(i), Num::Float(f)) => cmp_int_float(i, f),
        (Num::Float(f), Num::Int(i)) => cmp_int_float(i, f).map(std::cmp::Ordering::reverse),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
    }
}

fn cmp_int_float(i: i64, f: f64) -> Option<std::cmp::Ordering> {
    if f.is_nan() {
        return None;
    }
    if int_float_eq(i, f) {
        return Some(std::cmp::Ordering::Equal);
    }
    (i as f64).partial_cmp(&f).map(|o| {
        if o == std::cmp::Ordering::Equal {
            // Equal after rounding `i`: compare exactly via the float's int.
            i.cmp(&(f as i64))
        } else {
            o
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_cpython() {
        assert_eq!(hash_float(1.5), 1152921504606846977);
        assert_eq!(hash_float(2.0), 2);
        assert_eq!(hash_int(-1), -2);
        assert_eq!(hash_tuple(&[1, 2]), -3550055125485641917);
    }

    #[test]
    fn floor_division_rounds_down() {
        assert_eq!(int_divmod(7, -2), Some((-4, -1)));
        assert_eq!(int_divmod(-7, 2), Some((-4, 1)));
        assert_eq!(float_divmod(-7.5, 2.0), (-4.0, 0.5));
        assert_eq!(int_divmod(i64::MIN, -1), None);
    }
}
