//! The syntax tree the parser produces and the evaluator walks.
//!
//! It mirrors the shape of CPython's `ast` module for the subset minipy
//! runs, so that the names are familiar (`If`, `While`, `FunctionDef`,
//! `BinOp` ...). Every statement and expression carries the line it
//! starts on, which is what tracebacks and error messages report.
//!
//! The parser accepts the whole of the subset and nothing more: a
//! construct outside it is a `SyntaxError` naming the construct and its
//! line, raised by the parser, so the evaluator never meets it.

use std::rc::Rc;

/// A line number, counted from 1, as CPython reports them.
pub type Line = u32;

/// A parsed module: the statements of one script (or one `-c` string, or
/// one interactive input).
#[derive(Debug, Clone)]
pub struct Module {
    /// The statements, in order.
    pub body: Vec<Stmt>,
}

/// A statement and the line it starts on.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// The line of the statement's first token.
    pub line: Line,
    /// What the statement is.
    pub kind: StmtKind,
}

/// The kinds of statement in the subset.
#[derive(Debug, Clone)]
pub enum StmtKind {
    /// An expression evaluated for its effect (`f(x)`).
    Expr(Expr),
    /// `a = b = value`: each target gets the value, left to right.
    Assign {
        /// The targets, leftmost first.
        targets: Vec<Expr>,
        /// The value assigned.
        value: Expr,
    },
    /// `target op= value` (`x += 1`).
    AugAssign {
        /// A name, attribute or subscript.
        target: Expr,
        /// The operation (`Add` for `+=`).
        op: BinOp,
        /// The right-hand side.
        value: Expr,
    },
    /// `if test: body elif ...: ... else: orelse` (an `elif` is an `If`
    /// alone in `orelse`, as in CPython's ast).
    If {
        /// The condition.
        test: Expr,
        /// Run if the condition is true.
        body: Vec<Stmt>,
        /// Run otherwise (empty if there is no `else`).
        orelse: Vec<Stmt>,
    },
    /// `while test: body else: orelse`.
    While {
        /// The condition.
        test: Expr,
        /// The loop body.
        body: Vec<Stmt>,
        /// Run when the loop ends without `break`.
        orelse: Vec<Stmt>,
    },
    /// `for target in iter: body else: orelse`.
    For {
        /// The loop variable(s).
        target: Expr,
        /// The iterable.
        iter: Expr,
        /// The loop body.
        body: Vec<Stmt>,
        /// Run when the loop ends without `break`.
        orelse: Vec<Stmt>,
    },
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `pass`.
    Pass,
    /// `return` or `return value`.
    Return(Option<Expr>),
    /// `def name(params): body`, possibly decorated.
    FunctionDef(Rc<FunctionDef>),
    /// `class name(bases): body`, possibly decorated.
    ClassDef(Rc<ClassDef>),
    /// `global a, b`.
    Global(Vec<Rc<str>>),
    /// `nonlocal a, b`.
    Nonlocal(Vec<Rc<str>>),
    /// `del a, b[i], c.attr`.
    Delete(Vec<Expr>),
    /// `raise`, `raise exc`, or `raise exc from cause`.
    Raise {
        /// The exception; `None` for a bare `raise`.
        exc: Option<Expr>,
        /// The `from` cause.
        cause: Option<Expr>,
    },
    /// `try: body except ...: ... else: orelse finally: finalbody`.
    Try {
        /// The guarded statements.
        body: Vec<Stmt>,
        /// The `except` clauses, in order.
        handlers: Vec<ExceptHandler>,
        /// The `else` clause.
        orelse: Vec<Stmt>,
        /// The `finally` clause.
        finalbody: Vec<Stmt>,
    },
    /// `assert test` or `assert test, msg`.
    Assert {
        /// The condition.
        test: Expr,
        /// The message.
        msg: Option<Expr>,
    },
    /// `import a, b` (only the built-in modules `gc`, `sys`, `weakref`).
    /// Each entry is (module name, `as` name).
    Import(Vec<(Rc<str>, Option<Rc<str>>)>),
    /// `from module import a, b as c`.
    ImportFrom {
        /// The (dotted) module name.
        module: Rc<str>,
        /// Each (name, `as` name).
        names: Vec<(Rc<str>, Option<Rc<str>>)>,
    },
}

/// One `except` clause.
#[derive(Debug, Clone)]
pub struct ExceptHandler {
    /// The line of the `except` keyword.
    pub line: Line,
    /// The class (or tuple of classes) matched; `None` for a bare `except:`.
    pub typ: Option<Expr>,
    /// The `as` name.
    pub name: Option<Rc<str>>,
    /// The handler's statements.
    pub body: Vec<Stmt>,
}

/// A `def` statement or (with `name == "<lambda>"`) a lambda.
#[derive(Debug)]
pub struct FunctionDef {
    /// The line of the `def` keyword (of the first decorator if any, as
    /// CPython 3.8+ reports the `def` line; use the `def` line).
    pub line: Line,
    /// The function's name; `"<lambda>"` for a lambda.
    pub name: Rc<str>,
    /// The parameters, in order.
    pub params: Params,
    /// The body; a lambda's body is one `Return` statement.
    pub body: Vec<Stmt>,
    /// Decorator expressions, outermost first.
    pub decorators: Vec<Expr>,
    /// True for a lambda.
    pub is_lambda: bool,
}

/// A parameter list: `(a, b=1, *args, c, d=2, **kwargs)`.
#[derive(Debug, Clone, Default)]
pub struct Params {
    /// Positional-or-keyword parameters, each with its default if any.
    pub args: Vec<(Rc<str>, Option<Expr>)>,
    /// The `*args` name.
    pub vararg: Option<Rc<str>>,
    /// Keyword-only parameters, each with its default if any.
    pub kwonly: Vec<(Rc<str>, Option<Expr>)>,
    /// The `**kwargs` name.
    pub kwarg: Option<Rc<str>>,
}

/// A `class` statement.
#[derive(Debug)]
pub struct ClassDef {
    /// The line of the `class` keyword.
    pub line: Line,
    /// The class name.
    pub name: Rc<str>,
    /// Base class expressions (the subset allows at most one).
    pub bases: Vec<Expr>,
    /// The class body.
    pub body: Vec<Stmt>,
    /// Decorator expressions, outermost first.
    pub decorators: Vec<Expr>,
}

/// An expression and the line it starts on.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The line of the expression's first token.
    pub line: Line,
    /// What the expression is.
    pub kind: ExprKind,
}

/// The kinds of expression in the subset.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A name (`x`).
    Name(Rc<str>),
    /// An integer literal that fits in i64 (a larger one is a parse-time
    /// `OverflowError`-style SyntaxError, see the parser).
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal (adjacent literals already joined; escapes
    /// already decoded).
    Str(Rc<str>),
    /// An f-string: literal parts and `{expr}` / `{expr!r}` / `{expr:spec}`
    /// parts, in order.
    FString(Vec<FStringPart>),
    /// `True` / `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `...`.
    Ellipsis,
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `(a, b)` or `a, b`.
    Tuple(Vec<Expr>),
    /// `{k: v}`.
    Dict(Vec<(Expr, Expr)>),
    /// `{a, b}`.
    Set(Vec<Expr>),
    /// `[elt for ... if ...]`, `{...}` comprehensions and generator
    /// expressions passed straight to a call (evaluated eagerly to a list).
    Comprehension {
        /// What it builds.
        kind: CompKind,
        /// The element (for a dict comprehension, the key).
        elt: Box<Expr>,
        /// For a dict comprehension, the value expression.
        value: Option<Box<Expr>>,
        /// The `for` clauses, outermost first.
        generators: Vec<CompFor>,
    },
    /// `obj.attr`.
    Attribute {
        /// The object.
        value: Box<Expr>,
        /// The attribute name.
        attr: Rc<str>,
    },
    /// `obj[index]`.
    Subscript {
        /// The object.
        value: Box<Expr>,
        /// The index: an expression, a `Slice`, or a `Tuple` of them.
        index: Box<Expr>,
    },
    /// `lower:upper:step` inside a subscript.
    Slice {
        /// The start.
        lower: Option<Box<Expr>>,
        /// The stop.
        upper: Option<Box<Expr>>,
        /// The step.
        step: Option<Box<Expr>>,
    },
    /// `func(args, name=value, *seq, **map)`.
    Call {
        /// The callee.
        func: Box<Expr>,
        /// The arguments, in source order.
        args: Vec<Arg>,
    },
    /// `left op right` for arithmetic and bitwise operators.
    BinOp {
        /// The left operand.
        left: Box<Expr>,
        /// The operator.
        op: BinOp,
        /// The right operand.
        right: Box<Expr>,
    },
    /// `op operand` (`-x`, `+x`, `~x`, `not x`).
    UnaryOp {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `a and b and c` / `a or b`.
    BoolOp {
        /// The operator.
        op: BoolOp,
        /// The operands (two or more).
        values: Vec<Expr>,
    },
    /// `a < b <= c`: a chain of comparisons.
    Compare {
        /// The leftmost operand.
        left: Box<Expr>,
        /// The operators, left to right.
        ops: Vec<CmpOp>,
        /// The operands after each operator.
        comparators: Vec<Expr>,
    },
    /// `body if test else orelse`.
    IfExp {
        /// The condition.
        test: Box<Expr>,
        /// The value if true.
        body: Box<Expr>,
        /// The value if false.
        orelse: Box<Expr>,
    },
    /// `lambda params: body`.
    Lambda(Rc<FunctionDef>),
    /// `*expr` inside a list/tuple display or an assignment target.
    Starred(Box<Expr>),
}

/// A piece of an f-string.
#[derive(Debug, Clone)]
pub enum FStringPart {
    /// Literal text.
    Literal(Rc<str>),
    /// `{expr}`, `{expr!r}`, `{expr!s}`, `{expr:spec}`.
    Expr {
        /// The expression.
        expr: Box<Expr>,
        /// `'r'`, `'s'` or `'a'` after a `!`.
        conversion: Option<char>,
        /// The format spec after a `:`.
        spec: Option<Rc<str>>,
    },
}

/// The kind of a comprehension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompKind {
    /// `[...]`, and a generator expression (evaluated eagerly).
    List,
    /// `{x for ...}`.
    Set,
    /// `{k: v for ...}`.
    Dict,
}

/// One `for target in iter if cond...` clause of a comprehension.
#[derive(Debug, Clone)]
pub struct CompFor {
    /// The loop target.
    pub target: Expr,
    /// The iterable.
    pub iter: Expr,
    /// The `if` conditions.
    pub ifs: Vec<Expr>,
}

/// One argument of a call.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A positional argument.
    Positional(Expr),
    /// `name=value`.
    Keyword(Rc<str>, Expr),
    /// `*seq`.
    Star(Expr),
    /// `**map`.
    DoubleStar(Expr),
}

/// Binary operators (also the operator of an augmented assignment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `~x`
    Invert,
    /// `not x`
    Not,
}

/// `and` / `or`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    /// `and`
    And,
    /// `or`
    Or,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtE,
    /// `>`
    Gt,
    /// `>=`
    GtE,
    /// `is`
    Is,
    /// `is not`
    IsNot,
    /// `in`
    In,
    /// `not in`
    NotIn,
}
