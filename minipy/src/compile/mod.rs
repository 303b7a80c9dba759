//! Compilation: the parser's AST becomes a tree the evaluator can run
//! without looking names up by string in scopes.
//!
//! Two passes, as CPython's compiler: `symtable.rs` finds what each scope
//! binds and reads; `lower.rs` gives every name its home (local slot, cell,
//! globals, class namespace) and builds one [`Code`] per function, class
//! body and comprehension (`nodes.rs` lowers the statements and
//! expressions inside), shared by `Rc` between every function object
//! made from it.

mod code;
mod lower;
mod nodes;
mod symtable;

use std::rc::Rc;

pub use code::*;

use crate::ast;
use crate::vm::Vm;

/// A name-resolution error found while compiling (a `SyntaxError`).
#[derive(Debug, Clone)]
pub struct CompileError {
    /// The message.
    pub msg: String,
    /// The line (0 if unknown).
    pub line: u32,
}

impl CompileError {
    fn new(msg: String, line: u32) -> CompileError {
        CompileError { msg, line }
    }

    fn at(mut self, line: u32) -> CompileError {
        if self.line == 0 {
            self.line = line;
        }
        self
    }
}

/// Compiles a parsed module. `source` is its text, for tracebacks.
pub fn compile_module(
    vm: &Vm,
    module: &ast::Module,
    source: Rc<Source>,
) -> Result<Rc<Code>, CompileError> {
    let scope = symtable::analyze_module(&module.body);
    let lowerer = lower::Lowerer { vm, source };
    lowerer.module(module, &scope)
}
