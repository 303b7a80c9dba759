//! `str`: an immutable string that the collector never tracks, and its
//! `repr`.
//!
//! Python indexes strings by code point. A [`PyStr`] keeps its UTF-8 text
//! and its length in code points; when the two are equal (ASCII, the common
//! case) indexing is a byte offset, otherwise it walks the characters.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt::Write as _;

use refcycle::{Gc, Trace, Visitor};

/// A Python `str`.
pub struct PyStr {
    text: Box<str>,
    chars: usize,
    /// The cached hash; 0 means "not computed yet" (a real hash of 0 is
    /// stored as 1, which costs nothing since str hashes are arbitrary).
    hash: Cell<i64>,
    /// Whether this object is the interpreter's interned copy.
    interned: Cell<bool>,
}

impl Trace for PyStr {
    const NEEDS_TRACE: bool = false;

    fn trace(&self, _visitor: &mut Visitor<'_>) {}

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed("str")
    }
}

impl PyStr {
    /// A new string object (not interned).
    pub fn new(text: impl Into<Box<str>>) -> PyStr {
        let text = text.into();
        let chars = if text.is_ascii() {
            text.len()
        } else {
            text.chars().count()
        };
        PyStr {
            text,
            chars,
            hash: Cell::new(0),
            interned: Cell::new(false),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The length in code points (`len(s)`).
    pub fn char_len(&self) -> usize {
        self.chars
    }

    /// Whether every character is ASCII (then byte and char indexes agree).
    pub fn is_ascii(&self) -> bool {
        self.chars == self.text.len()
    }

    /// The `i`-th character (`0 <= i < char_len`).
    pub fn char_at(&self, i: usize) -> char {
        if self.is_ascii() {
            self.text.as_bytes()[i] as char
        } else {
            self.text.chars().nth(i).unwrap_or('\0')
        }
    }

    /// The substring of characters `start..end` (char indexes).
    pub fn substring(&self, start: usize, end: usize) -> &str {
        if self.is_ascii() {
            return &self.text[start..end];
        }
        let mut it = self.text.char_indices().map(|(b, _)| b);
        let from = it.nth(start).unwrap_or(self.text.len());
        let to = if end > start {
            it.nth(end - start - 1).unwrap_or(self.text.len())
        } else {
            from
        };
        &self.text[from..to]
    }

    /// The hash (FNV-1a; CPython randomizes str hashes, so no script can
    /// depend on their values).
    pub fn hash(&self) -> i64 {
        let h = self.hash.get();
        if h != 0 {
            return h;
        }
        let mut x: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.text.bytes() {
            x ^= u64::from(b);
            x = x.wrapping_mul(0x0100_0000_01b3);
        }
        let mut h = (x >> 1) as i64;
        if h == 0 || h == -1 {
            h = 1;
        }
        self.hash.set(h);
        h
    }

    /// Whether this object is the interned copy of its text.
    pub fn is_interned(&self) -> bool {
        self.interned.get()
    }

    pub(crate) fn mark_interned(&self) {
        self.interned.set(true);
    }

    /// `repr(s)`, with CPython's quoting rules.
    pub fn repr(&self) -> String {
        repr_str(&self.text)
    }
}

/// `repr()` of a string: single quotes unless the text contains `'` and
/// no `"`; escapes for the quote, backslash, `\n` `\r` `\t`, other control
/// characters and the non-printable ones (`\x..`, `\u....`).
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push(quote);
    out
}

/// An approximation of Python's `str.isprintable` per character: control
/// characters, the C1 range, the soft hyphen, separators other than the
/// ASCII space, surrogates and unassigned private-use planes are not.
fn is_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x20 || (0x7f..0xa0).contains(&u) || u == 0xad {
        return false;
    }
    if c != ' ' && c.is_whitespace() {
        return false;
    }
    !matches!(u, 0x2028 | 0x2029 | 0xe000..=0xf8ff | 0xfff9..=0xfffb | 0xf0000..)
}

/// Whether `s` looks like an identifier, which CPython interns when it is
/// a string constant (`all_name_chars` in CPython's compiler).
pub fn all_name_chars(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl From<&str> for crate::object::Value {
    /// A new, non-interned string object.
    fn from(s: &str) -> Self {
        crate::object::Value::Str(Gc::new(PyStr::new(s)))
    }
}

impl From<String> for crate::object::Value {
    /// A new, non-interned string object.
    fn from(s: String) -> Self {
        crate::object::Value::Str(Gc::new(PyStr::new(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_quotes_like_cpython() {
        assert_eq!(repr_str("it's"), "\"it's\"");
        assert_eq!(repr_str("a\"b"), "'a\"b'");
        assert_eq!(repr_str("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(
            repr_str("\0\t\n\\é\u{1234}\x7f"),
            "'\\x00\\t\\n\\\\é\u{1234}\\x7f'"
        );
    }

    #[test]
    fn substring_counts_code_points() {
        let s = PyStr::new("héllo");
        assert_eq!(s.char_len(), 5);
        assert_eq!(s.substring(1, 3), "él");
        assert_eq!(s.char_at(1), 'é');
    }
}
