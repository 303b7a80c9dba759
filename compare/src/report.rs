//! The tables: one per workload, then a summary of ratios against `Rc`.
//! Markdown, so that `docs/performance.md` can quote them as printed.

use crate::runner::{value, Results};

/// How a column's values print.
#[derive(Clone, Copy)]
pub enum Unit {
    Ms,
    Us,
    Ns,
    Count,
    Bytes,
}

/// What a column is compared with, in an extra column beside it.
pub enum Ratio {
    None,
    /// The same key of `Rc` in the same job.
    Rc,
    /// The same key of the same subject in another job.
    To(String, &'static str),
}

/// One measured column.
pub struct Col {
    pub job: String,
    pub key: &'static str,
    pub label: String,
    pub unit: Unit,
    pub ratio: Ratio,
}

/// One table.
pub struct Table {
    pub title: String,
    pub cols: Vec<Col>,
}

fn col(job: &str, key: &'static str, label: &str, unit: Unit, ratio: Ratio) -> Col {
    Col {
        job: job.to_string(),
        key,
        label: label.to_string(),
        unit,
        ratio,
    }
}

/// The tables of a run whose W5F and W6 sizes are `w5f` and `w6`.
pub fn tables(w5f: [usize; 3], w6: [usize; 3], full_live: usize) -> Vec<Table> {
    use Ratio::{None as No, Rc};
    use Unit::*;
    let full = format!("FULL-{full_live}");
    let f = |n: usize| format!("W5F-{n}");
    let s = |n: usize| format!("W6-{n}");
    let t = |title: &str, cols| Table {
        title: title.to_string(),
        cols,
    };
    vec![
        t(
            "W1 / W1H: clone+drop of one handle",
            vec![
                col("W1", "total_ns", "W1 empty heap", Ms, Rc),
                col("W1H", "total_ns", "W1H 1M live", Ms, Rc),
            ],
        ),
        t(
            "W2: binary tree",
            vec![
                col("W2", "build_ns", "build", Ms, Rc),
                col("W2", "drop_ns", "drop", Ms, Rc),
            ],
        ),
        t(
            "W3: two-node cycles",
            vec![
                col("W3", "total_ns", "total", Ms, Rc),
                col("W3", "collect_ns", "of which collect", Ms, No),
            ],
        ),
        t(
            "W4: random graph",
            vec![
                col("W4", "total_ns", "total", Ms, Rc),
                col("W4", "collect_ns", "of which collect", Ms, No),
            ],
        ),
        t(
            "W5: steady state with a large old heap",
            vec![
                col("W5", "total_ns", "total", Ms, Rc),
                col("W5", "longest_ns", "longest round", Us, No),
                col("W5", "longest_cpu_ns", "longest round, CPU", Us, No),
                col("W5", "outstanding", "max garbage outstanding", Count, No),
                col("W5", "rounds", "rounds run", Count, No),
            ],
        ),
        t(
            "W5F: young collection against the old heap's size",
            vec![
                col(&f(w5f[0]), "young_ns", &format!("{} old", w5f[0]), Us, No),
                col(&f(w5f[1]), "young_ns", &format!("{} old", w5f[1]), Us, No),
                col(
                    &f(w5f[2]),
                    "young_ns",
                    &format!("{} old", w5f[2]),
                    Us,
                    Ratio::To(f(w5f[0]), "x the first"),
                ),
            ],
        ),
        t(
            "Full collection of live objects",
            vec![
                col(&full, "full_ns", "full collection", Ms, No),
                col(&full, "per_object_ns", "per live object", Ns, No),
            ],
        ),
        t(
            "W6: dropping a long chain on an 8 MiB stack",
            vec![
                col(&s(w6[0]), "drop_ns", &format!("{}", w6[0]), Ms, Rc),
                col(&s(w6[1]), "drop_ns", &format!("{}", w6[1]), Ms, No),
                col(&s(w6[2]), "drop_ns", &format!("{}", w6[2]), Ms, No),
            ],
        ),
        t(
            "Header: bytes per object beyond the value",
            vec![
                col("HDR", "tracked_b", "tracked node", Bytes, No),
                col("HDR", "untracked_b", "untracked payload", Bytes, No),
            ],
        ),
    ]
}

fn fmt(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Ms => format!("{:.2} ms", v / 1e6),
        Unit::Us => format!("{:.1} us", v / 1e3),
        Unit::Ns => format!("{v:.1} ns"),
        Unit::Count => format!("{v:.0}"),
        Unit::Bytes => format!("{v:.0} B"),
    }
}

/// One cell and, if the column has one, its ratio cell.
fn cells(r: &Results, c: &Col, subject: &str) -> Vec<String> {
    let v = value(r, &c.job, subject, c.key);
    let mut out = vec![match &v {
        Ok(x) => fmt(*x, c.unit),
        Err(e) => e.clone(),
    }];
    let base = match &c.ratio {
        Ratio::None => return out,
        Ratio::Rc => value(r, &c.job, "Rc", c.key),
        Ratio::To(job, _) => value(r, job, subject, c.key),
    };
    out.push(match (v, base) {
        (Ok(x), Ok(b)) if b > 0.0 => format!("{:.2}x", x / b),
        _ => "-".into(),
    });
    out
}

fn header(c: &Col) -> Vec<String> {
    let mut h = vec![c.label.clone()];
    match &c.ratio {
        Ratio::None => {}
        Ratio::Rc => h.push("x Rc".into()),
        Ratio::To(_, what) => h.push(what.to_string()),
    }
    h
}

fn row(cells: &[String]) -> String {
    format!("| {} |", cells.join(" | "))
}

/// Prints one table in Markdown.
pub fn print_table(r: &Results, t: &Table, subjects: &[&str]) {
    println!("### {}\n", t.title);
    let mut head = vec!["crate".to_string()];
    head.extend(t.cols.iter().flat_map(header));
    println!("{}", row(&head));
    println!("{}", row(&vec!["---".to_string(); head.len()]));
    for &s in subjects {
        let mut line = vec![s.to_string()];
        line.extend(t.cols.iter().flat_map(|c| cells(r, c, s)));
        println!("{}", row(&line));
    }
    println!();
}

/// The summary: each crate's time as a multiple of `Rc`'s, per workload.
pub fn print_summary(r: &Results, subjects: &[&str], w6_first: usize) {
    let w6 = format!("W6-{w6_first}");
    let cols: [(&str, &str, &str); 8] = [
        ("W1", "total_ns", "W1"),
        ("W1H", "total_ns", "W1H"),
        ("W2", "build_ns", "W2 build"),
        ("W2", "drop_ns", "W2 drop"),
        ("W3", "total_ns", "W3"),
        ("W4", "total_ns", "W4"),
        ("W5", "total_ns", "W5"),
        (&w6, "drop_ns", "W6 shortest"),
    ];
    println!("### Summary: time as a multiple of Rc's (same run)\n");
    let mut head = vec!["crate".to_string()];
    head.extend(cols.iter().map(|c| c.2.to_string()));
    println!("{}", row(&head));
    println!("{}", row(&vec!["---".to_string(); head.len()]));
    for &s in subjects {
        let mut line = vec![s.to_string()];
        for (job, key, _) in cols {
            let ratio = match (value(r, job, s, key), value(r, job, "Rc", key)) {
                (Ok(x), Ok(b)) if b > 0.0 => format!("{:.2}", x / b),
                (Err(e), _) if e.starts_with("crash") => "crash".into(),
                _ => "-".into(),
            };
            line.push(ratio);
        }
        println!("{}", row(&line));
    }
    println!();
}
