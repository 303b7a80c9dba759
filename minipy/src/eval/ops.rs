//! Operators: binary and unary arithmetic on every type, comparisons,
//! `in`, truth, hashing, and the dunder-method protocol (`__add__` then
//! the reflected `__radd__`, `NotImplemented`) for instances.

use std::cmp::Ordering;

use refcycle::Gc;

use super::num::{hash_float, hash_int, hash_pointer, hash_tuple, Num};
pub use super::num::{int_fast, num_eq};
use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::object::{new_list, Class, DictStore, Set, Value};
use crate::vm::{PyResult, Vm};

/// The symbol and dunder names of a binary operator.
pub fn op_names(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("+", "__add__", "__radd__"),
        BinOp::Sub => ("-", "__sub__", "__rsub__"),
        BinOp::Mul => ("*", "__mul__", "__rmul__"),
        BinOp::Div => ("/", "__truediv__", "__rtruediv__"),
        BinOp::FloorDiv => ("//", "__floordiv__", "__rfloordiv__"),
        BinOp::Mod => ("%", "__mod__", "__rmod__"),
        BinOp::Pow => ("**", "__pow__", "__rpow__"),
        BinOp::LShift => ("<<", "__lshift__", "__rlshift__"),
        BinOp::RShift => (">>", "__rshift__", "__rrshift__"),
        BinOp::BitAnd => ("&", "__and__", "__rand__"),
        BinOp::BitOr => ("|", "__or__", "__ror__"),
        BinOp::BitXor => ("^", "__xor__", "__rxor__"),
    }
}

impl Vm {
    /// `a op b`.
    pub fn binary_op(&self, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
        if let (Some(x), Some(y)) = (Num::of(a), Num::of(b)) {
            if let (Value::Bool(p), Value::Bool(q)) = (a, b) {
                match op {
                    BinOp::BitAnd => return Ok(Value::Bool(*p & *q)),
                    BinOp::BitOr => return Ok(Value::Bool(*p | *q)),
                    BinOp::BitXor => return Ok(Value::Bool(*p ^ *q)),
                    _ => {}
                }
            }
            if let Some(r) = self.num_op(op, x, y) {
                return r;
            }
        }
        if let Some(r) = self.builtin_binary(op, a, b)? {
            return Ok(r);
        }
        if let Some(r) = self.dunder_binary(op, a, b)? {
            return Ok(r);
        }
        Err(self.unsupported(op, a, b))
    }

    fn unsupported(&self, op: BinOp, a: &Value, b: &Value) -> crate::vm::Exc {
        let (sym, ..) = op_names(op);
        let concat = |kind: &str| {
            format!(
                "can only concatenate {kind} (not \"{}\") to {kind}",
                self.type_name(b)
            )
        };
        let msg = match (op, a) {
            (BinOp::Add, Value::Str(_)) => concat("str"),
            (BinOp::Add, Value::List(_)) => concat("list"),
            (BinOp::Add, Value::Tuple(_)) => concat("tuple"),
            (BinOp::Mul, Value::Str(_) | Value::List(_) | Value::Tuple(_))
                if !matches!(b, Value::Instance(_)) =>
            {
                format!(
                    "can't multiply sequence by non-int of type '{}'",
                    self.type_name(b)
                )
            }
            _ => format!(
                "unsupported operand type(s) for {sym}: '{}' and '{}'",
                self.type_name(a),
                self.type_name(b)
            ),
        };
        self.type_error(msg)
    }

    /// Operators of the built-in containers and strings.
    fn builtin_binary(&self, op: BinOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
        use Value as V;
        Ok(Some(match (op, a, b) {
            (BinOp::Add, V::Str(x), V::Str(y)) => {
                let mut s = String::with_capacity(x.as_str().len() + y.as_str().len());
                s.push_str(x.as_str());
                s.push_str(y.as_str());
                self.new_str(s)
            }
            (BinOp::Add, V::List(x), V::List(y)) => {
                let mut v = x.snapshot();
                v.extend(y.snapshot());
                new_list(v)
            }
            (BinOp::Add, V::Tuple(x), V::Tuple(y)) => {
                let v = x.items.iter().chain(y.items.iter()).cloned().collect();
                self.new_tuple(v)
            }
            (BinOp::Mul, V::Str(_) | V::List(_) | V::Tuple(_), V::Int(_) | V::Bool(_)) => {
                self.repeat(a, b)?
            }
            (BinOp::Mul, V::Int(_) | V::Bool(_), V::Str(_) | V::List(_) | V::Tuple(_)) => {
                self.repeat(b, a)?
            }
            (BinOp::Mod, V::Str(fmt), _) => self.new_str(self.percent_format(fmt.as_str(), b)?),
            (_, V::Set(x), V::Set(y)) => match self.set_op(op, x, y)? {
                Some(s) => V::Set(Gc::new(s)),
                None => return Ok(None),
            },
            (BinOp::BitOr, V::Dict(x), V::Dict(y)) => {
                let d = x.copy();
                for (k, v) in y.items() {
                    d.set(self, k, v)?;
                }
                V::Dict(d)
            }
            _ => return Ok(None),
        }))
    }

    /// `seq * n`.
    fn repeat(&self, seq: &Value, n: &Value) -> PyResult<Value> {
        let n = match n {
            Value::Int(i) => (*i).max(0) as usize,
            Value::Bool(b) => usize::from(*b),
            _ => 0,
        };
        let too_big = || self.err(&self.types.memory_error, String::new());
        Ok(match seq {
            Value::Str(s) => {
                let len = s.as_str().len().checked_mul(n).ok_or_else(too_big)?;
                if len > 1 << 32 {
                    return Err(too_big());
                }
                self.new_str(s.as_str().repeat(n))
            }
            Value::List(l) => {
                let items = l.snapshot();
                if items.len().checked_mul(n).map_or(true, |t| t > 1 << 28) {
                    return Err(too_big());
                }
                new_list(
                    items
                        .iter()
                        .cloned()
                        .cycle()
                        .take(items.len() * n)
                        .collect(),
                )
            }
            Value::Tuple(t) => {
                if t.items.len().checked_mul(n).map_or(true, |t| t > 1 << 28) {
                    return Err(too_big());
                }
                let v = t
                    .items
                    .iter()
                    .cloned()
                    .cycle()
                    .take(t.items.len() * n)
                    .collect();
                self.new_tuple(v)
            }
            _ => unreachable!("repeat() on a non-sequence"),
        })
    }

    fn set_op(&self, op: BinOp, x: &Set, y: &Set) -> PyResult<Option<Set>> {
        Ok(Some(match op {
            BinOp::BitOr => {
                let s = x.copy(self)?;
                s.merge(self, y)?;
                s
            }
            BinOp::BitAnd => {
                let (small, big) = if x.len() > y.len() { (y, x) } else { (x, y) };
                let s = Set::new();
                for v in small.items() {
                    if big.contains(self, &v)? {
                        s.add(self, v)?;
                    }
                }
                s
            }
            BinOp::Sub => {
                let s = Set::new();
                for v in x.items() {
                    if !y.contains(self, &v)? {
                        s.add(self, v)?;
                    }
                }
                s
            }
            BinOp::BitXor => {
                let s = Set::new();
                for v in x.items() {
                    if !y.contains(self, &v)? {
                        s.add(self, v)?;
                    }
                }
                for v in y.items() {
                    if !x.contains(self, &v)? {
                        s.add(self, v)?;
                    }
                }
                s
            }
            _ => return Ok(None),
        }))
    }

    /// `__op__` on the left operand, then `__rop__` on the right one.
    fn dunder_binary(&self, op: BinOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
        let (_, name, rname) = op_names(op);
        if let Value::Instance(i) = a {
            if let Some(m) = i.class.lookup(&self.intern(name)) {
                let r = self.call0(&m, vec![a.clone(), b.clone()])?;
                if !self.is_not_implemented(&r) {
                    return Ok(Some(r));
                }
            }
        }
        if let Value::Instance(i) = b {
            if let Some(m) = i.class.lookup(&self.intern(rname)) {
                let r = self.call0(&m, vec![b.clone(), a.clone()])?;
                if !self.is_not_implemented(&r) {
                    return Ok(Some(r));
                }
            }
        }
        Ok(None)
    }

    /// `a op= b`: in place for lists (`+=` extends, `*=` repeats) and for
    /// instances with `__iop__`; otherwise `a = a op b`.
    pub fn inplace_op(&self, op: BinOp, a: Value, b: &Value) -> PyResult<Value> {
        if let (Value::Int(x), Value::Int(y)) = (&a, b) {
            if let Some(v) = int_fast(op, *x, *y) {
                return Ok(v);
            }
        }
        match (op, &a) {
            (BinOp::Add, Value::List(l)) => {
                let items = self.collect_iterable(b.clone())?;
                l.items.borrow_mut().extend(items);
                return Ok(a);
            }
            (BinOp::Mul, Value::List(l)) => {
                let new = match self.repeat(&a, b)? {
                    Value::List(n) => n.snapshot(),
                    _ => unreachable!("repeat of a list is a list"),
                };
                drop(l.replace(new));
                return Ok(a);
            }
            (_, Value::Instance(i)) => {
                let (_, name, _) = op_names(op);
                let iname = format!("__i{}", &name[2..]);
                if let Some(m) = i.class.lookup(&self.intern(&iname)) {
                    let r = self.call0(&m, vec![a.clone(), b.clone()])?;
                    if !self.is_not_implemented(&r) {
                        return Ok(r);
                    }
                }
            }
            _ => {}
        }
        self.binary_op(op, &a, b)
    }

    /// `-a`, `+a`, `~a`, `not a`.
    pub fn unary_op(&self, op: UnaryOp, a: &Value) -> PyResult<Value> {
        let bad = |sym: &str| {
            let msg = format!("bad operand type for unary {sym}: '{}'", self.type_name(a));
            self.type_error(msg)
        };
        match (op, a) {
            (UnaryOp::Not, _) => Ok(Value::Bool(!self.truthy(a)?)),
            (UnaryOp::Neg, Value::Int(i)) => i.checked_neg().map(Value::Int).ok_or_else(|| {
                self.overflow(
                    "integer overflow: the result does not fit in 64 bits (minipy ints are 64-bit)",
                )
            }),
            (UnaryOp::Neg, Value::Bool(b)) => Ok(Value::Int(-i64::from(*b))),
            (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
            (UnaryOp::Pos, Value::Int(_) | Value::Float(_)) => Ok(a.clone()),
            (UnaryOp::Pos, Value::Bool(b)) => Ok(Value::Int(i64::from(*b))),
            (UnaryOp::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
            (UnaryOp::Invert, Value::Bool(b)) => Ok(Value::Int(!i64::from(*b))),
            (_, Value::Instance(i)) => {
                let (name, sym) = match op {
                    UnaryOp::Neg => ("__neg__", "-"),
                    UnaryOp::Pos => ("__pos__", "+"),
                    _ => ("__invert__", "~"),
                };
                match i.class.lookup(&self.intern(name)) {
                    Some(m) => self.call0(&m, vec![a.clone()]),
                    None => Err(bad(sym)),
                }
            }
            (UnaryOp::Neg, _) => Err(bad("-")),
            (UnaryOp::Pos, _) => Err(bad("+")),
            (UnaryOp::Invert, _) => Err(bad("~")),
        }
    }

    /// Truth value (`if x:`).
    #[inline]
    pub fn truthy(&self, v: &Value) -> PyResult<bool> {
        Ok(match v {
            Value::Bool(b) => *b,
            Value::None => false,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.as_str().is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Tuple(t) => !t.items.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Set(s) => !s.is_empty(),
            Value::Range(r) => !r.is_empty(),
            Value::DictView(d) => !d.dict.is_empty(),
            Value::Instance(_) => return self.instance_truthy(v),
            _ => true,
        })
    }

    fn instance_truthy(&self, v: &Value) -> PyResult<bool> {
        let Value::Instance(i) = v else {
            return Ok(true);
        };
        if let Some(m) = i.class.lookup(&self.names.bool_) {
            return match self.call0(&m, vec![v.clone()])? {
                Value::Bool(b) => Ok(b),
                other => Err(self.type_error(format!(
                    "__bool__ should return bool, returned {}",
                    self.type_name(&other)
                ))),
            };
        }
        if i.class.lookup(&self.names.len).is_some() {
            return Ok(self.len(v)? != 0);
        }
        Ok(true)
    }

    /// `hash(v)`.
    pub fn hash(&self, v: &Value) -> PyResult<i64> {
        use Value as V;
        Ok(match v {
            V::Str(s) => s.hash(),
            V::Int(i) => hash_int(*i),
            V::Bool(b) => i64::from(*b),
            V::Float(f) => hash_float(*f),
            V::None => 0xFCA86420,
            V::Tuple(t) => {
                let hashes = t
                    .items
                    .iter()
                    .map(|x| self.hash(x))
                    .collect::<PyResult<Vec<_>>>()?;
                hash_tuple(&hashes)
            }
            V::Range(r) => hash_tuple(&[hash_int(r.len()), hash_int(r.start), hash_int(r.step)]),
            V::List(_) | V::Dict(_) | V::Set(_) | V::Slice(_) | V::DictView(_) => {
                return Err(self.type_error(format!("unhashable type: '{}'", self.type_name(v))))
            }
            V::Instance(i) => return self.instance_hash(v, &i.class),
            V::WeakRef(w) => return self.weakref_hash(w),
            V::Method(m) => hash_tuple(&[self.hash(&m.receiver)?, self.hash(&m.func)?]),
            _ => hash_pointer(v.id() as usize),
        })
    }

    fn instance_hash(&self, v: &Value, class: &Gc<Class>) -> PyResult<i64> {
        match class.lookup(&self.names.hash) {
            Some(Value::None) => {
                Err(self.type_error(format!("unhashable type: '{}'", self.type_name(v))))
            }
            Some(m) => match self.call0(&m, vec![v.clone()])? {
                Value::Int(i) => Ok(if i == -1 { -2 } else { i }),
                Value::Bool(b) => Ok(i64::from(b)),
                _ => Err(self.type_error("__hash__ method should return an integer".into())),
            },
            None => Ok(hash_pointer(v.id() as usize)),
        }
    }

    /// Whether `v` is an instance whose class defines `__eq__` (so dict
    /// and set lookups must call it).
    pub fn has_user_eq(&self, v: &Value) -> bool {
        match v {
            Value::Instance(i) => i.class.lookup(&self.names.eq).is_some(),
            _ => false,
        }
    }
}

/// The boolean result of a comparison operator given an ordering (`None`
/// when unordered, e.g. NaN: only `!=` holds).
pub fn cmp_result(op: CmpOp, ord: Option<Ordering>) -> bool {
    let Some(o) = ord else {
        return op == CmpOp::NotEq;
    };
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::NotEq => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::LtE => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::GtE => o != Ordering::Less,
        _ => false,
    }
}
