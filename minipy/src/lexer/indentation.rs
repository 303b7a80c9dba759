//! Indentation (CPython's `atbol` handling in `tok_get`): blank and
//! comment-only lines are skipped, and a line's indentation is compared
//! with the open blocks' to produce INDENT and DEDENT tokens or CPython's
//! errors. Also the backslash that joins two lines.
//!
//! Tabs advance to the next multiple of 8. Like CPython, the column is
//! also measured with tabs as 1: if the two measures disagree about how
//! two lines compare, tabs and spaces are mixed ambiguously (`TabError`).

use super::{
    LexError, LexErrorKind, LexResult, Lexer, Token, TokenKind, MAX_INDENT_DEPTH, TAB_SIZE,
};

impl Lexer<'_> {
    /// At the start of a line outside brackets: skips blank and
    /// comment-only lines, then measures the indentation and emits INDENT
    /// or DEDENTs (CPython's `tok_get`, the `atbol` branch).
    pub(super) fn indentation(&mut self) -> LexResult<()> {
        loop {
            let (mut col, mut altcol) = (0u32, 0u32);
            while let Some(b) = self.peek() {
                match b {
                    b' ' => (col, altcol) = (col + 1, altcol + 1),
                    b'\t' => (col, altcol) = ((col / TAB_SIZE + 1) * TAB_SIZE, altcol + 1),
                    b'\x0c' => (col, altcol) = (0, 0),
                    _ => break,
                }
                self.pos += 1;
            }
            match self.peek() {
                None => return Ok(()),
                Some(b'#') => self.skip_comment(),
                Some(b'\n') => self.new_line(),
                Some(b'\\') => {
                    // CPython joins the next line first, then compares
                    // this line's indentation.
                    self.continuation()?;
                    return self.change_indent(col, altcol);
                }
                Some(_) => return self.change_indent(col, altcol),
            }
            if self.peek() == Some(b'\n') {
                self.new_line();
            }
        }
    }

    /// Compares a line's indentation with the open blocks'.
    pub(super) fn change_indent(&mut self, col: u32, altcol: u32) -> LexResult<()> {
        let (top, alt_top) = self.indents[self.indents.len() - 1];
        if col == top {
            if altcol != alt_top {
                return Err(self.tab_error());
            }
        } else if col > top {
            if self.indents.len() > MAX_INDENT_DEPTH {
                let msg = "too many levels of indentation".to_string();
                return Err(self.error(LexErrorKind::WhenReached, "IndentationError", msg, 0));
            }
            if altcol <= alt_top {
                return Err(self.tab_error());
            }
            self.indents.push((col, altcol));
            self.tokens.push(Token {
                kind: TokenKind::Indent,
                start: self.line_start,
                end: self.pos,
                line: self.line,
                col: 0,
            });
        } else {
            // Like CPython, find the level first: a mismatch is reported
            // before any DEDENT is produced.
            let open = self
                .indents
                .iter()
                .rposition(|&(c, _)| c <= col)
                .unwrap_or(0);
            let (top, alt_top) = self.indents[open];
            if col != top {
                // CPython puts the caret after the end of the line.
                let line_len = self.src[self.pos..]
                    .find('\n')
                    .unwrap_or(self.src.len() - self.pos);
                let col0 = self.pos - self.line_start + line_len;
                let msg = "unindent does not match any outer indentation level".to_string();
                return Err(self.error(LexErrorKind::WhenReached, "IndentationError", msg, col0));
            }
            if altcol != alt_top {
                return Err(self.tab_error());
            }
            for _ in open + 1..self.indents.len() {
                self.push(TokenKind::Dedent, self.pos);
            }
            self.indents.truncate(open + 1);
        }
        Ok(())
    }

    pub(super) fn tab_error(&self) -> Box<LexError> {
        let msg = "inconsistent use of tabs and spaces in indentation".to_string();
        self.error(LexErrorKind::WhenReached, "TabError", msg, 0)
    }

    /// A backslash joining two physical lines.
    pub(super) fn continuation(&mut self) -> LexResult<()> {
        let col0 = self.pos - self.line_start + 1;
        if self.peek_at(1).is_some_and(|b| b != b'\n') {
            let msg = "unexpected character after line continuation character".to_string();
            return Err(self.error(LexErrorKind::WhenReached, "SyntaxError", msg, col0));
        }
        if self.pos + 2 >= self.bytes.len() {
            self.pos = self.bytes.len();
            if !self.brackets.is_empty() {
                return self.end_of_input();
            }
            let msg = "unexpected EOF while parsing".to_string();
            return Err(self.error(LexErrorKind::WhenReached, "SyntaxError", msg, col0));
        }
        self.pos += 1;
        self.new_line();
        Ok(())
    }
}
