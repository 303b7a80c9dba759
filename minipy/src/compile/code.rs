//! The resolved tree the evaluator runs: the parser's AST with every name
//! resolved to where it lives (a local slot, a cell, the globals, a class
//! namespace), attribute names interned, constants made into values and
//! each function's body shared behind an `Rc<Code>`.

use std::rc::Rc;

use refcycle::Gc;

use crate::ast::{BinOp, CmpOp, CompKind, UnaryOp};
use crate::object::{PyStr, Value};

/// A script's text, kept for the source lines tracebacks show.
pub struct Source {
    /// The file name as given (`<string>` for `-c`, `<stdin>` for the REPL).
    pub filename: Rc<str>,
    /// The lines, without their line ends.
    pub lines: Vec<String>,
}

impl Source {
    /// Splits `text` into lines.
    pub fn new(filename: &str, text: &str) -> Source {
        Source {
            filename: filename.into(),
            lines: text.lines().map(str::to_string).collect(),
        }
    }

    /// Line `n` (1-based), stripped of surrounding blanks, if it exists.
    pub fn line(&self, n: u32) -> Option<&str> {
        let l = self.lines.get((n as usize).checked_sub(1)?)?;
        let l = l.trim();
        (!l.is_empty()).then_some(l)
    }
}

/// What kind of body a [`Code`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    /// A module (names live in the globals).
    Module,
    /// A function or lambda.
    Function,
    /// A class body (names live in the class namespace).
    Class,
    /// A comprehension (a function of one argument, the iterator).
    Comprehension,
}

/// A compiled body.
pub struct Code {
    /// `co_name` (`f`, `<lambda>`, `<module>`, `<listcomp>`, the class name).
    pub name: Gc<PyStr>,
    /// `co_qualname` (`A.m`, `f.<locals>.g`).
    pub qualname: Gc<PyStr>,
    /// What kind of body this is.
    pub kind: CodeKind,
    /// The script it came from.
    pub source: Rc<Source>,
    /// The line of the `def` (1 for modules).
    pub line: u32,
    /// The parameters.
    pub params: ParamSpec,
    /// The number of local slots (parameters first).
    pub nlocals: usize,
    /// The name of each local slot.
    pub local_names: Vec<Gc<PyStr>>,
    /// How many of `cell_names` are this body's own cells (the rest are
    /// free variables, filled from the function's closure).
    pub ncells: usize,
    /// Cell variables, then free variables.
    pub cell_names: Vec<Gc<PyStr>>,
    /// Parameters that live in cells: (cell index, parameter slot).
    pub cell_params: Vec<(usize, usize)>,
    /// The statements.
    pub body: Vec<Stmt>,
}

/// A parameter list, in slot order: positional-or-keyword parameters,
/// keyword-only ones, then `*args` and `**kwargs` if present.
#[derive(Default)]
pub struct ParamSpec {
    /// Positional-or-keyword parameters.
    pub nargs: usize,
    /// Keyword-only parameters.
    pub nkwonly: usize,
    /// Whether there is a `*args` parameter (slot `nargs + nkwonly`).
    pub vararg: bool,
    /// Whether there is a `**kwargs` parameter (the slot after it).
    pub kwarg: bool,
}

/// Where a name lives.
#[derive(Clone)]
pub enum NameRef {
    /// A function's local slot.
    Local(u32),
    /// A cell of the frame (own or free).
    Deref(u32),
    /// The module's globals, then the built-ins; with a cache of where the
    /// name was last found.
    Global(Gc<PyStr>, GlobalCache),
    /// A class body's namespace, then the globals and built-ins.
    Name(Gc<PyStr>),
    /// A class body's namespace, then a free variable's cell.
    ClassDeref(Gc<PyStr>, u32),
}

/// Where a global name was last found: the entry position in the globals
/// (or the builtins) and the dict versions that position is valid for
/// (CPython 3.11's `LOAD_GLOBAL` inline cache). Versions are unique across
/// dicts (see `object/dict.rs`), so a version alone names a dict's state.
#[derive(Clone, Default)]
pub struct GlobalCache(std::cell::Cell<GlobalHint>);

/// The contents of a [`GlobalCache`].
#[derive(Clone, Copy, Default)]
pub struct GlobalHint {
    /// The globals' version (0: empty cache).
    pub globals: u64,
    /// The builtins' version, when the name is a builtin.
    pub builtins: u64,
    /// The entry position.
    pub pos: u32,
    /// Whether the name was found in the builtins.
    pub builtin: bool,
}

impl GlobalCache {
    /// The hint.
    #[inline]
    pub fn get(&self) -> GlobalHint {
        self.0.get()
    }

    /// Updates the hint.
    pub fn set(&self, h: GlobalHint) {
        self.0.set(h);
    }
}

/// An expression and its line.
pub struct Expr {
    /// The line it starts on.
    pub line: u32,
    /// What it is.
    pub kind: ExprKind,
}

/// The kinds of expression.
pub enum ExprKind {
    /// A constant (literal, or a tuple of literals).
    Const(Value),
    /// A name.
    Name(NameRef),
    /// `[a, b, *c]`.
    List(Vec<Expr>),
    /// `(a, b, *c)`.
    Tuple(Vec<Expr>),
    /// `{a, b}`.
    Set(Vec<Expr>),
    /// `{k: v}`.
    Dict(Vec<(Expr, Expr)>),
    /// `*x` inside a display.
    Starred(Box<Expr>),
    /// `obj.attr`.
    Attr(Box<Expr>, Gc<PyStr>),
    /// `obj[index]`.
    Subscript(Box<Expr>, Box<Expr>),
    /// `lower:upper:step`.
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `f(args)`.
    Call(Box<Expr>, CallArgs),
    /// `obj.name(args)`, which does not make a bound method.
    CallMethod(Box<Expr>, Gc<PyStr>, CallArgs),
    /// A call of `globals`, `locals`, `vars`, `dir`, `eval` or `exec`: if
    /// the name still means the built-in, it gets the caller's frame.
    FrameCall(FrameFn, Box<Expr>, CallArgs),
    /// Zero-argument `super()`: the `__class__` cell and the first
    /// parameter.
    Super {
        /// The `__class__` cell's index.
        class_cell: u32,
        /// Where the first parameter lives.
        first: Option<NameRef>,
    },
    /// `a op b`.
    BinOp(BinOp, Box<Expr>, Box<Expr>),
    /// `op a`.
    Unary(UnaryOp, Box<Expr>),
    /// `a and b` (`true`) / `a or b` (`false`).
    BoolOp(bool, Vec<Expr>),
    /// `a < b < c`.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `a if test else b`: (test, a, b).
    IfExp(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `lambda`.
    Lambda(Rc<FuncProto>),
    /// A comprehension: its function, and the first iterable (evaluated
    /// in the enclosing scope).
    Comprehension(Rc<FuncProto>, Box<Expr>),
    /// An f-string.
    FString(Vec<FPart>),
}

/// Part of an f-string.
pub enum FPart {
    /// Literal text.
    Literal(Gc<PyStr>),
    /// `{expr!conv:spec}`.
    Field {
        /// The expression.
        expr: Expr,
        /// `'r'`, `'s'`, `'a'` or none.
        conversion: Option<char>,
        /// The format spec.
        spec: Option<Rc<str>>,
    },
}

/// The built-ins that need the caller's frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameFn {
    /// `globals()`.
    Globals,
    /// `locals()`.
    Locals,
    /// `vars()`.
    Vars,
    /// `dir()`.
    Dir,
    /// `eval(src)`.
    Eval,
    /// `exec(src)`.
    Exec,
}

impl FrameFn {
    /// The one named `name`, if any.
    pub fn by_name(name: &str) -> Option<FrameFn> {
        Some(match name {
            "globals" => FrameFn::Globals,
            "locals" => FrameFn::Locals,
            "vars" => FrameFn::Vars,
            "dir" => FrameFn::Dir,
            "eval" => FrameFn::Eval,
            "exec" => FrameFn::Exec,
            _ => return None,
        })
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            FrameFn::Globals => "globals",
            FrameFn::Locals => "locals",
            FrameFn::Vars => "vars",
            FrameFn::Dir => "dir",
            FrameFn::Eval => "eval",
            FrameFn::Exec => "exec",
        }
    }
}

/// A call's arguments.
#[derive(Default)]
pub struct CallArgs {
    /// The arguments, in source order.
    pub items: Vec<CallArg>,
    /// True when every argument is positional (the fast path).
    pub positional_only: bool,
}

/// One argument.
pub enum CallArg {
    /// `x`.
    Pos(Expr),
    /// `name=x`.
    Kw(Gc<PyStr>, Expr),
    /// `*x`.
    Star(Expr),
    /// `**x`.
    DoubleStar(Expr),
}

/// A statement and its line.
pub struct Stmt {
    /// The line it starts on.
    pub line: u32,
    /// What it is.
    pub kind: StmtKind,
}

/// The kinds of statement.
pub enum StmtKind {
    /// An expression statement.
    Expr(Expr),
    /// `t1 = t2 = value`.
    Assign(Vec<Target>, Expr),
    /// `t op= value`.
    AugAssign(Target, BinOp, Expr),
    /// `if`.
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// `while`.
    While(Expr, Vec<Stmt>, Vec<Stmt>),
    /// `for`.
    For(Target, Expr, Vec<Stmt>, Vec<Stmt>),
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `pass` (and `global` / `nonlocal`, which compile to nothing).
    Pass,
    /// `return`.
    Return(Option<Expr>),
    /// `def`.
    Def(Rc<FuncProto>, Target),
    /// `class`.
    Class(Rc<ClassProto>, Target),
    /// `del`.
    Delete(Vec<Target>),
    /// `raise [exc [from cause]]`.
    Raise(Option<Expr>, Option<Expr>),
    /// `try`.
    Try(Box<TryStmt>),
    /// `assert test, msg`.
    Assert(Expr, Option<Expr>),
    /// `import m as n`: (module name, target).
    Import(Vec<(Gc<PyStr>, Target)>),
    /// `from m import a as b`.
    ImportFrom(Gc<PyStr>, Vec<(Gc<PyStr>, Target)>),
    /// The body of a comprehension function.
    Comp(Box<CompBody>),
}

/// An assignment target.
pub enum Target {
    /// A name.
    Name(NameRef),
    /// `obj.attr`.
    Attr(Expr, Gc<PyStr>),
    /// `obj[index]`.
    Subscript(Expr, Expr),
    /// `a, *b, c`: the targets and the index of the starred one.
    Unpack(Vec<Target>, Option<usize>),
}

/// A `try` statement.
pub struct TryStmt {
    /// The guarded block.
    pub body: Vec<Stmt>,
    /// The `except` clauses.
    pub handlers: Vec<Handler>,
    /// `else:`.
    pub orelse: Vec<Stmt>,
    /// `finally:`.
    pub finalbody: Vec<Stmt>,
}

/// An `except` clause.
pub struct Handler {
    /// The line of `except`.
    pub line: u32,
    /// The class (or tuple) matched; `None` matches everything.
    pub typ: Option<Expr>,
    /// The `as` target.
    pub name: Option<NameRef>,
    /// The handler body.
    pub body: Vec<Stmt>,
}

/// What a `def` or `lambda` needs to make a function at run time.
pub struct FuncProto {
    /// The body.
    pub code: Rc<Code>,
    /// Default expressions of the last positional parameters.
    pub defaults: Vec<Expr>,
    /// Keyword-only parameters' defaults.
    pub kwdefaults: Vec<(Gc<PyStr>, Expr)>,
    /// Decorators, outermost first.
    pub decorators: Vec<Expr>,
    /// For each free variable of `code`, the index of the cell in the
    /// defining frame.
    pub closure: Vec<u32>,
}

/// What a `class` statement needs at run time.
pub struct ClassProto {
    /// The class body.
    pub code: Rc<Code>,
    /// Base class expressions.
    pub bases: Vec<Expr>,
    /// Decorators, outermost first.
    pub decorators: Vec<Expr>,
    /// For each free variable of the body, the defining frame's cell.
    pub closure: Vec<u32>,
    /// The body's `__class__` cell, if a method uses `super()`.
    pub class_cell: Option<u32>,
}

/// The loop of a comprehension.
pub struct CompBody {
    /// List, set or dict.
    pub kind: CompKind,
    /// The element (the key, for a dict).
    pub elt: Expr,
    /// The value, for a dict.
    pub value: Option<Expr>,
    /// The `for` clauses, outermost first.
    pub generators: Vec<CompGen>,
}

/// One `for target in iter if cond` clause.
pub struct CompGen {
    /// The loop target.
    pub target: Target,
    /// The iterable (the `.0` argument for the first clause).
    pub iter: Expr,
    /// The conditions.
    pub ifs: Vec<Expr>,
}
