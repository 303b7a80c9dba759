//! Objects a finalizer makes and drops while a collection runs (an
//! interpreter's frame or bound method holding `self`) are freed before
//! the resurrection check, as CPython frees them at once; their references
//! to the garbage do not make it look resurrected. A temporary that is
//! *kept* (stored somewhere reachable) still resurrects what it holds.

use std::cell::{Cell, RefCell};

use refcycle::{collect, validate, Finalize, Gc, Trace, Visitor};

thread_local! {
    static KEPT: RefCell<Vec<Gc<Temp>>> = const { RefCell::new(Vec::new()) };
    static FINALIZED: Cell<usize> = const { Cell::new(0) };
    static TEMPS_DROPPED: Cell<usize> = const { Cell::new(0) };
}

/// What a finalizer does with the temporary it makes.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Drop,
    Keep,
}

/// A cycle member whose finalizer makes a `Temp` holding a handle to it.
struct Obj {
    partner: RefCell<Option<Gc<Obj>>>,
    mode: Mode,
}

impl Trace for Obj {
    fn trace(&self, v: &mut Visitor<'_>) {
        self.partner.trace(v);
    }
}

impl Finalize for Obj {
    fn finalize(this: &Gc<Self>) {
        FINALIZED.with(|c| c.set(c.get() + 1));
        let temp = Gc::new(Temp(Some(this.clone())));
        if this.mode == Mode::Keep {
            KEPT.with(|k| k.borrow_mut().push(temp));
        }
    }
}

/// The temporary: a tracked object holding a handle (like a frame).
struct Temp(Option<Gc<Obj>>);

impl Trace for Temp {
    fn trace(&self, v: &mut Visitor<'_>) {
        self.0.trace(v);
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        TEMPS_DROPPED.with(|c| c.set(c.get() + 1));
    }
}

fn pair(mode: Mode) {
    let a = Gc::new_with_finalizer(Obj {
        partner: RefCell::new(None),
        mode,
    });
    let b = Gc::new_with_finalizer(Obj {
        partner: RefCell::new(Some(a.clone())),
        mode,
    });
    *a.partner.borrow_mut() = Some(b);
}

#[test]
fn temporaries_dropped_by_finalizers_do_not_resurrect_the_garbage() {
    refcycle::disable();
    pair(Mode::Drop);
    assert_eq!(collect(), 2, "the pair is collected in one collection");
    assert_eq!(FINALIZED.with(Cell::get), 2);
    assert_eq!(TEMPS_DROPPED.with(Cell::get), 2, "both temporaries freed");
    assert_eq!(collect(), 0, "nothing was left for a second collection");
    assert_eq!(validate(), Ok(()));
}

#[test]
fn temporaries_kept_by_finalizers_resurrect_what_they_hold() {
    refcycle::disable();
    pair(Mode::Keep);
    assert_eq!(collect(), 0, "the kept temporaries resurrect the pair");
    assert_eq!(TEMPS_DROPPED.with(Cell::get), 0);
    assert_eq!(validate(), Ok(()));
    // Dropping the temporaries leaves the pair as plain garbage, whose
    // finalizers already ran (PEP 442: once per life).
    KEPT.with(|k| k.borrow_mut().clear());
    assert_eq!(TEMPS_DROPPED.with(Cell::get), 2);
    assert_eq!(collect(), 2);
    assert_eq!(FINALIZED.with(Cell::get), 2, "no finalizer ran twice");
    assert_eq!(validate(), Ok(()));
}

/// A temporary with its own finalizer, made by a garbage finalizer: it
/// runs when the temporary is freed mid-collection, and may itself make
/// and drop more temporaries.
struct Chatty(Gc<Obj>);

impl Trace for Chatty {
    fn trace(&self, v: &mut Visitor<'_>) {
        self.0.trace(v);
    }
}

impl Finalize for Chatty {
    fn finalize(this: &Gc<Self>) {
        FINALIZED.with(|c| c.set(c.get() + 1));
        drop(Gc::new(Temp(Some(this.0.clone()))));
    }
}

struct Spawner {
    me: RefCell<Option<Gc<Spawner>>>,
    target: Gc<Obj>,
}

impl Trace for Spawner {
    fn trace(&self, v: &mut Visitor<'_>) {
        self.me.trace(v);
        self.target.trace(v);
    }
}

impl Finalize for Spawner {
    fn finalize(this: &Gc<Self>) {
        drop(Gc::new_with_finalizer(Chatty(this.target.clone())));
    }
}

#[test]
fn temporaries_freed_mid_collection_may_run_finalizers_of_their_own() {
    refcycle::disable();
    let target = Gc::new(Obj {
        partner: RefCell::new(None),
        mode: Mode::Drop,
    });
    *target.partner.borrow_mut() = Some(target.clone());
    let s = Gc::new_with_finalizer(Spawner {
        me: RefCell::new(None),
        target,
    });
    *s.me.borrow_mut() = Some(s.clone());
    drop(s);
    assert_eq!(collect(), 2, "the spawner's cycle and the target's");
    assert_eq!(FINALIZED.with(Cell::get), 1, "Chatty's finalizer ran");
    assert_eq!(TEMPS_DROPPED.with(Cell::get), 1);
    assert_eq!(validate(), Ok(()));
}
