//! Number and string literals: converting a NUMBER token to its value,
//! decoding escapes, joining adjacent strings, and splitting f-strings
//! into literal text and expressions (CPython's `string_parser.c`, with
//! Python 3.11's f-string rules: no backslash or `#` inside the braces).

use std::rc::Rc;

use super::{PResult, ParseError, Parser};
use crate::ast::{Expr, ExprKind, FStringPart};
use crate::lexer::{Token, TokenKind};

/// A string token's prefix letters, lowercased, and its body.
pub(super) struct StringToken<'a> {
    pub(super) raw: bool,
    bytes: bool,
    fstring: bool,
    /// The text between the quotes.
    pub(super) body: &'a str,
    /// Byte offset of `body` in the source.
    pub(super) body_start: usize,
}

fn split_string_token<'a>(text: &'a str, start: usize) -> StringToken<'a> {
    let quote_at = text.find(['\'', '"']).unwrap_or(0);
    let prefix = text[..quote_at].to_ascii_lowercase();
    let rest = &text[quote_at..];
    let quotes = if rest.len() >= 6 && (rest.starts_with("'''") || rest.starts_with("\"\"\"")) {
        3
    } else {
        1
    };
    let body = rest
        .get(quotes..rest.len().saturating_sub(quotes))
        .unwrap_or("");
    StringToken {
        raw: prefix.contains('r'),
        bytes: prefix.contains('b'),
        fstring: prefix.contains('f'),
        body,
        body_start: start + quote_at + quotes,
    }
}

impl Parser<'_> {
    /// A NUMBER token: an `Int` that fits in an i64, or a `Float`.
    pub(super) fn number(&mut self) -> PResult<Expr> {
        let tok = self.advance();
        let line = tok.line + self.line_offset;
        let text = self.text(&tok);
        if text.ends_with(['j', 'J']) {
            return Err(self.unsupported(&tok, "complex literals"));
        }
        let kind = match integer_value(text) {
            Some(Ok(value)) => {
                ExprKind::Int(i64::try_from(value).map_err(|_| self.too_large(&tok))?)
            }
            Some(Err(())) => return Err(self.too_large(&tok)),
            None => {
                let digits: String = text.chars().filter(|&c| c != '_').collect();
                ExprKind::Float(
                    digits
                        .parse()
                        .map_err(|_| self.error_at(&tok, "invalid decimal literal"))?,
                )
            }
        };
        Ok(Parser::expr(line, kind))
    }

    fn too_large(&self, tok: &Token) -> Box<ParseError> {
        self.error_at(tok, "minipy: integer literal too large")
    }

    /// `strings: STRING+`: adjacent literals joined into one `Str`, or an
    /// `FString` if any of them is an f-string.
    pub(super) fn strings(&mut self) -> PResult<Expr> {
        let line = self.line();
        // Errors in decoding are reported at the token after the group,
        // as CPython does; so read the group first.
        let first = self.pos;
        while self.peek_kind() == TokenKind::String {
            self.advance();
        }
        let mut parts = Vec::new();
        let mut any_fstring = false;
        for index in first..self.pos {
            let tok = self.tokens[index];
            let lit = split_string_token(self.text(&tok), tok.start);
            if lit.bytes {
                return Err(self.unsupported(&tok, "bytes literals"));
            }
            if lit.fstring {
                any_fstring = true;
                self.fstring(&tok, &lit, &mut parts)?;
            } else {
                let text = if lit.raw {
                    lit.body.to_string()
                } else {
                    self.decode_escapes(&tok, lit.body, 0)?
                };
                push_literal(&mut parts, &text);
            }
        }
        if any_fstring {
            return Ok(Parser::expr(line, ExprKind::FString(parts)));
        }
        let text = match parts.pop() {
            Some(FStringPart::Literal(text)) => text,
            _ => Rc::from(""),
        };
        Ok(Parser::expr(line, ExprKind::Str(text)))
    }

    /// Decodes the escapes of `body` (part of string token `tok`, starting
    /// `offset` bytes into the token's body), as Python's `unicode_escape`
    /// codec does; unknown escapes such as `\d` stay as they are.
    pub(super) fn decode_escapes(&self, tok: &Token, body: &str, offset: usize) -> PResult<String> {
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else {
                out.push('\\');
                break;
            };
            let simple = match e {
                '\n' => continue,
                '\\' | '\'' | '"' => Some(e),
                'a' => Some('\x07'),
                'b' => Some('\x08'),
                'f' => Some('\x0c'),
                'n' => Some('\n'),
                'r' => Some('\r'),
                't' => Some('\t'),
                'v' => Some('\x0b'),
                _ => None,
            };
            if let Some(c) = simple {
                out.push(c);
                continue;
            }
            match e {
                '0'..='7' => {
                    let mut value = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|&(_, d)| d.to_digit(8)) {
                            Some(d) => value = value * 8 + d,
                            None => break,
                        }
                        chars.next();
                    }
                    out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
                }
                'x' | 'u' | 'U' => {
                    let width = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let mut value = 0u32;
                    let mut read = 0;
                    while read < width {
                        match chars.peek().and_then(|&(_, d)| d.to_digit(16)) {
                            Some(d) => value = value.wrapping_mul(16).wrapping_add(d),
                            None => break,
                        }
                        chars.next();
                        read += 1;
                    }
                    let end = offset + i + 1 + read;
                    if read < width {
                        let what = match e {
                            'x' => "truncated \\xXX escape",
                            'u' => "truncated \\uXXXX escape",
                            _ => "truncated \\UXXXXXXXX escape",
                        };
                        return Err(self.unicode_error(offset + i, end, what));
                    }
                    if (0xd800..0xe000).contains(&value) {
                        return Err(self.unsupported(tok, "surrogate code points in strings"));
                    }
                    let Some(c) = char::from_u32(value) else {
                        return Err(self.unicode_error(
                            offset + i,
                            end,
                            "illegal Unicode character",
                        ));
                    };
                    out.push(c);
                }
                'N' => return Err(self.unsupported(tok, "\\N{...} escapes")),
                _ => {
                    out.push('\\');
                    out.push(e);
                }
            }
        }
        Ok(out)
    }

    /// CPython's message for a bad escape, with the caret after the
    /// strings: "(unicode error) 'unicodeescape' codec can't decode bytes
    /// in position 0-2: truncated \xXX escape".
    fn unicode_error(&self, from: usize, to: usize, what: &str) -> Box<ParseError> {
        let codec = "(unicode error) 'unicodeescape' codec";
        self.error_here(format!(
            "{codec} can't decode bytes in position {from}-{to}: {what}"
        ))
    }

    /// The parts of one f-string token, appended to `parts`.
    fn fstring(
        &mut self,
        tok: &Token,
        lit: &StringToken<'_>,
        parts: &mut Vec<FStringPart>,
    ) -> PResult<()> {
        let body = lit.body;
        let mut i = 0;
        let mut literal_start = 0;
        while i < body.len() {
            let b = body.as_bytes()[i];
            if b == b'\\' && !lit.raw && body[i..].starts_with("\\N{") {
                return Err(self.unsupported(tok, "\\N{...} escapes"));
            }
            if b != b'{' && b != b'}' {
                i += 1;
                continue;
            }
            self.fstring_literal(tok, lit, literal_start, i, parts)?;
            if body.as_bytes().get(i + 1) == Some(&b) {
                push_literal(parts, if b == b'{' { "{" } else { "}" });
                i += 2;
            } else if b == b'}' {
                return Err(self.fstring_error("single '}' is not allowed"));
            } else {
                i = self.replacement_field(tok, lit, i + 1, parts)?;
            }
            literal_start = i;
        }
        self.fstring_literal(tok, lit, literal_start, body.len().min(i), parts)
    }

    /// The literal text `body[from..to]` of an f-string, decoded.
    fn fstring_literal(
        &self,
        tok: &Token,
        lit: &StringToken<'_>,
        from: usize,
        to: usize,
        parts: &mut Vec<FStringPart>,
    ) -> PResult<()> {
        let Some(segment) = lit.body.get(from..to).filter(|s| !s.is_empty()) else {
            return Ok(());
        };
        let text = if lit.raw {
            segment.to_string()
        } else {
            self.decode_escapes(tok, segment, from)?
        };
        push_literal(parts, &text);
        Ok(())
    }

    /// An "f-string: ..." error, at the token after the strings.
    pub(super) fn fstring_error(&self, msg: &str) -> Box<ParseError> {
        self.error_here(format!("f-string: {msg}"))
    }
}

/// The value of an integer literal (`None` for a float), or `Err` if it
/// does not fit in 64 bits. The lexer has checked the digits.
pub(super) fn integer_value(text: &str) -> Option<Result<u64, ()>> {
    let digits: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .into_iter()
        .find(|(p, _)| digits.starts_with(p));
    let (digits, radix) = match radix {
        Some((prefix, radix)) => (&digits[prefix.len()..], radix),
        None if digits.contains(['.', 'e']) => return None,
        None => (digits.as_str(), 10),
    };
    Some(u64::from_str_radix(digits, radix).map_err(|_| ()))
}

/// Appends literal text, merging it with a literal just before it.
pub(super) fn push_literal(parts: &mut Vec<FStringPart>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(FStringPart::Literal(prev)) = parts.last_mut() {
        *prev = Rc::from(format!("{prev}{text}"));
    } else {
        parts.push(FStringPart::Literal(Rc::from(text)));
    }
}
