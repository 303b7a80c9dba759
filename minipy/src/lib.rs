//! minipy: a small Python-subset interpreter whose every heap object is a
//! refcycle object.
//!
//! Reference counting frees most objects at once, refcycle's generational
//! collector finds the cycles, and instances with `__del__` run it through
//! refcycle's finalizer hook (PEP 442 semantics; `--legacy-del` gives
//! Python 2's, where a cycle with `__del__` lands in `gc.garbage`).
//!
//! Embed it with [`Interpreter`]:
//!
//! ```
//! use minipy::{Interpreter, Options};
//!
//! let mut py = Interpreter::with_options(Options { capture_output: true, ..Options::default() });
//! py.run("import gc\nclass A: pass\na = A(); a.me = a\ndel a\nprint(gc.collect())\n", "demo.py")
//!     .unwrap();
//! assert_eq!(py.take_output(), "1\n");
//! ```
//!
//! The runtime's layout: `compile/` resolves names once per function;
//! `eval/` runs the resolved tree; `object/` holds one Rust type per kind
//! of Python object; `builtins/` and `modules/` are the built-in
//! functions, methods and the `gc`, `sys`, `weakref` (and a small `time`)
//! modules; `vm/` is the interpreter state every part shares.
//!
//! # Where minipy knowingly differs from CPython 3.11
//! - Ints are 64-bit: a result outside `i64` raises `OverflowError`.
//!   `is` compares ints by value (CPython caches only -5..=256), and
//!   `id()` of an int, float, bool or `None` is a made-up stable number:
//!   equal ints share it, different ints in `-2**60..2**60` never do.
//! - `repr()` of a string escapes unassigned code points only where they
//!   fall in a control, format, separator or private-use range (minipy has
//!   no table of unassigned code points).
//! - Dicts are tracked as in CPython (from the first store of a value that
//!   may be tracked), but full collections do not untrack them again as
//!   CPython's do, and tuples of atomic values are never untracked
//!   (CPython untracks them at their first collection): a cycle holding
//!   such an older tuple, or a dict that once held a container, reports
//!   one more object to `gc.collect()`. `gc.is_tracked` answers as CPython
//!   would for tuples.
//! - Exception instances keep their attributes inline (CPython gives them
//!   a separate `__dict__` object once one is set).
//! - `map()` and `filter()` are eager; there are no generators.
//! - `eval()` and `exec()` see the caller's globals, not its locals.
//! - `sys.getrefcount` of an int, float, bool or `None` is 1000.

#![forbid(unsafe_code)]

pub mod ast;
pub mod lexer;
pub mod parser;
// Runtime modules below this line.
pub mod builtins;
pub mod compile;
pub mod eval;
mod interp;
pub mod modules;
pub mod object;
pub mod vm;

pub use interp::{Interpreter, PyError, STACK_SIZE};
pub use object::Value;
pub use vm::Options;

/// The highest recursion limit `sys.setrecursionlimit` accepts: what
/// [`STACK_SIZE`] holds with room to spare.
pub const MAX_RECURSION_LIMIT: u32 = 20_000;
