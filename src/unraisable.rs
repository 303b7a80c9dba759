//! Reporting errors that have nowhere to go: panics in finalizers, `Drop`
//! impls and `Trace` impls run by the collector or the release path, and
//! `Trace` impls caught reporting handles that do not exist.
//!
//! CPython calls these "unraisable" exceptions and prints
//! `Exception ignored in: ...`; we do the same through a replaceable hook.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use crate::heap::Heap;

/// One error that could not be propagated to a caller.
#[derive(Debug)]
pub struct Unraisable<'a> {
    /// Where it happened, e.g. `"finalizer of"`, `"drop of"`, `"trace of"`.
    pub context: &'a str,
    /// The type whose code failed (`std::any::type_name`).
    pub type_name: &'a str,
    /// The panic message, or a description of the problem.
    pub message: &'a str,
}

/// A hook receiving every [`Unraisable`] error of this thread's heap.
pub type UnraisableHook = Rc<dyn Fn(&Unraisable<'_>)>;

/// Hooks and user-visible collector state that holds user values.
#[derive(Default)]
pub(crate) struct Hooks {
    pub unraisable: RefCell<Option<UnraisableHook>>,
    /// `gc.callbacks`.
    pub callbacks: RefCell<Vec<crate::gc_module::GcCallback>>,
}

/// Replaces this thread's unraisable hook; `None` restores the default,
/// which prints one line to stderr:
/// `Exception ignored in finalizer of my::Type: <panic message>`.
///
/// Returns the previous hook.
///
/// # Examples
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let s = seen.clone();
/// refcycle::set_unraisable_hook(Some(Rc::new(move |u: &refcycle::Unraisable<'_>| {
///     s.borrow_mut().push(format!("{} {}: {}", u.context, u.type_name, u.message));
/// })));
/// ```
pub fn set_unraisable_hook(hook: Option<UnraisableHook>) -> Option<UnraisableHook> {
    crate::heap::with(|heap| match heap {
        Some(heap) => heap.hooks.unraisable.replace(hook),
        None => None,
    })
}

/// Reports a caught panic.
pub(crate) fn report_panic(
    heap: Option<&Heap>,
    context: &str,
    type_name: &str,
    payload: Box<dyn Any + Send>,
) {
    let message = panic_message(&*payload);
    report(heap, context, type_name, &message);
    // A payload whose own Drop panics must not unwind through the heap.
    drop_quietly(heap, "drop of", payload);
}

/// The text of a panic payload (`&str` or `String`, as `panic!` makes).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// Sends one error to the hook, or to stderr.
pub(crate) fn report(heap: Option<&Heap>, context: &str, type_name: &str, message: &str) {
    let info = Unraisable {
        context,
        type_name,
        message,
    };
    let hook = heap.and_then(|h| h.hooks.unraisable.borrow().clone());
    match hook {
        Some(hook) => {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook(&info)));
            if let Err(payload) = r {
                print_default(&info);
                drop_quietly(None, "drop of", payload);
            }
            // The hook may have replaced itself: this may be the last handle.
            drop_quietly(heap, "unraisable hook", hook);
        }
        None => print_default(&info),
    }
}

/// [`drop_quietly`] for each item on its own: dropping a `Vec` whose
/// second element panics while the first one's panic unwinds would abort.
pub(crate) fn drop_each_quietly<I: IntoIterator>(heap: Option<&Heap>, context: &str, items: I) {
    for item in items {
        drop_quietly(heap, context, item);
    }
}

/// Drops a user value on the collector's behalf (a closure it cancelled,
/// a callback list it copied, a panic payload): a panic from its `Drop` is
/// reported, never propagated into the collector's caller.
pub(crate) fn drop_quietly<T>(heap: Option<&Heap>, context: &str, value: T) {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(value)));
    if let Err(payload) = r {
        let message = panic_message(&*payload);
        report(heap, context, std::any::type_name::<T>(), &message);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(payload)));
        if let Err(inner) = r {
            // A payload whose drop panics, whose own payload... give up on
            // that one (leak it) rather than recurse without end.
            std::mem::forget(inner);
        }
    }
}

fn print_default(info: &Unraisable<'_>) {
    eprintln!(
        "Exception ignored in {} {}: {}",
        info.context, info.type_name, info.message
    );
}
