//! Emptying dead temporaries while Python code runs inside a collection.
//!
//! refcycle defers every release while it collects: an object whose last
//! handle goes away inside a `__del__` (or a weakref or gc callback) run
//! by the collector stays in the release queue, with its contents, until
//! the collection ends. Its handles then count as references from outside
//! the garbage, and the collector's resurrection check keeps alive the
//! garbage they point to: the cycle survives that collection (and is freed
//! by the next, without running `__del__` again), where CPython, which
//! frees the temporary at once, collects it. The typical culprit is an
//! exception raised inside `__del__`: its traceback holds the `__del__`
//! frame, whose locals hold `self`.
//!
//! As a workaround, exceptions and locals dropped while a finalizer runs
//! are "scrubbed" first: every list, dict and frame only they reach is
//! emptied, so the handles to the garbage go away at once (tuples and
//! bound methods cannot be emptied: one holding garbage still delays it). Scrubbing only touches objects
//! that are about to die (strong count 1, held by the exception's chain).
//! The proper fix belongs in refcycle: release queued non-garbage objects
//! before `handle_resurrected_objects`.

use refcycle::Gc;

use crate::object::{Frame, Instance, Traceback, Value};
use crate::vm::Vm;

impl Vm {
    /// Whether Python code is running for a finalizer or a collection
    /// callback (see the module docs).
    pub fn finalizing(&self) -> bool {
        self.finalizing.get() > 0
    }

    /// Drops an exception, scrubbing it first if a finalizer is running.
    pub fn discard_exception(&self, exc: Gc<Instance>) {
        if self.finalizing() && Gc::strong_count(&exc) == 1 {
            self.scrub_exception(&exc);
        }
        drop(exc);
    }

    fn scrub_exception(&self, exc: &Gc<Instance>) {
        let Some(state) = &exc.exc else { return };
        let tb = state.traceback.replace(Value::None);
        let context = state.context.replace(Value::None);
        let cause = state.cause.replace(Value::None);
        if let Value::Traceback(t) = &tb {
            scrub_traceback(t);
        }
        drop(tb);
        for chained in [context, cause] {
            if let Value::Instance(i) = chained {
                self.discard_exception(i);
            }
        }
    }
}

/// Detaches the frames of a traceback chain held only by it (emptying a
/// frame held only by its entry), so no dead entry keeps a frame alive.
fn scrub_traceback(tb: &Gc<Traceback>) {
    let mut cur = Some(tb.clone());
    while let Some(t) = cur {
        // Our clone plus the owner's handle: nobody else holds it.
        if Gc::strong_count(&t) > 2 {
            break;
        }
        let (frame, next) = t.detach();
        if let Some(f) = frame {
            if Gc::strong_count(&f) == 1 {
                scrub_frame(&f);
            }
        }
        cur = next;
    }
}

/// Drops a dying frame's locals, emptying the containers only they hold.
fn scrub_frame(f: &Gc<Frame>) {
    let locals = std::mem::take(&mut *f.locals.borrow_mut());
    for v in locals.into_iter().flatten() {
        scrub_value(v);
    }
    for c in &f.cells {
        if Gc::strong_count(c) == 1 {
            if let Some(v) = c.set(None) {
                scrub_value(v);
            }
        }
    }
}

/// Drops `v`, first emptying it if it is a container nobody else holds.
pub(crate) fn scrub_value(v: Value) {
    match &v {
        Value::List(l) if Gc::strong_count(l) == 1 => {
            let items = l.replace(Vec::new());
            for x in items.into_iter().rev() {
                scrub_value(x);
            }
        }
        Value::Dict(d) if Gc::strong_count(d) == 1 => {
            for (k, x) in d.items() {
                drop(k);
                scrub_value(x);
            }
            d.clear();
        }
        Value::Tuple(t) if Gc::strong_count(t) == 1 => {
            // A tuple's items cannot be taken out; scrub what they hold.
            for x in t.items.iter() {
                if let Value::List(_) | Value::Dict(_) = x {
                    scrub_value(x.clone());
                }
            }
        }
        _ => {}
    }
    drop(v);
}
