//! Binding a call's arguments to a Python function's parameters, with
//! CPython's order of checks and its error messages.

use refcycle::Gc;

use crate::object::{Args, Dict, DictStore, Function, PyStr, Value};
use crate::vm::{Exc, PyResult, Vm};

impl Vm {
    /// Binds arguments to parameters, in CPython's order of checks, into
    /// a new window of the local stack; returns the window's base.
    pub(crate) fn bind_args(&self, fun: &Gc<Function>, args: Args) -> PyResult<usize> {
        let base = self.window_base();
        match self.bind_into(fun, args, base) {
            Ok(()) => Ok(base),
            Err(e) => {
                self.pop_window(base);
                Err(e)
            }
        }
    }

    fn bind_into(&self, fun: &Gc<Function>, args: Args, base: usize) -> PyResult<()> {
        let code = &fun.code;
        let p = &code.params;
        let given = args.pos.len();
        let Args { pos, kw } = args;
        let mut pos = pos.into_iter();
        {
            let mut stack = self.local_stack.borrow_mut();
            stack.extend(pos.by_ref().take(p.nargs).map(Some));
            stack.resize(base + code.nlocals, None);
        }
        let extra: Vec<Value> = pos.collect();
        if p.vararg {
            let t = self.new_tuple(extra);
            self.with_window(base, |w| w[p.nargs + p.nkwonly] = Some(t));
        }
        if !kw.is_empty() || p.kwarg {
            self.bind_keywords(fun, base, kw)?;
        }
        if given > p.nargs && !p.vararg {
            return Err(self.too_many_positional(fun, given, base));
        }
        self.fill_defaults(fun, base)
    }

    fn bind_keywords(
        &self,
        fun: &Gc<Function>,
        base: usize,
        kw: Vec<(Gc<PyStr>, Value)>,
    ) -> PyResult<()> {
        let code = &fun.code;
        let p = &code.params;
        let names = &code.local_names[..p.nargs + p.nkwonly];
        let kwdict = if p.kwarg {
            let d = Dict::new_gc();
            let slot = p.nargs + p.nkwonly + usize::from(p.vararg);
            let v = Value::Dict(d.clone());
            self.with_window(base, |w| w[slot] = Some(v));
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
                (Some(i), _) if self.with_window(base, |w| w[i].is_some()) => {
                    let msg = format!(
                        "{}() got multiple values for argument '{}'",
                        fun.qualname.as_str(),
                        name.as_str()
                    );
                    return Err(self.err(&self.types.type_error, msg));
                }
                (Some(i), _) => self.with_window(base, |w| w[i] = Some(v)),
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

    fn too_many_positional(&self, fun: &Gc<Function>, given: usize, base: usize) -> Exc {
        let p = &fun.code.params;
        let kwonly_given = self.with_window(base, |w| {
            w[p.nargs..p.nargs + p.nkwonly]
                .iter()
                .filter(|v| v.is_some())
                .count()
        });
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

    fn fill_defaults(&self, fun: &Gc<Function>, base: usize) -> PyResult<()> {
        let code = &fun.code;
        let p = &code.params;
        let defaults: &[Value] = fun.defaults.as_ref().map_or(&[], |d| &d.items);
        let first_default = p.nargs - defaults.len();
        let missing: Vec<usize> = self.with_window(base, |w| {
            let mut missing = Vec::new();
            for (i, slot) in w[..p.nargs].iter_mut().enumerate() {
                if slot.is_none() {
                    if i >= first_default {
                        *slot = Some(defaults[i - first_default].clone());
                    } else {
                        missing.push(i);
                    }
                }
            }
            missing
        });
        if !missing.is_empty() {
            return Err(self.missing_args(fun, "positional", &missing));
        }
        let mut missing = Vec::new();
        for i in p.nargs..p.nargs + p.nkwonly {
            if self.with_window(base, |w| w[i].is_some()) {
                continue;
            }
            let name = &code.local_names[i];
            match fun.kwdefaults.as_ref().and_then(|d| d.get_str(name)) {
                Some(v) => self.with_window(base, |w| w[i] = Some(v)),
                None => missing.push(i),
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
