//! `#[derive(Trace)]` against the real heap: what `NEEDS_TRACE` it computes,
//! and that the edges it reports let the collector free cycles.
//!
//! The attribute errors are compile-fail doc tests in `derive/src/lib.rs`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use refcycle::{Gc, Trace, Weak};

/// Counts drops through a shared cell, so a test can see what was freed.
#[derive(Trace)]
#[trace(skip)]
struct Drops(Rc<Cell<usize>>);

impl Drop for Drops {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[derive(Trace)]
struct Node {
    drops: Drops,
    next: RefCell<Option<Gc<Node>>>,
}

#[derive(Trace)]
enum Link {
    Strong(Gc<Link>),
    Weak { target: Weak<Link> },
    Pair(#[trace(skip)] u32, RefCell<Vec<Link>>, Drops),
    End,
}

#[derive(Trace)]
struct Plain {
    id: u64,
    name: String,
    tags: Vec<(u8, char)>,
}

#[derive(Trace)]
struct Tree {
    kids: Vec<Tree>,
}

#[derive(Trace)]
enum List {
    Cons(u32, Box<List>),
    Nil,
}

#[derive(Trace)]
struct Wrapper<T> {
    inner: T,
}

#[derive(Trace)]
struct Skipped {
    #[trace(skip)]
    handle: Gc<u32>,
}

const _: () = assert!(Node::NEEDS_TRACE && Link::NEEDS_TRACE);
const _: () = assert!(!Plain::NEEDS_TRACE && !Skipped::NEEDS_TRACE && !Drops::NEEDS_TRACE);
const _: () = assert!(Tree::NEEDS_TRACE && List::NEEDS_TRACE); // conservative for recursion
const _: () = assert!(!Wrapper::<u8>::NEEDS_TRACE && Wrapper::<Gc<u8>>::NEEDS_TRACE);

#[test]
fn only_derived_types_that_can_hold_handles_are_tracked() {
    let plain = Gc::new(Plain {
        id: 1,
        name: "x".into(),
        tags: vec![(1, 'a')],
    });
    assert!(!refcycle::is_tracked(&plain));
    let skipped = Gc::new(Skipped { handle: Gc::new(1) });
    assert!(!refcycle::is_tracked(&skipped));
    assert_eq!(*skipped.handle, 1);
    assert!(!refcycle::is_tracked(&Gc::new(Wrapper { inner: 5u8 })));
    // Recursive types are tracked even when, as here, they hold no handle.
    assert!(refcycle::is_tracked(&Gc::new(Tree { kids: vec![] })));
    let list = List::Cons(1, Box::new(List::Nil));
    assert!(refcycle::is_tracked(&Gc::new(list)));
}

fn node(drops: &Rc<Cell<usize>>) -> Gc<Node> {
    Gc::new(Node {
        drops: Drops(drops.clone()),
        next: RefCell::new(None),
    })
}

#[test]
fn derived_two_node_cycle_is_collected() {
    let drops = Rc::new(Cell::new(0));
    let (a, b) = (node(&drops), node(&drops));
    *a.next.borrow_mut() = Some(b.clone());
    *b.next.borrow_mut() = Some(a.clone());
    drop((a, b));
    assert_eq!(drops.get(), 0, "a cycle is not freed by counting alone");
    assert!(refcycle::collect() >= 2);
    assert_eq!(drops.get(), 2);
}

#[test]
fn derived_enum_cycle_through_a_vec_is_collected() {
    let drops = Rc::new(Cell::new(0));
    let pair = Gc::new(Link::Pair(7, RefCell::new(vec![]), Drops(drops.clone())));
    let Link::Pair(id, links, _) = &*pair else {
        unreachable!()
    };
    assert_eq!(*id, 7);
    links.borrow_mut().push(Link::Strong(pair.clone()));
    links.borrow_mut().push(Link::Weak {
        target: Gc::downgrade(&pair),
    });
    links.borrow_mut().push(Link::End);
    drop(pair);
    assert_eq!(drops.get(), 0);
    refcycle::collect();
    assert_eq!(drops.get(), 1);
}

#[test]
fn reachable_derived_objects_survive_collection() {
    let drops = Rc::new(Cell::new(0));
    let a = node(&drops);
    *a.next.borrow_mut() = Some(a.clone());
    refcycle::collect();
    assert_eq!(drops.get(), 0);
    assert_eq!(Gc::strong_count(&a), 2);
    a.next.borrow_mut().take();
}

#[test]
fn collecting_while_a_field_is_mutably_borrowed_frees_nothing_it_reaches() {
    let drops = Rc::new(Cell::new(0));
    let (a, b) = (node(&drops), node(&drops));
    *a.next.borrow_mut() = Some(b.clone());
    *b.next.borrow_mut() = Some(a.clone());
    drop(b);
    {
        // `a` cannot report its edge to `b` while this guard is out.
        let guard = a.next.borrow_mut();
        refcycle::collect();
        assert_eq!(drops.get(), 0);
        assert!(guard.is_some());
    }
    drop(a);
    refcycle::collect();
    assert_eq!(drops.get(), 2);
}
