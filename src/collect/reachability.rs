//! Finding the unreachable objects: CPython's `update_refs`,
//! `subtract_refs` and `move_unreachable` (`deduce_unreachable`), and
//! the tracing helper every phase uses.
//!
//! The idea (CPython's, from `Python/gc.c`): an object's strong count says
//! how many handles point to it. Subtract the handles that objects *inside*
//! the collected set own; what remains (`gc_refs`) counts handles held from
//! outside: Rust locals, globals, older generations. Objects with
//! `gc_refs > 0` are alive, and so is everything they reach. The rest can
//! only be reached from each other: unreachable cycles.

use std::ptr::NonNull;

use crate::header::{flag, hdr, Header};
use crate::list::{self, List};
use crate::trace::{Sink, Visitor};

/// Runs `T::trace` on `h`'s value, catching a panic.
///
/// Returns `false` if the trace panicked (the panic is reported).
pub(crate) fn trace_object(h: NonNull<Header>, sink: &mut dyn Sink) -> bool {
    // SAFETY: callers pass live objects: linked in a collection's or the
    // heap's lists while releases are deferred (collector, introspection),
    // so nothing frees them during the call.
    let header = unsafe { hdr(h) };
    if header.has(flag::DROPPED) {
        return true; // a cleared value owns nothing
    }
    let trace = header.vtable.trace;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut visitor = Visitor::new(sink);
        // SAFETY: live and not DROPPED (checked above; a trace cannot drop
        // values: releases are deferred while collecting).
        unsafe { trace(h, &mut visitor) }
    }));
    match result {
        Ok(()) => true,
        Err(payload) => {
            crate::heap::with(|heap| {
                crate::unraisable::report_panic(heap, "trace of", header.type_name(), payload)
            });
            false
        }
    }
}

/// Step 1, `update_refs`: `gc_refs = strong` and mark the set.
pub(crate) fn update_refs(young: &List) {
    let mut cur = young.first();
    while let Some(h) = cur {
        // SAFETY: linked objects are live.
        let header = unsafe { hdr(h) };
        header.gc_refs.set(header.strong.get());
        header.set(flag::COLLECTING);
        // SAFETY: `h` is linked into `young`.
        cur = unsafe { young.next_of(h) };
    }
}

pub(crate) use super::verify::Anomaly;

struct SubtractSink {
    current: NonNull<Header>,
    anomaly: Option<Anomaly>,
}

impl Sink for SubtractSink {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        // SAFETY: a handle was just reported, so its target is live.
        let t = unsafe { hdr(target) };
        if !t.has(flag::COLLECTING) {
            return;
        }
        match t.gc_refs.get() {
            0 if self.anomaly.is_none() => {
                // SAFETY: `current` is the live object being traced.
                let parent = unsafe { hdr(self.current) }.type_name();
                self.anomaly = Some(Anomaly::suspect(
                    format!(
                        "the Trace impl of {parent} reported more handles to a {} than exist \
                         (visited twice, or a handle it does not own?)",
                        t.type_name()
                    ),
                    vec![self.current, target],
                ));
            }
            0 => {}
            n => t.gc_refs.set(n - 1),
        }
    }

    fn opaque(&mut self) {
        // SAFETY: `current` is the live object being traced.
        unsafe { hdr(self.current) }.set(flag::OPAQUE);
    }
}

/// Step 2, `subtract_refs`: remove the references internal to the set.
///
/// An object whose trace panics or reports itself opaque is marked OPAQUE:
/// it is treated as referenced from outside.
pub(crate) fn subtract_refs(young: &List) -> Option<Anomaly> {
    let mut first_anomaly = None;
    let mut cur = young.first();
    while let Some(h) = cur {
        let mut sink = SubtractSink {
            current: h,
            anomaly: None,
        };
        if !trace_object(h, &mut sink) {
            // SAFETY: live.
            unsafe { hdr(h) }.set(flag::OPAQUE);
        }
        first_anomaly = first_anomaly.or(sink.anomaly);
        // SAFETY: `h` is linked into `young`.
        cur = unsafe { young.next_of(h) };
    }
    first_anomaly
}

struct ReachableSink<'a> {
    young: &'a List,
    blind: bool,
}

impl Sink for ReachableSink<'_> {
    fn strong(&mut self, target: NonNull<Header>, _handle: *const ()) {
        // SAFETY: a reported handle's target is live.
        let t = unsafe { hdr(target) };
        if !t.has(flag::COLLECTING) {
            return; // outside the set, or already known reachable
        }
        if t.has(flag::UNREACHABLE) {
            // Tentatively unreachable, but reachable after all: back to
            // the end of `young`, where the scan will reach it again.
            // SAFETY: UNREACHABLE objects are linked in `unreachable`.
            unsafe { list::move_to(target, self.young) };
            t.clear(flag::UNREACHABLE);
            t.gc_refs.set(1);
        } else if t.gc_refs.get() == 0 {
            // Not scanned yet: make sure the scan sees it as reachable.
            t.gc_refs.set(1);
        }
    }

    fn opaque(&mut self) {
        self.blind = true;
    }
}

/// Step 3, `move_unreachable`: split `young` into reachable (stays, with
/// COLLECTING cleared) and unreachable (moved, COLLECTING|UNREACHABLE).
///
/// Returns an anomaly if a reachable object could not report its children
/// (they might then look unreachable while they are not).
pub(crate) fn move_unreachable(young: &List, unreachable: &List) -> Option<Anomaly> {
    let mut anomaly = None;
    let mut cur = young.first();
    while let Some(h) = cur {
        // SAFETY: linked objects are live.
        let header = unsafe { hdr(h) };
        if header.gc_refs.get() > 0 || header.has(flag::OPAQUE) {
            // An object that was already opaque in subtract_refs subtracted
            // nothing from its children, so they look externally held and
            // being blind again now is harmless. Only an object that could
            // report its children then and cannot now is a problem.
            let was_opaque = header.has(flag::OPAQUE);
            let mut sink = ReachableSink {
                young,
                blind: false,
            };
            if (!trace_object(h, &mut sink) || sink.blind) && !was_opaque {
                anomaly = anomaly.or_else(|| {
                    Some(Anomaly::everything(format!(
                        "the Trace impl of {} could not report its handles while the \
                         collector was marking reachable objects",
                        header.type_name()
                    )))
                });
            }
            header.clear(flag::COLLECTING | flag::OPAQUE);
            // SAFETY: `h` is still linked into `young`.
            cur = unsafe { young.next_of(h) };
        } else {
            // SAFETY: `h` is linked into `young`.
            let next = unsafe { young.next_of(h) };
            // SAFETY: `h` is linked; `unreachable` is a live list.
            unsafe { list::move_to(h, unreachable) };
            header.set(flag::UNREACHABLE);
            cur = next;
        }
    }
    anomaly
}

/// `deduce_unreachable`: steps 1 to 3 in one call.
pub(crate) fn deduce_unreachable(young: &List, unreachable: &List) -> Option<Anomaly> {
    update_refs(young);
    let a = subtract_refs(young);
    let b = move_unreachable(young, unreachable);
    a.or(b)
}

/// Clears the per-collection flags of every object in `l`.
pub(crate) fn clear_scratch_flags(l: &List) {
    let mut cur = l.first();
    while let Some(h) = cur {
        // SAFETY: linked objects are live.
        unsafe { hdr(h) }.clear(flag::SCRATCH);
        // SAFETY: `h` is linked into `l`.
        cur = unsafe { l.next_of(h) };
    }
}
