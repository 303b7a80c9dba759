//! Text formatting: float `repr` (shortest round-trip digits, CPython's
//! switch to exponent notation), the format-spec mini-language (`format`,
//! f-strings, `str.format`), and `%` formatting.

use super::FrameState;
use crate::compile::FPart;
use crate::object::Value;
use crate::vm::{PyResult, Vm};

/// `repr(float)`: shortest digits that round-trip; exponent notation
/// below 1e-4 and from 1e16, as CPython's `float_repr`.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let (neg, digits, exp) = shortest_digits(f);
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        format!("{sign}{}", place_point(&digits, exp, true))
    } else {
        format!("{sign}{}", sci(&digits, exp))
    }
}

/// The shortest round-trip digits of `f` (no leading zeros) and the
/// decimal exponent of the first digit.
fn shortest_digits(f: f64) -> (bool, String, i32) {
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    (f < 0.0, digits, exp.parse().unwrap_or(0))
}

/// Digits with the point placed for exponent `exp` (fixed notation);
/// `dot0` adds `.0` to an integral result.
fn place_point(digits: &str, exp: i32, dot0: bool) -> String {
    let n = digits.len() as i32;
    if exp < 0 {
        return format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits);
    }
    if n <= exp + 1 {
        let zeros = "0".repeat((exp + 1 - n) as usize);
        return if dot0 {
            format!("{digits}{zeros}.0")
        } else {
            format!("{digits}{zeros}")
        };
    }
    let (a, b) = digits.split_at((exp + 1) as usize);
    format!("{a}.{b}")
}

/// Scientific notation with CPython's exponent (sign, two digits).
fn sci(digits: &str, exp: i32) -> String {
    let (first, rest) = digits.split_at(1);
    let mant = if rest.is_empty() {
        first.to_string()
    } else {
        format!("{first}.{rest}")
    };
    format!("{mant}{}", exp_suffix(exp, 'e'))
}

fn exp_suffix(exp: i32, e: char) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{e}{sign}{:02}", exp.abs())
}

/// A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.prec][type]`.
#[derive(Default)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alt: bool,
    width: usize,
    /// The `0` flag: zero padding (`=` alignment for numbers).
    zero: bool,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_spec(s: &str) -> Option<Spec> {
    let c: Vec<char> = s.chars().collect();
    let mut sp = Spec::default();
    let mut i = 0;
    let is_align = |ch: char| matches!(ch, '<' | '>' | '^' | '=');
    if c.len() >= 2 && is_align(c[1]) {
        sp.fill = Some(c[0]);
        sp.align = Some(c[1]);
        i = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        sp.align = Some(c[0]);
        i = 1;
    }
    if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
        sp.sign = Some(c[i]);
        i += 1;
    }
    if i < c.len() && c[i] == '#' {
        sp.alt = true;
        i += 1;
    }
    if i < c.len() && c[i] == '0' {
        sp.zero = true;
        i += 1;
    }
    let start = i;
    while i < c.len() && c[i].is_ascii_digit() {
        i += 1;
    }
    sp.width = c[start..i].iter().collect::<String>().parse().unwrap_or(0);
    if i < c.len() && matches!(c[i], ',' | '_') {
        sp.grouping = Some(c[i]);
        i += 1;
    }
    if i < c.len() && c[i] == '.' {
        i += 1;
        let start = i;
        while i < c.len() && c[i].is_ascii_digit() {
            i += 1;
        }
        sp.precision = Some(c[start..i].iter().collect::<String>().parse().ok()?);
    }
    if i < c.len() {
        sp.kind = Some(c[i]);
        i += 1;
    }
    (i == c.len()).then_some(sp)
}

/// Pads `body` (with `sign` in front) to the spec's width. The `0` flag
/// means `0` fill, with `=` alignment for numbers (`default_align` '>').
fn pad(sp: &Spec, sign: &str, body: &str, default_align: char) -> String {
    let len = sign.chars().count() + body.chars().count();
    let zero_fill = if sp.zero { '0' } else { ' ' };
    let fill = sp.fill.unwrap_or(zero_fill);
    if len >= sp.width {
        return format!("{sign}{body}");
    }
    let n = sp.width - len;
    let f = |k: usize| fill.to_string().repeat(k);
    let default_align = if sp.zero && default_align == '>' {
        '='
    } else {
        default_align
    };
    match sp.align.unwrap_or(default_align) {
        '<' => format!("{sign}{body}{}", f(n)),
        '^' => format!("{}{sign}{body}{}", f(n / 2), f(n - n / 2)),
        '=' => format!("{sign}{}{body}", f(n)),
        _ => format!("{}{sign}{body}", f(n)),
    }
}

/// Inserts a thousands separator into a run of digits.
fn group(digits: &str, sep: char, every: usize) -> String {
    let mut out = String::new();
    let n = digits.len();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i) % every == 0 {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

fn sign_of(neg: bool, sp: &Spec) -> &'static str {
    match (neg, sp.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    }
}

/// Formats a float for the `e`, `f`, `g`, `%` and default types.
fn format_float_body(x: f64, sp: &Spec) -> String {
    if x.is_nan() || x.is_infinite() {
        let s = if x.is_nan() { "nan" } else { "inf" };
        return if matches!(sp.kind, Some('E' | 'F' | 'G')) {
            s.to_uppercase()
        } else {
            s.to_string()
        };
    }
    let x = x.abs();
    match sp.kind {
        Some('f' | 'F') => format!("{:.*}", sp.precision.unwrap_or(6), x),
        Some('%') => format!("{:.*}%", sp.precision.unwrap_or(6), x * 100.0),
        Some(e @ ('e' | 'E')) => exp_format(x, sp.precision.unwrap_or(6), e),
        Some(g @ ('g' | 'G')) => general(x, sp.precision.unwrap_or(6), g, sp.alt, false),
        None => match sp.precision {
            Some(p) => general(x, p, 'g', sp.alt, true),
            None => float_repr(x),
        },
        _ => float_repr(x),
    }
}

/// `%e` formatting with Python's exponent.
fn exp_format(x: f64, prec: usize, e: char) -> String {
    let s = format!("{:.*e}", prec, x);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    format!("{mant}{}", exp_suffix(exp.parse().unwrap_or(0), e))
}

/// `%g`: fixed or exponent notation depending on the exponent, trailing
/// zeros removed (unless `alt`); `repr_like` keeps one digit after the
/// point (the format type `None` with a precision).
fn general(x: f64, prec: usize, g: char, alt: bool, repr_like: bool) -> String {
    let p = prec.max(1);
    if x == 0.0 {
        return if repr_like { "0.0".into() } else { "0".into() };
    }
    let s = format!("{:.*e}", p - 1, x);
    let exp: i32 = s.split_once('e').map_or(0, |(_, e)| e.parse().unwrap_or(0));
    let e = if g == 'G' { 'E' } else { 'e' };
    // CPython's `format_float_short`: with "add .0" (the repr-like type)
    // exponent notation starts one digit earlier.
    let limit = if repr_like { p as i32 - 1 } else { p as i32 };
    let mut out = if exp >= -4 && exp < limit {
        format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, x)
    } else {
        exp_format(x, p - 1, e)
    };
    if !alt {
        out = strip_zeros(&out);
    }
    if repr_like && !out.contains(['.', 'e', 'E']) {
        out.push_str(".0");
    }
    out
}

fn strip_zeros(s: &str) -> String {
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    if !mant.contains('.') {
        return s.to_string();
    }
    let m = mant.trim_end_matches('0').trim_end_matches('.');
    format!("{m}{exp}")
}

impl Vm {
    /// `format(v, spec)`.
    pub fn format_value(&self, v: &Value, spec: &str) -> PyResult<String> {
        if let Value::Instance(i) = v {
            if let Some(m) = i.class.lookup(&self.intern("__format__")) {
                return match self.call0(&m, vec![v.clone(), self.str_val(spec)])? {
                    Value::Str(s) => Ok(s.as_str().to_string()),
                    other => Err(self.type_error(format!(
                        "__format__ must return a str, not {}",
                        self.type_name(&other)
                    ))),
                };
            }
        }
        if spec.is_empty() {
            return self.str_string(v);
        }
        let bad = || {
            self.type_error(format!(
                "unsupported format string passed to {}.__format__",
                self.type_name(v)
            ))
        };
        let Some(sp) = parse_spec(spec) else {
            return Err(self.value_error("Invalid format specifier".into()));
        };
        match v {
            Value::Str(s) => self.format_str(s.as_str(), &sp),
            Value::Int(_) | Value::Bool(_) => {
                let i = match v {
                    Value::Int(i) => *i,
                    Value::Bool(b) => i64::from(*b),
                    _ => 0,
                };
                self.format_int(i, &sp)
            }
            Value::Float(f) => self.format_float(*f, &sp),
            _ => Err(bad()),
        }
    }

    fn format_str(&self, s: &str, sp: &Spec) -> PyResult<String> {
        if !matches!(sp.kind, None | Some('s')) {
            return Err(self.value_error(format!(
                "Unknown format code '{}' for object of type 'str'",
                sp.kind.unwrap_or(' ')
            )));
        }
        if sp.sign.is_some() {
            return Err(self.value_error("Sign not allowed in string format specifier".into()));
        }
        if sp.alt {
            return Err(self
                .value_error("Alternate form (#) not allowed in string format specifier".into()));
        }
        if sp.align == Some('=') {
            return Err(
                self.value_error("'=' alignment not allowed in string format specifier".into())
            );
        }
        if let Some(g) = sp.grouping {
            return Err(self.value_error(format!("Cannot specify '{g}' with 's'.")));
        }
        if !matches!(sp.kind, None | Some('s')) {
            return Err(self.value_error(format!(
                "Unknown format code '{}' for object of type 'str'",
                sp.kind.unwrap_or(' ')
            )));
        }
        let body: String = match sp.precision {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        };
        Ok(pad(sp, "", &body, '<'))
    }

    fn format_int(&self, i: i64, sp: &Spec) -> PyResult<String> {
        let kind = sp.kind.unwrap_or('d');
        if matches!(kind, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
            return self.format_float(i as f64, sp);
        }
        if sp.precision.is_some() {
            return Err(
                self.value_error("Precision not allowed in integer format specifier".into())
            );
        }
        let n = i.unsigned_abs();
        let (prefix, digits) = match kind {
            'd' | 'n' => ("", n.to_string()),
            'x' => ("0x", format!("{n:x}")),
            'X' => ("0X", format!("{n:X}")),
            'o' => ("0o", format!("{n:o}")),
            'b' => ("0b", format!("{n:b}")),
            'c' => {
                let c = u32::try_from(i).ok().and_then(char::from_u32);
                let Some(c) = c else {
                    return Err(self.overflow("%c arg not in range(0x110000)"));
                };
                return Ok(pad(sp, "", &c.to_string(), '<'));
            }
            other => {
                return Err(self.value_error(format!(
                    "Unknown format code '{other}' for object of type 'int'"
                )))
            }
        };
        let digits = match sp.grouping {
            Some(sep) if kind == 'd' => group(&digits, sep, 3),
            Some(sep) => group(&digits, sep, 4),
            None => digits,
        };
        let sign = sign_of(i < 0, sp);
        let prefix = if sp.alt { prefix } else { "" };
        Ok(pad(sp, &format!("{sign}{prefix}"), &digits, '>'))
    }

    fn format_float(&self, x: f64, sp: &Spec) -> PyResult<String> {
        if !matches!(
            sp.kind,
            None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')
        ) {
            return Err(self.value_error(format!(
                "Unknown format code '{}' for object of type 'float'",
                sp.kind.unwrap_or(' ')
            )));
        }
        let mut body = format_float_body(x, sp);
        if let Some(sep) = sp.grouping {
            let end = body.find(['.', 'e', 'E', '%']).unwrap_or(body.len());
            let (int_part, rest) = body.split_at(end);
            body = format!("{}{}", group(int_part, sep, 3), rest);
        }
        let sign = sign_of(x.is_sign_negative() && !x.is_nan(), sp);
        Ok(pad(sp, sign, &body, '>'))
    }

    /// Evaluates an f-string.
    pub(crate) fn eval_fstring(&self, f: &FrameState, parts: &[FPart]) -> PyResult<Value> {
        let mut out = String::new();
        for p in parts {
            match p {
                FPart::Literal(s) => out.push_str(s.as_str()),
                FPart::Field {
                    expr,
                    conversion,
                    spec,
                } => {
                    let v = self.eval(f, expr)?;
                    let v = match conversion {
                        Some('r') => self.new_str(self.repr_string(&v)?),
                        Some('a') => self.new_str(ascii_escape(&self.repr_string(&v)?)),
                        Some('s') => self.new_str(self.str_string(&v)?),
                        _ => v,
                    };
                    out.push_str(&self.format_value(&v, spec.as_deref().unwrap_or(""))?);
                }
            }
        }
        Ok(self.new_str(out))
    }
}

/// `ascii()`: a repr with non-ASCII characters escaped.
pub fn ascii_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let u = c as u32;
        if u < 0x80 {
            out.push(c);
        } else if u < 0x100 {
            out.push_str(&format!("\\x{u:02x}"));
        } else if u < 0x10000 {
            out.push_str(&format!("\\u{u:04x}"));
        } else {
            out.push_str(&format!("\\U{u:08x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_cpython() {
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1e-5), "1e-05");
        assert_eq!(float_repr(0.1), "0.1");
        assert_eq!(float_repr(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(float_repr(2.0), "2.0");
        assert_eq!(float_repr(1e301), "1e+301");
        assert_eq!(float_repr(123456789012345678.0), "1.2345678901234568e+17");
        assert_eq!(float_repr(1.5e-7), "1.5e-07");
        assert_eq!(float_repr(0.0001234), "0.0001234");
        assert_eq!(float_repr(1e15), "1000000000000000.0");
    }

    #[test]
    fn general_format_strips_zeros() {
        assert_eq!(general(1234.5678, 6, 'g', false, false), "1234.57");
        assert_eq!(general(0.0001234, 6, 'g', false, false), "0.0001234");
        assert_eq!(general(1e20, 6, 'g', false, false), "1e+20");
        assert_eq!(general(1.0, 3, 'g', false, true), "1.0");
    }
}
