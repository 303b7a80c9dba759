//! Binding a call's arguments to a Python function's parameters, with
//! CPython's order of checks and its error messages.

use refcycle::Gc;

use crate::object::{Args, Dict, Function, PyStr, Value};
use crate::vm::{Exc, PyResult, Vm};

impl Vm {
    /// Binds arguments to parameters, in CPython's order of checks.
    pub(crate) fn bind_args(&self, fun: &Gc<Function>, args: Args) -> PyResult<Vec<Option<Value>>> {
        let code = &fun.code;
        let p = &code.params;
        let mut locals = self.new_locals(code.nlocals);
        locals.resize(code.nlocals, None);
        let given = args.pos.len();
        let Args { pos, kw } = args;
        let mut pos = pos.into_iter();
        for (slot, v) in locals.iter_mut().zip(pos.by_ref().take(p.nargs)) {
            *slot = Some(v);
        }
        let extra: Vec<Value> = pos.collect();
        let vararg_slot = p.nargs + p.nkwonly;
        if p.vararg {
            locals[vararg_slot] = Some(self.new_tuple(extra));
        }
        if !kw.is_empty() || p.kwarg {
            self.bind_keywords(fun, &mut locals, kw)?;
        }
        if given > p.nargs && !p.vararg {
            return Err(self.too_many_positional(fun, given, &locals));
        }
        self.fill_defaults(fun, &mut locals)?;
        Ok(locals)
    }

    fn bind_keywords(
        &self,
        fun: &Gc<Function>,
        locals: &mut [Option<Value>],
        kw: Vec<(Gc<PyStr>, Value)>,
    ) -> PyResult<()> {
        let code = &fun.code;
        let p = &code.params;
        let names = &code.local_names[..p.nargs + p.nkwonly];
        let kwdict = if p.kwarg {
            let d = Gc::new(Dict::new());
            let slot = p.nargs + p.nkwonly + usize::from(p.vararg);
            locals[slot] = Some(Value::Dict(d.clone()));
            Some(d)
        } else {
            None
        };
        for (name, v) in kw {
            let found = names
                .iter()
                .position(|n| Gc::ptr_eq(n, &name))
                .or_else(|| names.iter().position(|n| n.as_str() == name.as_str()));
            match (found, &kwdict) {
                (Some(i), _) if locals[i].is_some() => {
                    let msg = format!(
                        "{}() got multiple values for argument '{}'",
                        fun.qualname.as_str(),
                        name.as_str()
                    );
                    return Err(self.err(&self.types.type_error, msg));
                }
                (Some(i), _) => locals[i] = Some(v),
                (None, Some(d)) => d.set_str(name, v),
                (None, None) => {
                    let msg = format!(
                        "{}() got an unexpected keyword argument '{}'",
                        fun.qualname.as_str(),
                        name.as_str()
                    );
                    return Err(self.err(&self.types.type_error, msg));
                }
            }
        }
        Ok(())
    }

    fn too_many_positional(
        &self,
        fun: &Gc<Function>,
        given: usize,
        locals: &[Option<Value>],
    ) -> Exc {
        let p = &fun.code.params;
        let kwonly_given = locals[p.nargs..p.nargs + p.nkwonly]
            .iter()
            .filter(|v| v.is_some())
            .count();
        let ndefaults = fun.defaults.as_ref().map_or(0, |d| d.items.len());
        let (sig, plural) = if ndefaults > 0 {
            (format!("from {} to {}", p.nargs - ndefaults, p.nargs), true)
        } else {
            (p.nargs.to_string(), p.nargs != 1)
        };
        let kwonly_sig = if kwonly_given > 0 {
            format!(
                " positional argument{} (and {} keyword-only argument{})",
                if given != 1 { "s" } else { "" },
                kwonly_given,
                if kwonly_given != 1 { "s" } else { "" }
            )
        } else {
            String::new()
        };
        let msg = format!(
            "{}() takes {} positional argument{} but {}{} {} given",
            fun.qualname.as_str(),
            sig,
            if plural { "s" } else { "" },
            given,
            kwonly_sig,
            if given == 1 && kwonly_given == 0 {
                "was"
            } else {
                "were"
            }
        );
        self.err(&self.types.type_error, msg)
    }

    fn fill_defaults(&self, fun: &Gc<Function>, locals: &mut [Option<Value>]) -> PyResult<()> {
        let code = &fun.code;
        let p = &code.params;
        let defaults: &[Value] = fun.defaults.as_ref().map_or(&[], |d| &d.items);
        let first_default = p.nargs - defaults.len();
        let mut missing = Vec::new();
        for i in 0..p.nargs {
            if locals[i].is_none() {
                if i >= first_default {
                    locals[i] = Some(defaults[i - first_default].clone());
                } else {
                    missing.push(i);
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.missing_args(fun, "positional", &missing));
        }
        let kwonly = p.nargs..p.nargs + p.nkwonly;
        for (i, slot) in locals[kwonly.clone()].iter_mut().enumerate() {
            if slot.is_none() {
                let name = &code.local_names[kwonly.start + i];
                match fun.kwdefaults.as_ref().and_then(|d| d.get_str(name)) {
                    Some(v) => *slot = Some(v),
                    None => missing.push(kwonly.start + i),
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.missing_args(fun, "keyword-only", &missing));
        }
        Ok(())
    }

    fn missing_args(&self, fun: &Gc<Function>, kind: &str, slots: &[usize]) -> Exc {
        let names: Vec<String> = slots
            .iter()
            .map(|&i| format!("'{}'", fun.code.local_names[i].as_str()))
            .collect();
        let list = match names.as_slice() {
            [one] => one.clone(),
            [a, b] => format!("{a} and {b}"),
            [init @ .., a, b] => format!("{}, {a}, and {b}", init.join(", ")),
            [] => String::new(),
        };
        let msg = format!(
            "{}() missing {} required {} argument{}: {}",
            fun.qualname.as_str(),
            names.len(),
            kind,
            if names.len() == 1 { "" } else { "s" },
            list
        );
        self.err(&self.types.type_error, msg)
    }
}
