//! "Did you mean: ...?" for `NameError` and `AttributeError`, as CPython
//! 3.11's traceback printing offers (`Python/suggestions.c`, same
//! distance function and limits, so the same suggestions).

use refcycle::Gc;

use crate::object::{Class, Hint, Instance, Value};
use crate::vm::Vm;

const MAX_CANDIDATE_ITEMS: usize = 750;
const MAX_STRING_SIZE: usize = 40;
const MOVE_COST: usize = 2;
const CASE_COST: usize = 1;

/// What `dir(object())` lists: the candidates every instance offers.
const OBJECT_DIR: &[&str] = &[
    "__class__",
    "__delattr__",
    "__dir__",
    "__doc__",
    "__eq__",
    "__format__",
    "__ge__",
    "__getattribute__",
    "__getstate__",
    "__gt__",
    "__hash__",
    "__init__",
    "__init_subclass__",
    "__le__",
    "__lt__",
    "__ne__",
    "__new__",
    "__reduce__",
    "__reduce_ex__",
    "__repr__",
    "__setattr__",
    "__sizeof__",
    "__str__",
    "__subclasshook__",
];

fn substitution_cost(a: u8, b: u8) -> usize {
    if a & 31 != b & 31 {
        return MOVE_COST;
    }
    if a == b {
        0
    } else if a.eq_ignore_ascii_case(&b) {
        CASE_COST
    } else {
        MOVE_COST
    }
}

/// CPython's `levenshtein_distance` (moves cost 2, case changes 1), giving
/// up above `max_cost`.
fn distance(a: &[u8], b: &[u8], max_cost: usize) -> usize {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suf], &b[..b.len() - suf]);
    if a.is_empty() || b.is_empty() {
        return (a.len() + b.len()) * MOVE_COST;
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost + 1;
    }
    let (a, b) = if b.len() < a.len() { (b, a) } else { (a, b) };
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    let mut buffer: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (bi, &code) in b.iter().enumerate() {
        let mut dist = bi * MOVE_COST;
        result = dist;
        let mut minimum = usize::MAX;
        for (i, &ac) in a.iter().enumerate() {
            let substitute = dist + substitution_cost(code, ac);
            dist = buffer[i];
            let insert_delete = result.min(dist) + MOVE_COST;
            result = insert_delete.min(substitute);
            buffer[i] = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            return max_cost + 1;
        }
    }
    result
}

/// The closest candidate to `name`, if close enough (CPython's
/// `calculate_suggestions`).
fn closest(candidates: &[String], name: &str) -> Option<String> {
    if candidates.len() >= MAX_CANDIDATE_ITEMS {
        return None;
    }
    let mut best: Option<(&String, usize)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let mut max = (name.len() + c.len() + 3) * MOVE_COST / 6;
        if let Some((_, d)) = best {
            max = max.min(d.saturating_sub(1));
        }
        let d = distance(name.as_bytes(), c.as_bytes(), max);
        if d > max {
            continue;
        }
        if best.map_or(true, |(_, bd)| d < bd) {
            best = Some((c, d));
        }
    }
    best.map(|(c, _)| c.clone())
}

impl Vm {
    /// The suggestion CPython appends to a `NameError` or
    /// `AttributeError` line, if any.
    pub(crate) fn suggestion(&self, exc: &Gc<Instance>) -> Option<String> {
        let state = exc.exc.as_ref()?;
        let hint = state.hint.borrow();
        let name = hint.as_ref()?.name().as_str().to_string();
        let candidates = match hint.as_ref()? {
            Hint::Attr { obj, .. } => self.dir_names(obj),
            Hint::InstanceAttr { class, attrs, .. } => {
                let mut names: Vec<String> = attrs.iter().map(|a| a.as_str().to_string()).collect();
                names.extend(self.dir_names(&Value::Class(class.clone())));
                if class.slots.is_none() {
                    names.push("__dict__".into());
                }
                names.sort();
                names.dedup();
                names
            }
            Hint::Name(_) => {
                drop(hint);
                return self.name_suggestion(exc, &name);
            }
        };
        closest(&candidates, &name)
    }

    /// A `NameError`'s suggestion: from the innermost frame's local
    /// names, then its globals, then the builtins (CPython checks exactly
    /// `NameError`, not its subclasses).
    fn name_suggestion(&self, exc: &Gc<Instance>, name: &str) -> Option<String> {
        if !Gc::ptr_eq(&exc.class, &self.types.name_error) {
            return None;
        }
        let tb = match exc.exc.as_ref().map(|s| s.traceback.borrow().clone()) {
            Some(Value::Traceback(t)) => t,
            _ => return None,
        };
        let last = crate::object::Traceback::entries(&tb).pop()?;
        let frame = last.frame();
        let code = &frame.code;
        let locals: Vec<String> = code
            .local_names
            .iter()
            .chain(code.cell_names.iter())
            .map(|n| n.as_str().to_string())
            .collect();
        let keys = |d: &crate::object::Dict| -> Vec<String> {
            d.keys()
                .iter()
                .filter_map(|k| k.as_str().map(|s| s.as_str().to_string()))
                .collect()
        };
        closest(&locals, name)
            .or_else(|| closest(&keys(&frame.globals), name))
            .or_else(|| closest(&keys(&self.builtins), name))
    }

    /// `dir(obj)`, sorted, as the suggestion search sees it.
    fn dir_names(&self, obj: &Value) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let add_class = |c: &Gc<Class>, names: &mut Vec<String>| {
            for k in Class::mro(c) {
                names.extend(
                    k.dict
                        .borrow()
                        .entries()
                        .map(|(n, _)| n.as_str().to_string()),
                );
            }
        };
        match obj {
            Value::Module(m) => {
                names.extend(
                    m.dict
                        .keys()
                        .iter()
                        .filter_map(|k| k.as_str().map(|s| s.as_str().to_string())),
                );
            }
            Value::Instance(i) => {
                names.extend(
                    i.attrs
                        .borrow()
                        .entries()
                        .map(|(n, _)| n.as_str().to_string()),
                );
                add_class(&i.class, &mut names);
                names.extend(OBJECT_DIR.iter().map(|s| s.to_string()));
                if i.class.slots.is_none() {
                    names.push("__dict__".into());
                }
            }
            Value::Class(c) => {
                add_class(c, &mut names);
                names.extend(OBJECT_DIR.iter().map(|s| s.to_string()));
            }
            other => {
                add_class(&self.class_of(other), &mut names);
                names.extend(OBJECT_DIR.iter().map(|s| s.to_string()));
            }
        }
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_like_cpython() {
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(closest(&c(&["foo", "bar"]), "fo").as_deref(), Some("foo"));
        assert_eq!(closest(&c(&["xyz"]), "xzy"), None);
        assert_eq!(
            closest(&c(&["collect", "callbacks"]), "colect").as_deref(),
            Some("collect")
        );
        assert_eq!(closest(&c(&["value"]), "valeu").as_deref(), Some("value"));
    }
}
