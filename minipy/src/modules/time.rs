//! A small `time` module: `perf_counter`, `monotonic`, `time`,
//! `process_time` and `sleep`, enough for scripts that time themselves.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use refcycle::Gc;

use crate::builtins::{arity, def_in};
use crate::object::{Args, Dict, Value};
use crate::vm::{PyResult, Vm};

/// Fills the module's namespace.
pub fn fill(vm: &Vm, d: &Gc<Dict>) {
    def_in(vm, d, "perf_counter", perf_counter);
    def_in(vm, d, "monotonic", perf_counter);
    def_in(vm, d, "process_time", perf_counter);
    def_in(vm, d, "time", time);
    def_in(vm, d, "sleep", sleep);
}

thread_local! {
    /// The zero of `perf_counter` (its values only mean differences).
    static START: Instant = Instant::now();
}

fn perf_counter(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "perf_counter", &args, 0, 0)?;
    Ok(Value::Float(START.with(|s| s.elapsed().as_secs_f64())))
}

fn time(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "time", &args, 0, 0)?;
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    Ok(Value::Float(t))
}

fn sleep(vm: &Vm, args: Args) -> PyResult<Value> {
    arity(vm, "sleep", &args, 1, 1)?;
    let secs = match &args.pos[0] {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        other => {
            return Err(vm.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(other)
            )))
        }
    };
    if secs < 0.0 {
        return Err(vm.value_error("sleep length must be non-negative".into()));
    }
    vm.flush();
    std::thread::sleep(std::time::Duration::from_secs_f64(secs));
    Ok(Value::None)
}
