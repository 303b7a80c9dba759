//! The built-in classes: `object`, `int`, `list` ... and the exception
//! hierarchy, made once per interpreter.

use std::cell::{Cell, RefCell};

use refcycle::Gc;

use crate::object::{AttrMap, Class, Kind, PyStr};

/// Declares [`Types`]: one field per built-in class, each made after its
/// base (the list is in dependency order).
macro_rules! builtin_types {
    ($($field:ident : $name:literal, $kind:ident, $base:tt;)*) => {
        /// The built-in classes.
        pub struct Types {
            $(
                #[doc = concat!("`", $name, "`")]
                pub $field: Gc<Class>,
            )*
        }

        impl Types {
            /// Makes every built-in class; `intern` interns a name.
            pub fn new(intern: &dyn Fn(&str) -> Gc<PyStr>) -> Types {
                let module = intern("builtins");
                let make = |name: &str, kind: Kind, base: Option<&Gc<Class>>| {
                    // `weakref.ref` is the one built-in class that says it
                    // lives in another module.
                    let module = if name == "ReferenceType" { intern("weakref") } else { module.clone() };
                    new_class(intern(name), module, kind, base.cloned())
                };
                $(let $field = make($name, Kind::$kind, builtin_types!(@base $base));)*
                Types { $($field,)* }
            }

            /// Every built-in class, with its name (for the builtins module).
            pub fn all(&self) -> Vec<&Gc<Class>> {
                vec![$(&self.$field,)*]
            }
        }
    };
    (@base -) => { None };
    (@base $b:ident) => { Some(&$b) };
}

builtin_types! {
    object: "object", Object, -;
    type_: "type", Builtin, object;
    int: "int", Builtin, object;
    bool_: "bool", Builtin, int;
    float: "float", Builtin, object;
    str_: "str", Builtin, object;
    list: "list", Builtin, object;
    tuple: "tuple", Builtin, object;
    dict: "dict", Builtin, object;
    set: "set", Builtin, object;
    none_type: "NoneType", Builtin, object;
    function: "function", Builtin, object;
    builtin_function: "builtin_function_or_method", Builtin, object;
    method: "method", Builtin, object;
    module: "module", Builtin, object;
    cell: "cell", Builtin, object;
    code: "code", Builtin, object;
    frame: "frame", Builtin, object;
    traceback: "traceback", Builtin, object;
    range: "range", Builtin, object;
    slice: "slice", Builtin, object;
    staticmethod: "staticmethod", Builtin, object;
    classmethod: "classmethod", Builtin, object;
    property: "property", Builtin, object;
    super_: "super", Builtin, object;
    weakref: "ReferenceType", Builtin, object;
    iterator: "iterator", Builtin, object;
    enumerate: "enumerate", Builtin, object;
    zip: "zip", Builtin, object;
    reversed: "reversed", Builtin, object;
    dict_keys: "dict_keys", Builtin, object;
    dict_values: "dict_values", Builtin, object;
    dict_items: "dict_items", Builtin, object;
    ellipsis: "ellipsis", Object, object;
    not_implemented_type: "NotImplementedType", Object, object;
    text_io: "TextIOWrapper", Object, object;
    base_exception: "BaseException", Exception, object;
    system_exit: "SystemExit", Exception, base_exception;
    keyboard_interrupt: "KeyboardInterrupt", Exception, base_exception;
    generator_exit: "GeneratorExit", Exception, base_exception;
    exception: "Exception", Exception, base_exception;
    arithmetic_error: "ArithmeticError", Exception, exception;
    zero_division_error: "ZeroDivisionError", Exception, arithmetic_error;
    overflow_error: "OverflowError", Exception, arithmetic_error;
    assertion_error: "AssertionError", Exception, exception;
    attribute_error: "AttributeError", Exception, exception;
    lookup_error: "LookupError", Exception, exception;
    index_error: "IndexError", Exception, lookup_error;
    key_error: "KeyError", Exception, lookup_error;
    name_error: "NameError", Exception, exception;
    unbound_local_error: "UnboundLocalError", Exception, name_error;
    runtime_error: "RuntimeError", Exception, exception;
    recursion_error: "RecursionError", Exception, runtime_error;
    not_implemented_error: "NotImplementedError", Exception, runtime_error;
    import_error: "ImportError", Exception, exception;
    module_not_found_error: "ModuleNotFoundError", Exception, import_error;
    stop_iteration: "StopIteration", Exception, exception;
    type_error: "TypeError", Exception, exception;
    value_error: "ValueError", Exception, exception;
    unicode_error: "UnicodeError", Exception, value_error;
    memory_error: "MemoryError", Exception, exception;
    os_error: "OSError", Exception, exception;
    syntax_error: "SyntaxError", Exception, exception;
    indentation_error: "IndentationError", Exception, syntax_error;
    tab_error: "TabError", Exception, indentation_error;
}

/// A new class object (used for built-in and user classes alike).
pub fn new_class(
    name: Gc<PyStr>,
    module: Gc<PyStr>,
    kind: Kind,
    base: Option<Gc<Class>>,
) -> Gc<Class> {
    // Instances of `object` itself have no attributes and no weak
    // references, as in CPython.
    let is_object = base.is_none();
    Gc::new(Class {
        qualname: name.clone(),
        name,
        module,
        base,
        dict: RefCell::new(AttrMap::new()),
        kind,
        has_del: Cell::new(false),
        slots: is_object.then(Vec::new),
        weakrefable: !is_object,
        cache: Cell::new((0, 0)),
        attr_hint: Cell::new(0),
    })
}
