//! `object`'s methods, exceptions' methods, `property`'s decorators,
//! `sys.stdout`'s methods, and the special attributes of functions,
//! methods, frames, tracebacks and other built-in objects.

use refcycle::Gc;

use super::{int_arg, method, method_arity};
use crate::object::{
    Args, Builtin, DescrKind, Descriptor, Dict, DictStore, Instance, NativeFn, Value,
};
use crate::vm::{PyResult, Vm};

/// Registers exception, property and stdio methods.
pub fn install(vm: &Vm) {
    let be = &vm.types.base_exception;
    method(vm, be, "BaseException", "__init__", exc_init);
    method(vm, be, "BaseException", "__str__", exc_str);
    method(vm, be, "BaseException", "__repr__", exc_repr);
    method(
        vm,
        be,
        "BaseException",
        "with_traceback",
        exc_with_traceback,
    );
    method(
        vm,
        &vm.types.key_error,
        "KeyError",
        "__str__",
        key_error_str,
    );
    let p = &vm.types.property;
    method(vm, p, "property", "setter", property_setter);
    method(vm, p, "property", "getter", property_getter);
    method(vm, p, "property", "deleter", property_deleter);
    let io = &vm.types.text_io;
    method(vm, io, "TextIOWrapper", "write", io_write);
    method(vm, io, "TextIOWrapper", "flush", io_flush);
    let f = &vm.types.float;
    method(vm, f, "float", "is_integer", float_is_integer);
    let i = &vm.types.int;
    method(vm, i, "int", "bit_length", int_bit_length);
}

impl Vm {
    /// One of `object`'s methods, by name (they are not in `object`'s
    /// dict: see `eval/attr.rs`).
    pub fn object_method(&self, name: &str) -> Option<Value> {
        let (name, func): (&'static str, NativeFn) = match name {
            "__init__" => ("__init__", object_init),
            "__new__" => ("__new__", object_new),
            "__repr__" => ("__repr__", object_repr),
            "__str__" => ("__str__", object_str),
            "__eq__" => ("__eq__", object_eq),
            "__ne__" => ("__ne__", object_ne),
            "__hash__" => ("__hash__", object_hash),
            "__setattr__" => ("__setattr__", object_setattr),
            "__delattr__" => ("__delattr__", object_delattr),
            "__getattribute__" => ("__getattribute__", object_getattribute),
            "__format__" => ("__format__", object_format),
            _ => return None,
        };
        let owner = if name == "__new__" {
            None
        } else {
            Some("object")
        };
        Some(Value::Builtin(Gc::new(Builtin {
            name,
            func,
            owner,
            bound: None,
        })))
    }

    /// Special attributes of functions, methods, frames and other
    /// built-in objects.
    pub fn special_attr(&self, obj: &Value, name: &str) -> PyResult<Option<Value>> {
        Ok(Some(match (obj, name) {
            (Value::Function(f), _) => match name {
                "__name__" => Value::Str(f.name.clone()),
                "__qualname__" => Value::Str(f.qualname.clone()),
                "__module__" => f.globals.get_str(&self.names.name).unwrap_or_default(),
                "__defaults__" => f.defaults.clone().map_or(Value::None, Value::Tuple),
                "__kwdefaults__" => f.kwdefaults.clone().map_or(Value::None, Value::Dict),
                "__closure__" => f.closure.clone().map_or(Value::None, Value::Tuple),
                "__globals__" => Value::Dict(f.globals.clone()),
                "__code__" => code_value(&f.code),
                "__doc__" => Value::None,
                "__dict__" => {
                    let d = Dict::new_gc();
                    for (k, v) in f.attrs.borrow().entries() {
                        d.set_str(k.clone(), v.clone());
                    }
                    Value::Dict(d)
                }
                _ => return Ok(None),
            },
            (Value::Method(m), "__self__") => m.receiver.clone(),
            (Value::Method(m), "__func__") => m.func.clone(),
            (Value::Method(m), "__name__" | "__qualname__" | "__doc__" | "__module__") => {
                return Ok(Some(self.getattr(&m.func, &self.intern(name))?))
            }
            (Value::Builtin(b), "__name__") => self.str_val(b.name),
            (Value::Builtin(b), "__qualname__") => match b.owner {
                Some(o) => self.new_str(format!("{o}.{}", b.name)),
                None => self.str_val(b.name),
            },
            (Value::Builtin(b), "__self__") => b.bound.clone().unwrap_or_default(),
            (Value::Builtin(_), "__doc__") => Value::None,
            (Value::Cell(c), "cell_contents") => match c.get() {
                Some(v) => v,
                None => return Err(self.value_error("Cell is empty".into())),
            },
            (Value::Frame(f), _) => return self.frame_attr(f, name),
            (Value::Code(c), _) => return Ok(self.code_attr(&c.code, name)),
            (Value::Traceback(t), "tb_frame") => Value::Frame(t.frame()),
            (Value::Traceback(t), "tb_next") => t.next().map_or(Value::None, Value::Traceback),
            (Value::Traceback(t), "tb_lineno") => Value::Int(i64::from(t.lineno)),
            (Value::WeakRef(w), "__callback__") => w.callback.borrow().clone(),
            (Value::Descr(d), "__func__" | "fget") => d.func.clone(),
            (Value::Descr(d), "fset") => d.fset.clone(),
            (Value::Descr(d), "fdel") => d.fdel.clone(),
            (Value::Slice(s), "start") => s.start.clone(),
            (Value::Slice(s), "stop") => s.stop.clone(),
            (Value::Slice(s), "step") => s.step.clone(),
            (Value::Range(r), "start") => Value::Int(r.start),
            (Value::Range(r), "stop") => Value::Int(r.stop),
            (Value::Range(r), "step") => Value::Int(r.step),
            (Value::Int(_) | Value::Bool(_) | Value::Float(_), "real") => obj.clone(),
            (Value::Int(_) | Value::Bool(_), "imag") => Value::Int(0),
            (Value::Float(_), "imag") => Value::Float(0.0),
            _ => return Ok(None),
        }))
    }

    fn code_attr(&self, code: &crate::compile::Code, name: &str) -> Option<Value> {
        Some(match name {
            "co_name" => Value::Str(code.name.clone()),
            "co_qualname" => Value::Str(code.qualname.clone()),
            "co_filename" => self.str_val(&code.source.filename),
            "co_firstlineno" => Value::Int(i64::from(code.line)),
            "co_argcount" => Value::Int(code.params.nargs as i64),
            "co_kwonlyargcount" => Value::Int(code.params.nkwonly as i64),
            "co_nlocals" => Value::Int(code.nlocals as i64),
            "co_varnames" => {
                self.new_tuple(code.local_names.iter().cloned().map(Value::Str).collect())
            }
            "co_cellvars" => self.new_tuple(
                code.cell_names[..code.ncells]
                    .iter()
                    .cloned()
                    .map(Value::Str)
                    .collect(),
            ),
            "co_freevars" => self.new_tuple(
                code.cell_names[code.ncells..]
                    .iter()
                    .cloned()
                    .map(Value::Str)
                    .collect(),
            ),
            _ => return None,
        })
    }

    fn frame_attr(&self, f: &Gc<crate::object::Frame>, name: &str) -> PyResult<Option<Value>> {
        Ok(Some(match name {
            "f_lineno" => Value::Int(i64::from(f.lineno.get())),
            "f_code" => code_value(&f.code),
            "f_globals" => Value::Dict(f.globals.clone()),
            "f_back" => f.back.borrow().clone().map_or(Value::None, Value::Frame),
            "f_locals" => match &f.namespace {
                Some(ns) => Value::Dict(ns.clone()),
                None => {
                    let d = Dict::new_gc();
                    for (i, v) in f.locals.borrow().iter().enumerate() {
                        if let (Some(v), Some(n)) = (v, f.code.local_names.get(i)) {
                            d.set_str(n.clone(), v.clone());
                        }
                    }
                    for (i, c) in f.cells.iter().enumerate() {
                        if let (Some(v), Some(n)) = (c.get(), f.code.cell_names.get(i)) {
                            d.set_str(n.clone(), v);
                        }
                    }
                    Value::Dict(d)
                }
            },
            _ => return Ok(None),
        }))
    }
}

fn self_instance(vm: &Vm, args: &Args, what: &str) -> PyResult<Gc<Instance>> {
    match args.pos.first() {
        Some(Value::Instance(i)) => Ok(i.clone()),
        Some(v) => Err(vm.type_error(format!(
            "descriptor '{what}' requires an instance, not '{}'",
            vm.type_name(v)
        ))),
        None => Err(vm.type_error(format!("descriptor '{what}' needs an argument"))),
    }
}

fn object_init(vm: &Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() > 1 || !args.kw.is_empty() {
        return Err(vm.type_error(
            "object.__init__() takes exactly one argument (the instance to initialize)".into(),
        ));
    }
    Ok(Value::None)
}

fn object_new(vm: &Vm, args: Args) -> PyResult<Value> {
    match args.pos.first() {
        Some(Value::Class(c)) if c.kind != crate::object::Kind::Builtin => {
            Ok(vm.new_instance(c, &args.pos[1..]))
        }
        Some(Value::Class(c)) => vm.call_class(c, Args::default()),
        _ => Err(vm.type_error("object.__new__(X): X is not a type object".into())),
    }
}

fn object_repr(vm: &Vm, args: Args) -> PyResult<Value> {
    let i = self_instance(vm, &args, "__repr__")?;
    let v = Value::Instance(i.clone());
    Ok(vm.new_str(format!(
        "<{} object at {}>",
        i.class.full_name(),
        crate::eval::addr(&v)
    )))
}

fn object_str(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "__str__", &args, 0, 0)?;
    Ok(vm.new_str(vm.repr_string(&args.pos[0])?))
}

fn object_eq(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "__eq__", &args, 1, 1)?;
    if args.pos[0].is(&args.pos[1]) {
        Ok(Value::Bool(true))
    } else {
        Ok(vm.not_implemented())
    }
}

fn object_ne(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "__ne__", &args, 1, 1)?;
    let r = vm.rich_compare(crate::ast::CmpOp::Eq, &args.pos[0], &args.pos[1])?;
    Ok(Value::Bool(!vm.truthy(&r)?))
}

fn object_hash(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "__hash__", &args, 0, 0)?;
    Ok(Value::Int(crate::eval::num::hash_pointer(
        args.pos[0].id() as usize
    )))
}

fn object_setattr(vm: &Vm, mut args: Args) -> PyResult<Value> {
    method_arity(vm, "__setattr__", &args, 2, 2)?;
    let v = args.pos.pop().unwrap_or_default();
    let i = self_instance(vm, &args, "__setattr__")?;
    let name = match &args.pos[1] {
        Value::Str(s) => vm.intern_str(s),
        other => {
            return Err(vm.type_error(format!(
                "attribute name must be string, not '{}'",
                vm.type_name(other)
            )))
        }
    };
    vm.generic_setattr(&args.pos[0], &i, &name, v)?;
    Ok(Value::None)
}

fn object_delattr(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "__delattr__", &args, 1, 1)?;
    let i = self_instance(vm, &args, "__delattr__")?;
    let Value::Str(name) = &args.pos[1] else {
        return Err(vm.type_error("attribute name must be string".into()));
    };
    let name = vm.intern_str(name);
    let old = i.attrs.borrow_mut().remove(&name);
    match old {
        Some(v) => {
            drop(v);
            Ok(Value::None)
        }
        None => Err(vm.attribute_error(format!(
            "'{}' object has no attribute '{}'",
            i.class.name.as_str(),
            name.as_str()
        ))),
    }
}

fn object_getattribute(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "__getattribute__", &args, 1, 1)?;
    let Value::Str(name) = &args.pos[1] else {
        return Err(vm.type_error("attribute name must be string".into()));
    };
    vm.getattr(&args.pos[0], &vm.intern_str(name))
}

fn object_format(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "__format__", &args, 1, 1)?;
    match &args.pos[1] {
        Value::Str(s) if s.as_str().is_empty() => Ok(vm.new_str(vm.str_string(&args.pos[0])?)),
        _ => Err(vm.type_error(format!(
            "unsupported format string passed to {}.__format__",
            vm.type_name(&args.pos[0])
        ))),
    }
}

fn exc_init(vm: &Vm, args: Args) -> PyResult<Value> {
    let i = self_instance(vm, &args, "__init__")?;
    if let Some(s) = &i.exc {
        let old = s.args.replace(vm.new_tuple(args.pos[1..].to_vec()));
        drop(old);
    }
    Ok(Value::None)
}

fn exc_args(i: &Gc<Instance>) -> Vec<Value> {
    match i.exc.as_ref().map(|s| s.args.borrow().clone()) {
        Some(Value::Tuple(t)) => t.items.to_vec(),
        _ => Vec::new(),
    }
}

fn exc_str(vm: &Vm, args: Args) -> PyResult<Value> {
    let i = self_instance(vm, &args, "__str__")?;
    let a = exc_args(&i);
    match a.as_slice() {
        [] => Ok(vm.str_val("")),
        [one] => vm.to_str_value(one),
        _ => Ok(vm.new_str(vm.repr_string(&vm.new_tuple(a))?)),
    }
}

fn key_error_str(vm: &Vm, args: Args) -> PyResult<Value> {
    let i = self_instance(vm, &args, "__str__")?;
    let a = exc_args(&i);
    match a.as_slice() {
        [one] => Ok(vm.new_str(vm.repr_string(one)?)),
        _ => exc_str(vm, args),
    }
}

fn exc_repr(vm: &Vm, args: Args) -> PyResult<Value> {
    let i = self_instance(vm, &args, "__repr__")?;
    let a = exc_args(&i);
    let name = i.class.name.as_str();
    Ok(vm.new_str(match a.as_slice() {
        [one] => format!("{name}({})", vm.repr_string(one)?),
        _ => format!("{name}{}", vm.repr_string(&vm.new_tuple(a))?),
    }))
}

fn exc_with_traceback(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "with_traceback", &args, 1, 1)?;
    let i = self_instance(vm, &args, "with_traceback")?;
    if let Some(s) = &i.exc {
        let old = s.traceback.replace(args.pos[1].clone());
        drop(old);
    }
    Ok(args.pos[0].clone())
}

fn property_copy(vm: &Vm, args: &Args, slot: usize) -> PyResult<Value> {
    let Some(Value::Descr(d)) = args.pos.first() else {
        return Err(vm.type_error("descriptor requires a 'property' object".into()));
    };
    let f = args.pos.get(1).cloned().unwrap_or_default();
    let mut parts = [d.func.clone(), d.fset.clone(), d.fdel.clone()];
    parts[slot] = f;
    let [func, fset, fdel] = parts;
    Ok(Value::Descr(Gc::new(Descriptor {
        kind: DescrKind::Property,
        func,
        fset,
        fdel,
    })))
}

fn property_getter(vm: &Vm, args: Args) -> PyResult<Value> {
    property_copy(vm, &args, 0)
}

fn property_setter(vm: &Vm, args: Args) -> PyResult<Value> {
    property_copy(vm, &args, 1)
}

fn property_deleter(vm: &Vm, args: Args) -> PyResult<Value> {
    property_copy(vm, &args, 2)
}

fn io_write(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "write", &args, 1, 1)?;
    let Value::Str(s) = &args.pos[1] else {
        return Err(vm.type_error(format!(
            "write() argument must be str, not {}",
            vm.type_name(&args.pos[1])
        )));
    };
    if args.pos[0].is(&vm.stdio.1) {
        vm.write_err(s.as_str());
    } else {
        vm.write_out(s.as_str());
    }
    Ok(Value::Int(s.char_len() as i64))
}

fn io_flush(vm: &Vm, _args: Args) -> PyResult<Value> {
    vm.flush();
    Ok(Value::None)
}

fn float_is_integer(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "is_integer", &args, 0, 0)?;
    match &args.pos[0] {
        Value::Float(f) => Ok(Value::Bool(f.is_finite() && f.fract() == 0.0)),
        _ => Err(vm.type_error("is_integer() needs a float".into())),
    }
}

fn int_bit_length(vm: &Vm, args: Args) -> PyResult<Value> {
    method_arity(vm, "bit_length", &args, 0, 0)?;
    let i = int_arg(vm, &args.pos[0])?;
    Ok(Value::Int(i64::from(64 - i.unsigned_abs().leading_zeros())))
}

/// A code object for `code`.
fn code_value(code: &std::rc::Rc<crate::compile::Code>) -> Value {
    Value::Code(Gc::new(crate::object::CodeObject { code: code.clone() }))
}
