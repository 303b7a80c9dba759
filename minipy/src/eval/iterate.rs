//! Iteration: starting an iteration over any iterable, stepping it,
//! collecting an iterable into a vector, unpacking into targets, `len()`.
//!
//! A `for` loop steps an [`IterState`] held on the Rust stack; only
//! `iter()` and friends make an iterator object.

use refcycle::Gc;

use crate::object::{Iter, IterKind, IterState, Value, ViewKind};
use crate::vm::{PyResult, Vm};

impl Vm {
    /// Starts iterating over `v` (CPython's `GET_ITER`).
    pub fn iter_state(&self, v: Value) -> PyResult<IterState> {
        Ok(match v {
            Value::List(_) | Value::Tuple(_) | Value::Str(_) => IterState::Seq { seq: v, index: 0 },
            Value::Range(r) => IterState::Range {
                next: r.start,
                left: r.len(),
                step: r.step,
            },
            Value::Dict(d) => IterState::Dict {
                pos: 0,
                len: d.len(),
                dict: d,
                kind: ViewKind::Keys,
            },
            Value::DictView(view) => IterState::Dict {
                pos: 0,
                len: view.dict.len(),
                dict: view.dict.clone(),
                kind: view.kind,
            },
            Value::Set(s) => IterState::Values {
                items: s.items(),
                index: 0,
            },
            Value::Iter(_) => IterState::Object(v),
            Value::Instance(ref i) => {
                if let Some(m) = i.class.lookup(&self.names.iter) {
                    let it = self.call0(&m, vec![v.clone()])?;
                    return self.iterator_of(it);
                }
                if i.class.lookup(&self.names.getitem).is_some() {
                    return Ok(IterState::GetItem { obj: v, index: 0 });
                }
                return Err(self.not_iterable(&v));
            }
            other => return Err(self.not_iterable(&other)),
        })
    }

    fn not_iterable(&self, v: &Value) -> crate::vm::Exc {
        self.type_error(format!("'{}' object is not iterable", self.type_name(v)))
    }

    /// What `__iter__` returned, checked to be an iterator.
    fn iterator_of(&self, it: Value) -> PyResult<IterState> {
        let ok = match &it {
            Value::Iter(_) => true,
            Value::Instance(i) => i.class.lookup(&self.names.next).is_some(),
            _ => false,
        };
        if ok {
            Ok(IterState::Object(it))
        } else {
            Err(self.type_error(format!(
                "iter() returned non-iterator of type '{}'",
                self.type_name(&it)
            )))
        }
    }

    /// `iter(v)`: an iterator object.
    pub fn get_iter(&self, v: Value) -> PyResult<Value> {
        let kind = match &v {
            Value::Iter(_) => return Ok(v),
            Value::List(_) => IterKind::List,
            Value::Tuple(_) => IterKind::Tuple,
            Value::Str(_) => IterKind::Str,
            Value::Range(_) => IterKind::Range,
            Value::Dict(_) => IterKind::Dict(ViewKind::Keys),
            Value::DictView(d) => IterKind::Dict(d.kind),
            Value::Set(_) => IterKind::Set,
            _ => IterKind::Other,
        };
        match self.iter_state(v)? {
            IterState::Object(it) => Ok(it),
            state => Ok(self.new_iter(state, kind)),
        }
    }

    /// Wraps an iteration state in an iterator object.
    pub fn new_iter(&self, state: IterState, kind: IterKind) -> Value {
        Value::Iter(Gc::new(Iter {
            state: std::cell::RefCell::new(state),
            kind,
        }))
    }

    /// The next value, or `None` when the iteration is over.
    pub fn iter_next(&self, st: &mut IterState) -> PyResult<Option<Value>> {
        match st {
            IterState::Seq { seq, index } => Ok(self.seq_next(seq, index)),
            IterState::Range { next, left, step } => {
                if *left <= 0 {
                    return Ok(None);
                }
                let v = *next;
                *next = next.wrapping_add(*step);
                *left -= 1;
                Ok(Some(Value::Int(v)))
            }
            IterState::Dict {
                dict,
                pos,
                len,
                kind,
            } => {
                if dict.len() != *len {
                    *len = usize::MAX;
                    return Err(self.err(
                        &self.types.runtime_error,
                        "dictionary changed size during iteration".into(),
                    ));
                }
                while *pos < dict.positions() {
                    let entry = dict.entry_at(*pos);
                    *pos += 1;
                    if let Some((k, v)) = entry {
                        return Ok(Some(match kind {
                            ViewKind::Keys => k,
                            ViewKind::Values => v,
                            ViewKind::Items => self.new_pair(k, v),
                        }));
                    }
                }
                Ok(None)
            }
            IterState::Values { items, index } => {
                let v = items.get(*index).cloned();
                *index += 1;
                Ok(v)
            }
            IterState::Enumerate { inner, count } => match self.iter_next(inner)? {
                Some(v) => {
                    let n = *count;
                    *count += 1;
                    Ok(Some(self.new_pair(Value::Int(n), v)))
                }
                None => Ok(None),
            },
            IterState::Zip { iters } => {
                let mut out = Vec::with_capacity(iters.len());
                for it in iters.iter_mut() {
                    match self.iter_next(it)? {
                        Some(v) => out.push(v),
                        None => return Ok(None),
                    }
                }
                Ok(if out.is_empty() {
                    None
                } else {
                    Some(self.new_tuple(out))
                })
            }
            IterState::Reversed { seq, left } => {
                if *left == 0 {
                    return Ok(None);
                }
                *left -= 1;
                Ok(match seq {
                    Value::List(l) => l.get(*left),
                    Value::Tuple(t) => t.items.get(*left).cloned(),
                    Value::Str(s) => Some(self.new_str(s.char_at(*left).to_string())),
                    Value::Range(r) => Some(Value::Int(r.at(*left as i64))),
                    other => Some(self.getitem(&other.clone(), &Value::Int(*left as i64))?),
                })
            }
            IterState::Object(v) => self.object_next(&v.clone()),
            IterState::GetItem { obj, index } => {
                let i = *index;
                *index += 1;
                match self.getitem(&obj.clone(), &Value::Int(i)) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if e.is(&self.types.index_error) || e.is(&self.types.stop_iteration) => {
                        *st = IterState::Done;
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
            IterState::Done => Ok(None),
        }
    }

    fn seq_next(&self, seq: &Value, index: &mut usize) -> Option<Value> {
        match seq {
            Value::List(l) => {
                let v = l.get(*index);
                *index += 1;
                v
            }
            Value::Tuple(t) => {
                let v = t.items.get(*index).cloned();
                *index += 1;
                v
            }
            Value::Str(s) => {
                // `index` is a byte offset for strings.
                let c = s.as_str()[*index..].chars().next()?;
                *index += c.len_utf8();
                Some(self.new_str(c.to_string()))
            }
            _ => None,
        }
    }

    /// `next(it)` for an iterator object; `None` when exhausted.
    pub fn object_next(&self, it: &Value) -> PyResult<Option<Value>> {
        match it {
            Value::Iter(g) => {
                // Stepping may run Python code that uses this iterator, so
                // the state is taken out rather than borrowed.
                let mut st = g.state.replace(IterState::Done);
                let r = self.iter_next(&mut st);
                let finished = std::mem::replace(&mut *g.state.borrow_mut(), st);
                drop(finished);
                r
            }
            Value::Instance(i) => {
                let Some(m) = i.class.lookup(&self.names.next) else {
                    return Err(self.type_error(format!(
                        "'{}' object is not an iterator",
                        self.type_name(it)
                    )));
                };
                match self.call0(&m, vec![it.clone()]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if e.is(&self.types.stop_iteration) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            _ => Err(self.type_error(format!(
                "'{}' object is not an iterator",
                self.type_name(it)
            ))),
        }
    }

    /// Every value of an iterable.
    pub fn collect_iterable(&self, v: Value) -> PyResult<Vec<Value>> {
        match &v {
            Value::List(l) => return Ok(l.snapshot()),
            Value::Tuple(t) => return Ok(t.items.to_vec()),
            _ => {}
        }
        let mut it = self.iter_state(v)?;
        let mut out = Vec::new();
        while let Some(x) = self.iter_next(&mut it)? {
            out.push(x);
        }
        Ok(out)
    }

    /// Whether `iter(v)` would succeed.
    pub fn is_iterable(&self, v: &Value) -> bool {
        match v {
            Value::List(_)
            | Value::Tuple(_)
            | Value::Str(_)
            | Value::Range(_)
            | Value::Dict(_)
            | Value::DictView(_)
            | Value::Set(_)
            | Value::Iter(_) => true,
            Value::Instance(i) => {
                i.class.lookup(&self.names.iter).is_some()
                    || i.class.lookup(&self.names.getitem).is_some()
            }
            _ => false,
        }
    }

    /// Unpacks `v` into `n` values (`a, b = v`), the starred one (if any)
    /// collecting the rest into a list.
    pub fn unpack(&self, v: Value, n: usize, star: Option<usize>) -> PyResult<Vec<Value>> {
        if !self.is_iterable(&v) {
            return Err(self.type_error(format!(
                "cannot unpack non-iterable {} object",
                self.type_name(&v)
            )));
        }
        let mut items = self.collect_iterable(v)?;
        let Some(s) = star else {
            if items.len() < n {
                return Err(self.value_error(format!(
                    "not enough values to unpack (expected {n}, got {})",
                    items.len()
                )));
            }
            if items.len() > n {
                return Err(self.value_error(format!("too many values to unpack (expected {n})")));
            }
            return Ok(items);
        };
        if items.len() < n - 1 {
            return Err(self.value_error(format!(
                "not enough values to unpack (expected at least {}, got {})",
                n - 1,
                items.len()
            )));
        }
        let after = n - 1 - s;
        let tail = items.split_off(items.len() - after);
        let middle = items.split_off(s);
        items.push(crate::object::new_list(middle));
        items.extend(tail);
        Ok(items)
    }

    /// `len(v)`.
    pub fn len(&self, v: &Value) -> PyResult<usize> {
        Ok(match v {
            Value::List(l) => l.len(),
            Value::Tuple(t) => t.items.len(),
            Value::Str(s) => s.char_len(),
            Value::Dict(d) => d.len(),
            Value::Set(s) => s.len(),
            Value::Range(r) => r.len() as usize,
            Value::DictView(d) => d.dict.len(),
            Value::Instance(i) => {
                let Some(m) = i.class.lookup(&self.names.len) else {
                    return Err(self.no_len(v));
                };
                match self.call0(&m, vec![v.clone()])? {
                    Value::Int(n) if n >= 0 => n as usize,
                    Value::Bool(b) => usize::from(b),
                    Value::Int(_) => {
                        return Err(self.value_error("__len__() should return >= 0".into()))
                    }
                    other => {
                        return Err(self.type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            self.type_name(&other)
                        )))
                    }
                }
            }
            _ => return Err(self.no_len(v)),
        })
    }

    fn no_len(&self, v: &Value) -> crate::vm::Exc {
        self.type_error(format!(
            "object of type '{}' has no len()",
            self.type_name(v)
        ))
    }
}
