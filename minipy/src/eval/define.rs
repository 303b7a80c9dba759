//! `def`, `class` and `import` at run time.

use refcycle::Gc;

use super::FrameState;
use crate::compile::{ClassProto, FuncProto, Target};
use crate::object::{
    AttrMap, Cell, Class, Dict, DictStore, Function, Kind, PyStr, Super, Tuple, Value,
};
use crate::vm::{PyResult, Vm};

impl Vm {
    /// Makes a function object from a `def` or `lambda` (decorators are
    /// evaluated first, then defaults, as in CPython; decorators apply
    /// innermost first).
    pub(crate) fn make_function(&self, f: &FrameState, proto: &FuncProto) -> PyResult<Value> {
        let decorators = proto
            .decorators
            .iter()
            .map(|d| self.eval(f, d))
            .collect::<PyResult<Vec<_>>>()?;
        let defaults = if proto.defaults.is_empty() {
            None
        } else {
            let v = proto
                .defaults
                .iter()
                .map(|d| self.eval(f, d))
                .collect::<PyResult<Vec<_>>>()?;
            Some(Gc::new(Tuple::new(v)))
        };
        let kwdefaults = if proto.kwdefaults.is_empty() {
            None
        } else {
            let d = Dict::new_gc();
            for (name, e) in &proto.kwdefaults {
                let v = self.eval(f, e)?;
                d.set_str(name.clone(), v);
            }
            Some(d)
        };
        let closure = (!proto.closure.is_empty()).then(|| {
            let cells = proto.closure.iter();
            let items = cells
                .map(|&i| Value::Cell(f.cells[i as usize].clone()))
                .collect();
            Gc::new(Tuple::new(items))
        });
        let code = proto.code.clone();
        let ndefaults = defaults.as_ref().map_or(0, |d| d.items.len());
        let func = Value::Function(Gc::new(Function {
            positional: Function::positional_range(&code, ndefaults),
            name: code.name.clone(),
            qualname: code.qualname.clone(),
            code,
            globals: f.globals.clone(),
            defaults,
            kwdefaults,
            closure,
            attrs: Default::default(),
        }));
        self.decorate(func, decorators)
    }

    fn decorate(&self, mut v: Value, decorators: Vec<Value>) -> PyResult<Value> {
        for d in decorators.into_iter().rev() {
            v = self.call0(&d, vec![v])?;
        }
        Ok(v)
    }

    /// Runs a `class` statement: the body in a fresh namespace, then the
    /// class object made from it.
    pub(crate) fn make_class(&self, f: &FrameState, proto: &ClassProto) -> PyResult<Value> {
        let decorators = proto
            .decorators
            .iter()
            .map(|d| self.eval(f, d))
            .collect::<PyResult<Vec<_>>>()?;
        let bases = proto
            .bases
            .iter()
            .map(|b| self.eval(f, b))
            .collect::<PyResult<Vec<_>>>()?;
        let base = self.class_base(bases)?;
        let code = &proto.code;
        let ns = Dict::new_gc();
        let module = f
            .globals
            .get_str(&self.names.name)
            .unwrap_or_else(|| self.str_val("__main__"));
        ns.set_str(self.names.module.clone(), module);
        ns.set_str(
            self.names.qualname.clone(),
            Value::Str(code.qualname.clone()),
        );
        let mut cells: Vec<Gc<Cell>> = (0..code.ncells).map(|_| Gc::new(Cell::default())).collect();
        cells.extend(proto.closure.iter().map(|&i| f.cells[i as usize].clone()));
        let class_cell = proto.class_cell.map(|i| cells[i as usize].clone());
        let window = self.window_base();
        self.fill_window(window, code.nlocals);
        let fs = FrameState::new(self, code, None, f.globals, Some(ns.clone()), window, cells);
        self.run_frame(fs)?;
        let cls = self.class_from_namespace(&code.name, base, &ns)?;
        if let Some(cell) = class_cell {
            drop(cell.set(Some(Value::Class(cls.clone()))));
        }
        self.decorate(Value::Class(cls), decorators)
    }

    pub(crate) fn class_base(&self, bases: Vec<Value>) -> PyResult<Gc<Class>> {
        let mut bases = bases.into_iter();
        let base = match (bases.next(), bases.next()) {
            (None, _) => return Ok(self.types.object.clone()),
            (Some(Value::Class(c)), None) => c,
            (Some(_), None) => {
                return Err(self.err(&self.types.type_error, "bases must be types".into()))
            }
            (Some(_), Some(_)) => {
                let msg = "multiple inheritance is not supported by minipy".to_string();
                return Err(self.err(&self.types.type_error, msg));
            }
        };
        if base.kind == Kind::Builtin {
            let msg = format!(
                "minipy cannot subclass the built-in type '{}'",
                base.name.as_str()
            );
            return Err(self.err(&self.types.type_error, msg));
        }
        Ok(base)
    }

    /// Builds the class object from the body's namespace.
    pub(crate) fn class_from_namespace(
        &self,
        name: &Gc<PyStr>,
        base: Gc<Class>,
        ns: &Gc<Dict>,
    ) -> PyResult<Gc<Class>> {
        let mut dict = AttrMap::new();
        let mut qualname = name.clone();
        let mut module = self.intern("__main__");
        for (k, v) in ns.items() {
            let Value::Str(k) = k else { continue };
            let k = self.intern_str(&k);
            if Gc::ptr_eq(&k, &self.names.qualname) {
                if let Value::Str(q) = v {
                    qualname = q;
                }
                continue;
            }
            if Gc::ptr_eq(&k, &self.names.module) {
                if let Value::Str(m) = &v {
                    module = m.clone();
                }
            }
            dict.set(k, v);
        }
        if dict.contains(&self.names.eq) && !dict.contains(&self.names.hash) {
            // A class that defines __eq__ but not __hash__ is unhashable.
            dict.set(self.names.hash.clone(), Value::None);
        }
        let (slots, weakrefable) = self.slots_of(&dict, &base)?;
        let has_del = dict.contains(&self.names.del) || base.has_del.get();
        let kind = base.kind;
        Ok(Gc::new(Class {
            name: name.clone(),
            qualname,
            module,
            base: Some(base),
            dict: std::cell::RefCell::new(dict),
            kind,
            has_del: std::cell::Cell::new(has_del),
            slots,
            weakrefable,
            cache: std::cell::Cell::new((0, 0)),
            attr_hint: std::cell::Cell::new(0),
        }))
    }

    /// The attribute names instances may have (`None`: any) and whether
    /// they accept weak references, from `__slots__`.
    fn slots_of(
        &self,
        dict: &AttrMap,
        base: &Gc<Class>,
    ) -> PyResult<(Option<Vec<Gc<PyStr>>>, bool)> {
        let Some(spec) = dict.get(&self.names.slots).cloned() else {
            return Ok((None, true));
        };
        let names = match &spec {
            Value::Str(s) => vec![Value::Str(s.clone())],
            other => self.collect_iterable(other.clone())?,
        };
        let mut own = Vec::new();
        let mut has_dict = false;
        let mut weakref = false;
        for n in names {
            let Value::Str(s) = n else {
                let msg = format!(
                    "__slots__ items must be strings, not '{}'",
                    self.type_name(&n)
                );
                return Err(self.err(&self.types.type_error, msg));
            };
            match s.as_str() {
                "__dict__" => has_dict = true,
                "__weakref__" => weakref = true,
                _ => own.push(self.intern_str(&s)),
            }
        }
        let is_object = Gc::ptr_eq(base, &self.types.object);
        let inherited = if is_object {
            Some(Vec::new())
        } else {
            base.slots.clone()
        };
        let slots = match (inherited, has_dict) {
            (Some(mut names), false) => {
                names.extend(own);
                Some(names)
            }
            _ => None,
        };
        let weakrefable = weakref || (!is_object && base.weakrefable) || slots.is_none();
        Ok((slots, weakrefable))
    }

    /// A `super` object for `cls` and `obj`.
    pub fn make_super(&self, cls: Gc<Class>, obj: Value) -> PyResult<Value> {
        let ok = match &obj {
            Value::Class(c) => c.is_subclass(&cls),
            other => self.class_of(other).is_subclass(&cls),
        };
        if !ok {
            let msg = "super(type, obj): obj must be an instance or subtype of type".to_string();
            return Err(self.err(&self.types.type_error, msg));
        }
        Ok(Value::Super(Gc::new(Super { class: cls, obj })))
    }

    /// `import name`.
    pub(crate) fn import(&self, name: &Gc<PyStr>) -> PyResult<Value> {
        match self.modules.get_str(name) {
            Some(Value::None) => {
                let msg = format!("import of {} halted; None in sys.modules", name.as_str());
                return Err(self.err(&self.types.module_not_found_error, msg));
            }
            Some(m) => return Ok(m),
            None => {}
        }
        match crate::modules::create(self, name.as_str()) {
            Some(m) => {
                self.modules.set_str(name.clone(), Value::Module(m.clone()));
                Ok(Value::Module(m))
            }
            None => {
                let msg = format!("No module named '{}'", name.as_str());
                Err(self.err(&self.types.module_not_found_error, msg))
            }
        }
    }

    /// `from module import a as b, ...`.
    pub(crate) fn import_from(
        &self,
        f: &FrameState,
        module: &Gc<PyStr>,
        names: &[(Gc<PyStr>, Target)],
    ) -> PyResult<()> {
        let m = self.import(module)?;
        for (name, target) in names {
            let found = match &m {
                Value::Module(m) => m.dict.get_str(name),
                // Whatever a script put in `sys.modules`.
                other => self.getattr_opt(other, name)?,
            };
            let Some(v) = found else {
                let msg = format!(
                    "cannot import name '{}' from '{}' (unknown location)",
                    name.as_str(),
                    module.as_str()
                );
                return Err(self.err(&self.types.import_error, msg));
            };
            self.assign(f, target, v)?;
        }
        Ok(())
    }
}
