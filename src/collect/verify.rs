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

use super::tracing::{trace_object, trace_run};
use crate::header::{flag, gc_refs, hdr, tracked_type_name, Erased, Header};
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

/// Counts the handles the garbage reports to each garbage object (in its
/// `gc_refs`) and, if `record`, keeps their addresses, for the duplicate
/// check.
struct VerifySink {
    handles: Vec<usize>,
    record: bool,
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
            if self.record {
                self.handles.push(handle as usize);
            }
        }
    }

    fn weak(&mut self, _target: NonNull<Header>, _slot: &crate::weak::WeakSlot) {
        self.weak_handles = true;
    }

    fn opaque(&mut self) {
        self.blind = true;
    }
}

/// One strong edge into the garbage: (handle address, target, reporter).
type Edge = (usize, NonNull<Header>, NonNull<Header>);

/// Collects the edges into the garbage, to name the suspects once the
/// check has failed.
struct EdgeSink {
    reporter: NonNull<Header>,
    edges: Vec<Edge>,
}

impl Sink for EdgeSink {
    fn strong(&mut self, target: NonNull<Header>, handle: *const ()) {
        // SAFETY: a reported handle's target is live.
        if unsafe { hdr(target) }.has(flag::UNREACHABLE) {
            self.edges.push((handle as usize, target, self.reporter));
        }
    }

    fn opaque(&mut self) {}
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
    /// Some object has `Weak` handles or weak callbacks of its own (at
    /// the time of the check): `handle_weakrefs` has something to kill.
    pub weak_referents: bool,
    /// Some object had no strong handle left (at the time of the check):
    /// `delete_garbage` has something to release first.
    pub zeroed: bool,
}

impl Survey {
    /// Notes what the garbage object `h` (whose header is `header`) holds.
    ///
    /// # Safety
    /// `h` must be a live member of the garbage.
    unsafe fn note(&mut self, h: NonNull<Header>, header: &Header) {
        self.legacy |= header.has(flag::LEGACY);
        self.weak_referents |= header.weak() > 0 || header.has(flag::WEAK_CALLBACKS);
        self.zeroed |= header.strong() == 0;
        // SAFETY: live garbage, with a head (header invariant 4; caller).
        self.finalizers |= unsafe { Erased::with_head(h).wants_finalizer() };
    }
}

/// What [`verify_garbage`] would return, without tracing, for garbage
/// found in a set whose every object has an exact `Trace`
/// (`Trace::TRUST`), where the check cannot fail: each object's strong
/// count is the number of handles the garbage reports to it. (Step 3
/// found it with `gc_refs` 0, so the set reported every handle to it;
/// a reachable reporter would have made it reachable, so they all came
/// from the garbage; and an exact impl reports each handle it owns at
/// most once.) `weak_handles`: whether the set reported a weak handle.
pub(crate) fn survey_exact(objects: Vec<NonNull<Header>>, weak_handles: bool) -> Survey {
    let mut survey = Survey {
        weak_handles,
        ..Survey::default()
    };
    for &h in &objects {
        // SAFETY: the garbage's objects are live (releases are deferred).
        let header = unsafe { hdr(h) };
        // SAFETY: live garbage.
        unsafe { survey.note(h, header) };
        // SAFETY: garbage, so of a tracked type (header invariant 4).
        unsafe { gc_refs(h) }.set(header.strong());
    }
    Survey { objects, ..survey }
}

/// The garbage as move_unreachable left it: its members in list order,
/// every one with `gc_refs` 0 (that is why it was found unreachable), and
/// whether one of them may have more than one strong handle.
pub(crate) struct Found {
    pub objects: Vec<NonNull<Header>>,
    pub shared: bool,
}

impl Found {
    /// The same, read from the list, with the counts reset: after some
    /// garbage was kept alive, a rare path, which keeps the addresses
    /// rather than look for a second handle first.
    fn walk(garbage: &List) -> Self {
        let objects = garbage.to_vec();
        reset_counts(&objects);
        Found {
            objects,
            shared: true,
        }
    }
}

fn reset_counts(objects: &[NonNull<Header>]) {
    for &h in objects {
        // SAFETY: the garbage's objects are live and of tracked types
        // (header invariant 4).
        unsafe { gc_refs(h) }.set(0);
    }
}

/// Checks the garbage (the UNREACHABLE objects of `garbage`); on failure
/// returns the suspects: objects whose counts disagree, the objects that
/// reported handles to them, and objects whose trace failed. On success
/// every object's `gc_refs` equals its strong count. `found` is the
/// garbage as move_unreachable left it, when the caller has it at hand
/// (`None`: walk the list).
///
/// The addresses of the reported handles are kept only when some object
/// of the garbage has more than one strong handle: otherwise the count
/// check alone catches a handle reported twice (see `Check::finish`).
/// Whether one has is known before the trace, but the counts are compared
/// after it: if a `Trace` impl made a handle to the garbage meanwhile and
/// the check found nothing else wrong, it is made again, keeping them.
pub(crate) fn verify_garbage(garbage: &List, found: Option<Found>) -> Result<Survey, Anomaly> {
    let Found { objects, shared } = found.unwrap_or_else(|| Found::walk(garbage));
    let mut check = Check::run(&objects, shared);
    if check.shared && !check.sink.record && check.message.is_none() {
        reset_counts(&objects);
        check = Check::run(&objects, true);
    }
    check.finish(objects)
}

/// One trace of the garbage and the count check that follows it.
struct Check {
    sink: VerifySink,
    survey: Survey,
    /// Some object has more than one strong handle (after the trace).
    shared: bool,
    miscounted: Vec<NonNull<Header>>,
    suspects: Vec<NonNull<Header>>,
    message: Option<String>,
}

impl Check {
    /// Traces `objects` (every `gc_refs` 0), keeping the handles'
    /// addresses if `record`, and compares the counts.
    fn run(objects: &[NonNull<Header>], record: bool) -> Self {
        debug_assert!(objects.iter().all(|&h| {
            // SAFETY: the garbage's objects are live and of tracked types.
            unsafe { gc_refs(h) }.get() == 0
        }));
        let mut sink = VerifySink {
            handles: Vec::with_capacity(if record { objects.len() } else { 0 }),
            record,
            blind: false,
            weak_handles: false,
        };
        let mut suspects = Vec::new();
        let mut message = None;
        let mut each = objects.iter();
        trace_run(
            &mut sink,
            |s| {
                s.blind = false;
                each.next().copied()
            },
            |s, h, traced| {
                if !traced || s.blind {
                    suspects.push(h);
                    message.get_or_insert_with(|| format!("the Trace impl of {} failed", name(h)));
                }
            },
        );
        let mut check = Check {
            survey: Survey {
                weak_handles: sink.weak_handles,
                ..Survey::default()
            },
            sink,
            shared: false,
            miscounted: Vec::new(),
            suspects,
            message,
        };
        for &h in objects {
            check.count(h);
        }
        check
    }

    /// Compares the handles the garbage reported to `h` with its count.
    fn count(&mut self, h: NonNull<Header>) {
        // SAFETY: the garbage's objects are live.
        let header = unsafe { hdr(h) };
        self.shared |= header.strong() > 1;
        // SAFETY: live garbage.
        unsafe { self.survey.note(h, header) };
        // SAFETY: garbage, so of a tracked type (header invariant 4).
        let reported = unsafe { gc_refs(h) }.get();
        if reported != header.strong() {
            self.miscounted.push(h);
            self.message.get_or_insert_with(|| {
                format!(
                    "a {} in the garbage has {} handles but the garbage reports {} \
                     (is a Trace impl reporting handles it does not own?)",
                    name(h),
                    header.strong(),
                    reported
                )
            });
        }
    }

    /// The verdict, once the duplicates are looked for.
    fn finish(mut self, objects: Vec<NonNull<Header>>) -> Result<Survey, Anomaly> {
        // A handle reported twice adds two to its target's count. While no
        // object of the garbage has more than one handle, the count check
        // has caught that already (two reports, one handle), and the
        // search for duplicate addresses is skipped. (It found nothing in
        // W3's and W5's collections of rings, and was 7% of W3's:
        // docs/performance.md.)
        let duplicates = self.shared && has_duplicate_handles(&self.sink.handles);
        if duplicates || !self.miscounted.is_empty() {
            name_suspects(
                &objects,
                duplicates,
                &self.miscounted,
                &mut self.suspects,
                &mut self.message,
            );
        }
        match self.message {
            None => Ok(Survey {
                objects,
                ..self.survey
            }),
            Some(m) => Err(Anomaly::suspect(m, self.suspects)),
        }
    }
}

/// After a failed check: traces the garbage again, this time keeping who
/// reported which handle to what, and adds the suspects: for a handle
/// reported twice, its target and both reporters; for a miscounted
/// object, the object and every object that reported a handle to it.
/// A `Trace` impl that reports differently this time may leave some
/// suspects unnamed; the message is kept either way, and an anomaly that
/// names no suspect keeps the whole garbage alive.
fn name_suspects(
    objects: &[NonNull<Header>],
    duplicates: bool,
    miscounted: &[NonNull<Header>],
    suspects: &mut Vec<NonNull<Header>>,
    message: &mut Option<String>,
) {
    let mut sink = EdgeSink {
        reporter: NonNull::dangling(),
        edges: Vec::new(),
    };
    for &h in objects {
        sink.reporter = h;
        trace_object(h, &mut sink);
    }
    let mut edges = sink.edges;
    if duplicates {
        edges.sort_unstable_by_key(|e| e.0);
        let mut first_reporter = None;
        for pair in edges.windows(2).filter(|w| w[0].0 == w[1].0) {
            suspects.extend([pair[0].1, pair[0].2, pair[1].2]);
            first_reporter.get_or_insert(pair[1].2);
        }
        message.get_or_insert_with(|| {
            let reporter = first_reporter.map_or("a garbage object", name);
            format!("the Trace impl of {reporter} reported the same handle twice")
        });
    }
    for &h in miscounted {
        suspects.push(h);
        suspects.extend(edges.iter().filter(|e| e.1 == h).map(|e| e.2));
    }
}

/// Whether some handle address was reported twice.
///
/// Already increasing addresses (objects and their buffers allocated in
/// list order) need nothing more. Otherwise two bitmaps, sixteen bits per
/// edge, filter the addresses: `seen` gets each address's hash bit, and
/// `twice` the bits hit again. Only the addresses whose bit is in `twice`
/// (the duplicates, and about one in sixteen others that share a bit) are
/// sorted and compared. The bitmaps stay in the cache where a table of the
/// addresses themselves would not: 200,000 handles take 2 x 512 KiB.
/// (Rejected: sorting every edge list, measured at half of
/// verify_garbage in a young collection of 300 objects; an open-addressing
/// table of the addresses, 4 MiB for 200,000 edges, measured at 4.4 ms of
/// a 32 ms collection of 100,000 two-object cycles; docs/performance.md.)
fn has_duplicate_handles(handles: &[usize]) -> bool {
    if handles.windows(2).all(|w| w[0] < w[1]) {
        return false;
    }
    let bits = (handles.len() * 16).next_power_of_two().max(64);
    let shift = usize::BITS - bits.trailing_zeros();
    // Fibonacci hashing of the address's significant bits: the bit's
    // word, and the bit in it.
    let bit = |addr: usize| {
        let i = ((addr >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> shift;
        (i / 64, 1u64 << (i % 64))
    };
    let mut seen = vec![0u64; bits / 64];
    let mut twice = vec![0u64; bits / 64];
    let mut clash = false;
    for &addr in handles {
        let (w, b) = bit(addr);
        if seen[w] & b != 0 {
            twice[w] |= b;
            clash = true;
        } else {
            seen[w] |= b;
        }
    }
    if !clash {
        return false;
    }
    let mut candidates: Vec<usize> = handles
        .iter()
        .copied()
        .filter(|&addr| {
            let (w, b) = bit(addr);
            twice[w] & b != 0
        })
        .collect();
    candidates.sort_unstable();
    candidates.windows(2).any(|w| w[0] == w[1])
}

fn name(h: NonNull<Header>) -> &'static str {
    // SAFETY: callers pass live members of the garbage, which have heads.
    unsafe { tracked_type_name(h) }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn increasing_and_shuffled_addresses_without_repeats_pass() {
        let up: Vec<usize> = (1..=5_000).map(|i| i * 8).collect();
        assert!(!has_duplicate_handles(&up));
        let mut shuffled = up.clone();
        shuffled.reverse();
        shuffled.swap(10, 4_000);
        assert!(!has_duplicate_handles(&shuffled));
    }

    #[test]
    fn a_repeated_address_is_found_wherever_it_is() {
        let mut addrs: Vec<usize> = (1..=5_000).rev().map(|i| i * 8).collect();
        addrs.push(8 * 2_500);
        assert!(has_duplicate_handles(&addrs));
        // Two equal addresses side by side in an otherwise increasing list.
        assert!(has_duplicate_handles(&[8, 16, 16, 24]));
    }

    proptest! {
        // Miri runs ~1000x slower; no persistence file (Miri isolates
        // the file system).
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 4 } else { 256 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// The filter never changes the answer: it agrees with sorting all
        /// the addresses. Small address ranges force hash clashes between
        /// different addresses.
        #[test]
        fn agrees_with_sorting(addrs in proptest::collection::vec(1usize..4_000, 0..600)) {
            let addrs: Vec<usize> = addrs.into_iter().map(|a| a * 8).collect();
            let mut sorted = addrs.clone();
            sorted.sort_unstable();
            let expected = sorted.windows(2).any(|w| w[0] == w[1]);
            prop_assert_eq!(has_duplicate_handles(&addrs), expected);
        }
    }
}
