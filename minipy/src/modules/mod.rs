//! The built-in modules `gc`, `sys`, `weakref` and a small `time` (any
//! other import is a `ModuleNotFoundError`).

pub mod gc;
mod sys;
mod time;
pub mod weakref;

use refcycle::Gc;

use crate::object::{Dict, Module, Value};
use crate::vm::Vm;

/// Makes the module `name`, if it is one minipy has.
pub fn create(vm: &Vm, name: &str) -> Option<Gc<Module>> {
    let dict = Gc::new(Dict::new());
    dict.set_str(vm.names.name.clone(), vm.str_val(name));
    dict.set_str(vm.names.doc.clone(), Value::None);
    match name {
        "gc" => gc::fill(vm, &dict),
        "sys" => sys::fill(vm, &dict),
        "weakref" => weakref::fill(vm, &dict),
        "time" => time::fill(vm, &dict),
        "builtins" => {
            for (k, v) in vm.builtins.items() {
                if let Value::Str(k) = k {
                    dict.set_str(k, v);
                }
            }
        }
        _ => return None,
    }
    Some(Gc::new(Module {
        name: vm.intern(name),
        dict,
    }))
}
