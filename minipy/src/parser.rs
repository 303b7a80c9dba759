//! The parser: tokens to the syntax tree of [`crate::ast`], or a
//! `SyntaxError` worded as CPython 3.11 words it.
//!
//! Recursive descent, one function per rule of CPython's
//! `Grammar/python.gram` and named after it (`simple_stmts`, `disjunction`,
//! `star_targets` ...). The rules live in submodules:
//!
//! | module | contents |
//! |---|---|
//! | `cursor` | looking at and consuming tokens; nesting limits |
//! | `statements` | `statements`, `simple_stmts` and each simple statement |
//! | `compound` | `block`, `if_stmt` ... `try_stmt`, `function_def`, `class_def` |
//! | `params` | `params`, `lambda_params` |
//! | `expressions` | `star_expressions` down to `primary` |
//! | `atoms` | `atom`, displays, comprehensions, call `arguments`, `slices` |
//! | `literals`, `fstrings` | numbers, strings, f-strings |
//! | `targets` | assignment, `for` and `del` targets and their errors |
//! | `hints` | CPython's `invalid_*` hints: `=` for `==`, a missing comma |
//! | `symtable`, `checks` | the checks CPython makes after parsing |
//! | `tests` | the tests, and a table of CPython's errors |
//!
//! # How errors are chosen
//!
//! CPython parses twice: once plainly, and, if that fails, again with
//! extra `invalid_*` rules that recognise common mistakes and raise a
//! specific message ("expected ':'", "cannot assign to literal"). A
//! recursive-descent parser knows at the point of failure what it was
//! parsing, so each rule raises the specific message itself, and falls
//! back to "invalid syntax" at the offending token.
//!
//! Tokenizer errors interact with parse errors as in CPython (see
//! [`LexErrorKind`]): `resolve` decides which one is reported. Checks
//! CPython makes after parsing ('return' outside function, duplicate
//! argument ...) run only once the whole module has parsed, so a syntax
//! error anywhere wins over them, as in CPython.
//!
//! # Limits
//!
//! Blocks nest at most 99 deep (CPython's indentation limit), statements
//! [`MAX_STATEMENT_DEPTH`] deep counting `elif`s, and expressions
//! [`MAX_NESTING`] and [`MAX_TREE_DEPTH`] deep. That bounds the recursion
//! of this parser and of whoever walks the tree after it: at the limits,
//! parsing and checking need about 1 MiB of stack in a debug build and
//! 400 KiB in a release build.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use crate::ast::{self, Expr};
use crate::lexer::{self, LexError, LexErrorKind, Token, TokenKind};

mod atoms;
mod checks;
mod compound;
mod cursor;
mod expressions;
mod fstrings;
mod hints;
mod literals;
mod params;
mod statements;
mod symtable;
mod targets;
#[cfg(test)]
mod tests;

/// How deeply statements may nest: blocks, and the links of an
/// `if`/`elif` chain, which nest in the tree. CPython's compiler gives up
/// somewhere under 3000 `elif`s; minipy stops earlier so that walking the
/// tree stays well within a thread's stack.
pub const MAX_STATEMENT_DEPTH: usize = 1000;

/// How deeply expressions may nest by recursion: brackets, unary
/// operators, `**`, lambdas and conditional expressions each count one.
/// Deeper input is a `SyntaxError`, not a stack overflow. CPython's
/// tokenizer allows 200 nested brackets; each costs this parser over 10
/// KiB of stack in a debug build, so minipy allows 100.
pub const MAX_NESTING: usize = 100;

/// How deep an expression's tree may be: nesting as above, plus one per
/// link of an operator chain (`a + b + c`) or of a chain of attributes,
/// calls and subscripts. The parser reads chains in loops, but whoever
/// walks the tree recurses once per level.
pub const MAX_TREE_DEPTH: usize = 1000;

/// A syntax error, with the fields of CPython's `SyntaxError`.
///
/// `Display` gives a one-line summary; a traceback-style report is built
/// from the fields:
///
/// ```text
///   File "x.py", line 3
///     x = = 1
///         ^
/// SyntaxError: invalid syntax
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// CPython's exception class: `"SyntaxError"`, `"IndentationError"`
    /// or `"TabError"`.
    pub kind: &'static str,
    /// The message, CPython's wording where CPython has one.
    pub msg: String,
    /// The line, from 1.
    pub line: u32,
    /// The column of the caret, from 1, in characters (CPython's
    /// `SyntaxError.offset`).
    pub col: u32,
    /// The offending source line, without its newline.
    pub text: Option<String>,
}

impl SyntaxError {
    /// An error at byte column `col0` (from 0) of line `line` of `source`.
    /// The column is converted to characters, as CPython reports it.
    pub(crate) fn at(
        kind: &'static str,
        msg: impl Into<String>,
        source: &str,
        line: u32,
        col0: usize,
    ) -> Self {
        let text = source.split('\n').nth(line.saturating_sub(1) as usize);
        let col = match text {
            Some(text) => {
                let mut cut = col0.min(text.len());
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text[..cut].chars().count() + (col0 - cut)
            }
            None => col0,
        };
        SyntaxError {
            kind,
            msg: msg.into(),
            line,
            col: col as u32 + 1,
            text: text.map(str::to_string),
        }
    }
}

impl fmt::Display for SyntaxError {
    /// `SyntaxError: invalid syntax (line 3)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (line {})", self.kind, self.msg, self.line)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a whole module (a script).
///
/// # Errors
///
/// A [`SyntaxError`] for input that is not Python 3.11, or that uses a
/// construct outside minipy's subset (its message then names the construct:
/// "minipy does not support 'yield'").
///
/// # Examples
///
/// ```
/// use minipy::parser::parse_module;
/// let module = parse_module("x = 1\nprint(x)\n").unwrap();
/// assert_eq!(module.body.len(), 2);
/// let err = parse_module("x = = 1\n").unwrap_err();
/// assert_eq!((err.msg.as_str(), err.line, err.col), ("invalid syntax", 1, 5));
/// ```
pub fn parse_module(source: &str) -> Result<ast::Module, SyntaxError> {
    let src = normalize_newlines(source);
    let lexed = lexer::tokenize(&src);
    let mut parser = Parser::new(&src, lexed.tokens, 0);
    let body = parser
        .file()
        .map_err(|err| resolve(*err, lexed.error.as_deref(), &parser))?;
    checks::check_module(&body, &src, &parser.duplicate_params)?;
    Ok(ast::Module { body })
}

/// Line endings as CPython's reader leaves them: `\r\n` and `\r` become
/// `\n`. A leading byte-order mark is dropped.
fn normalize_newlines(source: &str) -> Cow<'_, str> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if source.contains('\r') {
        Cow::Owned(source.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(source)
    }
}

/// Chooses between a parse error and the tokenizer error lexing stopped at,
/// as CPython's `_PyPegen_set_syntax_error` does: the tokenizer error wins
/// if the parser got that far, or if it is one CPython finds by tokenizing
/// the rest of the file after a parse error.
fn resolve(err: ParseError, lex: Option<&LexError>, parser: &Parser<'_>) -> SyntaxError {
    let Some(lex) = lex else { return err.error };
    let furthest = &parser.tokens[err.reached.min(parser.tokens.len() - 1)];
    if furthest.kind == TokenKind::Error {
        return lex.error.clone();
    }
    if !err.overridable {
        return err.error;
    }
    match (&lex.kind, &lex.unclosed) {
        (LexErrorKind::Raised, _) => lex.error.clone(),
        (_, Some((line, unclosed))) if furthest.line > *line => unclosed.clone(),
        _ => err.error,
    }
}

/// A parse error and how far the parser had read when it was raised.
#[derive(Debug)]
pub(crate) struct ParseError {
    error: SyntaxError,
    /// Index of the token the parser was at (CPython's furthest token).
    reached: usize,
    /// False for "unexpected indent", which CPython reports without
    /// looking for tokenizer errors further on, and for constructs outside
    /// the subset, which are reported where they are met.
    overridable: bool,
}

/// The result of a grammar rule.
pub(crate) type PResult<T> = Result<T, Box<ParseError>>;

/// The parser's state: the tokens and a cursor into them.
pub(crate) struct Parser<'src> {
    src: &'src str,
    tokens: Vec<Token>,
    pos: usize,
    /// Current expression nesting.
    depth: Depth,
    /// Current statement nesting, checked against [`MAX_STATEMENT_DEPTH`].
    statement_depth: usize,
    /// The furthest token any rule (lookaheads included) has looked at,
    /// CPython's `p->fill`: it decides whether a tokenizer error was
    /// reached, and which line a parse error is on for "'(' was never
    /// closed".
    furthest: usize,
    /// Set while parsing CPython's `expression_without_invalid`: the
    /// hints for juxtaposed expressions are off.
    without_invalid: bool,
    /// The bracket level of a dict key being parsed: a juxtaposition
    /// directly in it gets "':' expected after dictionary key" rather
    /// than the missing-comma hint.
    dict_key_level: Option<usize>,
    /// How many brackets enclose the current token (CPython's tokenizer
    /// `level`, which some messages depend on).
    brackets: usize,
    /// Duplicate-parameter errors by function (`Rc` address), reported by
    /// the symbol table checks after parsing, as CPython does.
    duplicate_params: HashMap<usize, SyntaxError>,
    /// Added to token lines: non-zero when parsing an f-string's
    /// expression, whose tokens are numbered from its own first line.
    line_offset: u32,
}

impl<'src> Parser<'src> {
    fn new(src: &'src str, tokens: Vec<Token>, line_offset: u32) -> Self {
        Parser {
            src,
            tokens,
            pos: 0,
            depth: Depth::default(),
            statement_depth: 0,
            furthest: 0,
            without_invalid: false,
            dict_key_level: None,
            brackets: 0,
            duplicate_params: HashMap::new(),
            line_offset,
        }
    }

    // ----- Errors -------------------------------------------------------

    /// A `SyntaxError` at byte column `col0` of `line` (a line of this
    /// parser's source; `line_offset` is applied here).
    fn error_at_pos(
        &self,
        kind: &'static str,
        msg: String,
        line: u32,
        col0: usize,
    ) -> Box<ParseError> {
        let mut error = SyntaxError::at(kind, msg, self.src, line, col0);
        error.line += self.line_offset;
        Box::new(ParseError {
            error,
            reached: self.furthest.max(self.pos),
            overridable: true,
        })
    }

    /// A `SyntaxError` with the caret on token `tok`.
    fn error_at(&self, tok: &Token, msg: impl Into<String>) -> Box<ParseError> {
        self.error_at_pos("SyntaxError", msg.into(), tok.line, tok.col as usize)
    }

    /// A `SyntaxError` with the caret on the current token.
    fn error_here(&self, msg: impl Into<String>) -> Box<ParseError> {
        self.error_at(self.peek(), msg)
    }

    /// "minipy does not support ..." for a construct outside the subset.
    ///
    /// Reported as soon as it is met, even when CPython would find a
    /// tokenizer error further on: the construct is the first problem.
    fn unsupported(&self, tok: &Token, what: &str) -> Box<ParseError> {
        let mut err = self.error_at(tok, format!("minipy does not support {what}"));
        err.overridable = false;
        err
    }

    /// The generic error at the current token: "invalid syntax", or
    /// "unexpected indent" / "unexpected unindent" when the token is an
    /// INDENT / DEDENT (CPython's `_PyPegen_set_syntax_error`).
    fn invalid_syntax(&self) -> Box<ParseError> {
        let tok = *self.peek();
        let (msg, col0) = match tok.kind {
            TokenKind::Indent => ("unexpected indent", (tok.end - tok.start).saturating_sub(1)),
            TokenKind::Dedent => ("unexpected unindent", tok.col as usize),
            _ => return self.error_at(&tok, "invalid syntax"),
        };
        let mut err = self.error_at_pos("IndentationError", msg.to_string(), tok.line, col0);
        err.overridable = false;
        err
    }

    /// An error at the position of an already-parsed expression. The tree
    /// keeps only lines, so the parser remembers the token each expression
    /// started at; see [`ExprStart`].
    fn error_at_expr(&self, start: ExprStart, msg: impl Into<String>) -> Box<ParseError> {
        let tok = self.tokens[start.0];
        self.error_at(&tok, msg)
    }

    /// An error at `part`, a sub-expression of `whole`, which started at
    /// token `start`: the caret goes on the token where `part` starts
    /// (see [`locate`](Parser::locate)).
    fn error_at_part(
        &self,
        start: ExprStart,
        whole: &Expr,
        part: &Expr,
        msg: impl Into<String>,
    ) -> Box<ParseError> {
        let index = self.locate(start.0, whole, part).unwrap_or(start.0);
        let tok = self.tokens[index];
        self.error_at(&tok, msg)
    }

    // ----- file ---------------------------------------------------------

    /// `file: [statements] ENDMARKER`
    fn file(&mut self) -> PResult<Vec<ast::Stmt>> {
        let mut body = Vec::new();
        while self.peek_kind() != TokenKind::EndMarker {
            self.statement(&mut body)?;
        }
        Ok(body)
    }
}

/// Expression nesting, against [`MAX_NESTING`] and [`MAX_TREE_DEPTH`].
#[derive(Debug, Clone, Copy, Default)]
struct Depth {
    nesting: usize,
    tree: usize,
}

/// The token index an expression started at (for error positions).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExprStart(usize);
