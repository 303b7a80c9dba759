//! Attribute access: `obj.name`, `obj.name = v`, `del obj.name`.
//!
//! For instances the order is CPython's: a data descriptor on the class
//! (a `property`) wins, then the instance's own attributes, then class
//! attributes (functions become bound methods), then `__getattr__`.
//! `object`'s own methods (`__init__`, `__repr__`, `__setattr__` ...) are
//! not in `object`'s dict, so a class lookup that finds a dunder means the
//! user defined it; they are found by name when asked for explicitly
//! (`object.__init__`, `super().__setattr__`).

use refcycle::Gc;

use crate::object::{
    bump_class_epoch, flag, Builtin, Class, DescrKind, Dict, DictStore, Hint, Instance, Method,
    PyStr, Super, Value,
};
use crate::vm::{PyResult, Vm};

impl Vm {
    /// `obj.name`.
    pub fn getattr(&self, obj: &Value, name: &Gc<PyStr>) -> PyResult<Value> {
        match obj {
            Value::Instance(i) => self.instance_getattr(obj, i, name),
            Value::Class(c) => self.class_getattr(c, name),
            Value::Module(m) => match m.dict.get_str(name) {
                Some(v) => Ok(v),
                None => {
                    let msg = format!(
                        "module '{}' has no attribute '{}'",
                        m.name.as_str(),
                        name.as_str()
                    );
                    Err(self.attribute_error_on(obj, name, msg))
                }
            },
            Value::Super(s) => self.super_getattr(s, name),
            _ => self.builtin_getattr(obj, name),
        }
    }

    /// `AttributeError(msg)`.
    pub fn attribute_error(&self, msg: String) -> crate::vm::Exc {
        self.err(&self.types.attribute_error, msg)
    }

    fn no_attribute(&self, obj: &Value, name: &Gc<PyStr>) -> crate::vm::Exc {
        let msg = format!(
            "'{}' object has no attribute '{}'",
            self.type_name(obj),
            name.as_str()
        );
        self.attribute_error_on(obj, name, msg)
    }

    /// `AttributeError(msg)` carrying `name` and `obj`, for the "Did you
    /// mean" suggestion.
    fn attribute_error_on(&self, obj: &Value, name: &Gc<PyStr>, msg: String) -> crate::vm::Exc {
        let inst = self.new_exception(&self.types.attribute_error, vec![self.new_str(msg)]);
        let hint = match obj {
            Value::Instance(i) => Hint::InstanceAttr {
                name: name.clone(),
                class: i.class.clone(),
                attrs: i.attrs.borrow().entries().map(|(k, _)| k.clone()).collect(),
            },
            other => Hint::Attr {
                name: name.clone(),
                obj: other.clone(),
            },
        };
        if let Some(s) = &inst.exc {
            *s.hint.borrow_mut() = Some(hint);
        }
        self.raise_instance(inst)
    }

    fn instance_getattr(&self, obj: &Value, i: &Gc<Instance>, name: &Gc<PyStr>) -> PyResult<Value> {
        let has_property = i.class.has(flag::PROPERTY);
        let cls_attr = if has_property {
            i.class.lookup(name)
        } else {
            None
        };
        if let Some(Value::Descr(d)) = &cls_attr {
            if d.kind == DescrKind::Property {
                if d.func.is_none() {
                    return Err(self.attribute_error(format!(
                        "property '{}' of '{}' object has no getter",
                        name.as_str(),
                        i.class.name.as_str()
                    )));
                }
                return self.call0(&d.func, vec![obj.clone()]);
            }
        }
        if i.exc.is_some() {
            if let Some(v) = self.exception_attr(i, name.as_str()) {
                return Ok(v);
            }
        }
        if let Some(v) = i.attrs.borrow().get(name) {
            return Ok(v.clone());
        }
        let cls_attr = if has_property {
            cls_attr
        } else {
            i.class.lookup(name)
        };
        if let Some(a) = cls_attr {
            return Ok(self.bind(a, obj, &i.class));
        }
        match name.as_str() {
            "__class__" => return Ok(Value::Class(i.class.clone())),
            "__dict__" if i.class.slots.is_none() => {
                let d = Dict::new_gc();
                for (k, v) in i.attrs.borrow().entries() {
                    d.set_str(k.clone(), v.clone());
                }
                return Ok(Value::Dict(d));
            }
            _ => {}
        }
        if let Some(m) = self.object_method(name.as_str()) {
            return Ok(self.bind(m, obj, &i.class));
        }
        if i.class.has(flag::GETATTR) {
            if let Some(hook) = i.class.lookup(&self.names.getattr) {
                return self.call0(&hook, vec![obj.clone(), Value::Str(name.clone())]);
            }
        }
        Err(self.no_attribute(obj, name))
    }

    /// An exception's built-in attributes.
    fn exception_attr(&self, i: &Gc<Instance>, name: &str) -> Option<Value> {
        let s = i.exc.as_ref()?;
        Some(match name {
            "args" => s.args.borrow().clone(),
            "__traceback__" => s.traceback.borrow().clone(),
            "__context__" => s.context.borrow().clone(),
            "__cause__" => s.cause.borrow().clone(),
            "__suppress_context__" => Value::Bool(s.suppress_context.get()),
            "name" if s.hint.borrow().is_some() => {
                Value::Str(s.hint.borrow().as_ref()?.name().clone())
            }
            _ => return None,
        })
    }

    /// What a class attribute becomes when read through `obj`: functions
    /// become bound methods, `classmethod`s bind to the class,
    /// `staticmethod`s unwrap, methods of built-in types bind.
    pub fn bind(&self, attr: Value, obj: &Value, class: &Gc<Class>) -> Value {
        match attr {
            Value::Function(_) => Value::Method(Gc::new(Method {
                func: attr,
                receiver: obj.clone(),
            })),
            Value::Builtin(b) if b.owner.is_some() && b.bound.is_none() => {
                Value::Builtin(Gc::new(Builtin {
                    name: b.name,
                    func: b.func,
                    owner: b.owner,
                    bound: Some(obj.clone()),
                }))
            }
            Value::Descr(d) => match d.kind {
                DescrKind::Static => d.func.clone(),
                DescrKind::ClassMethod => Value::Method(Gc::new(Method {
                    func: d.func.clone(),
                    receiver: Value::Class(class.clone()),
                })),
                DescrKind::Property => Value::Descr(d),
            },
            other => other,
        }
    }

    fn class_getattr(&self, c: &Gc<Class>, name: &Gc<PyStr>) -> PyResult<Value> {
        if let Some(v) = c.lookup(name) {
            return Ok(match v {
                Value::Descr(d) if d.kind == DescrKind::ClassMethod => {
                    Value::Method(Gc::new(Method {
                        func: d.func.clone(),
                        receiver: Value::Class(c.clone()),
                    }))
                }
                Value::Descr(d) if d.kind == DescrKind::Static => d.func.clone(),
                other => other,
            });
        }
        if let Some(v) = self.class_special(c, name.as_str()) {
            return Ok(v);
        }
        if let Some(m) = self.object_method(name.as_str()) {
            return Ok(m);
        }
        let msg = format!(
            "type object '{}' has no attribute '{}'",
            c.name.as_str(),
            name.as_str()
        );
        Err(self.attribute_error_on(&Value::Class(c.clone()), name, msg))
    }

    fn class_special(&self, c: &Gc<Class>, name: &str) -> Option<Value> {
        Some(match name {
            "__name__" => Value::Str(c.name.clone()),
            "__qualname__" => Value::Str(c.qualname.clone()),
            "__module__" => Value::Str(c.module.clone()),
            "__base__" => c.base.clone().map_or(Value::None, Value::Class),
            "__bases__" => {
                let bases = c.base.iter().map(|b| Value::Class(b.clone())).collect();
                self.new_tuple(bases)
            }
            "__mro__" => self.new_tuple(Class::mro(c).into_iter().map(Value::Class).collect()),
            "__class__" => Value::Class(self.types.type_.clone()),
            "__doc__" => Value::None,
            "__dict__" => {
                let d = Dict::new_gc();
                for (k, v) in c.dict.borrow().entries() {
                    d.set_str(k.clone(), v.clone());
                }
                Value::Dict(d)
            }
            _ => return None,
        })
    }

    fn super_getattr(&self, s: &Gc<Super>, name: &Gc<PyStr>) -> PyResult<Value> {
        let (start, as_class) = match &s.obj {
            Value::Class(c) => (c.clone(), true),
            other => (self.class_of(other), false),
        };
        let mro = Class::mro(&start);
        let pos = mro.iter().position(|c| Gc::ptr_eq(c, &s.class));
        for c in mro.iter().skip(pos.map_or(mro.len(), |p| p + 1)) {
            let found = c.dict.borrow().get(name).cloned();
            if let Some(v) = found {
                return Ok(match v {
                    Value::Function(_) if as_class => v,
                    Value::Descr(d) if d.kind == DescrKind::Property && !as_class => {
                        return self.call0(&d.func, vec![s.obj.clone()]);
                    }
                    other => self.bind(other, &s.obj, &start),
                });
            }
        }
        if let Some(m) = self.object_method(name.as_str()) {
            return Ok(if as_class {
                m
            } else {
                self.bind(m, &s.obj, &start)
            });
        }
        Err(self.attribute_error(format!(
            "'super' object has no attribute '{}'",
            name.as_str()
        )))
    }

    /// Attributes of values that are not instances, classes or modules:
    /// their special attributes, then their type's methods.
    fn builtin_getattr(&self, obj: &Value, name: &Gc<PyStr>) -> PyResult<Value> {
        if let Some(v) = self.special_attr(obj, name.as_str())? {
            return Ok(v);
        }
        if let Value::Function(f) = obj {
            if let Some(v) = f.attrs.borrow().get(name) {
                return Ok(v.clone());
            }
        }
        let cls = self.class_of(obj);
        if let Some(a) = cls.lookup(name) {
            return Ok(self.bind(a, obj, &cls));
        }
        if name.as_str() == "__class__" {
            return Ok(Value::Class(cls));
        }
        if let Some(m) = self.object_method(name.as_str()) {
            return Ok(self.bind(m, obj, &cls));
        }
        Err(self.no_attribute(obj, name))
    }

    /// `obj.name = v`.
    pub fn setattr(&self, obj: &Value, name: &Gc<PyStr>, v: Value) -> PyResult<()> {
        match obj {
            Value::Instance(i) => self.instance_setattr(obj, i, name, v),
            Value::Class(c) => {
                if Gc::ptr_eq(name, &self.names.del) {
                    c.has_del.set(true);
                }
                let old = c.dict.borrow_mut().set(name.clone(), v);
                bump_class_epoch();
                drop(old);
                Ok(())
            }
            Value::Function(f) => {
                let old = f.attrs.borrow_mut().set(name.clone(), v);
                drop(old);
                Ok(())
            }
            Value::Module(m) => {
                m.dict.set_str(name.clone(), v);
                Ok(())
            }
            _ => Err(self.no_attribute(obj, name)),
        }
    }

    fn instance_setattr(
        &self,
        obj: &Value,
        i: &Gc<Instance>,
        name: &Gc<PyStr>,
        v: Value,
    ) -> PyResult<()> {
        if i.class.has(flag::SETATTR) {
            if let Some(hook) = i.class.lookup(&self.names.setattr) {
                self.call0(&hook, vec![obj.clone(), Value::Str(name.clone()), v])?;
                return Ok(());
            }
        }
        self.generic_setattr(obj, i, name, v)
    }

    /// `object.__setattr__`: properties, exception fields, `__slots__`,
    /// then the instance's attributes.
    pub fn generic_setattr(
        &self,
        obj: &Value,
        i: &Gc<Instance>,
        name: &Gc<PyStr>,
        v: Value,
    ) -> PyResult<()> {
        let property = if i.class.has(flag::PROPERTY) {
            i.class.lookup(name)
        } else {
            None
        };
        if let Some(Value::Descr(d)) = property {
            if d.kind == DescrKind::Property {
                if d.fset.is_none() {
                    return Err(self.attribute_error(format!(
                        "property '{}' of '{}' object has no setter",
                        name.as_str(),
                        i.class.name.as_str()
                    )));
                }
                self.call0(&d.fset, vec![obj.clone(), v])?;
                return Ok(());
            }
        }
        if let Some(state) = &i.exc {
            let slot = match name.as_str() {
                "args" => Some(&state.args),
                "__traceback__" => Some(&state.traceback),
                "__context__" => Some(&state.context),
                "__cause__" => Some(&state.cause),
                "__suppress_context__" => {
                    state.suppress_context.set(self.truthy(&v)?);
                    return Ok(());
                }
                _ => None,
            };
            if let Some(slot) = slot {
                let v = match (name.as_str(), v) {
                    ("args", other) => self.new_tuple(self.collect_iterable(other)?),
                    (_, other) => other,
                };
                if name.as_str() == "__cause__" {
                    state.suppress_context.set(true);
                }
                drop(slot.replace(v));
                return Ok(());
            }
        }
        if let Some(slots) = &i.class.slots {
            if !slots.iter().any(|s| Gc::ptr_eq(s, name)) {
                return Err(self.no_attribute(obj, name));
            }
        }
        let (old, len) = {
            let mut attrs = i.attrs.borrow_mut();
            (attrs.set(name.clone(), v), attrs.len())
        };
        if len > i.class.attr_hint.get() {
            i.class.attr_hint.set(len.min(32));
        }
        drop(old);
        Ok(())
    }

    /// `del obj.name`.
    pub fn delattr(&self, obj: &Value, name: &Gc<PyStr>) -> PyResult<()> {
        let old = match obj {
            Value::Instance(i) => {
                let hook = if i.class.has(flag::DELATTR) {
                    i.class.lookup(&self.names.delattr)
                } else {
                    None
                };
                if let Some(hook) = hook {
                    self.call0(&hook, vec![obj.clone(), Value::Str(name.clone())])?;
                    return Ok(());
                }
                if let Some(Value::Descr(d)) = i.class.lookup(name) {
                    if d.kind == DescrKind::Property && !d.fdel.is_none() {
                        self.call0(&d.fdel, vec![obj.clone()])?;
                        return Ok(());
                    }
                }
                i.attrs.borrow_mut().remove(name)
            }
            Value::Class(c) => {
                let old = c.dict.borrow_mut().remove(name);
                bump_class_epoch();
                old
            }
            Value::Function(f) => f.attrs.borrow_mut().remove(name),
            Value::Module(m) => m.dict.remove_str(name).map(|(_, v)| v),
            _ => None,
        };
        match old {
            Some(v) => {
                drop(v);
                Ok(())
            }
            None => Err(self.no_attribute(obj, name)),
        }
    }

    /// `getattr(obj, name)` that returns `None` on `AttributeError`.
    pub fn getattr_opt(&self, obj: &Value, name: &Gc<PyStr>) -> PyResult<Option<Value>> {
        match self.getattr(obj, name) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is(&self.types.attribute_error) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
