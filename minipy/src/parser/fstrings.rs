//! The replacement fields of an f-string: `{expr}`, `{expr!r}`,
//! `{expr:spec}` and `{expr=}`, following CPython 3.11's
//! `fstring_find_expr`.
//!
//! The expression's extent is found by scanning (brackets and quotes
//! nest; at the top level `!`, `:`, `=` or `}` end it), then its text is
//! parsed by a fresh lexer and parser, wrapped in parentheses as CPython
//! 3.11 does, so that it may span lines. A format spec must be plain text:
//! nested fields (`{x:{width}}`) are outside minipy's subset, because the
//! tree stores a spec as a string.

use std::rc::Rc;

use super::literals::{push_literal, StringToken};
use super::{PResult, ParseError, Parser};
use crate::ast::{Expr, FStringPart};
use crate::lexer::{self, Token, TokenKind};

/// The end of a field's expression and what ended it.
struct ExprEnd {
    /// Byte index in the body of the character that ended it.
    at: usize,
    /// That character: `!`, `:`, `=` or `}`.
    by: u8,
}

impl Parser<'_> {
    /// The field whose expression starts at `body[start..]` (just after
    /// its `{`); returns the index just past its closing `}`.
    pub(super) fn replacement_field(
        &mut self,
        tok: &Token,
        lit: &StringToken<'_>,
        start: usize,
        parts: &mut Vec<FStringPart>,
    ) -> PResult<usize> {
        let body = lit.body.as_bytes();
        let end = self.field_expression_end(lit.body, start)?;
        let text = &lit.body[start..end.at];
        if text.trim().is_empty() {
            return Err(self.fstring_error("empty expression not allowed"));
        }
        let expr = self.field_expression(tok, text, lit.body_start + start)?;
        let mut i = end.at;
        let mut conversion = None;
        if end.by == b'=' {
            i += 1;
            while body.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            push_literal(parts, &lit.body[start..i]);
        }
        if body.get(i) == Some(&b'!') {
            let c = body.get(i + 1).copied();
            if !matches!(c, Some(b's' | b'r' | b'a')) {
                let msg = if c.is_none() {
                    "expecting '}'"
                } else {
                    "invalid conversion character: expected 's', 'r', or 'a'"
                };
                return Err(self.fstring_error(msg));
            }
            conversion = c.map(char::from);
            i += 2;
        }
        let mut spec = None;
        if body.get(i) == Some(&b':') {
            let spec_end = lit.body[i + 1..]
                .find(['{', '}'])
                .map_or(body.len(), |n| i + 1 + n);
            if body.get(spec_end) == Some(&b'{') {
                return Err(
                    self.unsupported(tok, "nested replacement fields in f-string format specs")
                );
            }
            let raw_spec = &lit.body[i + 1..spec_end];
            let spec_text = if lit.raw {
                raw_spec.to_string()
            } else {
                self.decode_escapes(tok, raw_spec, i + 1)?
            };
            spec = Some(Rc::from(spec_text));
            i = spec_end;
        }
        if body.get(i) != Some(&b'}') {
            return Err(self.fstring_error("expecting '}'"));
        }
        if end.by == b'=' && conversion.is_none() && spec.is_none() {
            conversion = Some('r');
        }
        parts.push(FStringPart::Expr {
            expr: Box::new(expr),
            conversion,
            spec,
        });
        Ok(i + 1)
    }

    /// Scans a field's expression, from `body[start..]`, to the `!`, `:`,
    /// `=` or `}` that ends it at bracket depth 0.
    fn field_expression_end(&self, body: &str, start: usize) -> PResult<ExprEnd> {
        let bytes = body.as_bytes();
        let mut brackets: Vec<u8> = Vec::new();
        let mut quote: Option<&[u8]> = None;
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\\' {
                return Err(self.error_here("f-string expression part cannot include a backslash"));
            }
            if let Some(q) = quote {
                if bytes[i..].starts_with(q) {
                    i += q.len();
                    quote = None;
                } else {
                    i += 1;
                }
                continue;
            }
            let next = bytes.get(i + 1).copied();
            match b {
                b'#' => return Err(self.error_here("f-string expression part cannot include '#'")),
                b'\'' | b'"' => {
                    let triple = bytes[i..].starts_with(&[b, b, b]);
                    quote = Some(if triple {
                        &bytes[i..i + 3]
                    } else {
                        &bytes[i..i + 1]
                    });
                    i += if triple { 3 } else { 1 };
                    continue;
                }
                b'(' | b'[' | b'{' => brackets.push(b),
                b')' | b']' | b'}' => {
                    let Some(open) = brackets.pop() else {
                        if b == b'}' {
                            return Ok(ExprEnd { at: i, by: b });
                        }
                        return Err(self.fstring_error(&format!("unmatched '{}'", b as char)));
                    };
                    if !matches!((open, b), (b'(', b')') | (b'[', b']') | (b'{', b'}')) {
                        let msg = format!(
                            "closing parenthesis '{}' does not match opening parenthesis '{}'",
                            b as char, open as char
                        );
                        return Err(self.fstring_error(&msg));
                    }
                }
                b'=' | b'!' | b'<' | b'>' if next == Some(b'=') => i += 1,
                b'!' | b':' | b'=' if brackets.is_empty() => return Ok(ExprEnd { at: i, by: b }),
                _ => {}
            }
            i += 1;
        }
        if quote.is_some() {
            return Err(self.fstring_error("unterminated string"));
        }
        Err(self.fstring_error("expecting '}'"))
    }

    /// Parses a field's expression text, which starts at byte `at` of the
    /// source. Errors become "f-string: ..." errors at the f-string token.
    fn field_expression(&self, tok: &Token, text: &str, at: usize) -> PResult<Expr> {
        let line =
            tok.line + self.src[tok.start..at].matches('\n').count() as u32 + self.line_offset;
        let wrapped = format!("({text})");
        let lexed = lexer::tokenize(&wrapped);
        if let Some(err) = lexed.error {
            // CPython reports tokenizer errors without the "f-string: ".
            return Err(self.error_at(tok, err.error.msg.clone()));
        }
        let mut sub = Parser::new(&wrapped, lexed.tokens, line - 1);
        sub.depth = self.depth;
        let parsed = sub.star_expressions().and_then(|expr| {
            if sub.peek_kind() == TokenKind::Newline {
                Ok(expr)
            } else {
                Err(sub.invalid_syntax())
            }
        });
        parsed.map_err(|err| self.relocate(tok, &err))
    }

    /// An error from an f-string's expression, re-reported at the
    /// f-string token (on the line where it occurred).
    fn relocate(&self, tok: &Token, err: &ParseError) -> Box<ParseError> {
        let line = err
            .error
            .line
            .saturating_sub(self.line_offset)
            .max(tok.line);
        let msg = if err.error.msg.starts_with("f-string") {
            err.error.msg.clone()
        } else {
            format!("f-string: {}", err.error.msg)
        };
        let col0 = if line == tok.line {
            tok.col as usize
        } else {
            0
        };
        let mut relocated = self.error_at_pos(err.error.kind, msg, line, col0);
        relocated.overridable = err.overridable;
        relocated
    }
}
