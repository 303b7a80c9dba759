//! The `gc` module's introspection functions: `get_objects(generation)`
//! lists the tracked objects of one generation (or of all three, frozen
//! ones excepted, as in CPython); `get_referrers(obj)` the tracked objects
//! whose `Trace` reports a handle to `obj`, each once; `get_referents(obj)`
//! the handles `obj`'s `Trace` reports, in order. `is_tracked` and
//! `is_finalized` answer as in Python. Every object has a type name, the
//! Rust type's unless its `Trace::type_name` says otherwise. User code run
//! by these functions (a panicking or allocating `Trace`) cannot make them
//! panic, and inside a collection they answer empty.

mod support;

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use refcycle::{
    backref_chain, collect, collect_generation, freeze, get_objects, get_referents, get_referrers,
    is_finalized, is_tracked, leak_report, snapshot, unfreeze, AnyGc, Finalize, Gc, Trace, Visitor,
    Weak,
};
use support::{capture_unraisable, catch, link, no_stress, reports, ring, scale, Node};

fn contains(objects: &[AnyGc], obj: &Gc<Node>) -> bool {
    objects.iter().any(|o| o.as_ptr() == Gc::as_ptr(obj))
}

fn ptrs(objects: &[AnyGc]) -> Vec<*const ()> {
    objects.iter().map(AnyGc::as_ptr).collect()
}

// ---------------------------------------------------------------------------
// get_objects
// ---------------------------------------------------------------------------

#[test]
fn get_objects_lists_new_objects_in_generation_0_only() {
    no_stress();
    let a = Node::new(1);
    assert!(contains(&get_objects(Some(0)), &a));
    assert!(!contains(&get_objects(Some(1)), &a));
    assert!(!contains(&get_objects(Some(2)), &a));
    assert!(contains(&get_objects(None), &a));
}

#[test]
fn get_objects_follows_an_object_as_it_is_promoted() {
    no_stress();
    let a = Node::new(1);
    collect_generation(0);
    assert!(contains(&get_objects(Some(1)), &a));
    assert!(!contains(&get_objects(Some(0)), &a));
    collect_generation(1);
    assert!(contains(&get_objects(Some(2)), &a));
    assert!(contains(&get_objects(None), &a));
}

#[test]
fn get_objects_of_all_generations_is_their_union_youngest_first() {
    no_stress();
    let old = Node::new(1);
    collect(); // `old` is now in generation 2
    let young = Node::new(2);
    let all = get_objects(None);
    let mut union = get_objects(Some(0));
    union.extend(get_objects(Some(1)));
    union.extend(get_objects(Some(2)));
    assert_eq!(ptrs(&all), ptrs(&union));
    let pos = |n: &Gc<Node>| all.iter().position(|o| o.as_ptr() == Gc::as_ptr(n));
    assert!(pos(&young) < pos(&old));
}

#[test]
fn get_objects_hands_out_strong_handles() {
    let a = Node::new(7);
    let before = Gc::strong_count(&a);
    let objects = get_objects(None);
    assert_eq!(Gc::strong_count(&a), before + 1);
    let back = objects
        .iter()
        .find_map(|o| o.downcast::<Node>().filter(|n| Gc::ptr_eq(n, &a)))
        .expect("listed");
    assert_eq!(back.id, 7);
    drop((objects, back));
    assert_eq!(Gc::strong_count(&a), before);
}

#[test]
fn get_objects_never_lists_untracked_objects() {
    let n = Gc::new(5_i32);
    assert!(!is_tracked(&n));
    assert!(get_objects(None)
        .iter()
        .all(|o| o.as_ptr() != Gc::as_ptr(&n)));
}

#[test]
fn get_objects_skips_the_permanent_generation_like_cpython() {
    no_stress();
    let a = Node::new(1);
    freeze();
    assert!(!contains(&get_objects(None), &a));
    assert!(snapshot().find(&a).is_some(), "a snapshot does list it");
    unfreeze();
    assert!(contains(&get_objects(Some(2)), &a));
}

#[test]
fn get_objects_panics_on_an_invalid_generation() {
    let msg = catch(|| get_objects(Some(3))).expect("panics");
    assert!(msg.contains("invalid generation 3"), "{msg}");
}

// ---------------------------------------------------------------------------
// get_referrers
// ---------------------------------------------------------------------------

#[test]
fn get_referrers_lists_each_holder_once() {
    let target = Node::new(0);
    let twice = Node::new(1);
    let once = Node::new(2);
    let unrelated = Node::new(3);
    link(&twice, &target);
    link(&twice, &target);
    link(&once, &target);
    link(&unrelated, &once);
    let mut got = ptrs(&get_referrers(&target));
    got.sort();
    let mut want = vec![Gc::as_ptr(&twice), Gc::as_ptr(&once)];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn get_referrers_of_an_object_held_only_by_locals_is_empty() {
    let a = Node::new(1);
    let _b = a.clone();
    assert!(get_referrers(&a).is_empty());
}

#[test]
fn get_referrers_includes_the_object_itself_in_a_self_cycle() {
    let ring = ring([1]);
    assert_eq!(ptrs(&get_referrers(&ring[0])), [Gc::as_ptr(&ring[0])]);
    drop(ring);
    collect();
}

#[test]
fn get_referrers_finds_untracked_targets_and_accepts_any_gc() {
    #[derive(Trace)]
    struct Holder {
        text: Gc<String>,
    }
    let text = Gc::new(String::from("hi"));
    let holder = Gc::new(Holder { text: text.clone() });
    let any = AnyGc::from(text.clone());
    assert_eq!(ptrs(&get_referrers(&any)), [Gc::as_ptr(&holder)]);
    assert_eq!(ptrs(&get_referrers(&text)), [Gc::as_ptr(&holder)]);
}

#[test]
fn get_referrers_searches_frozen_objects_too() {
    no_stress();
    let holder = Node::new(1);
    freeze();
    let young = Node::new(2);
    link(&holder, &young);
    assert_eq!(ptrs(&get_referrers(&young)), [Gc::as_ptr(&holder)]);
    unfreeze();
}

// ---------------------------------------------------------------------------
// get_referents
// ---------------------------------------------------------------------------

#[derive(Trace)]
struct Mixed {
    first: Gc<Node>,
    label: Gc<String>,
    again: Gc<Node>,
    weak: Weak<Node>,
}

#[test]
fn get_referents_lists_every_strong_handle_in_trace_order() {
    let a = Node::new(1);
    let label = Gc::new(String::from("label"));
    let weakly = Node::new(2);
    let m = Gc::new(Mixed {
        first: a.clone(),
        label: label.clone(),
        again: a.clone(),
        weak: Gc::downgrade(&weakly),
    });
    let got = ptrs(&get_referents(&m));
    assert_eq!(got, [Gc::as_ptr(&a), Gc::as_ptr(&label), Gc::as_ptr(&a)]);
    assert!(
        !got.contains(&Gc::as_ptr(&weakly)),
        "weak handles are not referents"
    );
}

#[test]
fn get_referents_of_a_leaf_is_empty() {
    assert!(get_referents(&Node::new(1)).is_empty());
    assert!(get_referents(&Gc::new(3_u8)).is_empty());
}

#[test]
fn get_referents_of_a_mutably_borrowed_refcell_is_what_it_could_report() {
    let a = Node::new(1);
    link(&a, &Node::new(2));
    let guard = a.children.borrow_mut();
    assert!(get_referents(&a).is_empty());
    drop(guard);
    assert_eq!(get_referents(&a).len(), 1);
}

// ---------------------------------------------------------------------------
// is_tracked, is_finalized
// ---------------------------------------------------------------------------

struct Finalizable;

impl Trace for Finalizable {
    fn trace(&self, _: &mut Visitor<'_>) {}
}

impl Finalize for Finalizable {
    fn finalize(this: &Gc<Self>) {
        // Resurrect, so that the test can look at the object afterwards.
        KEEP.with(|k| k.borrow_mut().push(this.clone()));
    }
}

thread_local! {
    static KEEP: RefCell<Vec<Gc<Finalizable>>> = const { RefCell::new(Vec::new()) };
}

#[test]
fn is_tracked_and_is_finalized_answer_as_in_python() {
    assert!(is_tracked(&Node::new(1)));
    assert!(!is_tracked(&Gc::new(1_u64)));
    let f = Gc::new_with_finalizer(Finalizable);
    assert!(!is_finalized(&f));
    drop(f);
    let f = KEEP.with(|k| k.borrow_mut().pop()).expect("resurrected");
    assert!(is_finalized(&f));
}

// ---------------------------------------------------------------------------
// Type names
// ---------------------------------------------------------------------------

/// An interpreter-style object that reports its own class name.
struct Instance {
    class: &'static str,
    attrs: RefCell<Vec<Gc<Instance>>>,
}

impl Trace for Instance {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.attrs.trace(visitor);
    }

    fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(self.class)
    }
}

#[test]
fn every_object_is_named_by_its_type_unless_trace_overrides_it() {
    let node = Node::new(1);
    let any = AnyGc::from(node.clone());
    assert_eq!(any.name(), std::any::type_name::<Node>());
    let point = Gc::new(Instance {
        class: "Point",
        attrs: RefCell::new(Vec::new()),
    });
    let any = AnyGc::from(point.clone());
    assert_eq!(any.name(), "Point");
    assert_eq!(any.type_name(), std::any::type_name::<Instance>());
    assert_eq!(snapshot().find(&point).unwrap().type_name, "Point");
    assert_eq!(leak_report().alive_count("Point"), 1);
}

#[test]
fn overridden_names_appear_in_backref_chains() {
    let module = Gc::new(Instance {
        class: "Module",
        attrs: RefCell::new(Vec::new()),
    });
    let point = Gc::new(Instance {
        class: "Point",
        attrs: RefCell::new(Vec::new()),
    });
    module.attrs.borrow_mut().push(point.clone());
    let chain = backref_chain(&point).unwrap();
    assert_eq!(chain.type_names(), ["Module", "Point"]);
    assert_eq!(chain.to_string(), "<held from outside> Module -> Point");
}

// ---------------------------------------------------------------------------
// User code misbehaving
// ---------------------------------------------------------------------------

/// Holds a child, but its `Trace` panics after reporting it.
struct Panicky {
    child: Gc<Node>,
}

impl Trace for Panicky {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.child.trace(visitor);
        panic!("Panicky::trace always panics");
    }
}

#[test]
fn a_panicking_trace_is_reported_not_propagated() {
    let captured = capture_unraisable();
    let child = Node::new(1);
    let p = Gc::new(Panicky {
        child: child.clone(),
    });
    assert_eq!(ptrs(&get_referents(&p)), [Gc::as_ptr(&child)]);
    assert_eq!(ptrs(&get_referrers(&child)), [Gc::as_ptr(&p)]);
    let snap = snapshot();
    assert!(snap.find(&p).is_some());
    assert!(backref_chain(&child).is_some());
    let r = reports(&captured);
    assert!(!r.is_empty());
    assert!(
        r.iter().all(|r| r.message.contains("always panics")),
        "{r:?}"
    );
}

/// A `Trace` that allocates, drops handles and calls `collect()`: none of
/// it may disturb a walk in progress.
struct Busy {
    child: RefCell<Option<Gc<Node>>>,
    collections: Cell<usize>,
}

impl Trace for Busy {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        let scratch = Node::new(99); // allocates a tracked object
        drop(scratch); // and releases it
        let stolen = self.child.borrow_mut().take(); // drops a handle it owned
        drop(stolen);
        self.collections.set(self.collections.get() + collect());
        self.child.trace(visitor);
    }
}

#[test]
fn a_trace_that_allocates_drops_and_collects_cannot_break_introspection() {
    no_stress();
    let busy = Gc::new(Busy {
        child: RefCell::new(Some(Node::new(1))),
        collections: Cell::new(0),
    });
    for _ in 0..scale(3) {
        let snap = snapshot();
        assert!(snap.find(&busy).is_some());
        let _ = get_referrers(&busy);
        let _ = backref_chain(&busy);
        let _ = leak_report();
    }
    assert_eq!(
        busy.collections.get(),
        0,
        "collect() inside a walk does nothing"
    );
    assert!(busy.child.borrow().is_none());
}

// ---------------------------------------------------------------------------
// During a collection
// ---------------------------------------------------------------------------

/// In a cycle; its finalizer records what introspection answers.
struct Spy {
    other: RefCell<Option<Gc<Spy>>>,
}

impl Trace for Spy {
    fn trace(&self, visitor: &mut Visitor<'_>) {
        self.other.trace(visitor);
    }
}

thread_local! {
    static SEEN: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

impl Finalize for Spy {
    fn finalize(this: &Gc<Self>) {
        let sizes = [
            get_objects(None).len(),
            get_referrers(this).len(),
            get_referents(this).len(),
            snapshot().len(),
            backref_chain(this).map_or(0, |c| c.objects().len()),
            leak_report().total_alive(),
        ];
        SEEN.with(|s| s.borrow_mut().extend(sizes));
    }
}

#[test]
fn introspection_inside_a_collection_answers_empty() {
    no_stress();
    let a = Gc::new_with_finalizer(Spy {
        other: RefCell::new(None),
    });
    let b = Gc::new_with_finalizer(Spy {
        other: RefCell::new(Some(a.clone())),
    });
    *a.other.borrow_mut() = Some(b.clone());
    drop((a, b));
    assert_eq!(collect(), 2);
    let seen = SEEN.with(|s| s.borrow().clone());
    assert_eq!(seen, [0; 12], "two finalizers, six answers each");
}

#[test]
fn gc_callbacks_can_inspect_the_heap_and_collections_still_do_not_nest() {
    use refcycle::{add_callback, remove_callback, CallbackInfo, GcCallback, Phase};
    use std::rc::Rc;
    let keep = Gc::new(RefCell::new(Vec::<Gc<u8>>::new()));
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let cb: GcCallback = Rc::new(move |phase: Phase, _: &CallbackInfo| {
        let n = refcycle::get_objects(None).len();
        let nested = refcycle::collect();
        s.borrow_mut().push((phase, n, nested));
    });
    add_callback(cb.clone());
    refcycle::collect();
    assert!(remove_callback(&cb));
    let seen = seen.borrow();
    assert_eq!(seen.len(), 2);
    for &(_, n, nested) in seen.iter() {
        assert!(n >= 1, "the callback saw the tracked object");
        assert_eq!(
            nested, 0,
            "a collection started from a callback does nothing"
        );
    }
    drop(keep);
}
