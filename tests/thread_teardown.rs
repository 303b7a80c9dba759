//! Thread exit: each thread's heap is torn down when the thread exits, by
//! one last full collection that frees the cyclic garbage left behind
//! (finalizers included). Handles that outlive the heap, in thread-locals
//! destroyed after it, still work and are freed by reference counting
//! alone, without touching freed memory; `Gc::new` after the teardown
//! makes untracked objects; the collector API does nothing.
//!
//! Thread-locals are destroyed in reverse order of first use, so a test
//! that wants its thread-local destroyed *after* the heap touches it before
//! the first `Gc` is made (and checks the order it got). Destructors must
//! not panic (that aborts), so they record what they saw in shared state
//! that the test asserts on after `join`.

mod support;

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use refcycle::{Finalize, Gc, Trace};

/// A tracked object that counts its drops in a shared counter (the thread
/// that drops it is gone by the time the test looks).
#[derive(Trace)]
struct Counted {
    #[trace(skip)]
    id: u64,
    #[trace(skip)]
    drops: Arc<AtomicUsize>,
    children: RefCell<Vec<Gc<Counted>>>,
}

impl Counted {
    fn new(id: u64, drops: &Arc<AtomicUsize>) -> Gc<Counted> {
        Gc::new(Counted {
            id,
            drops: drops.clone(),
            children: RefCell::new(Vec::new()),
        })
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

fn link(from: &Gc<Counted>, to: &Gc<Counted>) {
    from.children.borrow_mut().push(to.clone());
}

/// Observations made inside thread-local destructors.
#[derive(Default)]
struct Seen(Mutex<Vec<String>>);

impl Seen {
    fn push(&self, s: impl Into<String>) {
        self.0.lock().unwrap().push(s.into());
    }
    fn get(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// Whether this thread's heap is gone (a torn-down heap reads as disabled).
fn heap_gone() -> bool {
    !refcycle::is_enabled()
}

/// A thread-local slot whose destructor runs a closure.
struct OnDrop(Option<Box<dyn FnOnce()>>);

impl Drop for OnDrop {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

thread_local! {
    static LATE: RefCell<Option<OnDrop>> = const { RefCell::new(None) };
    static EARLY: RefCell<Option<OnDrop>> = const { RefCell::new(None) };
}

/// Spawns a thread running `f` and waits for it (and its thread-local
/// destructors) to finish.
fn run_thread(f: impl FnOnce() + Send + 'static) {
    thread::spawn(f).join().expect("thread panicked");
}

/// Runs `f` in a destructor, recording a panic instead of aborting.
fn guarded(seen: &Arc<Seen>, f: impl FnOnce(&Seen)) {
    if let Err(p) = catch_unwind(AssertUnwindSafe(|| f(seen))) {
        seen.push(format!("PANIC: {}", support::panic_text(&*p)));
    }
}

#[test]
fn gc_in_a_thread_local_dropped_after_teardown_is_freed_safely() {
    let drops = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Seen::default());
    let (d, s) = (drops.clone(), seen.clone());
    run_thread(move || {
        LATE.with(|_| ()); // first use before the heap: destroyed after it
        let obj = Counted::new(1, &d);
        let child = Counted::new(2, &d);
        link(&obj, &child);
        drop(child);
        LATE.with(|l| {
            *l.borrow_mut() = Some(OnDrop(Some(Box::new(move || {
                guarded(&s, |seen| {
                    seen.push(format!("gone={}", heap_gone()));
                    seen.push(format!("id={}", obj.id));
                    seen.push(format!("tracked={}", refcycle::is_tracked(&obj)));
                    seen.push(format!("count={}", Gc::strong_count(&obj)));
                    drop(obj);
                    seen.push(format!("drops={}", d.load(Ordering::SeqCst)));
                });
            }))))
        });
    });
    assert_eq!(
        seen.get(),
        ["gone=true", "id=1", "tracked=false", "count=1", "drops=2"]
    );
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn clone_weak_and_upgrade_work_after_teardown() {
    let drops = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Seen::default());
    let (d, s) = (drops.clone(), seen.clone());
    run_thread(move || {
        LATE.with(|_| ());
        let obj = Counted::new(7, &d);
        LATE.with(|l| {
            *l.borrow_mut() = Some(OnDrop(Some(Box::new(move || {
                guarded(&s, |seen| {
                    seen.push(format!("gone={}", heap_gone()));
                    let c = obj.clone();
                    let w = Gc::downgrade(&obj);
                    let up = w.upgrade().map(|g| g.id);
                    seen.push(format!("upgrade={up:?} count={}", Gc::strong_count(&c)));
                    drop(c);
                    drop(obj);
                    seen.push(format!(
                        "dead={} drops={}",
                        w.upgrade().is_none(),
                        d.load(Ordering::SeqCst)
                    ));
                    drop(w); // frees the memory
                });
            }))))
        });
    });
    assert_eq!(
        seen.get(),
        ["gone=true", "upgrade=Some(7) count=2", "dead=true drops=1"]
    );
}

#[test]
fn cycle_in_a_thread_local_broken_by_hand_after_teardown_is_freed() {
    // The teardown collection cannot free a cycle that a thread-local still
    // holds. Breaking it by hand afterwards frees it by refcount.
    let drops = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Seen::default());
    let (d, s) = (drops.clone(), seen.clone());
    run_thread(move || {
        LATE.with(|_| ());
        let a = Counted::new(1, &d);
        let b = Counted::new(2, &d);
        link(&a, &b);
        link(&b, &a);
        drop(b);
        LATE.with(|l| {
            *l.borrow_mut() = Some(OnDrop(Some(Box::new(move || {
                guarded(&s, |seen| {
                    seen.push(format!(
                        "gone={} drops={}",
                        heap_gone(),
                        d.load(Ordering::SeqCst)
                    ));
                    let children = std::mem::take(&mut *a.children.borrow_mut());
                    drop(children); // b goes, dropping its handle to a
                    seen.push(format!("drops={}", d.load(Ordering::SeqCst)));
                    drop(a);
                    seen.push(format!("drops={}", d.load(Ordering::SeqCst)));
                });
            }))))
        });
    });
    assert_eq!(seen.get(), ["gone=true drops=0", "drops=1", "drops=2"]);
}

#[test]
fn cyclic_garbage_left_at_thread_exit_is_collected_by_teardown() {
    let drops = Arc::new(AtomicUsize::new(0));
    let d = drops.clone();
    let n = support::scale(1_000);
    run_thread(move || {
        refcycle::disable(); // nothing is collected before the thread exits
        for i in 0..n as u64 {
            let a = Counted::new(i, &d);
            link(&a, &a);
        }
        let ring: Vec<_> = (0..5).map(|i| Counted::new(100 + i, &d)).collect();
        for (i, x) in ring.iter().enumerate() {
            link(x, &ring[(i + 1) % ring.len()]);
        }
        drop(ring);
        assert_eq!(d.load(Ordering::SeqCst), 0);
    });
    assert_eq!(drops.load(Ordering::SeqCst), n + 5);
}

#[test]
fn finalizers_of_cyclic_garbage_run_at_teardown() {
    #[derive(Trace)]
    struct Fin {
        #[trace(skip)]
        finalized: Arc<AtomicUsize>,
        me: RefCell<Option<Gc<Fin>>>,
    }
    impl Finalize for Fin {
        fn finalize(this: &Gc<Self>) {
            this.finalized.fetch_add(1, Ordering::SeqCst);
        }
    }
    let finalized = Arc::new(AtomicUsize::new(0));
    let f = finalized.clone();
    run_thread(move || {
        support::no_stress();
        for _ in 0..3 {
            let x = Gc::new_with_finalizer(Fin {
                finalized: f.clone(),
                me: RefCell::new(None),
            });
            *x.me.borrow_mut() = Some(x.clone());
        }
        assert_eq!(f.load(Ordering::SeqCst), 0);
    });
    assert_eq!(finalized.load(Ordering::SeqCst), 3);
}

#[test]
fn cycle_released_by_a_thread_local_before_teardown_is_collected_by_it() {
    // The slot is first used after the heap exists, so it is destroyed
    // before the teardown: the handle it drops leaves the cycle as garbage
    // for the teardown collection.
    let drops = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Seen::default());
    let (d, s) = (drops.clone(), seen.clone());
    run_thread(move || {
        let a = Counted::new(1, &d);
        let b = Counted::new(2, &d);
        link(&a, &b);
        link(&b, &a);
        drop(b);
        EARLY.with(|e| {
            *e.borrow_mut() = Some(OnDrop(Some(Box::new(move || {
                guarded(&s, |seen| {
                    seen.push(format!("gone={}", heap_gone()));
                    drop(a);
                    seen.push(format!("drops={}", d.load(Ordering::SeqCst)));
                });
            }))))
        });
    });
    assert_eq!(seen.get(), ["gone=false", "drops=0"]);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        2,
        "freed by the teardown collection"
    );
}

#[test]
fn gc_new_in_a_thread_local_destructor_after_teardown_is_untracked() {
    let drops = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Seen::default());
    let (d, s) = (drops.clone(), seen.clone());
    run_thread(move || {
        LATE.with(|_| ());
        let _ = Counted::new(0, &d); // creates the heap (freed at once)
        LATE.with(|l| {
            *l.borrow_mut() = Some(OnDrop(Some(Box::new(move || {
                guarded(&s, |seen| {
                    seen.push(format!("gone={}", heap_gone()));
                    let a = Counted::new(1, &d);
                    let b = Counted::new(2, &d);
                    link(&a, &b);
                    seen.push(format!(
                        "tracked={} ids={}->{:?}",
                        refcycle::is_tracked(&a),
                        a.id,
                        a.children.borrow().iter().map(|c| c.id).collect::<Vec<_>>()
                    ));
                    let n = Gc::new(5u64);
                    seen.push(format!("n={}", *n));
                    drop(b);
                    drop(a);
                    seen.push(format!("drops={}", d.load(Ordering::SeqCst)));
                });
            }))))
        });
    });
    assert_eq!(
        seen.get(),
        ["gone=true", "tracked=false ids=1->[2]", "n=5", "drops=3"]
    );
}

#[test]
fn collector_api_after_teardown_does_nothing() {
    let seen = Arc::new(Seen::default());
    let s = seen.clone();
    run_thread(move || {
        LATE.with(|_| ());
        drop(Gc::new(Vec::<Gc<u64>>::new())); // creates the heap
        LATE.with(|l| {
            *l.borrow_mut() = Some(OnDrop(Some(Box::new(move || {
                guarded(&s, |seen| {
                    seen.push(format!("gone={}", heap_gone()));
                    seen.push(format!("collect={}", refcycle::collect()));
                    seen.push(format!("young={}", refcycle::collect_generation(0)));
                    seen.push(format!("count={:?}", refcycle::get_count()));
                    seen.push(format!("frozen={}", refcycle::get_freeze_count()));
                    refcycle::freeze();
                    refcycle::unfreeze();
                    refcycle::enable();
                    seen.push(format!("enabled={}", refcycle::is_enabled()));
                    let old = refcycle::set_unraisable_hook(Some(std::rc::Rc::new(|_| {})));
                    seen.push(format!("hook={}", old.is_some()));
                });
            }))))
        });
    });
    assert_eq!(
        seen.get(),
        [
            "gone=true",
            "collect=0",
            "young=0",
            "count=(0, 0, 0)",
            "frozen=0",
            "enabled=false",
            "hook=false"
        ]
    );
}

#[test]
fn gc_held_by_the_unraisable_hook_is_freed_at_teardown() {
    let drops = Arc::new(AtomicUsize::new(0));
    let d = drops.clone();
    run_thread(move || {
        let held = Counted::new(1, &d);
        refcycle::set_unraisable_hook(Some(std::rc::Rc::new(move |_| {
            let _ = held.id;
        })));
    });
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn heap_first_used_during_thread_exit_still_works() {
    // The heap is created by a thread-local destructor, while the thread
    // is exiting: objects made then are freed, cycles included.
    let drops = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Seen::default());
    let (d, s) = (drops.clone(), seen.clone());
    run_thread(move || {
        LATE.with(|l| {
            *l.borrow_mut() = Some(OnDrop(Some(Box::new(move || {
                guarded(&s, |seen| {
                    support::no_stress();
                    let a = Counted::new(1, &d);
                    link(&a, &a);
                    drop(a);
                    let b = Counted::new(2, &d);
                    drop(b);
                    seen.push(format!("drops={}", d.load(Ordering::SeqCst)));
                });
            }))))
        });
    });
    assert_eq!(seen.get(), ["drops=1"]);
    // The heap made during exit is torn down in turn, and its last
    // collection frees the self-cycle.
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}
