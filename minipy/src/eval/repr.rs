//! `repr()` and `str()` of every value, byte for byte as CPython 3.11
//! prints them (addresses aside), and `type()` of every value.

use refcycle::Gc;

use super::format::float_repr;
use crate::object::{Builtin, Class, DescrKind, Instance, IterKind, Value, ViewKind};
use crate::vm::{PyResult, Vm};

/// An address as CPython's `%p` prints it.
pub fn addr(v: &Value) -> String {
    format!("{:#x}", v.id())
}

impl Vm {
    /// The class of a value (`type(v)`).
    pub fn class_of(&self, v: &Value) -> Gc<Class> {
        let t = &self.types;
        match v {
            Value::None => t.none_type.clone(),
            Value::Bool(_) => t.bool_.clone(),
            Value::Int(_) => t.int.clone(),
            Value::Float(_) => t.float.clone(),
            Value::Str(_) => t.str_.clone(),
            Value::List(_) => t.list.clone(),
            Value::Tuple(_) => t.tuple.clone(),
            Value::Dict(_) => t.dict.clone(),
            Value::Set(_) => t.set.clone(),
            Value::Function(_) => t.function.clone(),
            Value::Builtin(_) => t.builtin_function.clone(),
            Value::Method(_) => t.method.clone(),
            Value::Class(_) => t.type_.clone(),
            Value::Instance(i) => i.class.clone(),
            Value::Cell(_) => t.cell.clone(),
            Value::Module(_) => t.module.clone(),
            Value::WeakRef(_) => t.weakref.clone(),
            Value::Frame(_) => t.frame.clone(),
            Value::Traceback(_) => t.traceback.clone(),
            Value::Iter(i) => match i.kind {
                IterKind::Enumerate => t.enumerate.clone(),
                IterKind::Zip => t.zip.clone(),
                _ => t.iterator.clone(),
            },
            Value::Range(_) => t.range.clone(),
            Value::Slice(_) => t.slice.clone(),
            Value::Descr(d) => match d.kind {
                DescrKind::Static => t.staticmethod.clone(),
                DescrKind::ClassMethod => t.classmethod.clone(),
                DescrKind::Property => t.property.clone(),
            },
            Value::DictView(d) => match d.kind {
                ViewKind::Keys => t.dict_keys.clone(),
                ViewKind::Values => t.dict_values.clone(),
                ViewKind::Items => t.dict_items.clone(),
            },
            Value::Super(_) => t.super_.clone(),
            Value::Code(_) => t.code.clone(),
        }
    }

    /// The type's name, as error messages show it (`'int'`, `'A'`).
    pub fn type_name(&self, v: &Value) -> String {
        match v {
            Value::Iter(i) => i.kind.name().to_string(),
            Value::Builtin(b) if b.owner.is_some() && b.bound.is_none() => {
                "method_descriptor".to_string()
            }
            _ => self.class_of(v).name.as_str().to_string(),
        }
    }

    /// `repr(v)`.
    pub fn repr_string(&self, v: &Value) -> PyResult<String> {
        Ok(match v {
            Value::None => "None".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => float_repr(*f),
            Value::Str(s) => s.repr(),
            Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_) => {
                return self.container_repr(v)
            }
            Value::Instance(i) => return self.instance_repr(v, i),
            Value::Function(f) => format!("<function {} at {}>", f.qualname.as_str(), addr(v)),
            Value::Builtin(b) => self.builtin_repr(v, b)?,
            Value::Method(m) => {
                let name = match &m.func {
                    Value::Function(f) => f.qualname.as_str().to_string(),
                    other => self.repr_string(other)?,
                };
                format!(
                    "<bound method {} of {}>",
                    name,
                    self.repr_string(&m.receiver)?
                )
            }
            Value::Class(c) => format!("<class '{}'>", c.full_name()),
            _ => self.misc_repr(v)?,
        })
    }

    fn builtin_repr(&self, v: &Value, b: &Builtin) -> PyResult<String> {
        Ok(match (&b.bound, b.owner) {
            (Some(obj), _) => {
                if let Value::Module(_) = obj {
                    format!("<built-in function {}>", b.name)
                } else {
                    format!(
                        "<built-in method {} of {} object at {}>",
                        b.name,
                        self.type_name(obj),
                        addr(obj)
                    )
                }
            }
            (None, Some(owner)) => format!("<method '{}' of '{}' objects>", b.name, owner),
            (None, None) => {
                let _ = v;
                format!("<built-in function {}>", b.name)
            }
        })
    }

    /// Reprs of the remaining kinds of object.
    fn misc_repr(&self, v: &Value) -> PyResult<String> {
        Ok(match v {
            Value::Cell(c) => match c.get() {
                Some(x) => format!(
                    "<cell at {}: {} object at {}>",
                    addr(v),
                    self.type_name(&x),
                    addr(&x)
                ),
                None => format!("<cell at {}: empty>", addr(v)),
            },
            Value::Module(m) => format!("<module '{}' (built-in)>", m.name.as_str()),
            Value::WeakRef(w) => match w.target.upgrade() {
                Some(t) => {
                    let named = match &t {
                        Value::Function(f) => format!(" ({})", f.name.as_str()),
                        Value::Class(c) => format!(" ({})", c.name.as_str()),
                        _ => String::new(),
                    };
                    format!(
                        "<weakref at {}; to '{}' at {}{}>",
                        addr(v),
                        self.type_name(&t),
                        addr(&t),
                        named
                    )
                }
                None => format!("<weakref at {}; dead>", addr(v)),
            },
            Value::Frame(f) => format!(
                "<frame at {}, file '{}', line {}, code {}>",
                addr(v),
                f.code.source.filename,
                f.lineno.get(),
                f.code.name.as_str()
            ),
            Value::Range(r) if r.step == 1 => format!("range({}, {})", r.start, r.stop),
            Value::Range(r) => format!("range({}, {}, {})", r.start, r.stop, r.step),
            Value::Slice(s) => format!(
                "slice({}, {}, {})",
                self.repr_string(&s.start)?,
                self.repr_string(&s.stop)?,
                self.repr_string(&s.step)?
            ),
            Value::Descr(d) => match d.kind {
                DescrKind::Static => format!("<staticmethod({})>", self.repr_string(&d.func)?),
                DescrKind::ClassMethod => {
                    format!("<classmethod({})>", self.repr_string(&d.func)?)
                }
                DescrKind::Property => format!("<property object at {}>", addr(v)),
            },
            Value::DictView(d) => {
                let items = match d.kind {
                    ViewKind::Keys => d.dict.keys(),
                    ViewKind::Values => d.dict.values(),
                    ViewKind::Items => d
                        .dict
                        .items()
                        .into_iter()
                        .map(|(k, x)| self.new_pair(k, x))
                        .collect(),
                };
                let inner = self.container_repr(&crate::object::new_list(items))?;
                format!("{}({})", self.type_name(v), inner)
            }
            Value::Code(c) => format!(
                "<code object {} at {}, file \"{}\", line {}>",
                c.code.name.as_str(),
                addr(v),
                c.code.source.filename,
                c.code.line
            ),
            Value::Super(s) => format!(
                "<super: <class '{}'>, <{} object>>",
                s.class.name.as_str(),
                self.type_name(&s.obj)
            ),
            _ => format!("<{} object at {}>", self.type_name(v), addr(v)),
        })
    }

    fn instance_repr(&self, v: &Value, i: &Gc<Instance>) -> PyResult<String> {
        if let Some(m) = i.class.lookup(&self.names.repr) {
            // CPython's `PyObject_Repr` counts a recursion level of its own.
            self.enter_recursion(" while getting the repr of an object")?;
            let r = self.call0(&m, vec![v.clone()]);
            self.leave_recursion();
            return match r? {
                Value::Str(s) => Ok(s.as_str().to_string()),
                other => Err(self.type_error(format!(
                    "__repr__ returned non-string (type {})",
                    self.type_name(&other)
                ))),
            };
        }
        let t = &self.types;
        if Gc::ptr_eq(&i.class, &t.not_implemented_type) {
            return Ok("NotImplemented".into());
        }
        if Gc::ptr_eq(&i.class, &t.ellipsis) {
            return Ok("Ellipsis".into());
        }
        if Gc::ptr_eq(&i.class, &t.text_io) {
            let name = if v.is(&self.stdio.0) {
                "<stdout>"
            } else {
                "<stderr>"
            };
            return Ok(format!(
                "<_io.TextIOWrapper name='{name}' mode='w' encoding='utf-8'>"
            ));
        }
        Ok(format!("<{} object at {}>", i.class.full_name(), addr(v)))
    }

    /// Lists, tuples, dicts and sets, with `[...]` for one that contains
    /// itself and a recursion check for deep nesting.
    fn container_repr(&self, v: &Value) -> PyResult<String> {
        let id = v.id() as usize;
        if self.repr_stack.borrow().contains(&id) {
            return Ok(match v {
                Value::List(_) => "[...]".into(),
                Value::Tuple(_) => "(...)".into(),
                Value::Dict(_) => "{...}".into(),
                _ => "set(...)".into(),
            });
        }
        self.enter_recursion(" while getting the repr of an object")?;
        self.repr_stack.borrow_mut().push(id);
        let r = self.container_repr_inner(v);
        self.repr_stack.borrow_mut().pop();
        self.leave_recursion();
        r
    }

    fn container_repr_inner(&self, v: &Value) -> PyResult<String> {
        let join = |items: &[Value]| -> PyResult<String> {
            let parts = items
                .iter()
                .map(|x| self.repr_string(x))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(parts.join(", "))
        };
        Ok(match v {
            Value::List(l) => format!("[{}]", join(&l.snapshot())?),
            Value::Tuple(t) if t.items.len() == 1 => format!("({},)", join(&t.items)?),
            Value::Tuple(t) => format!("({})", join(&t.items)?),
            Value::Set(s) if s.is_empty() => "set()".into(),
            Value::Set(s) => format!("{{{}}}", join(&s.items())?),
            Value::Dict(d) => {
                let mut parts = Vec::with_capacity(d.len());
                for (k, x) in d.items() {
                    parts.push(format!(
                        "{}: {}",
                        self.repr_string(&k)?,
                        self.repr_string(&x)?
                    ));
                }
                format!("{{{}}}", parts.join(", "))
            }
            _ => unreachable!("container_repr on a non-container"),
        })
    }

    /// `str(v)`.
    pub fn str_string(&self, v: &Value) -> PyResult<String> {
        match v {
            Value::Str(s) => Ok(s.as_str().to_string()),
            Value::Instance(i) => match i.class.lookup(&self.names.str_) {
                Some(m) => match self.call_counted(&m, v, " while getting the str of an object")? {
                    Value::Str(s) => Ok(s.as_str().to_string()),
                    other => Err(self.type_error(format!(
                        "__str__ returned non-string (type {})",
                        self.type_name(&other)
                    ))),
                },
                None => self.repr_string(v),
            },
            _ => self.repr_string(v),
        }
    }

    /// Calls `m(v)` counting a recursion level as CPython's C code does.
    fn call_counted(&self, m: &Value, v: &Value, what: &str) -> PyResult<Value> {
        self.enter_recursion(what)?;
        let r = self.call0(m, vec![v.clone()]);
        self.leave_recursion();
        r
    }

    /// `str(v)` as a string value (no copy for a `str`).
    pub fn to_str_value(&self, v: &Value) -> PyResult<Value> {
        match v {
            Value::Str(_) => Ok(v.clone()),
            _ => Ok(self.new_str(self.str_string(v)?)),
        }
    }
}
