//! Names and assignment: reading, binding and unbinding a resolved name
//! (local slot, cell, globals, class namespace), and assigning to or
//! deleting any target (`a.x`, `a[i]`, `a, *b = ...`).

use refcycle::Gc;

use super::FrameState;
use crate::compile::{Expr, ExprKind, NameRef, Target};
use crate::object::DictStore;
use crate::object::Value;
use crate::vm::{PyResult, Vm};

impl Vm {
    /// Reads a name.
    pub fn load(&self, f: &FrameState, r: &NameRef) -> PyResult<Value> {
        match r {
            NameRef::Local(i) => match f.get_local(*i as usize) {
                Some(v) => Ok(v),
                None => Err(self.unbound_local(&f.code.local_names[*i as usize])),
            },
            NameRef::Deref(i) => self.load_deref(f, *i as usize),
            NameRef::Global(name, cache) => self.load_global_cached(f, name, cache),
            NameRef::Name(name) => {
                if let Some(v) = f.namespace.as_ref().and_then(|ns| ns.get_str(name)) {
                    return Ok(v);
                }
                self.load_global(f, name)
            }
            NameRef::ClassDeref(name, i) => {
                if let Some(v) = f.namespace.as_ref().and_then(|ns| ns.get_str(name)) {
                    return Ok(v);
                }
                self.load_deref(f, *i as usize)
            }
        }
    }

    fn load_deref(&self, f: &FrameState, i: usize) -> PyResult<Value> {
        if let Some(v) = f.cells[i].get() {
            return Ok(v);
        }
        let name = &f.code.cell_names[i];
        if i < f.code.ncells {
            Err(self.unbound_local(name))
        } else {
            let msg = format!(
                "cannot access free variable '{}' where it is not associated with a value in \
                 enclosing scope",
                name.as_str()
            );
            Err(self.err(&self.types.name_error, msg))
        }
    }

    /// A global, through the name's cache when the dicts have not changed
    /// shape since the last lookup.
    #[inline]
    fn load_global_cached(
        &self,
        f: &FrameState,
        name: &Gc<crate::object::PyStr>,
        cache: &crate::compile::GlobalCache,
    ) -> PyResult<Value> {
        match self.cached_global(f, cache) {
            Some(v) => Ok(v),
            None => self.load_global_miss(f, name, cache),
        }
    }

    /// The value a global's cache points to, if the cache is still valid
    /// (inlined into the evaluator: most global reads end here).
    #[inline(always)]
    pub(crate) fn cached_global(
        &self,
        f: &FrameState,
        cache: &crate::compile::GlobalCache,
    ) -> Option<Value> {
        let h = cache.get();
        if h.globals != f.globals.version() {
            return None;
        }
        if !h.builtin {
            f.globals.value_at_pos(h.pos as usize)
        } else if h.builtins == self.builtins.version() {
            self.builtins.value_at_pos(h.pos as usize)
        } else {
            None
        }
    }

    /// Looks a global up and refills its cache.
    #[inline(never)]
    pub(crate) fn load_global_miss(
        &self,
        f: &FrameState,
        name: &Gc<crate::object::PyStr>,
        cache: &crate::compile::GlobalCache,
    ) -> PyResult<Value> {
        let mut h = crate::compile::GlobalHint {
            globals: f.globals.version(),
            builtins: self.builtins.version(),
            ..Default::default()
        };
        if let Some((pos, v)) = f.globals.find_str(name) {
            h.pos = pos as u32;
            cache.set(h);
            return Ok(v);
        }
        if let Some((pos, v)) = self.builtins.find_str(name) {
            h.pos = pos as u32;
            h.builtin = true;
            cache.set(h);
            return Ok(v);
        }
        Err(self.name_error(f, name))
    }

    fn load_global(&self, f: &FrameState, name: &Gc<crate::object::PyStr>) -> PyResult<Value> {
        if let Some(v) = f.globals.get_str(name) {
            return Ok(v);
        }
        if let Some(v) = self.builtins.get_str(name) {
            return Ok(v);
        }
        Err(self.name_error(f, name))
    }

    /// Binds a name.
    pub fn store(&self, f: &FrameState, r: &NameRef, v: Value) {
        match r {
            NameRef::Local(i) => f.set_local(*i as usize, Some(v)),
            NameRef::Deref(i) => drop(f.cells[*i as usize].set(Some(v))),
            NameRef::Global(name, _) => f.globals.set_str(name.clone(), v),
            NameRef::Name(name) | NameRef::ClassDeref(name, _) => match &f.namespace {
                Some(ns) => ns.set_str(name.clone(), v),
                None => f.globals.set_str(name.clone(), v),
            },
        }
    }

    /// Unbinds a name; returns whether it was bound.
    pub fn unbind(&self, f: &FrameState, r: &NameRef) -> bool {
        let old = match r {
            NameRef::Local(i) => f.with_locals(|l| l[*i as usize].take()),
            NameRef::Deref(i) => f.cells[*i as usize].set(None),
            NameRef::Global(name, _) => f.globals.remove_str(name).map(|(_, v)| v),
            NameRef::Name(name) | NameRef::ClassDeref(name, _) => {
                let ns = f.namespace.as_ref().unwrap_or(f.globals);
                ns.remove_str(name).map(|(_, v)| v)
            }
        };
        let was = old.is_some();
        drop(old);
        was
    }

    /// Assigns to a target. A local name, the most frequent target, is
    /// bound here; the other kinds are out of line in [`Vm::assign_other`],
    /// so that the local case does not pay for their stack frame.
    #[inline]
    pub fn assign(&self, f: &FrameState, t: &Target, v: Value) -> PyResult<()> {
        if let Target::Name(NameRef::Local(i)) = t {
            f.set_local(*i as usize, Some(v));
            return Ok(());
        }
        self.assign_other(f, t, v)
    }

    #[inline(never)]
    fn assign_other(&self, f: &FrameState, t: &Target, v: Value) -> PyResult<()> {
        match t {
            Target::Name(r) => {
                self.store(f, r, v);
                Ok(())
            }
            Target::Attr(obj, name) => {
                let o = self.eval(f, obj)?;
                self.setattr(&o, name, v)
            }
            Target::Subscript(obj, index) => {
                let o = self.eval(f, obj)?;
                if let ExprKind::Slice(a, b, c) = &index.kind {
                    let bounds = self.eval_slice_bounds(f, a, b, c)?;
                    return self.set_slice(&o, bounds, v);
                }
                let i = self.eval(f, index)?;
                self.setitem(&o, i, v)
            }
            Target::Unpack(targets, None) if matches!(&v, Value::Tuple(t) if t.items.len() == targets.len()) =>
            {
                // The common `a, b = pair`: no intermediate vector.
                let Value::Tuple(t) = &v else {
                    unreachable!("checked above")
                };
                for (target, item) in targets.iter().zip(t.items.iter()) {
                    self.assign(f, target, item.clone())?;
                }
                Ok(())
            }
            Target::Unpack(targets, star) => {
                let items = self.unpack(v, targets.len(), *star)?;
                for (t, item) in targets.iter().zip(items) {
                    self.assign(f, t, item)?;
                }
                Ok(())
            }
        }
    }

    pub(crate) fn delete(&self, f: &FrameState, t: &Target) -> PyResult<()> {
        match t {
            Target::Name(r) => {
                if self.unbind(f, r) {
                    return Ok(());
                }
                Err(match r {
                    NameRef::Local(i) => self.unbound_local(&f.code.local_names[*i as usize]),
                    NameRef::Deref(i) => self.unbound_local(&f.code.cell_names[*i as usize]),
                    NameRef::Global(n, _) | NameRef::Name(n) | NameRef::ClassDeref(n, _) => {
                        self.name_error(f, n)
                    }
                })
            }
            Target::Attr(obj, name) => {
                let o = self.eval(f, obj)?;
                self.delattr(&o, name)
            }
            Target::Subscript(obj, index) => {
                let o = self.eval(f, obj)?;
                if let ExprKind::Slice(a, b, c) = &index.kind {
                    let bounds = self.eval_slice_bounds(f, a, b, c)?;
                    return self.del_slice(&o, bounds);
                }
                let i = self.eval(f, index)?;
                self.delitem(&o, &i)
            }
            Target::Unpack(targets, _) => {
                for t in targets {
                    self.delete(f, t)?;
                }
                Ok(())
            }
        }
    }

    /// `t op= value`. A bound local holding an int, with an int operand,
    /// is updated here without the general machinery.
    #[inline]
    pub(crate) fn aug_assign(
        &self,
        f: &FrameState,
        t: &Target,
        op: crate::ast::BinOp,
        value: &Expr,
    ) -> PyResult<()> {
        if let Target::Name(NameRef::Local(slot)) = t {
            let slot = *slot as usize;
            if let Some(Value::Int(x)) = f.get_local(slot) {
                let v = self.eval(f, value)?;
                if let Value::Int(y) = v {
                    if let Some(new) = crate::eval::ops::int_fast(op, x, y) {
                        f.set_local(slot, Some(new));
                        return Ok(());
                    }
                }
                let new = self.inplace_op(op, Value::Int(x), &v)?;
                f.set_local(slot, Some(new));
                return Ok(());
            }
        }
        self.aug_assign_other(f, t, op, value)
    }

    #[inline(never)]
    fn aug_assign_other(
        &self,
        f: &FrameState,
        t: &Target,
        op: crate::ast::BinOp,
        value: &Expr,
    ) -> PyResult<()> {
        match t {
            Target::Name(r) => {
                let cur = self.load(f, r)?;
                let v = self.eval(f, value)?;
                let new = self.inplace_op(op, cur, &v)?;
                self.store(f, r, new);
                Ok(())
            }
            Target::Attr(obj, name) => {
                let o = self.eval(f, obj)?;
                let cur = self.getattr(&o, name)?;
                let v = self.eval(f, value)?;
                let new = self.inplace_op(op, cur, &v)?;
                self.setattr(&o, name, new)
            }
            Target::Subscript(obj, index) => {
                let o = self.eval(f, obj)?;
                let i = self.eval(f, index)?;
                let cur = self.getitem(&o, &i)?;
                let v = self.eval(f, value)?;
                let new = self.inplace_op(op, cur, &v)?;
                self.setitem(&o, i, new)
            }
            Target::Unpack(..) => Err(self.err(
                &self.types.type_error,
                "illegal expression for augmented assignment".into(),
            )),
        }
    }
}
