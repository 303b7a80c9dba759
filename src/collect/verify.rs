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
//! does not own that lives outside the objects being collected (in a Rust
//! local, a global, an `Rc`, or an older generation's object during a
//! younger collection), pointing to an object whose other handles are all
//! inside the garbage. The counts then agree. The object is cleared while that handle
//! survives; derefs through it panic with a message naming the type (see
//! `docs/safety.md`).

use std::ptr::NonNull;

use super::reachability::trace_object;
use crate::header::{flag, gc_refs, hdr, Header};
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
    weak_handles: bool,
}

impl Sink for VerifySink {
    fn strong(&mut self, target: NonNull<Header>, handle: *const ()) {
        // SAFETY: a reported handle's target is live.
        let t = unsafe { hdr(target) };
        if t.has(flag::UNREACHABLE) {
            // SAFETY: garbage, so of a tracked type (header invariant 4).
            let refs = unsafe { gc_refs(target) };
            refs.set(refs.get().saturating_add(1));
            self.edges.push((handle as usize, target, self.reporter));
        }
    }

    fn weak(&mut self, _target: NonNull<Header>, _slot: &crate::weak::WeakSlot) {
        self.weak_handles = true;
    }

    fn opaque(&mut self) {
        self.blind = true;
    }
}

/// What the garbage holds, noted while verifying it, so that the driver
/// can skip phases with nothing to do.
#[derive(Debug, Default)]
pub(crate) struct Survey {
    /// The verified garbage, in list order: later phases iterate this
    /// instead of walking the list again (a walk of a long list is one
    /// cache miss per object, one after the other; iterating a vector
    /// lets the loads overlap).
    pub objects: Vec<NonNull<Header>>,
    /// Some object has a legacy finalizer.
    pub legacy: bool,
    /// Some object has a finalizer that has not run yet.
    pub finalizers: bool,
    /// Some object reported a weak handle.
    pub weak_handles: bool,
}

/// Checks the garbage (the UNREACHABLE objects of `garbage`); on failure
/// returns the suspects: objects whose counts disagree, the objects that
/// reported handles to them, and objects whose trace failed. On success
/// every object's `gc_refs` equals its strong count. `objects` are the
/// members of `garbage` as move_unreachable left them, when the caller
/// has them at hand (`None`: walk the list and reset the counts).
pub(crate) fn verify_garbage(
    garbage: &List,
    objects: Option<Vec<NonNull<Header>>>,
) -> Result<Survey, Anomaly> {
    let objects = match objects {
        // Straight from move_unreachable: every gc_refs is already 0
        // (that is why each object was found unreachable).
        Some(objects) => objects,
        None => {
            let objects = garbage.to_vec();
            for &h in &objects {
                // SAFETY: linked objects are live and of tracked types
                // (header invariant 4).
                unsafe { gc_refs(h) }.set(0);
            }
            objects
        }
    };
    debug_assert!(objects.iter().all(|&h| {
        // SAFETY: linked objects are live and of tracked types.
        unsafe { gc_refs(h) }.get() == 0
    }));
    let mut sink = VerifySink {
        reporter: NonNull::dangling(),
        edges: Vec::with_capacity(objects.len()),
        blind: false,
        weak_handles: false,
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
    if has_duplicate_handles(&edges) {
        edges.sort_unstable_by_key(|e| e.0);
    }
    for pair in edges.windows(2).filter(|w| w[0].0 == w[1].0) {
        suspects.extend([pair[0].1, pair[0].2, pair[1].2]);
        message.get_or_insert_with(|| {
            format!(
                "the Trace impl of {} reported the same handle twice",
                name(pair[1].2)
            )
        });
    }
    let mut survey = Survey {
        weak_handles: sink.weak_handles,
        ..Survey::default()
    };
    for &h in &objects {
        // SAFETY: live.
        let header = unsafe { hdr(h) };
        survey.legacy |= header.has(flag::LEGACY);
        survey.finalizers |= header.wants_finalizer();
        // SAFETY: garbage, so of a tracked type (header invariant 4).
        let reported = unsafe { gc_refs(h) }.get();
        if reported != header.strong() {
            suspects.push(h);
            suspects.extend(edges.iter().filter(|e| e.1 == h).map(|e| e.2));
            message.get_or_insert_with(|| {
                format!(
                    "a {} in the garbage has {} handles but the garbage reports {} \
                     (is a Trace impl reporting handles it does not own?)",
                    header.type_name(),
                    header.strong(),
                    reported
                )
            });
        }
    }
    match message {
        None => Ok(Survey { objects, ..survey }),
        Some(m) => Err(Anomaly::suspect(m, suspects)),
    }
}

/// Whether some handle address was reported twice. When none was, the
/// edges need no sorting (the duplicate scan over unsorted edges then
/// finds nothing, correctly); they are sorted only to name the culprits.
/// Already increasing addresses (objects and their buffers allocated in
/// list order) need no table at all. (Rejected: sorting every edge list,
/// measured at half of verify_garbage in a young collection of 300
/// objects; an open-addressing table of the addresses costs a few
/// instructions per edge.)
fn has_duplicate_handles(edges: &[Edge]) -> bool {
    if edges.windows(2).all(|w| w[0].0 < w[1].0) {
        return false;
    }
    let size = (edges.len() * 2).next_power_of_two();
    let shift = usize::BITS - size.trailing_zeros();
    // Handle addresses are never 0 (references), so 0 marks a free slot.
    let mut table = vec![0usize; size];
    for &(addr, _, _) in edges {
        // Fibonacci hashing of the address's significant bits.
        let mut i = ((addr >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> shift;
        loop {
            match table[i] {
                0 => {
                    table[i] = addr;
                    break;
                }
                a if a == addr => return true,
                _ => i = (i + 1) & (size - 1),
            }
        }
    }
    false
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
