//! The `sys` module: `getrefcount`, `intern`, the recursion limit,
//! `argv`, `exit`, `stdout` / `stderr`.

use refcycle::Gc;

use crate::builtins::{arity, def_in, int_arg};
use crate::object::{new_list, Args, Dict, DictStore, Value};
use crate::vm::{PyResult, Vm};

/// Fills the module's namespace.
pub fn fill(vm: &Vm, d: &Gc<Dict>) {
    def_in(vm, d, "getrefcount", getrefcount);
    def_in(vm, d, "intern", intern);
    def_in(vm, d, "getrecursionlimit", getrecursionlimit);
    def_in(vm, d, "setrecursionlimit", setrecursionlimit);
    def_in(vm, d, "exit", exit);
    def_in(vm, d, "exc_info", exc_info);
    let argv = vm.options.argv.iter().map(|a| vm.str_val(a)).collect();
    let set = |k: &str, v: Value| d.set_str(vm.intern(k), v);
    set("argv", new_list(argv));
    set("stdout", vm.stdio.0.clone());
    set("stderr", vm.stdio.1.clone());
    set("__stdout__", vm.stdio.0.clone());
    set("__stderr__", vm.stdio.1.clone());
    set("maxsize", Value::Int(i64::MAX));
    set("platform", vm.str_val("linux"));
    set("version", vm.str_val("3.11.7 (minipy)"));
    set("implementation_name", vm.str_val("minipy"));
    set("modules", Value::Dict(vm.modules.clone()));
}

/// `sys.getrefcount(x)`: the object's strong count, which counts the
/// argument itself, as CPython's does. Ints, floats, bools and `None`
/// are not objects here; they report 1000 (CPython reports large,
/// meaningless counts for those too). An interned string's table entry
/// is not counted, as in CPython.
fn getrefcount(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "getrefcount", &args, 1, 1)?;
    let v = &args.pos[0];
    let n = match v.strong_count() {
        Some(n) => n as i64 - i64::from(matches!(v, Value::Str(s) if s.is_interned())),
        None => 1000,
    };
    Ok(Value::Int(n))
}

fn intern(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "intern", &args, 1, 1)?;
    match &args.pos[0] {
        Value::Str(s) => Ok(Value::Str(vm.intern_str(s))),
        other => Err(vm.type_error(format!(
            "intern() argument must be str, not {}",
            vm.type_name(other)
        ))),
    }
}

fn getrecursionlimit(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "getrecursionlimit", &args, 0, 0)?;
    Ok(Value::Int(i64::from(vm.recursion_limit.get())))
}

fn setrecursionlimit(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "setrecursionlimit", &args, 1, 1)?;
    let n = int_arg(vm, &args.pos[0])?;
    if n < 1 {
        return Err(vm.value_error("recursion limit must be greater or equal than 1".into()));
    }
    let n = u32::try_from(n)
        .unwrap_or(u32::MAX)
        .min(crate::MAX_RECURSION_LIMIT);
    let depth = vm.depth.get();
    if n <= depth {
        return Err(vm.err(
            &vm.types.recursion_error,
            format!(
                "cannot set the recursion limit to {n} at the recursion depth {depth}: the limit is too low"
            ),
        ));
    }
    vm.recursion_limit.set(n);
    Ok(Value::None)
}

fn exit(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "exit", &args, 0, 1)?;
    let e = vm.new_exception(&vm.types.system_exit, args.pos.into_vec());
    Err(vm.raise_instance(e))
}

fn exc_info(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "exc_info", &args, 0, 0)?;
    let cur = vm.handling.borrow().last().cloned();
    Ok(match cur {
        Some(e) => {
            let tb = e
                .exc
                .as_ref()
                .map(|s| s.traceback.borrow().clone())
                .unwrap_or_default();
            let cls = Value::Class(e.class.clone());
            vm.new_tuple(vec![cls, Value::Instance(e), tb])
        }
        None => vm.new_tuple(vec![Value::None, Value::None, Value::None]),
    })
}
