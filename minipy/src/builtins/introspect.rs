//! Built-ins that look at the running program: `globals`, `locals`,
//! `vars`, `dir`, `eval`, `exec`.

use refcycle::Gc;

use super::{arity, def, sort_values, str_arg};
use crate::compile::FrameFn;
use crate::eval::FrameState;
use crate::object::{Args, Class, Dict, DictStore, Value};
use crate::vm::{PyResult, Vm};

/// Registers the functions.
pub fn install(vm: &Vm) {
    def(vm, "globals", globals);
    def(vm, "locals", locals);
    def(vm, "vars", vars);
    def(vm, "dir", dir);
    def(vm, "eval", eval);
    def(vm, "exec", exec);
}

/// What a frame-aware built-in needs from its caller's frame (minipy has
/// no stack of frames for built-ins to look at: calls of these names
/// compile to [`ExprKind::FrameCall`](crate::compile::ExprKind), which
/// passes the frame; called any other way, they see `__main__`).
fn main_globals(vm: &Vm) -> PyResult<Gc<Dict>> {
    match &*vm.main.borrow() {
        Some(m) => Ok(m.dict.clone()),
        None => Err(vm.err(
            &vm.types.runtime_error,
            "the interpreter has shut down".into(),
        )),
    }
}

fn globals(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "globals", &args, 0, 0)?;
    Ok(Value::Dict(main_globals(vm)?))
}

fn locals(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "locals", &args, 0, 0)?;
    Ok(Value::Dict(main_globals(vm)?))
}

/// `locals()` in frame `f`: the namespace of a module or class body, or
/// a new dict of a function's bound locals and cells.
fn frame_locals(f: &FrameState) -> Gc<Dict> {
    if let Some(ns) = &f.namespace {
        return ns.clone();
    }
    let d = Dict::new_gc();
    for (i, name) in f.code.local_names.iter().enumerate() {
        if let Some(v) = f.get_local(i) {
            d.set_str(name.clone(), v);
        }
    }
    for (i, name) in f.code.cell_names.iter().enumerate() {
        if let Some(v) = f.cells[i].get() {
            d.set_str(name.clone(), v);
        }
    }
    d
}

fn vars(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "vars", &args, 0, 1)?;
    match args.pos.first() {
        None => locals(vm, Args::default()),
        Some(v) => vm
            .getattr(v, &vm.names.dict)
            .map_err(|_| vm.type_error("vars() argument must have __dict__ attribute".into())),
    }
}

/// The sorted names of a namespace (`dir()` without an argument).
fn sorted_keys(vm: &Vm, d: &Dict) -> PyResult<Value> {
    let items = sort_values(vm, d.keys(), None, false)?;
    Ok(crate::object::new_list(items))
}

fn dir(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "dir", &args, 0, 1)?;
    let mut names: Vec<String> = Vec::new();
    match args.pos.first() {
        None => return sorted_keys(vm, &*main_globals(vm)?),
        Some(v) => {
            if let Value::Instance(i) = v {
                names.extend(
                    i.attrs
                        .borrow()
                        .entries()
                        .map(|(k, _)| k.as_str().to_string()),
                );
            }
            if let Value::Module(m) = v {
                names.extend(
                    m.dict
                        .keys()
                        .iter()
                        .filter_map(|k| k.as_str().map(|s| s.as_str().to_string())),
                );
            }
            let cls = match v {
                Value::Class(c) => c.clone(),
                other => vm.class_of(other),
            };
            for c in Class::mro(&cls) {
                names.extend(
                    c.dict
                        .borrow()
                        .entries()
                        .map(|(k, _)| k.as_str().to_string()),
                );
            }
        }
    }
    names.sort();
    names.dedup();
    Ok(crate::object::new_list(
        names.into_iter().map(|n| vm.new_str(n)).collect(),
    ))
}

/// `eval(source[, globals])` and `exec(source[, globals])`: the source runs
/// as module code in the caller's globals (or the dict given). minipy
/// does not let it see the caller's local variables.
fn run_source(
    vm: &Vm,
    args: Args,
    name: &str,
    want_value: bool,
    caller: Option<&FrameState>,
) -> PyResult<Value> {
    arity(vm, name, &args, 1, 3)?;
    let src = str_arg(vm, &format!("{name}() arg 1"), &args.pos[0])?
        .as_str()
        .to_string();
    let globals = match args.pos.get(1) {
        Some(Value::Dict(d)) => d.clone(),
        Some(Value::None) | None => match caller {
            Some(f) => f.globals.clone(),
            None => main_globals(vm)?,
        },
        Some(other) => {
            return Err(vm.type_error(format!(
                "{name}() globals must be a dict, not {}",
                vm.type_name(other)
            )))
        }
    };
    let syntax = |msg: String, line: u32| {
        let msg = format!("{msg} (<string>, line {line})");
        vm.err(&vm.types.syntax_error, msg)
    };
    let module = crate::parser::parse_module(&src).map_err(|e| syntax(e.msg, e.line))?;
    let source = std::rc::Rc::new(crate::compile::Source::new("<string>", &src));
    let code =
        crate::compile::compile_module(vm, &module, source).map_err(|e| syntax(e.msg, e.line))?;
    let lone_expr =
        code.body.len() == 1 && matches!(code.body[0].kind, crate::compile::StmtKind::Expr(_));
    if want_value && !lone_expr {
        return Err(syntax("invalid syntax".into(), 1));
    }
    let base = vm.window_base();
    vm.fill_window(base, code.nlocals);
    let fs = FrameState::new(
        vm,
        &code,
        None,
        &globals,
        Some(globals.clone()),
        base,
        Vec::new(),
    );
    if want_value {
        vm.eval_module_expr(fs)
    } else {
        vm.run_frame(fs).map(|_| Value::None)
    }
}

fn eval(vm: &Vm, args: Args) -> PyResult<Value> {
    run_source(vm, args, "eval", true, None)
}

fn exec(vm: &Vm, args: Args) -> PyResult<Value> {
    run_source(vm, args, "exec", false, None)
}

/// Calls one of the frame-aware built-ins with the caller's frame.
pub fn frame_call(vm: &Vm, which: FrameFn, f: &FrameState, args: Args) -> PyResult<Value> {
    match which {
        FrameFn::Globals => {
            arity(vm, "globals", &args, 0, 0)?;
            Ok(Value::Dict(f.globals.clone()))
        }
        FrameFn::Locals => {
            arity(vm, "locals", &args, 0, 0)?;
            Ok(Value::Dict(frame_locals(f)))
        }
        FrameFn::Vars if args.pos.is_empty() && args.kw.is_empty() => {
            Ok(Value::Dict(frame_locals(f)))
        }
        FrameFn::Vars => vars(vm, args),
        FrameFn::Dir if args.pos.is_empty() && args.kw.is_empty() => {
            sorted_keys(vm, &frame_locals(f))
        }
        FrameFn::Dir => dir(vm, args),
        FrameFn::Eval => run_source(vm, args, "eval", true, Some(f)),
        FrameFn::Exec => run_source(vm, args, "exec", false, Some(f)),
    }
}
