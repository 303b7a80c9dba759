//! The tokenizer: source text to the token list the parser reads.
//!
//! It follows the model of CPython's `Parser/tokenizer.c`: a NEWLINE token
//! ends each logical line, INDENT and DEDENT tokens bracket blocks, and
//! line breaks inside brackets or after a backslash are not tokens at all.
//! Blank and comment-only lines produce nothing. A string literal is one
//! token whose text the parser decodes later (as CPython's
//! `string_parser.c` does), so the lexer only has to find where it ends.
//!
//! Error messages, and the line and column they point at, are CPython
//! 3.11's. Lexing stops at the first error, which is returned beside the
//! tokens read so far rather than instead of them: CPython reports a
//! tokenizer error only in some circumstances (see [`LexErrorKind`]), and
//! the parser needs the tokens before the error to decide.

use crate::parser::SyntaxError;

mod indentation;
mod literals;

/// CPython's `MAXLEVEL`: brackets nest at most this deep.
pub const MAX_BRACKET_DEPTH: usize = 200;

/// CPython's `MAXINDENT` less one: blocks nest at most this deep.
pub const MAX_INDENT_DEPTH: usize = 99;

/// A tab advances the indentation column to the next multiple of this.
const TAB_SIZE: u32 = 8;

/// The hard keywords of Python 3.11, which can never be names.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Operators and delimiters, longest first so that the first match wins.
/// `$`, `?`, `!` and `` ` `` are not Python operators; they become tokens
/// anyway so that the parser reports them as "invalid syntax", as CPython
/// does.
const OPERATORS: [&str; 51] = [
    "**=", "//=", ">>=", "<<=", "...", "!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//", "/=",
    ":=", "<<", "<=", "==", ">=", ">>", "@=", "^=", "|=", "%", "&", "(", ")", "*", "+", ",", "-",
    ".", "/", ":", ";", "<", "=", ">", "@", "[", "]", "^", "{", "|", "}", "~", "$", "?", "!", "`",
];

/// What a token is. Names, numbers and strings carry no text: the parser
/// slices it from the source with [`Token::start`] and [`Token::end`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An identifier that is not a keyword.
    Name,
    /// A hard keyword (`if`, `None`, ...).
    Keyword(&'static str),
    /// A numeric literal, checked for shape but not converted.
    Number,
    /// A string literal, prefix and quotes included, escapes not decoded.
    String,
    /// An operator or delimiter.
    Op(&'static str),
    /// The end of a logical line.
    Newline,
    /// The start of an indented block.
    Indent,
    /// The end of an indented block.
    Dedent,
    /// The end of the input.
    EndMarker,
    /// Where lexing stopped with an error (always the last token).
    Error,
}

/// One token and where it is.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Byte offset of the token's first byte in the source.
    pub start: usize,
    /// Byte offset just past the token.
    pub end: usize,
    /// Line of the first byte, from 1.
    pub line: u32,
    /// Byte column of the first byte within its line, from 0.
    pub col: u32,
}

/// When a tokenizer error is reported, mirroring CPython's two kinds of
/// tokenizer failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexErrorKind {
    /// Errors CPython raises the moment the tokenizer meets them (bad
    /// literal, stray character, unmatched bracket). After a parse error
    /// CPython tokenizes the rest of the file looking for these, so they
    /// win over a parse error earlier in the file.
    Raised,
    /// Errors CPython only reports when the parser asks for the token
    /// (bad dedent, tab/space mix, too deep, stray backslash, end of input
    /// inside brackets).
    WhenReached,
}

/// A tokenizer error and when to report it.
#[derive(Debug, Clone)]
pub struct LexError {
    /// The error as it would be reported.
    pub error: SyntaxError,
    /// When it is reported.
    pub kind: LexErrorKind,
    /// If lexing stopped inside brackets: the innermost open bracket's
    /// line and the "'(' was never closed" error for it. CPython reports
    /// that instead of a parse error on a later line.
    pub unclosed: Option<(u32, SyntaxError)>,
}

/// The result of [`tokenize`].
#[derive(Debug)]
pub struct Lexed {
    /// The tokens; the last is `EndMarker`, or `Error` if lexing failed.
    pub tokens: Vec<Token>,
    /// The error lexing stopped at, if any.
    pub error: Option<Box<LexError>>,
}

type LexResult<T> = Result<T, Box<LexError>>;

/// Splits `src` into tokens. `src` must use `\n` line endings only (the
/// parser normalises `\r\n` and `\r` first, as CPython's reader does).
pub fn tokenize(src: &str) -> Lexed {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        indents: vec![(0, 0)],
        brackets: Vec::new(),
        tokens: Vec::with_capacity(src.len() / 6 + 4),
    };
    let mut error = lexer.run().err();
    if let Some(err) = &mut error {
        err.unclosed = lexer.unclosed();
        let at = lexer.pos.min(src.len());
        lexer.tokens.push(Token {
            kind: TokenKind::Error,
            start: at,
            end: at,
            line: err.error.line,
            col: 0,
        });
    }
    Lexed {
        tokens: lexer.tokens,
        error,
    }
}

/// True for a byte that may start an ASCII identifier.
fn is_ascii_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// True for a byte that may continue an identifier, as CPython's
/// `is_potential_identifier_char` (every non-ASCII byte counts).
fn is_potential_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// True for the common blocks of combining marks (general categories Mn
/// and Mc), which may continue an identifier. The standard library has no
/// Unicode category tables; letters' own marks (as in Indic scripts) are
/// already alphabetic, so these blocks cover what is left in practice.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}' | '\u{fe00}'..='\u{fe0f}' | '\u{fe20}'..='\u{fe2f}'
        | '\u{e0100}'..='\u{e01ef}')
}

/// True if `word` followed by a quote starts a string literal.
fn is_string_prefix(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "r" | "u" | "f" | "b" | "br" | "rb" | "fr" | "rf"
    )
}

/// A keyword's static name, if `word` is one.
fn keyword(word: &str) -> Option<&'static str> {
    KEYWORDS.iter().copied().find(|k| same(k, word))
}

/// String equality for the short strings of operators and keywords,
/// inlined: a call to `memcmp` per comparison was a tenth of the time to
/// parse a file (the parser asks "is the next token `(`?" several times
/// per token).
#[inline]
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// The state of one tokenization.
struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    /// Indentation columns of the open blocks: (column with tabs to 8,
    /// column with tabs to 1). Comparing both catches tab/space mixes.
    indents: Vec<(u32, u32)>,
    /// Open brackets: (bracket, line, byte column).
    brackets: Vec<(u8, u32, usize)>,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    /// Tokenizes line after line until the end of input.
    fn run(&mut self) -> LexResult<()> {
        loop {
            if self.brackets.is_empty() {
                self.indentation()?;
            }
            if self.pos >= self.bytes.len() {
                return self.end_of_input();
            }
            self.rest_of_line()?;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn col_of(&self, pos: usize) -> u32 {
        (pos - self.line_start) as u32
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        let col = self.col_of(start);
        self.tokens.push(Token {
            kind,
            start,
            end: self.pos,
            line: self.line,
            col,
        });
    }

    /// An error whose caret is at byte column `col0` of the current line.
    fn error(
        &self,
        kind: LexErrorKind,
        class: &'static str,
        msg: String,
        col0: usize,
    ) -> Box<LexError> {
        let error = SyntaxError::at(class, msg, self.src, self.line, col0);
        Box::new(LexError {
            error,
            kind,
            unclosed: None,
        })
    }

    /// "'(' was never closed" for the innermost open bracket, if any.
    fn unclosed(&self) -> Option<(u32, SyntaxError)> {
        let &(bracket, line, col) = self.brackets.last()?;
        let msg = format!("'{}' was never closed", bracket as char);
        Some((
            line,
            SyntaxError::at("SyntaxError", msg, self.src, line, col),
        ))
    }

    /// A `Raised` SyntaxError with the caret at byte offset `pos`.
    fn raise_at(&self, msg: impl Into<String>, pos: usize) -> Box<LexError> {
        let col0 = pos - self.line_start;
        self.error(LexErrorKind::Raised, "SyntaxError", msg.into(), col0)
    }

    /// A `Raised` SyntaxError whose caret is just before the current
    /// position, where CPython's `syntaxerror()` puts it (its offset is
    /// the count of characters before `tok->cur`).
    fn raise_before_cur(&self, msg: impl Into<String>) -> Box<LexError> {
        let before = self.src[self.line_start..self.pos].chars().next_back();
        let col0 = (self.pos - self.line_start).saturating_sub(before.map_or(1, char::len_utf8));
        self.error(LexErrorKind::Raised, "SyntaxError", msg.into(), col0)
    }

    fn new_line(&mut self) {
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    fn skip_comment(&mut self) {
        let rest = &self.src[self.pos..];
        self.pos += rest.find('\n').unwrap_or(rest.len());
    }

    /// Tokens up to and including the end of the physical line.
    fn rest_of_line(&mut self) -> LexResult<()> {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\x0c')) {
                self.pos += 1;
            }
            match self.peek() {
                None => return Ok(()),
                Some(b'#') => self.skip_comment(),
                Some(b'\n') => {
                    if self.brackets.is_empty() {
                        let (start, line, col) = (self.pos, self.line, self.col_of(self.pos));
                        let kind = TokenKind::Newline;
                        self.tokens.push(Token {
                            kind,
                            start,
                            end: start + 1,
                            line,
                            col,
                        });
                    }
                    self.new_line();
                    return Ok(());
                }
                Some(b'\\') => self.continuation()?,
                Some(_) => self.token()?,
            }
        }
    }

    /// The end of input: an implicit NEWLINE, DEDENTs, ENDMARKER.
    fn end_of_input(&mut self) -> LexResult<()> {
        if let Some((_, error)) = self.unclosed() {
            return Err(Box::new(LexError {
                error,
                kind: LexErrorKind::WhenReached,
                unclosed: None,
            }));
        }
        // CPython places the end of input just after the last line's text.
        let (line, col) = if self.pos == self.line_start && self.line > 1 {
            let prev = self.src[..self.line_start - 1]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            (self.line - 1, self.line_start - 1 - prev)
        } else {
            (self.line, self.pos - self.line_start)
        };
        let last = self.tokens.last().map(|t| t.kind);
        let needs_newline = !matches!(
            last,
            None | Some(TokenKind::Newline | TokenKind::Dedent | TokenKind::Indent)
        );
        let mut push = |kind| {
            let at = self.bytes.len();
            self.tokens.push(Token {
                kind,
                start: at,
                end: at,
                line,
                col: col as u32,
            });
        };
        if needs_newline {
            push(TokenKind::Newline);
        }
        for _ in 1..self.indents.len() {
            push(TokenKind::Dedent);
        }
        push(TokenKind::EndMarker);
        Ok(())
    }

    /// One token starting at a non-blank byte.
    fn token(&mut self) -> LexResult<()> {
        let start = self.pos;
        let b = self.bytes[start];
        if is_ascii_name_start(b) || b >= 0x80 {
            self.name_or_string(start)
        } else if b.is_ascii_digit()
            || (b == b'.' && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()))
        {
            self.number(start)
        } else if b == b'"' || b == b'\'' {
            self.string(start)
        } else {
            self.operator(start)
        }
    }

    /// An identifier or keyword, or the prefix of a string literal.
    fn name_or_string(&mut self, start: usize) -> LexResult<()> {
        let mut first = true;
        while let Some(b) = self.peek() {
            if b < 0x80 {
                if !(b.is_ascii_alphanumeric() || b == b'_') || (first && b.is_ascii_digit()) {
                    break;
                }
                self.pos += 1;
            } else {
                let c = self.src[self.pos..].chars().next().unwrap_or('\u{fffd}');
                let ok = if first {
                    c.is_alphabetic()
                } else {
                    c.is_alphanumeric() || is_combining_mark(c)
                };
                if !ok {
                    return Err(self.invalid_character(c));
                }
                self.pos += c.len_utf8();
            }
            first = false;
        }
        let word = &self.src[start..self.pos];
        if matches!(self.peek(), Some(b'"' | b'\'')) && is_string_prefix(word) {
            return self.string(start);
        }
        let kind = keyword(word).map_or(TokenKind::Name, TokenKind::Keyword);
        self.push(kind, start);
        Ok(())
    }

    /// CPython's message for a character that cannot appear in code
    /// (Python's `str.isprintable` approximated: controls, spaces and the
    /// common invisible format characters are "non-printable").
    fn invalid_character(&self, c: char) -> Box<LexError> {
        let invisible = matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{fffd}');
        let msg = if c.is_control() || c.is_whitespace() || invisible {
            format!("invalid non-printable character U+{:04X}", c as u32)
        } else {
            format!("invalid character '{c}' (U+{:04X})", c as u32)
        };
        self.raise_at(msg, self.pos)
    }

    /// An operator, delimiter, or stray character.
    fn operator(&mut self, start: usize) -> LexResult<()> {
        let rest = &self.bytes[start..];
        let starts_rest =
            |op: &&&str| op.len() <= rest.len() && op.bytes().zip(rest).all(|(a, &b)| a == b);
        let Some(op) = OPERATORS.iter().find(starts_rest) else {
            let c = self.src[start..].chars().next().unwrap_or('\u{fffd}');
            if c == '\0' {
                return Err(self.raise_at("source code cannot contain null bytes", start));
            }
            return Err(self.invalid_character(c));
        };
        self.pos += op.len();
        self.bracket(op, start)?;
        self.push(TokenKind::Op(op), start);
        Ok(())
    }

    /// Tracks bracket nesting (CPython's `parenstack`).
    fn bracket(&mut self, op: &str, start: usize) -> LexResult<()> {
        let b = op.as_bytes()[0];
        match b {
            b'(' | b'[' | b'{' => {
                if self.brackets.len() >= MAX_BRACKET_DEPTH {
                    return Err(self.raise_at("too many nested parentheses", start));
                }
                self.brackets.push((b, self.line, start - self.line_start));
            }
            b')' | b']' | b'}' => {
                let Some((open, line, _)) = self.brackets.pop() else {
                    return Err(self.raise_at(format!("unmatched '{op}'"), start));
                };
                let expected = match open {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if b != expected {
                    let mut msg = format!(
                        "closing parenthesis '{op}' does not match opening parenthesis '{}'",
                        open as char
                    );
                    if line != self.line {
                        msg += &format!(" on line {line}");
                    }
                    return Err(self.raise_at(msg, start));
                }
            }
            _ => {}
        }
        Ok(())
    }
}
