//! Indexing and slicing: `obj[i]`, `obj[a:b:c]`, assignment and deletion,
//! for lists, tuples, strings, ranges, dicts and instances with
//! `__getitem__` / `__setitem__` / `__delitem__`.

use refcycle::Gc;

use super::FrameState;
use crate::compile::Expr;
use crate::object::{adjust_slice, new_list, DictStore, PyStr, Range, Slice, Value};
use crate::vm::{PyResult, Vm};

/// The three parts of a slice, as given (`None` when omitted).
pub struct Bounds {
    start: Value,
    stop: Value,
    step: Value,
}

impl Vm {
    pub(crate) fn eval_slice_bounds(
        &self,
        f: &FrameState,
        a: &Option<Box<Expr>>,
        b: &Option<Box<Expr>>,
        c: &Option<Box<Expr>>,
    ) -> PyResult<Bounds> {
        let opt = |x: &Option<Box<Expr>>| match x {
            Some(x) => self.eval(f, x),
            None => Ok(Value::None),
        };
        Ok(Bounds {
            start: opt(a)?,
            stop: opt(b)?,
            step: opt(c)?,
        })
    }

    /// An index operand as an int (`__index__` for instances).
    pub fn index_of(&self, v: &Value) -> PyResult<Option<i64>> {
        Ok(match v {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i64::from(*b)),
            Value::Instance(i) => match i.class.lookup(&self.names.index) {
                Some(m) => match self.call0(&m, vec![v.clone()])? {
                    Value::Int(i) => Some(i),
                    _ => None,
                },
                None => None,
            },
            _ => None,
        })
    }

    /// Resolves slice bounds against a length: (start, step, count).
    fn resolve_slice(&self, b: &Bounds, len: usize) -> PyResult<(i64, i64, i64)> {
        let part = |v: &Value| -> PyResult<Option<i64>> {
            if v.is_none() {
                return Ok(None);
            }
            match self.index_of(v)? {
                Some(i) => Ok(Some(i)),
                None => Err(self.type_error(
                    "slice indices must be integers or None or have an __index__ method".into(),
                )),
            }
        };
        let step = part(&b.step)?.unwrap_or(1);
        if step == 0 {
            return Err(self.value_error("slice step cannot be zero".into()));
        }
        let (start, _, step, count) =
            adjust_slice(part(&b.start)?, part(&b.stop)?, step, len as i64);
        Ok((start, step, count))
    }

    /// `obj[a:b:c]`.
    pub(crate) fn get_slice(&self, obj: &Value, b: Bounds) -> PyResult<Value> {
        let pick = |len: usize| self.resolve_slice(&b, len);
        let positions = |(start, step, count): (i64, i64, i64)| {
            (0..count).map(move |k| (start + k * step) as usize)
        };
        Ok(match obj {
            Value::List(l) => {
                let items = l.items.borrow();
                let idx = pick(items.len())?;
                new_list(positions(idx).map(|i| items[i].clone()).collect())
            }
            Value::Tuple(t) => {
                let idx = pick(t.items.len())?;
                if idx == (0, 1, t.items.len() as i64) {
                    return Ok(obj.clone());
                }
                self.new_tuple(positions(idx).map(|i| t.items[i].clone()).collect())
            }
            Value::Str(s) => self.new_str(self.str_slice(s, pick(s.char_len())?)),
            Value::Range(r) => {
                let (start, step, count) = pick(r.len() as usize)?;
                let first = r.at(start);
                Value::Range(Gc::new(Range {
                    start: first,
                    stop: first + count * r.step * step,
                    step: r.step * step,
                }))
            }
            _ => {
                let slice = Value::Slice(Gc::new(Slice {
                    start: b.start,
                    stop: b.stop,
                    step: b.step,
                }));
                return self.getitem(obj, &slice);
            }
        })
    }

    fn str_slice(&self, s: &PyStr, (start, step, count): (i64, i64, i64)) -> String {
        if step == 1 {
            return s
                .substring(start as usize, (start + count) as usize)
                .to_string();
        }
        let chars: Vec<char> = s.as_str().chars().collect();
        (0..count)
            .map(|k| chars[(start + k * step) as usize])
            .collect()
    }

    fn slice_bounds_of(&self, v: &Value) -> Option<Bounds> {
        match v {
            Value::Slice(s) => Some(Bounds {
                start: s.start.clone(),
                stop: s.stop.clone(),
                step: s.step.clone(),
            }),
            _ => None,
        }
    }

    /// `obj[index]`.
    pub fn getitem(&self, obj: &Value, index: &Value) -> PyResult<Value> {
        match obj {
            Value::Dict(d) => match d.get(self, index)? {
                Some(v) => Ok(v),
                None => Err(self.key_error(index.clone())),
            },
            Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Range(_) => {
                if let Some(b) = self.slice_bounds_of(index) {
                    return self.get_slice(obj, b);
                }
                self.seq_item(obj, index)
            }
            Value::Instance(i) => match i.class.lookup(&self.names.getitem) {
                Some(m) => self.call0(&m, vec![obj.clone(), index.clone()]),
                None => Err(self.not_subscriptable(obj)),
            },
            _ => Err(self.not_subscriptable(obj)),
        }
    }

    fn not_subscriptable(&self, obj: &Value) -> crate::vm::Exc {
        let msg = match obj {
            Value::Class(c) => format!("type '{}' is not subscriptable", c.name.as_str()),
            _ => format!("'{}' object is not subscriptable", self.type_name(obj)),
        };
        self.type_error(msg)
    }

    fn seq_item(&self, obj: &Value, index: &Value) -> PyResult<Value> {
        let (kind, len) = match obj {
            Value::List(l) => ("list", l.len()),
            Value::Tuple(t) => ("tuple", t.items.len()),
            Value::Str(s) => ("string", s.char_len()),
            Value::Range(r) => ("range object", r.len() as usize),
            _ => unreachable!("seq_item on a non-sequence"),
        };
        let Some(i) = self.index_of(index)? else {
            let msg = match obj {
                Value::Str(_) => format!(
                    "string indices must be integers, not '{}'",
                    self.type_name(index)
                ),
                _ => format!(
                    "{} indices must be integers or slices, not {}",
                    kind.split(' ').next().unwrap_or(kind),
                    self.type_name(index)
                ),
            };
            return Err(self.type_error(msg));
        };
        let i = if i < 0 { i + len as i64 } else { i };
        if i < 0 || i >= len as i64 {
            return Err(self.index_error(&format!("{kind} index out of range")));
        }
        let i = i as usize;
        Ok(match obj {
            Value::List(l) => l
                .get(i)
                .ok_or_else(|| self.index_error("list index out of range"))?,
            Value::Tuple(t) => t.items[i].clone(),
            Value::Str(s) => self.new_str(s.char_at(i).to_string()),
            Value::Range(r) => Value::Int(r.at(i as i64)),
            _ => unreachable!("seq_item on a non-sequence"),
        })
    }

    /// `obj[index] = v`.
    pub fn setitem(&self, obj: &Value, index: Value, v: Value) -> PyResult<()> {
        match obj {
            Value::Dict(d) => d.set(self, index, v),
            Value::List(l) => {
                if let Some(b) = self.slice_bounds_of(&index) {
                    return self.set_slice(obj, b, v);
                }
                let i = self.list_index(l.len(), &index)?;
                let old = std::mem::replace(&mut l.items.borrow_mut()[i], v);
                drop(old);
                Ok(())
            }
            Value::Instance(i) => match i.class.lookup(&self.names.setitem) {
                Some(m) => self.call0(&m, vec![obj.clone(), index, v]).map(drop),
                None => Err(self.no_item_assignment(obj)),
            },
            _ => Err(self.no_item_assignment(obj)),
        }
    }

    fn no_item_assignment(&self, obj: &Value) -> crate::vm::Exc {
        self.type_error(format!(
            "'{}' object does not support item assignment",
            self.type_name(obj)
        ))
    }

    fn list_index(&self, len: usize, index: &Value) -> PyResult<usize> {
        let Some(i) = self.index_of(index)? else {
            return Err(self.type_error(format!(
                "list indices must be integers or slices, not {}",
                self.type_name(index)
            )));
        };
        let i = if i < 0 { i + len as i64 } else { i };
        if i < 0 || i >= len as i64 {
            return Err(self.index_error("list assignment index out of range"));
        }
        Ok(i as usize)
    }

    /// `obj[a:b:c] = v`.
    pub(crate) fn set_slice(&self, obj: &Value, b: Bounds, v: Value) -> PyResult<()> {
        let Value::List(l) = obj else {
            let slice = Value::Slice(Gc::new(Slice {
                start: b.start,
                stop: b.stop,
                step: b.step,
            }));
            return self.setitem(obj, slice, v);
        };
        let items = self.collect_iterable(v)?;
        let (start, step, count) = self.resolve_slice(&b, l.len())?;
        let removed: Vec<Value> = if step == 1 {
            let start = start as usize;
            let mut list = l.items.borrow_mut();
            list.splice(start..start + count as usize, items).collect()
        } else {
            if items.len() as i64 != count {
                return Err(self.value_error(format!(
                    "attempt to assign sequence of size {} to extended slice of size {}",
                    items.len(),
                    count
                )));
            }
            let mut list = l.items.borrow_mut();
            items
                .into_iter()
                .enumerate()
                .map(|(k, x)| std::mem::replace(&mut list[(start + k as i64 * step) as usize], x))
                .collect()
        };
        drop(removed);
        Ok(())
    }

    /// `del obj[index]`.
    pub fn delitem(&self, obj: &Value, index: &Value) -> PyResult<()> {
        match obj {
            Value::Dict(d) => match d.remove(self, index)? {
                Some(kv) => {
                    drop(kv);
                    Ok(())
                }
                None => Err(self.key_error(index.clone())),
            },
            Value::List(l) => {
                if let Some(b) = self.slice_bounds_of(index) {
                    return self.del_slice(obj, b);
                }
                let i = self.list_index(l.len(), index)?;
                let old = l.items.borrow_mut().remove(i);
                drop(old);
                Ok(())
            }
            Value::Instance(i) => match i.class.lookup(&self.names.delitem) {
                Some(m) => self.call0(&m, vec![obj.clone(), index.clone()]).map(drop),
                None => Err(self.no_item_deletion(obj)),
            },
            _ => Err(self.no_item_deletion(obj)),
        }
    }

    fn no_item_deletion(&self, obj: &Value) -> crate::vm::Exc {
        self.type_error(format!(
            "'{}' object doesn't support item deletion",
            self.type_name(obj)
        ))
    }

    /// `del obj[a:b:c]`.
    pub(crate) fn del_slice(&self, obj: &Value, b: Bounds) -> PyResult<()> {
        let Value::List(l) = obj else {
            let slice = Value::Slice(Gc::new(Slice {
                start: b.start,
                stop: b.stop,
                step: b.step,
            }));
            return self.delitem(obj, &slice);
        };
        let (start, step, count) = self.resolve_slice(&b, l.len())?;
        let mut doomed: Vec<usize> = (0..count).map(|k| (start + k * step) as usize).collect();
        doomed.sort_unstable();
        let removed: Vec<Value> = {
            let mut list = l.items.borrow_mut();
            doomed.iter().rev().map(|&i| list.remove(i)).collect()
        };
        drop(removed);
        Ok(())
    }
}
