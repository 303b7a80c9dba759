//! Finding where number and string literals end, with CPython 3.11's
//! checks and messages (`tok_get`'s number and string branches,
//! `tok_decimal_tail`, `verify_end_of_number`).
//!
//! Only the shape is checked here. Converting a number to its value and
//! decoding a string's escapes is the parser's job, as in CPython.

use super::{is_potential_name_char, LexResult, Lexer, TokenKind};

impl Lexer<'_> {
    /// A number literal starting at `start` (a digit, or `.` and a digit).
    pub(super) fn number(&mut self, start: usize) -> LexResult<()> {
        if self.bytes[start] == b'0' {
            let radix = match self.peek_at(1) {
                Some(b'x' | b'X') => Some((16, "hexadecimal")),
                Some(b'o' | b'O') => Some((8, "octal")),
                Some(b'b' | b'B') => Some((2, "binary")),
                _ => None,
            };
            if let Some((radix, name)) = radix {
                self.pos += 2;
                self.radix_digits(radix, name)?;
            } else {
                self.leading_zero(start)?;
            }
        } else if self.bytes[start] == b'.' {
            self.pos += 1;
            self.fraction_and_exponent()?;
        } else {
            self.decimal_tail()?;
            if self.peek() == Some(b'.') {
                self.pos += 1;
            }
            self.fraction_and_exponent()?;
        }
        self.push(TokenKind::Number, start);
        Ok(())
    }

    /// Digits in base 16, 8 or 2 after the `0x`/`0o`/`0b` prefix.
    fn radix_digits(&mut self, radix: u32, name: &str) -> LexResult<()> {
        loop {
            if self.peek() == Some(b'_') {
                self.pos += 1;
            }
            let digit = |b: Option<u8>| b.is_some_and(|b| (b as char).is_digit(radix));
            if !digit(self.peek()) {
                return Err(self.bad_radix_digit(name));
            }
            while digit(self.peek()) {
                self.pos += 1;
            }
            if self.peek() != Some(b'_') {
                break;
            }
        }
        if radix != 16 && self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.bad_radix_digit(name));
        }
        self.end_of_number(name)
    }

    /// "invalid digit '8' in octal literal" (caret after the digit) or
    /// "invalid octal literal" (caret before the offending character).
    fn bad_radix_digit(&mut self, name: &str) -> Box<super::LexError> {
        match self.peek() {
            Some(b) if b.is_ascii_digit() && name != "hexadecimal" => {
                self.pos += 1;
                let msg = format!("invalid digit '{}' in {name} literal", b as char);
                self.raise_before_cur_plus_one(msg)
            }
            _ => self.raise_before_cur(format!("invalid {name} literal")),
        }
    }

    /// CPython's offset for "invalid digit": the column just after it.
    fn raise_before_cur_plus_one(&self, msg: String) -> Box<super::LexError> {
        self.raise_at(msg, self.pos - 1)
    }

    /// A literal starting with `0` that has no radix prefix: `0`, `00`,
    /// `0_0`, or a float such as `0.5` or `0777e1`. `0777` alone is the
    /// Python 2 octal spelling, which Python 3 rejects.
    fn leading_zero(&mut self, start: usize) -> LexResult<()> {
        loop {
            match self.peek() {
                Some(b'0') => self.pos += 1,
                Some(b'_') if self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) => self.pos += 1,
                Some(b'_') => {
                    self.pos += 1;
                    return Err(self.raise_before_cur("invalid decimal literal"));
                }
                _ => break,
            }
        }
        let nonzero = self.peek().is_some_and(|b| b.is_ascii_digit());
        if nonzero {
            self.decimal_tail()?;
        }
        match self.peek() {
            Some(b'.') => {
                self.pos += 1;
                self.fraction_and_exponent()
            }
            Some(b'e' | b'E' | b'j' | b'J') => self.fraction_and_exponent(),
            _ if nonzero => Err(self.raise_at(
                "leading zeros in decimal integer literals are not permitted; \
                 use an 0o prefix for octal integers",
                start,
            )),
            _ => self.end_of_number("decimal"),
        }
    }

    /// Digits with single underscores between them (`tok_decimal_tail`).
    fn decimal_tail(&mut self) -> LexResult<()> {
        loop {
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
            if self.peek() != Some(b'_') {
                return Ok(());
            }
            self.pos += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.raise_before_cur("invalid decimal literal"));
            }
        }
    }

    /// After the integer part and any `.`: fraction digits, exponent,
    /// imaginary suffix.
    fn fraction_and_exponent(&mut self) -> LexResult<()> {
        if self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.decimal_tail()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let e_pos = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
                if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.raise_before_cur("invalid decimal literal"));
                }
            } else if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                // `1e` is the number 1 followed by whatever `e...` is.
                self.pos = e_pos;
                return self.end_of_number("decimal");
            }
            self.decimal_tail()?;
        }
        if matches!(self.peek(), Some(b'j' | b'J')) {
            self.pos += 1;
            return self.end_of_number("imaginary");
        }
        self.end_of_number("decimal")
    }

    /// A number must not run into a name (`1abc`), except for the
    /// keywords that may follow a number in valid code (`1if x else 2`),
    /// which CPython 3.11 accepts with a warning.
    fn end_of_number(&mut self, name: &str) -> LexResult<()> {
        // CPython's `lookahead` wants a whole word for these, but only
        // two letters for `if`, `in` and `is`.
        let rest = &self.bytes[self.pos..];
        let whole_word = |k: &str| {
            rest.starts_with(k.as_bytes())
                && !rest
                    .get(k.len())
                    .is_some_and(|&b| is_potential_name_char(b))
        };
        let keyword_follows = ["and", "else", "for", "or", "not"]
            .into_iter()
            .any(whole_word)
            || ["if", "in", "is"]
                .iter()
                .any(|k| rest.starts_with(k.as_bytes()));
        match self.peek() {
            Some(b) if is_potential_name_char(b) && !keyword_follows => {
                Err(self.raise_before_cur(format!("invalid {name} literal")))
            }
            _ => Ok(()),
        }
    }

    /// A string literal whose prefix (if any) starts at `start` and whose
    /// opening quote is at the current position.
    pub(super) fn string(&mut self, start: usize) -> LexResult<()> {
        let quote = self.bytes[self.pos];
        let first_line = (self.line, self.line_start);
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        loop {
            match self.peek() {
                None => return Err(self.unterminated(start, first_line, triple)),
                Some(b'\n') if !triple => return Err(self.unterminated(start, first_line, triple)),
                Some(b'\n') => self.new_line(),
                Some(b'\\') => {
                    self.pos += 1;
                    if self.peek() == Some(b'\n') {
                        self.new_line();
                    } else if self.peek().is_some() {
                        self.pos += 1;
                    }
                }
                Some(b) if b == quote => {
                    if !triple {
                        self.pos += 1;
                        break;
                    }
                    if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                        self.pos += 3;
                        break;
                    }
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
        let (line, line_start) = first_line;
        let col = (start - line_start) as u32;
        self.tokens.push(super::Token {
            kind: TokenKind::String,
            start,
            end: self.pos,
            line,
            col,
        });
        Ok(())
    }

    /// "unterminated string literal (detected at line N)", with the caret
    /// on the literal's first character.
    fn unterminated(
        &mut self,
        start: usize,
        first_line: (u32, usize),
        triple: bool,
    ) -> Box<super::LexError> {
        // CPython counts a final newline as ending the last line, not as
        // starting a new one.
        let detected =
            if self.pos >= self.bytes.len() && self.pos == self.line_start && self.line > 1 {
                self.line - 1
            } else {
                self.line
            };
        let what = if triple {
            "triple-quoted string"
        } else {
            "string"
        };
        let msg = format!("unterminated {what} literal (detected at line {detected})");
        (self.line, self.line_start) = first_line;
        self.raise_at(msg, start)
    }
}
