//! String interpolation: `fmt % args` and `str.format(*args, **kwargs)`,
//! built on the format-spec machinery of `format.rs`.

use super::format::ascii_escape;
use crate::object::{PyStr, Value};
use crate::vm::{PyResult, Vm};

impl Vm {
    /// `fmt % args`.
    pub fn percent_format(&self, fmt: &str, args: &Value) -> PyResult<String> {
        let (items, mapping): (Vec<Value>, Option<&Value>) = match args {
            Value::Tuple(t) => (t.items.to_vec(), None),
            Value::Dict(_) => (vec![args.clone()], Some(args)),
            other => (vec![other.clone()], None),
        };
        let mut next = items.into_iter();
        let mut used_mapping = false;
        let mut out = String::new();
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut key = None;
            if chars.peek() == Some(&'(') {
                chars.next();
                let k: String = chars.by_ref().take_while(|&c| c != ')').collect();
                key = Some(k);
            }
            let mut spec = String::new();
            while let Some(&d) = chars.peek() {
                if "-+ #0123456789.".contains(d) {
                    spec.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            let Some(conv) = chars.next() else {
                return Err(self.value_error("incomplete format".into()));
            };
            if conv == '%' {
                out.push('%');
                continue;
            }
            let arg = match (&key, mapping) {
                (Some(k), Some(m)) => {
                    used_mapping = true;
                    self.getitem(m, &self.str_val(k))?
                }
                (Some(_), None) => return Err(self.type_error("format requires a mapping".into())),
                (None, _) => match next.next() {
                    Some(v) => v,
                    None => {
                        return Err(self.type_error("not enough arguments for format string".into()))
                    }
                },
            };
            out.push_str(&self.percent_one(conv, &spec, &arg)?);
        }
        if next.next().is_some() && !used_mapping && mapping.is_none() {
            return Err(
                self.type_error("not all arguments converted during string formatting".into())
            );
        }
        Ok(out)
    }

    /// One `%` conversion: `flags` is what came between `%` and the
    /// conversion character (flags, width, precision).
    fn percent_one(&self, conv: char, flags: &str, arg: &Value) -> PyResult<String> {
        let mut rest = flags;
        let (mut left, mut plus, mut space, mut alt, mut zero) =
            (false, false, false, false, false);
        while let Some(c) = rest.chars().next() {
            match c {
                '-' => left = true,
                '+' => plus = true,
                ' ' => space = true,
                '#' => alt = true,
                '0' => zero = true,
                _ => break,
            }
            rest = &rest[1..];
        }
        let (width, precision) = match rest.split_once('.') {
            Some((w, p)) => (w, Some(p.parse::<usize>().unwrap_or(0))),
            None => (rest, None),
        };
        let align = if left { "<" } else { ">" };
        let sign = if plus {
            "+"
        } else if space {
            " "
        } else {
            ""
        };
        let prec = |default: Option<usize>| match precision.or(default) {
            Some(p) => format!(".{p}"),
            None => String::new(),
        };
        let zero = if zero && !left { "0" } else { "" };
        let numeric = |kind: char, prec: String| {
            let align = if zero.is_empty() { align } else { "" };
            let alt = if alt { "#" } else { "" };
            format!("{align}{sign}{alt}{zero}{width}{prec}{kind}")
        };
        let not_number = |what: &str| {
            self.type_error(format!(
                "%{conv} format: {what} is required, not {}",
                self.type_name(arg)
            ))
        };
        Ok(match conv {
            's' | 'r' | 'a' => {
                let s = match conv {
                    's' => self.str_string(arg)?,
                    'r' => self.repr_string(arg)?,
                    _ => ascii_escape(&self.repr_string(arg)?),
                };
                let spec = format!("{align}{width}{}", prec(None));
                self.format_value(&self.new_str(s), &spec)?
            }
            'd' | 'i' | 'u' => {
                let v = match arg {
                    Value::Float(f) => crate::builtins::float_to_int(self, *f)?,
                    Value::Int(_) | Value::Bool(_) => arg.clone(),
                    _ => return Err(not_number("a real number")),
                };
                self.format_value(&v, &numeric('d', String::new()))?
            }
            'x' | 'X' | 'o' => match arg {
                Value::Int(_) | Value::Bool(_) => {
                    self.format_value(arg, &numeric(conv, String::new()))?
                }
                _ => return Err(not_number("an integer")),
            },
            'c' => match arg {
                Value::Str(s) if s.char_len() == 1 => s.as_str().to_string(),
                Value::Int(_) | Value::Bool(_) => {
                    self.format_value(arg, &format!("{align}{width}c"))?
                }
                _ => return Err(self.type_error("%c requires int or char".into())),
            },
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                let v = match arg {
                    Value::Int(i) => Value::Float(*i as f64),
                    Value::Bool(b) => Value::Float(f64::from(u8::from(*b))),
                    Value::Float(_) => arg.clone(),
                    _ => return Err(not_number("a real number")),
                };
                self.format_value(&v, &numeric(conv, prec(Some(6))))?
            }
            other => {
                return Err(self.value_error(format!(
                    "unsupported format character '{other}' (0x{:x})",
                    other as u32
                )))
            }
        })
    }

    /// `str.format(*args, **kwargs)`.
    pub fn str_format(
        &self,
        fmt: &str,
        args: &[Value],
        kwargs: &[(refcycle::Gc<PyStr>, Value)],
    ) -> PyResult<String> {
        let mut out = String::new();
        let mut auto = 0;
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    out.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    out.push('}');
                }
                '{' => {
                    let mut field = String::new();
                    let mut depth = 1;
                    for d in chars.by_ref() {
                        match d {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        field.push(d);
                    }
                    out.push_str(&self.format_field(&field, args, kwargs, &mut auto)?);
                }
                '}' => {
                    return Err(self.value_error("Single '}' encountered in format string".into()))
                }
                c => out.push(c),
            }
        }
        Ok(out)
    }

    fn format_field(
        &self,
        field: &str,
        args: &[Value],
        kwargs: &[(refcycle::Gc<PyStr>, Value)],
        auto: &mut usize,
    ) -> PyResult<String> {
        let (name_conv, spec) = match field.split_once(':') {
            Some((a, b)) => (a, b),
            None => (field, ""),
        };
        let (name, conv) = match name_conv.split_once('!') {
            Some((a, b)) => (a, b.chars().next()),
            None => (name_conv, None),
        };
        let end = name.find(['.', '[']).unwrap_or(name.len());
        let (first, rest) = name.split_at(end);
        let mut v = if first.is_empty() {
            let i = *auto;
            *auto += 1;
            args.get(i).cloned().ok_or_else(|| {
                self.index_error(&format!(
                    "Replacement index {i} out of range for positional args tuple"
                ))
            })?
        } else if let Ok(i) = first.parse::<usize>() {
            args.get(i).cloned().ok_or_else(|| {
                self.index_error(&format!(
                    "Replacement index {i} out of range for positional args tuple"
                ))
            })?
        } else {
            match kwargs.iter().find(|(k, _)| k.as_str() == first) {
                Some((_, v)) => v.clone(),
                None => return Err(self.key_error(self.str_val(first))),
            }
        };
        v = self.format_lookup(v, rest)?;
        let v = match conv {
            Some('r') => self.new_str(self.repr_string(&v)?),
            Some('s') => self.new_str(self.str_string(&v)?),
            Some('a') => self.new_str(ascii_escape(&self.repr_string(&v)?)),
            _ => v,
        };
        let spec = if spec.contains('{') {
            self.str_format(spec, args, kwargs)?
        } else {
            spec.to_string()
        };
        self.format_value(&v, &spec)
    }

    /// `.attr` and `[key]` parts of a format field.
    fn format_lookup(&self, mut v: Value, mut rest: &str) -> PyResult<Value> {
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                v = self.getattr(&v, &self.intern(&r[..end]))?;
                rest = &r[end..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').unwrap_or(r.len());
                let key = &r[..end];
                let k = match key.parse::<i64>() {
                    Ok(i) => Value::Int(i),
                    Err(_) => self.str_val(key),
                };
                v = self.getitem(&v, &k)?;
                rest = r.get(end + 1..).unwrap_or("");
            } else {
                break;
            }
        }
        Ok(v)
    }
}
