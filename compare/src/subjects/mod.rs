//! The compared crates, each behind [`Subject`](crate::subject::Subject).

pub mod bacon;
pub mod dumpster;
pub mod gc;
pub mod gcmodule;
pub mod rc;
pub mod refcycle;
pub mod rustcc;

/// Every subject's name, `Rc` first (the tables' baseline).
pub const NAMES: [&str; 7] = [
    "Rc",
    "refcycle",
    "bacon_rajan_cc",
    "rust-cc",
    "dumpster",
    "gcmodule",
    "gc",
];

/// Subjects run only when `--subjects` names them.
pub const OPTIONAL: [&str; 2] = ["refcycle-manual", "refcycle-exact"];

/// Calls `$f::<S>($args)` with the subject named `$name`, or evaluates to
/// `None` for an unknown name.
#[macro_export]
macro_rules! with_subject {
    ($name:expr, $f:ident ( $($args:expr),* )) => {{
        match $name {
            "Rc" => Some($f::<$crate::subjects::rc::RcS>($($args),*)),
            "refcycle" => Some($f::<$crate::subjects::refcycle::Refcycle>($($args),*)),
            "refcycle-manual" => {
                Some($f::<$crate::subjects::refcycle::RefcycleManual>($($args),*))
            }
            "refcycle-exact" => {
                Some($f::<$crate::subjects::refcycle::RefcycleExact>($($args),*))
            }
            "bacon_rajan_cc" => Some($f::<$crate::subjects::bacon::Bacon>($($args),*)),
            "rust-cc" => Some($f::<$crate::subjects::rustcc::RustCc>($($args),*)),
            "dumpster" => Some($f::<$crate::subjects::dumpster::Dumpster>($($args),*)),
            "gcmodule" => Some($f::<$crate::subjects::gcmodule::GcModule>($($args),*)),
            "gc" => Some($f::<$crate::subjects::gc::GcCrate>($($args),*)),
            _ => None,
        }
    }};
}
