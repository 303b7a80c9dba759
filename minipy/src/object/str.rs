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

/// The characters Python's `str.isprintable` rejects, as sorted inclusive
/// ranges: the Unicode 14.0 (CPython 3.11's `unicodedata`) categories Cc,
/// Cf, Cs, Co, Zl, Zp and Zs other than the space. Generated with
/// `not chr(u).isprintable() and unicodedata.category(chr(u)) != "Cn"`;
/// planes 15 and 16 are one range (they hold only private-use and
/// unassigned code points). The unassigned code points (Cn) elsewhere,
/// which CPython also rejects, are left out (printable here): they would
/// be some 670 more ranges, for characters no text should hold yet.
const NOT_PRINTABLE: [(u32, u32); 27] = [
    (0x0000, 0x001f),    // Cc: C0 controls
    (0x007f, 0x00a0),    // Cc: DEL, C1 controls; Zs: no-break space
    (0x00ad, 0x00ad),    // Cf: soft hyphen
    (0x0600, 0x0605),    // Cf: Arabic number signs
    (0x061c, 0x061c),    // Cf: Arabic letter mark
    (0x06dd, 0x06dd),    // Cf: Arabic end of ayah
    (0x070f, 0x070f),    // Cf: Syriac abbreviation mark
    (0x0890, 0x0891),    // Cf: Arabic pound and piastre marks above
    (0x08e2, 0x08e2),    // Cf: Arabic disputed end of ayah
    (0x1680, 0x1680),    // Zs: Ogham space mark
    (0x180e, 0x180e),    // Cf: Mongolian vowel separator
    (0x2000, 0x200f),    // Zs: en quad .. hair space; Cf: zero width space .. RLM
    (0x2028, 0x202f),    // Zl, Zp; Cf: bidi embeddings; Zs: narrow no-break space
    (0x205f, 0x2064),    // Zs: medium math space; Cf: word joiner .. invisible plus
    (0x2066, 0x206f),    // Cf: bidi isolates, deprecated format characters
    (0x3000, 0x3000),    // Zs: ideographic space
    (0xd800, 0xf8ff),    // Cs: surrogates; Co: private use
    (0xfeff, 0xfeff),    // Cf: zero width no-break space (BOM)
    (0xfff9, 0xfffb),    // Cf: interlinear annotation
    (0x110bd, 0x110bd),  // Cf: Kaithi number sign
    (0x110cd, 0x110cd),  // Cf: Kaithi number sign above
    (0x13430, 0x13438),  // Cf: Egyptian hieroglyph format controls
    (0x1bca0, 0x1bca3),  // Cf: shorthand format controls
    (0x1d173, 0x1d17a),  // Cf: musical symbol format controls
    (0xe0001, 0xe0001),  // Cf: language tag
    (0xe0020, 0xe007f),  // Cf: tag characters
    (0xf0000, 0x10ffff), // Co: supplementary private use (and Cn)
];

/// Python's `str.isprintable` for one character (see [`NOT_PRINTABLE`]).
pub fn is_printable(c: char) -> bool {
    let u = c as u32;
    if (0x20..0x7f).contains(&u) {
        return true;
    }
    let i = NOT_PRINTABLE.partition_point(|&(_, hi)| hi < u);
    NOT_PRINTABLE.get(i).map_or(true, |&(lo, _)| u < lo)
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
    fn printable_follows_the_table_edges() {
        for c in [
            '\u{1f}', '\u{7f}', '\u{a0}', '\u{ad}', '\u{200b}', '\u{2028}', '\u{feff}',
        ] {
            assert!(!is_printable(c), "{c:?}");
        }
        for c in [
            ' ', '~', '\u{a1}', '\u{ae}', '\u{2010}', '\u{2065}', '\u{f900}', 'é',
        ] {
            assert!(is_printable(c), "{c:?}");
        }
        assert!(NOT_PRINTABLE.windows(2).all(|w| w[0].1 < w[1].0));
    }

    #[test]
    fn substring_counts_code_points() {
        let s = PyStr::new("héllo");
        assert_eq!(s.char_len(), 5);
        assert_eq!(s.substring(1, 3), "él");
        assert_eq!(s.char_at(1), 'é');
    }
}
