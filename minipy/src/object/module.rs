//! Module objects (a name and a dict of globals) and code objects.

use std::borrow::Cow;

use refcycle::{Gc, Trace, Visitor};

use super::{Dict, PyStr};

/// A module (`__main__`, or one of the built-in `gc`, `sys`, `weakref`).
pub struct Module {
    /// `__name__`.
    pub name: Gc<PyStr>,
    /// The module's namespace (`__dict__`, the globals of its code).
    pub dict: Gc<Dict>,
}

impl Trace for Module {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.dict.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("module")
    }
}

/// A code object (`f.__code__`, `frame.f_code`): a view of compiled code.
/// Never tracked, as in CPython.
pub struct CodeObject {
    /// The compiled code.
    pub code: std::rc::Rc<crate::compile::Code>,
}

impl Trace for CodeObject {
    const NEEDS_TRACE: bool = false;

    fn trace(&self, _visitor: &mut Visitor<'_>) {}

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("code")
    }
}
