//! `Trace::TRUST`: when every object of a collection's set has an exact
//! `Trace` impl, its garbage is collected without the check that guards
//! against wrong impls (verify_garbage); a set with any other object is
//! still checked. Exact garbage is finalized, weakly referenced and
//! resurrected exactly as other garbage is.

mod support;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use refcycle::{collect, collect_generation, AnyGc, Finalize, Gc, Trace, Trust, Visitor, Weak};
use support::{capture_unraisable, drop_count, log_drop, no_stress};

thread_local! {
    /// Calls of `Counted::trace`, of either kind.
    static TRACES: Cell<usize> = const { Cell::new(0) };
    /// Where finalizers put the objects they resurrect.
    static SAVED: RefCell<Vec<AnyGc>> = const { RefCell::new(Vec::new()) };
}

fn traces() -> usize {
    TRACES.with(Cell::get)
}

/// A node whose `trace` counts its calls; its impl is exact when `EXACT`.
/// Made with a finalizer, it resurrects itself if `resurrect` is set.
struct Counted<const EXACT: bool> {
    id: u64,
    children: RefCell<Vec<Gc<Counted<EXACT>>>>,
    liar: RefCell<Option<Gc<Liar>>>,
    weak: RefCell<Option<Weak<Counted<EXACT>>>>,
    resurrect: Cell<bool>,
}

impl<const EXACT: bool> Trace for Counted<EXACT> {
    // SAFETY: `trace` reports each handle in `children`, `liar` and
    // `weak` once, and changes nothing a trace reports (only the count).
    const TRUST: Trust<Self> = unsafe { Trust::exact_if(EXACT) };

    fn trace(&self, visitor: &mut Visitor<'_>) {
        TRACES.with(|t| t.set(t.get() + 1));
        self.children.trace(visitor);
        self.liar.trace(visitor);
        self.weak.trace(visitor);
    }
}

impl<const EXACT: bool> Drop for Counted<EXACT> {
    fn drop(&mut self) {
        log_drop(self.id);
    }
}

impl<const EXACT: bool> Finalize for Counted<EXACT> {
    fn finalize(this: &Gc<Self>) {
        if this.resurrect.get() {
            SAVED.with(|s| s.borrow_mut().push(AnyGc::new(this.clone())));
        }
    }
}

fn counted<const EXACT: bool>(id: u64) -> Counted<EXACT> {
    Counted {
        id,
        children: RefCell::new(Vec::new()),
        liar: RefCell::new(None),
        weak: RefCell::new(None),
        resurrect: Cell::new(false),
    }
}

/// Links `nodes` into a ring: each holds the next, the last the first.
fn close_ring<const EXACT: bool>(nodes: &[Gc<Counted<EXACT>>]) {
    for (i, n) in nodes.iter().enumerate() {
        let next = nodes[(i + 1) % nodes.len()].clone();
        n.children.borrow_mut().push(next);
    }
}

/// A ring of plain nodes with the given ids.
fn ring<const EXACT: bool>(ids: &[u64]) -> Vec<Gc<Counted<EXACT>>> {
    let nodes: Vec<_> = ids.iter().map(|&id| Gc::new(counted(id))).collect();
    close_ring(&nodes);
    nodes
}

/// A wrong impl: reports its target twice.
struct Liar {
    target: RefCell<Option<Gc<Counted<true>>>>,
}

impl Trace for Liar {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        if let Some(t) = &*self.target.borrow() {
            t.trace(visitor);
            t.trace(visitor);
        }
    }
}

/// Made with `#[derive(Trace)]` and nothing else: not exact.
#[derive(Trace)]
struct Derived {
    next: RefCell<Option<Gc<Derived>>>,
}

#[derive(Trace)]
#[trace(exact)]
struct DerivedExact {
    name: String,
    next: RefCell<Option<Gc<DerivedExact>>>,
    map: HashMap<u32, (Gc<u64>, Weak<DerivedExact>)>,
}

#[derive(Trace)]
#[trace(exact)]
struct HoldsInexact {
    inner: Derived,
}

#[derive(Trace)]
#[trace(exact)]
struct SkipsInexact {
    #[trace(skip)]
    _inner: Derived,
    next: Option<Gc<SkipsInexact>>,
}

#[derive(Trace)]
#[trace(exact)]
enum Generic<T: Trace + 'static> {
    One(T),
    Many(Vec<Gc<Generic<T>>>),
}

#[test]
fn the_standard_impls_are_exact_when_their_elements_are() {
    type Exact = Counted<true>;
    type Inexact = Counted<false>;
    fn exact<T: Trace + ?Sized>() -> bool {
        T::TRUST.is_exact()
    }
    assert!(exact::<u64>() && exact::<str>() && exact::<String>());
    assert!(
        exact::<Gc<Inexact>>(),
        "a handle reports itself, whatever T is"
    );
    assert!(exact::<Weak<Inexact>>() && exact::<AnyGc>());
    assert!(exact::<RefCell<Vec<Gc<Inexact>>>>());
    assert!(exact::<HashMap<String, Option<Box<Gc<Inexact>>>>>());
    assert!(exact::<(u8, Gc<Inexact>, [Weak<Exact>; 2])>());
    assert!(exact::<Rc<Inexact>>(), "reports nothing, which is allowed");
    assert!(exact::<Vec<Exact>>() && exact::<Option<Exact>>());
    assert!(!exact::<Inexact>() && !exact::<Liar>());
    assert!(!exact::<Vec<Inexact>>() && !exact::<RefCell<Option<Inexact>>>());
    assert!(!exact::<(u8, Inexact)>() && !exact::<Result<u8, Box<Inexact>>>());
    assert_eq!(format!("{:?}", u8::TRUST), "Trust::exact");
    assert_eq!(format!("{:?}", Liar::TRUST), "Trust::VERIFY");
}

#[test]
fn the_derive_is_exact_only_when_asked_and_every_traced_field_is() {
    assert!(DerivedExact::TRUST.is_exact());
    assert!(!Derived::TRUST.is_exact(), "not asked");
    assert!(!HoldsInexact::TRUST.is_exact(), "a field is not exact");
    assert!(
        SkipsInexact::TRUST.is_exact(),
        "the inexact field is skipped"
    );
    assert!(Generic::<u64>::TRUST.is_exact());
    assert!(!Generic::<Derived>::TRUST.is_exact());
    let leaf = Gc::new(Generic::One(7u64));
    drop(Gc::new(Generic::Many(vec![leaf])));
}

/// Traces made by a young collection of a ring of three (the only objects
/// in the young generation), and what it freed.
fn young_collection_of_a_ring<const EXACT: bool>(first: u64) -> (usize, usize) {
    no_stress();
    collect();
    drop(ring::<EXACT>(&[first, first + 1, first + 2]));
    let before = traces();
    let freed = collect_generation(0);
    (traces() - before, freed)
}

#[test]
fn exact_garbage_is_traced_once_other_garbage_twice() {
    // Step 2 traces each object of the set; step 3 traces none of the
    // garbage; verify_garbage traces it again unless the set is exact.
    assert_eq!(young_collection_of_a_ring::<true>(10), (3, 3));
    assert_eq!(young_collection_of_a_ring::<false>(20), (6, 3));
    for id in 10..13 {
        assert_eq!(drop_count(id) + drop_count(id + 10), 2);
    }
}

#[test]
fn one_inexact_object_in_the_set_keeps_the_check() {
    no_stress();
    collect();
    let reports = capture_unraisable();
    // `x` is held here and by the liar, which reports it twice: counted
    // alone, `x` would look unreachable.
    let x = Gc::new(counted::<true>(30));
    let liar = Gc::new(Liar {
        target: RefCell::new(Some(x.clone())),
    });
    *x.liar.borrow_mut() = Some(liar);
    // And an exact ring beside it, in the same young generation.
    drop(ring::<true>(&[31, 32]));
    collect_generation(0);
    assert!(Gc::try_borrow(&x).is_ok(), "x is intact");
    assert_eq!(drop_count(30), 0);
    assert_eq!(
        (drop_count(31), drop_count(32)),
        (1, 1),
        "the ring is freed"
    );
    let reported = reports.borrow().iter().any(|r| r.message.contains("Liar"));
    assert!(reported, "{:?}", reports.borrow());
    refcycle::set_unraisable_hook(None);
    // Break the cycle by hand, so that nothing leaks.
    x.liar.borrow_mut().take();
}

/// An exact impl that panics (which the promise allows).
struct Panics;

impl Trace for Panics {
    // SAFETY: `trace` reports nothing and changes nothing.
    const TRUST: Trust<Self> = unsafe { Trust::exact() };

    fn trace(&self, _visitor: &mut Visitor<'_>) {
        panic!("Panics::trace");
    }
}

#[test]
fn a_trace_that_panicked_keeps_the_check() {
    // Its panic ran the unraisable hook, user code, in the middle of the
    // collection: the garbage is checked again, as for any impl.
    no_stress();
    collect();
    let reports = capture_unraisable();
    let panics = Gc::new(Panics);
    drop(ring::<true>(&[80, 81, 82]));
    let before = traces();
    assert_eq!(collect_generation(0), 3);
    assert_eq!(traces() - before, 6, "the ring traced twice");
    assert!(reports
        .borrow()
        .iter()
        .any(|r| r.message.contains("Panics::trace")));
    refcycle::set_unraisable_hook(None);
    drop(panics);
}

/// What happens to a ring whose first node has a finalizer (resurrecting
/// it if `resurrect`) and a weak reference with a callback: drops, the
/// callback, the weak reference afterwards, and what was resurrected.
fn finalize_a_ring<const EXACT: bool>(first: u64, resurrect: bool) -> (Vec<usize>, bool, bool) {
    no_stress();
    collect();
    let head = counted::<EXACT>(first);
    head.resurrect.set(resurrect);
    let nodes = vec![
        Gc::new_with_finalizer(head),
        Gc::new(counted(first + 1)),
        Gc::new(counted(first + 2)),
    ];
    close_ring(&nodes);
    let called = Rc::new(Cell::new(false));
    let flag = called.clone();
    let weak = Gc::downgrade_with_callback(&nodes[1], move || flag.set(true));
    drop(nodes);
    collect_generation(0);
    let drops = (first..first + 3).map(drop_count).collect();
    let saved = SAVED.with(|s| std::mem::take(&mut *s.borrow_mut()));
    // A resurrected ring is kept whole: break it, so that nothing leaks.
    for s in &saved {
        let node = s.clone().downcast::<Counted<EXACT>>().expect("a Counted");
        node.children.borrow_mut().clear();
    }
    (drops, called.get(), weak.upgrade().is_some())
}

#[test]
fn exact_garbage_is_finalized_and_resurrected_as_other_garbage_is() {
    for resurrect in [false, true] {
        let exact = finalize_a_ring::<true>(40 + u64::from(resurrect) * 10, resurrect);
        let other = finalize_a_ring::<false>(60 + u64::from(resurrect) * 10, resurrect);
        assert_eq!(exact, other, "resurrect: {resurrect}");
        let expected = if resurrect {
            // The weak reference was cleared and its callback ran before
            // the finalizer resurrected the ring (CPython's order).
            (vec![0, 0, 0], true, false)
        } else {
            (vec![1, 1, 1], true, false)
        };
        assert_eq!(exact, expected, "resurrect: {resurrect}");
    }
}

/// Whether the callback of a weak reference that a ring of two owns, to
/// the other node of the ring, runs when the ring is collected.
fn weak_callback_owned_by_garbage<const EXACT: bool>(first: u64) -> bool {
    no_stress();
    collect();
    let nodes = ring::<EXACT>(&[first, first + 1]);
    let called = Rc::new(Cell::new(false));
    let flag = called.clone();
    let weak = Gc::downgrade_with_callback(&nodes[1], move || flag.set(true));
    *nodes[0].weak.borrow_mut() = Some(weak);
    drop(nodes);
    assert_eq!(collect_generation(0), 2);
    called.get()
}

#[test]
fn a_weak_reference_in_exact_garbage_dies_with_it_uncalled() {
    // CPython's handle_weakrefs: a weak reference that is itself garbage
    // does not call back (its callback could see the garbage).
    assert!(!weak_callback_owned_by_garbage::<true>(90));
    assert!(!weak_callback_owned_by_garbage::<false>(92));
}
