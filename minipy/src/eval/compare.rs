//! Comparisons: `==`, `<` and friends with CPython's rich-comparison
//! protocol (reflected dunders, `NotImplemented`, identity for `==` as the
//! last resort), container and sequence comparison, and `in`.

use refcycle::Gc;

use super::num::{num_cmp, num_eq, Num};
use super::ops::cmp_result;
use crate::ast::CmpOp;
use crate::object::Value;
use crate::vm::{PyResult, Vm};

/// `a op b` when no method can be involved: `is`, `is not`, and the
/// order of two ints. `None` for everything else.
#[inline(always)]
pub(super) fn compare_fast(op: CmpOp, a: &Value, b: &Value) -> Option<bool> {
    match op {
        CmpOp::Is => Some(a.is(b)),
        CmpOp::IsNot => Some(!a.is(b)),
        _ => {
            let (Value::Int(x), Value::Int(y)) = (a, b) else {
                return None;
            };
            Some(match op {
                CmpOp::Eq => x == y,
                CmpOp::NotEq => x != y,
                CmpOp::Lt => x < y,
                CmpOp::LtE => x <= y,
                CmpOp::Gt => x > y,
                CmpOp::GtE => x >= y,
                _ => return None,
            })
        }
    }
}

impl Vm {
    /// `a op b` for a comparison operator.
    pub fn compare(&self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        Ok(Value::Bool(match op {
            CmpOp::Is => a.is(b),
            CmpOp::IsNot => !a.is(b),
            CmpOp::In => self.contains(b, a)?,
            CmpOp::NotIn => !self.contains(b, a)?,
            _ => return self.rich_compare(op, a, b),
        }))
    }

    /// `==`, `!=`, `<`, `<=`, `>`, `>=` (CPython's `do_richcompare`).
    pub fn rich_compare(&self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        if let (Some(x), Some(y)) = (Num::of(a), Num::of(b)) {
            return Ok(Value::Bool(cmp_result(op, num_cmp(x, y))));
        }
        if let (Value::Str(x), Value::Str(y)) = (a, b) {
            return Ok(Value::Bool(cmp_result(
                op,
                Some(x.as_str().cmp(y.as_str())),
            )));
        }
        if matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_)) {
            if let Some(r) = self.dunder_compare(op, a, b)? {
                return Ok(r);
            }
        } else if let Some(r) = self.builtin_compare(op, a, b)? {
            return Ok(Value::Bool(r));
        }
        match op {
            CmpOp::Eq => Ok(Value::Bool(a.is(b))),
            CmpOp::NotEq => Ok(Value::Bool(!a.is(b))),
            _ => {
                let sym = match op {
                    CmpOp::Lt => "<",
                    CmpOp::LtE => "<=",
                    CmpOp::Gt => ">",
                    _ => ">=",
                };
                let msg = format!(
                    "'{sym}' not supported between instances of '{}' and '{}'",
                    self.type_name(a),
                    self.type_name(b)
                );
                Err(self.type_error(msg))
            }
        }
    }

    fn dunder_compare(&self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
        let (name, reflected) = match op {
            CmpOp::Eq => ("__eq__", "__eq__"),
            CmpOp::NotEq => ("__ne__", "__ne__"),
            CmpOp::Lt => ("__lt__", "__gt__"),
            CmpOp::LtE => ("__le__", "__ge__"),
            CmpOp::Gt => ("__gt__", "__lt__"),
            _ => ("__ge__", "__le__"),
        };
        for (x, y, n) in [(a, b, name), (b, a, reflected)] {
            let Value::Instance(i) = x else { continue };
            let m = i.class.lookup(&self.intern(n));
            if let Some(m) = m {
                let r = self.call0(&m, vec![x.clone(), y.clone()])?;
                if !self.is_not_implemented(&r) {
                    return Ok(Some(r));
                }
            } else if op == CmpOp::NotEq {
                if let Some(m) = i.class.lookup(&self.names.eq) {
                    let r = self.call0(&m, vec![x.clone(), y.clone()])?;
                    if !self.is_not_implemented(&r) {
                        return Ok(Some(Value::Bool(!self.truthy(&r)?)));
                    }
                }
            }
        }
        if let (Value::Instance(_), _) | (_, Value::Instance(_)) = (a, b) {
            if let Some(r) = self.builtin_compare(op, a, b)? {
                return Ok(Some(Value::Bool(r)));
            }
        }
        Ok(None)
    }

    /// Comparisons of built-in containers; `None` when they do not apply.
    fn builtin_compare(&self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Option<bool>> {
        use Value as V;
        match (a, b) {
            (V::List(x), V::List(y)) => {
                let (x, y) = (x.snapshot(), y.snapshot());
                self.seq_compare(op, &x, &y).map(Some)
            }
            (V::Tuple(x), V::Tuple(y)) => self.seq_compare(op, &x.items, &y.items).map(Some),
            (V::Dict(_), V::Dict(_)) | (V::Set(_), V::Set(_)) | (V::Range(_), V::Range(_))
                if matches!(op, CmpOp::Eq | CmpOp::NotEq) =>
            {
                let eq = self.container_eq(a, b)?;
                Ok(Some(if op == CmpOp::Eq { eq } else { !eq }))
            }
            (V::Method(x), V::Method(y)) if matches!(op, CmpOp::Eq | CmpOp::NotEq) => {
                let eq = x.receiver.is(&y.receiver) && self.eq(&x.func, &y.func)?;
                Ok(Some(eq == (op == CmpOp::Eq)))
            }
            (V::WeakRef(x), V::WeakRef(y)) if matches!(op, CmpOp::Eq | CmpOp::NotEq) => {
                let eq = match (x.target.upgrade(), y.target.upgrade()) {
                    (Some(p), Some(q)) => p.is(&q) || self.eq(&p, &q)?,
                    _ => Gc::ptr_eq(x, y),
                };
                Ok(Some(eq == (op == CmpOp::Eq)))
            }
            (V::Set(x), V::Set(y)) => {
                let (sub, sup) = match op {
                    CmpOp::Lt | CmpOp::LtE => (x, y),
                    _ => (y, x),
                };
                let mut subset = true;
                for v in sub.items() {
                    if !sup.contains(self, &v)? {
                        subset = false;
                        break;
                    }
                }
                let strict = matches!(op, CmpOp::Lt | CmpOp::Gt);
                Ok(Some(subset && (!strict || sub.len() < sup.len())))
            }
            _ => Ok(None),
        }
    }

    fn container_eq(&self, a: &Value, b: &Value) -> PyResult<bool> {
        match (a, b) {
            (Value::Dict(x), Value::Dict(y)) => {
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (k, v) in x.items() {
                    match y.get(self, &k)? {
                        Some(w) if v.is(&w) || self.eq(&v, &w)? => {}
                        _ => return Ok(false),
                    }
                }
                Ok(true)
            }
            (Value::Set(x), Value::Set(y)) => {
                if x.len() != y.len() {
                    return Ok(false);
                }
                for v in x.items() {
                    if !y.contains(self, &v)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            (Value::Range(x), Value::Range(y)) => Ok(x.len() == y.len()
                && (x.is_empty() || (x.start == y.start && (x.len() == 1 || x.step == y.step)))),
            _ => Ok(false),
        }
    }

    /// Lexicographic comparison of sequences.
    fn seq_compare(&self, op: CmpOp, x: &[Value], y: &[Value]) -> PyResult<bool> {
        self.enter_recursion(" in comparison")?;
        let r = self.seq_compare_inner(op, x, y);
        self.leave_recursion();
        r
    }

    fn seq_compare_inner(&self, op: CmpOp, x: &[Value], y: &[Value]) -> PyResult<bool> {
        if matches!(op, CmpOp::Eq | CmpOp::NotEq) && x.len() != y.len() {
            return Ok(op == CmpOp::NotEq);
        }
        for (p, q) in x.iter().zip(y) {
            if p.is(q) || self.eq(p, q)? {
                continue;
            }
            return match op {
                CmpOp::Eq => Ok(false),
                CmpOp::NotEq => Ok(true),
                _ => {
                    let r = self.rich_compare(op, p, q)?;
                    self.truthy(&r)
                }
            };
        }
        Ok(cmp_result(op, Some(x.len().cmp(&y.len()))))
    }

    /// `a == b` as a Rust bool.
    pub fn eq(&self, a: &Value, b: &Value) -> PyResult<bool> {
        if let (Value::Str(x), Value::Str(y)) = (a, b) {
            return Ok(Gc::ptr_eq(x, y) || x.as_str() == y.as_str());
        }
        if Num::of(a).is_some() && Num::of(b).is_some() {
            return Ok(num_eq(a, b));
        }
        let r = self.rich_compare(CmpOp::Eq, a, b)?;
        self.truthy(&r)
    }

    /// Orders two values for `sorted`, `min`, `max`: whether `a < b`.
    pub fn less_than(&self, a: &Value, b: &Value) -> PyResult<bool> {
        let r = self.rich_compare(CmpOp::Lt, a, b)?;
        self.truthy(&r)
    }

    /// `item in container`.
    pub fn contains(&self, container: &Value, item: &Value) -> PyResult<bool> {
        use Value as V;
        match container {
            V::List(l) => {
                let mut i = 0;
                while let Some(x) = l.get(i) {
                    if x.is(item) || self.eq(&x, item)? {
                        return Ok(true);
                    }
                    i += 1;
                }
                Ok(false)
            }
            V::Tuple(t) => {
                for x in t.items.iter() {
                    if x.is(item) || self.eq(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            V::Str(s) => match item {
                V::Str(sub) => Ok(s.as_str().contains(sub.as_str())),
                _ => Err(self.type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    self.type_name(item)
                ))),
            },
            V::Dict(d) => d.contains(self, item),
            V::Set(s) => s.contains(self, item),
            V::Range(r) => Ok(match Num::of(item) {
                Some(Num::Int(i)) => {
                    let k = i.wrapping_sub(r.start);
                    k % r.step == 0 && (0..r.len()).contains(&(k / r.step))
                }
                _ => false,
            }),
            V::DictView(v) => self.view_contains(v, item),
            V::Instance(i) => {
                if let Some(m) = i.class.lookup(&self.names.contains) {
                    let r = self.call0(&m, vec![container.clone(), item.clone()])?;
                    return self.truthy(&r);
                }
                self.contains_by_iteration(container, item)
            }
            _ => self.contains_by_iteration(container, item),
        }
    }

    fn view_contains(&self, v: &crate::object::DictView, item: &Value) -> PyResult<bool> {
        use crate::object::ViewKind;
        match v.kind {
            ViewKind::Keys => v.dict.contains(self, item),
            ViewKind::Values => {
                for x in v.dict.values() {
                    if x.is(item) || self.eq(&x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            ViewKind::Items => {
                let Value::Tuple(t) = item else {
                    return Ok(false);
                };
                let [k, val] = &*t.items else {
                    return Ok(false);
                };
                match v.dict.get(self, k)? {
                    Some(x) => Ok(x.is(val) || self.eq(&x, val)?),
                    None => Ok(false),
                }
            }
        }
    }

    fn contains_by_iteration(&self, container: &Value, item: &Value) -> PyResult<bool> {
        if !self.is_iterable(container) {
            let msg = format!(
                "argument of type '{}' is not iterable",
                self.type_name(container)
            );
            return Err(self.type_error(msg));
        }
        let mut it = self.iter_state(container.clone())?;
        while let Some(x) = self.iter_next(&mut it)? {
            if x.is(item) || self.eq(&x, item)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
