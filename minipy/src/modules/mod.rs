//! The built-in modules `gc`, `sys`, `weakref`, a small `time`,
//! `builtins` and `__future__` (any other import is a
//! `ModuleNotFoundError`).

pub mod gc;
mod sys;
mod time;
pub mod weakref;

use refcycle::Gc;

use crate::object::{Dict, DictStore, Module, Value};
use crate::vm::Vm;

/// Makes the module `name`, if it is one minipy has.
pub fn create(vm: &Vm, name: &str) -> Option<Gc<Module>> {
    let dict = Dict::new_gc();
    dict.set_str(vm.names.name.clone(), vm.str_val(name));
    dict.set_str(vm.names.doc.clone(), Value::None);
    match name {
        "gc" => gc::fill(vm, &dict),
        "sys" => sys::fill(vm, &dict),
        "weakref" => weakref::fill(vm, &dict),
        "time" => time::fill(vm, &dict),
        "__future__" => fill_future(vm, &dict),
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

/// `__future__`'s features, as in CPython 3.11, each bound to the tuple
/// `(optional, mandatory, compiler_flag)` of its `_Feature` object. Every
/// feature is already the language minipy runs (or, for `annotations`,
/// makes no difference, as annotations are never evaluated), so `from
/// __future__ import ...` changes nothing; the parser has already
/// rejected unknown features, as CPython's compiler does.
fn fill_future(vm: &Vm, d: &Gc<Dict>) {
    type Release = (i64, i64, &'static str, i64);
    const FEATURES: [(&str, Release, Option<Release>, i64); 10] = [
        (
            "nested_scopes",
            (2, 1, "beta", 1),
            Some((2, 2, "alpha", 0)),
            0x10,
        ),
        (
            "generators",
            (2, 2, "alpha", 1),
            Some((2, 3, "final", 0)),
            0,
        ),
        (
            "division",
            (2, 2, "alpha", 2),
            Some((3, 0, "alpha", 0)),
            0x20000,
        ),
        (
            "absolute_import",
            (2, 5, "alpha", 1),
            Some((3, 0, "alpha", 0)),
            0x40000,
        ),
        (
            "with_statement",
            (2, 5, "alpha", 1),
            Some((2, 6, "alpha", 0)),
            0x80000,
        ),
        (
            "print_function",
            (2, 6, "alpha", 2),
            Some((3, 0, "alpha", 0)),
            0x100000,
        ),
        (
            "unicode_literals",
            (2, 6, "alpha", 2),
            Some((3, 0, "alpha", 0)),
            0x200000,
        ),
        (
            "barry_as_FLUFL",
            (3, 1, "alpha", 2),
            Some((4, 0, "alpha", 0)),
            0x400000,
        ),
        (
            "generator_stop",
            (3, 5, "beta", 1),
            Some((3, 7, "alpha", 0)),
            0x800000,
        ),
        ("annotations", (3, 7, "beta", 1), None, 0x1000000),
    ];
    let release = |(major, minor, level, serial): Release| {
        let (major, minor, serial) = (Value::Int(major), Value::Int(minor), Value::Int(serial));
        vm.new_tuple(vec![major, minor, Value::Int(0), vm.str_val(level), serial])
    };
    let mut names = Vec::new();
    for (name, optional, mandatory, flag) in FEATURES {
        let mandatory = mandatory.map_or(Value::None, release);
        let feature = vm.new_tuple(vec![release(optional), mandatory, Value::Int(flag)]);
        d.set_str(vm.intern(name), feature);
        names.push(vm.str_val(name));
    }
    d.set_str(
        vm.intern("all_feature_names"),
        crate::object::new_list(names),
    );
}
