//! Tracing an object's value for the collector's passes: a panic in a
//! `Trace` impl is caught, counted and reported, and the pass goes on.

use std::ptr::NonNull;

use crate::header::{flag, hdr, Erased, Header};
use crate::trace::{Sink, Visitor};

/// Runs `T::trace` on `h`'s value, catching a panic.
///
/// Returns `false` if the trace panicked (the panic is reported).
pub(crate) fn trace_object(h: NonNull<Header>, sink: &mut dyn Sink) -> bool {
    // Callers pass live objects with a head: members of a collection, or
    // linked in the heap's lists, while releases are deferred (collector,
    // introspection), so nothing frees them during the call.
    // SAFETY: live, with a head (header invariant 4), as above.
    let obj = unsafe { Erased::with_head(h) };
    trace_erased(obj, sink)
}

/// [`trace_object`] for any object, with its vtable.
pub(crate) fn trace_erased(obj: Erased, sink: &mut dyn Sink) -> bool {
    // SAFETY: callers pass live objects (see `trace_object`).
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
        trace_unguarded(obj, sink)
    }));
    match result {
        Ok(()) => true,
        Err(payload) => {
            report_trace_panic(obj, payload);
            false
        }
    }
}

/// Runs `T::trace` on the value into `sink`, unless the value was
/// cleared (a cleared value owns nothing). Panics pass through: the
/// callers catch them.
///
/// # Safety
/// The object must be live, and stay so during the call (callers trace
/// while releases are deferred, so a trace cannot drop values).
#[inline]
unsafe fn trace_unguarded(obj: Erased, sink: &mut dyn Sink) {
    // SAFETY: live (caller).
    if !unsafe { hdr(obj.ptr()) }.has(flag::DROPPED) {
        let mut visitor = Visitor::new(sink);
        // SAFETY: live and not DROPPED (checked above).
        unsafe { (obj.vtable().trace)(obj.ptr(), &mut visitor) }
    }
}

/// Counts and reports a panic that unwound out of `obj`'s trace.
fn report_trace_panic(obj: Erased, payload: Box<dyn std::any::Any + Send>) {
    crate::heap::with(|heap| {
        if let Some(heap) = heap {
            // The report may run the user's hook (see run_phases).
            heap.trace_panics.set(heap.trace_panics.get() + 1);
        }
        crate::unraisable::report_panic(heap, "trace of", obj.type_name(), payload)
    });
}

/// [`trace_object`] for a run of objects, as the collector's passes make
/// them: `next` yields each object in turn (and prepares the sink for it),
/// its value is traced into `sink`, and `after(sink, h, traced)` follows,
/// with `traced` false if the trace panicked (the panic is reported, and
/// the run goes on with the next object).
///
/// One `catch_unwind` guards the whole run instead of one per object: the
/// frame a `catch_unwind` needs cost a per-object trace about 15 of its 20
/// instructions (callgrind), and 4% of W5's rounds (docs/performance.md,
/// "What changed"). A panic in `next` or `after` (the collector's own
/// code) is not a trace's and is passed on.
pub(crate) fn trace_run<S: Sink>(
    sink: &mut S,
    mut next: impl FnMut(&mut S) -> Option<NonNull<Header>>,
    mut after: impl FnMut(&mut S, NonNull<Header>, bool),
) {
    loop {
        let mut tracing = None;
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            while let Some(h) = next(sink) {
                // Callers pass live objects with a head (see trace_object).
                // SAFETY: live, with a head (header invariant 4).
                let obj = unsafe { Erased::with_head(h) };
                tracing = Some(obj);
                // SAFETY: live (above).
                unsafe { trace_unguarded(obj, sink) };
                tracing = None;
                after(sink, h, true);
            }
        }));
        match (run, tracing) {
            (Ok(()), _) => return,
            (Err(payload), Some(obj)) => {
                report_trace_panic(obj, payload);
                after(sink, obj.ptr(), false);
            }
            (Err(payload), None) => std::panic::resume_unwind(payload),
        }
    }
}
