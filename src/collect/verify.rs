//! `verify_garbage`: our addition to CPython's algorithm, because `Trace`
//! is a safe trait. Before the garbage is finalized or freed, check that
//! every strong handle to it is accounted for by a *distinct* handle that
//! the garbage itself reports.
//!
//! A correct set of `Trace` impls always passes. An impl that reports a
//! handle twice, reports different handles on different calls, or reports
//! a handle that also lives somewhere the collector cannot see fails it.
//! The collector then keeps the *suspects* alive, with everything they
//! reach, reports the problem through the unraisable hook, and frees the
//! rest of the garbage as usual: one lying impl cannot stop the collection
//! of unrelated cycles.
//!
//! What it cannot catch: an impl that reports, exactly once, a handle it
//! does not own, living outside every heap object (a Rust local or a
//! global), pointing to an object whose other handles are all inside the
//! garbage. The counts then agree. The object is cleared while that handle
//! survives; derefs through it panic with a message naming the type (see
//! `docs/safety.md`).

use std::ptr::NonNull;

use super::reachability::trace_object;
use crate::header::{flag, hdr, Header};
use crate::list::{self, List};
use crate::trace::Sink;

/// Something a `Trace` impl did that a correct one cannot.
pub(crate) struct Anomaly {
    pub message: String,
    /// Objects to keep alive, with all they reach; empty means "keep the
    /// whole garbage", for anomalies we cannot localise.
    pub suspects: Vec<NonNull<Header>>,
}

impl Anomaly {
    pub fn suspect(message: String, suspects: Vec<NonNull<Header>>) -> Self {
        Anomaly { message, suspects }
    }

    pub fn everything(message: String) -> Self {
        Anomaly {
            message,
            suspects: Vec::new(),
        }
    }
}

/// One strong edge into the garbage: (handle address, target, reporter).
type Edge = (usize, NonNull<Header>, NonNull<Header>);

struct VerifySink {
    reporter: NonNull<Header>,
    edges: Vec<Edge>,
    blind: bool,
}

impl Sink for VerifySink {
    fn strong(&mut self, target: NonNull<Header>, handle: *const ()) {
        // SAFETY: a reported handle's target is live.
        let t = unsafe { hdr(target) };
        if t.has(flag::UNREACHABLE) {
            t.gc_refs.set(t.gc_refs.get() + 1);
            self.edges.push((handle as usize, target, self.reporter));
        }
    }

    fn opaque(&mut self) {
        self.blind = true;
    }
}

/// Checks the garbage (the UNREACHABLE objects of `garbage`); on failure
/// returns the suspects: objects whose counts disagree, the objects that
/// reported handles to them, and objects whose trace failed.
pub(crate) fn verify_garbage(garbage: &List) -> Result<(), Anomaly> {
    let objects = garbage.to_vec();
    for &h in &objects {
        // SAFETY: linked objects are live.
        unsafe { hdr(h) }.gc_refs.set(0);
    }
    let mut sink = VerifySink {
        reporter: NonNull::dangling(),
        edges: Vec::new(),
        blind: false,
    };
    let mut suspects = Vec::new();
    let mut message = None;
    for &h in &objects {
        sink.reporter = h;
        sink.blind = false;
        if !trace_object(h, &mut sink) || sink.blind {
            suspects.push(h);
            message.get_or_insert_with(|| format!("the Trace impl of {} failed", name(h)));
        }
    }
    let mut edges = sink.edges;
    edges.sort_unstable_by_key(|e| e.0);
    for pair in edges.windows(2).filter(|w| w[0].0 == w[1].0) {
        suspects.extend([pair[0].1, pair[0].2, pair[1].2]);
        message.get_or_insert_with(|| {
            format!(
                "the Trace impl of {} reported the same handle twice",
                name(pair[1].2)
            )
        });
    }
    for &h in &objects {
        // SAFETY: live.
        let header = unsafe { hdr(h) };
        if header.gc_refs.get() != header.strong.get() {
            suspects.push(h);
            suspects.extend(edges.iter().filter(|e| e.1 == h).map(|e| e.2));
            message.get_or_insert_with(|| {
                format!(
                    "a {} in the garbage has {} handles but the garbage reports {} \
                     (is a Trace impl reporting handles it does not own?)",
                    header.type_name(),
                    header.strong.get(),
                    header.gc_refs.get()
                )
            });
        }
    }
    match message {
        None => Ok(()),
        Some(m) => Err(Anomaly::suspect(m, suspects)),
    }
}

fn name(h: NonNull<Header>) -> &'static str {
    // SAFETY: callers pass live objects.
    unsafe { hdr(h) }.type_name()
}

/// Collects every reported strong target.
struct Targets(Vec<NonNull<Header>>);

impl Sink for Targets {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        self.0.push(target);
    }

    fn opaque(&mut self) {}
}

/// Moves the suspects that are in the garbage, and every garbage object
/// they reach, to `old`, alive. Returns how many objects were kept.
pub(crate) fn keep_suspects(suspects: Vec<NonNull<Header>>, old: &List) -> usize {
    let mut work = Targets(suspects);
    let mut kept = 0;
    while let Some(h) = work.0.pop() {
        // SAFETY: suspects and reported targets are live objects.
        let header = unsafe { hdr(h) };
        if !header.has(flag::UNREACHABLE) {
            continue; // not garbage, or already kept
        }
        header.clear(flag::SCRATCH);
        // SAFETY: UNREACHABLE objects are linked in the garbage list.
        unsafe { list::move_to(h, old) };
        kept += 1;
        trace_object(h, &mut work);
    }
    kept
}
