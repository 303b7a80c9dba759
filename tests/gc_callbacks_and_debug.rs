//! `gc.callbacks` and the debug flags.
//!
//! Callbacks added with `add_callback` run before (`Phase::Start`) and
//! after (`Phase::Stop`) every collection, in the order they were added,
//! told the generation and, at stop, the numbers of collected and
//! uncollectable objects, whose sum is what `collect()` returns. A
//! collection started from a callback does nothing. The `DEBUG_*` flags
//! print CPython's lines to stderr.
//!
//! Ported from CPython's `Lib/test/test_gc.py` (`GCCallbackTests`,
//! `test_get_stats`) and the output of `gc.set_debug` in Python 3.11.

mod support_fin;

use std::cell::RefCell;
use std::rc::Rc;

use refcycle::{
    add_callback, collect, collect_generation, enable, get_debug, get_stats, remove_callback,
    set_debug, set_threshold, take_garbage, CallbackInfo, GcCallback, Phase, DEBUG_COLLECTABLE,
    DEBUG_LEAK, DEBUG_SAVEALL, DEBUG_STATS, DEBUG_UNCOLLECTABLE,
};
use support_fin::{
    capture_unraisable, child_stderr, dropped, finalized, is_child, link, quiet, sorted, Fin, OnFin,
};

type Visits = Rc<RefCell<Vec<(u32, Phase, CallbackInfo)>>>;

/// CPython's `cb1`/`cb2`: records `(tag, phase, info)`.
fn recorder(tag: u32, visits: &Visits) -> GcCallback {
    let v = visits.clone();
    Rc::new(move |phase: Phase, info: &CallbackInfo| v.borrow_mut().push((tag, phase, *info)))
}

fn info(generation: usize, collected: usize, uncollectable: usize) -> CallbackInfo {
    CallbackInfo {
        generation,
        collected,
        uncollectable,
    }
}

#[test]
fn callbacks_run_in_order_at_start_and_stop_of_every_collection() {
    // Python (GCCallbackTests.test_collect): with cb1, cb2 appended,
    // gc.collect() visits 1 and 2 twice each, "start" twice, "stop" twice,
    // each info has "generation", "collected", "uncollectable".
    quiet();
    let visits = Visits::default();
    let (cb1, cb2) = (recorder(1, &visits), recorder(2, &visits));
    add_callback(cb1.clone());
    add_callback(cb2.clone());
    collect();
    assert_eq!(
        *visits.borrow(),
        [
            (1, Phase::Start, info(2, 0, 0)),
            (2, Phase::Start, info(2, 0, 0)),
            (1, Phase::Stop, info(2, 0, 0)),
            (2, Phase::Stop, info(2, 0, 0)),
        ]
    );
    assert!(remove_callback(&cb1));
    assert!(remove_callback(&cb2));
}

#[test]
fn callbacks_are_told_the_generation() {
    // Python (test_collect_generation): gc.collect(2) -> generation 2.
    quiet();
    let visits = Visits::default();
    let cb = recorder(1, &visits);
    add_callback(cb.clone());
    for g in 0..3 {
        visits.borrow_mut().clear();
        collect_generation(g);
        let gens: Vec<usize> = visits.borrow().iter().map(|v| v.2.generation).collect();
        assert_eq!(gens, [g, g]);
    }
    remove_callback(&cb);
}

#[test]
fn stop_info_counts_collected_and_uncollectable_like_collect_returns() {
    // Python (test_collect_garbage): Uncollectable(); Uncollectable();
    // C1055820(666); gc.collect() -> stop info collected 2, uncollectable 8
    // (instances and their dicts), len(gc.garbage) == 4. Without dicts:
    // collected 1, uncollectable 4.
    quiet();
    let visits = Visits::default();
    let cb = recorder(1, &visits);
    add_callback(cb.clone());
    for pair in 0..2 {
        let a = Fin::legacy(10 * pair, OnFin::Nothing);
        let b = Fin::legacy(10 * pair + 1, OnFin::Nothing);
        link(&a, &b);
        link(&b, &a);
    }
    let c = Fin::plain(666);
    link(&c, &c);
    drop(c);
    let before = get_stats()[2];
    let n = collect();
    let stop = visits.borrow().last().copied().unwrap();
    assert_eq!(stop, (1, Phase::Stop, info(2, 1, 4)));
    assert_eq!(n, 5, "collect() returns collected + uncollectable");
    let after = get_stats()[2];
    assert_eq!(after.collected - before.collected, 1);
    assert_eq!(after.uncollectable - before.uncollectable, 4);
    assert_eq!(after.collections - before.collections, 1);
    assert_eq!(refcycle::garbage().len(), 4);
    remove_callback(&cb);

    // Python, second half: gc.garbage[:] = []; with cb2 cleaning up the
    // Uncollectables at "stop"; gc.collect() -> stop info collected 0,
    // uncollectable 4; then gc.garbage is empty.
    refcycle::clear_garbage();
    visits.borrow_mut().clear();
    let cleanup: GcCallback = Rc::new(|phase: Phase, _: &CallbackInfo| {
        if phase == Phase::Stop {
            for g in take_garbage() {
                g.downcast::<Fin>().unwrap().edges.borrow_mut().clear();
            }
        }
    });
    let cb = recorder(1, &visits);
    add_callback(cb.clone());
    add_callback(cleanup.clone());
    assert_eq!(collect(), 4);
    assert_eq!(
        visits.borrow().last().copied().unwrap(),
        (1, Phase::Stop, info(2, 0, 4))
    );
    assert!(refcycle::garbage().is_empty());
    assert_eq!(sorted(finalized()), [0, 1, 10, 11], "freed by the cleanup");
    assert_eq!(sorted(dropped()), [0, 1, 10, 11, 666]);
    remove_callback(&cb);
    remove_callback(&cleanup);
}

#[test]
fn stop_info_does_not_count_resurrected_objects() {
    quiet();
    let visits = Visits::default();
    let cb = recorder(1, &visits);
    add_callback(cb.clone());
    let nodes = support_fin::ring(&[OnFin::Resurrect, OnFin::Nothing]);
    drop(nodes);
    let p = Fin::plain(9);
    link(&p, &p);
    drop(p);
    assert_eq!(collect(), 1);
    assert_eq!(
        visits.borrow().last().copied().unwrap(),
        (1, Phase::Stop, info(2, 1, 0))
    );
    support_fin::clear_survivors();
    remove_callback(&cb);
}

#[test]
fn collect_inside_a_callback_returns_zero() {
    quiet();
    let results = Rc::new(RefCell::new(Vec::new()));
    let r = results.clone();
    let cb: GcCallback = Rc::new(move |phase: Phase, _: &CallbackInfo| {
        r.borrow_mut().push((phase, collect()));
    });
    add_callback(cb.clone());
    let s = Fin::plain(1);
    link(&s, &s);
    drop(s);
    assert_eq!(collect(), 1);
    assert_eq!(*results.borrow(), [(Phase::Start, 0), (Phase::Stop, 0)]);
    assert_eq!(dropped(), [1]);
    remove_callback(&cb);
}

#[test]
fn a_removed_callback_is_not_called_and_cannot_be_removed_twice() {
    quiet();
    let visits = Visits::default();
    let cb = recorder(1, &visits);
    let other = recorder(2, &visits);
    assert!(!remove_callback(&cb), "never added");
    add_callback(cb.clone());
    add_callback(other.clone());
    assert!(remove_callback(&cb));
    assert!(!remove_callback(&cb));
    collect();
    let tags: Vec<u32> = visits.borrow().iter().map(|v| v.0).collect();
    assert_eq!(tags, [2, 2]);
    remove_callback(&other);
}

#[test]
fn a_callback_added_twice_runs_twice() {
    // Python: gc.callbacks is a list; appending the same function twice
    // calls it twice, and remove() takes out one occurrence.
    quiet();
    let visits = Visits::default();
    let cb = recorder(1, &visits);
    add_callback(cb.clone());
    add_callback(cb.clone());
    collect();
    assert_eq!(visits.borrow().len(), 4);
    assert!(remove_callback(&cb));
    visits.borrow_mut().clear();
    collect();
    assert_eq!(visits.borrow().len(), 2);
    assert!(remove_callback(&cb));
}

#[test]
fn a_panicking_callback_is_reported_and_the_collection_completes() {
    quiet();
    let reports = capture_unraisable();
    let visits = Visits::default();
    let bad: GcCallback = Rc::new(|_: Phase, _: &CallbackInfo| panic!("callback failed"));
    let good = recorder(2, &visits);
    add_callback(bad.clone());
    add_callback(good.clone());
    let s = Fin::new(1, OnFin::Nothing);
    link(&s, &s);
    drop(s);
    assert_eq!(collect(), 1);
    assert_eq!(dropped(), [1]);
    assert_eq!(visits.borrow().len(), 2, "the other callback still ran");
    let r = reports.borrow();
    assert_eq!(r.len(), 2, "one report per phase");
    assert!(r.iter().all(|r| r.context == "gc callback"));
    assert!(r.iter().all(|r| r.message == "callback failed"));
    remove_callback(&bad);
    remove_callback(&good);
}

#[test]
fn automatic_collections_call_the_callbacks_with_their_generation() {
    refcycle::set_stress(false);
    set_threshold(5, 10, 10);
    enable();
    let visits = Visits::default();
    let cb = recorder(1, &visits);
    add_callback(cb.clone());
    let keep: Vec<_> = (0..6).map(Fin::plain).collect();
    let v = visits.borrow().clone();
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!((v[0].1, v[0].2.generation), (Phase::Start, 0));
    assert_eq!((v[1].1, v[1].2.generation), (Phase::Stop, 0));
    drop(keep);
    remove_callback(&cb);
}

#[test]
fn debug_flags_have_cpythons_values_and_read_back() {
    // Python 3.11: DEBUG_STATS 1, DEBUG_COLLECTABLE 2, DEBUG_UNCOLLECTABLE 4,
    // DEBUG_SAVEALL 32, DEBUG_LEAK 38.
    assert_eq!(
        (
            DEBUG_STATS,
            DEBUG_COLLECTABLE,
            DEBUG_UNCOLLECTABLE,
            DEBUG_SAVEALL,
            DEBUG_LEAK
        ),
        (1, 2, 4, 32, 38)
    );
    assert_eq!(get_debug(), 0);
    set_debug(DEBUG_STATS | DEBUG_UNCOLLECTABLE);
    assert_eq!(get_debug(), 5);
    set_debug(0);
    assert_eq!(get_debug(), 0);
}

#[test]
fn every_debug_flag_leaves_the_collection_correct() {
    // The output goes to stderr (captured by the test harness here); the
    // counts and the garbage list must not depend on the flags, except
    // that SAVEALL keeps what it finds.
    quiet();
    for flags in [DEBUG_STATS, DEBUG_COLLECTABLE, DEBUG_UNCOLLECTABLE] {
        support_fin::clear_events();
        let s = Fin::new(1, OnFin::Nothing);
        link(&s, &s);
        drop(s);
        let l = Fin::legacy(2, OnFin::Nothing);
        link(&l, &l);
        drop(l);
        set_debug(flags);
        assert_eq!(collect(), 2);
        set_debug(0);
        assert_eq!(finalized(), [1]);
        assert_eq!(dropped(), [1]);
        let g = take_garbage();
        assert_eq!(g.len(), 1);
        g[0].downcast::<Fin>().unwrap().edges.borrow_mut().clear();
        drop(g);
        assert_eq!(dropped(), [1, 2]);
    }
    let s = Fin::new(3, OnFin::Nothing);
    link(&s, &s);
    drop(s);
    set_debug(DEBUG_LEAK);
    assert_eq!(collect(), 1);
    set_debug(0);
    assert_eq!(take_garbage().len(), 1, "DEBUG_LEAK includes SAVEALL");
}

// ---------------------------------------------------------------------------
// What the flags print, read from a child process
// ---------------------------------------------------------------------------

#[test]
fn child_debug_stats() {
    if !is_child() {
        return;
    }
    quiet();
    let s = Fin::plain(1);
    link(&s, &s);
    drop(s);
    set_debug(DEBUG_STATS);
    assert_eq!(collect(), 1);
    set_debug(0);
}

#[test]
#[cfg_attr(miri, ignore = "spawns a process")]
fn debug_stats_prints_cpythons_lines() {
    // Python 3.11:
    //   gc.set_debug(gc.DEBUG_STATS); a = A(); a.me = a; del a; gc.collect()
    //   gc: collecting generation 2...
    //   gc: objects in each generation: 333 0 10919
    //   gc: objects in permanent generation: 0
    //   gc: done, 1 unreachable, 0 uncollectable, 0.0018s elapsed
    let stderr = child_stderr("child_debug_stats");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("gc: ")).collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    assert_eq!(lines[0], "gc: collecting generation 2...");
    let sizes = lines[1]
        .strip_prefix("gc: objects in each generation: ")
        .unwrap_or_else(|| panic!("{}", lines[1]));
    let sizes: Vec<usize> = sizes.split(' ').map(|n| n.parse().unwrap()).collect();
    assert_eq!(sizes.len(), 3);
    assert_eq!(sizes.iter().sum::<usize>(), 1, "the self-cycle only");
    assert_eq!(lines[2], "gc: objects in permanent generation: 0");
    let rest = lines[3]
        .strip_prefix("gc: done, 1 unreachable, 0 uncollectable, ")
        .unwrap_or_else(|| panic!("{}", lines[3]));
    let secs = rest.strip_suffix("s elapsed").unwrap();
    assert_eq!(
        secs.split('.').nth(1).map(str::len),
        Some(4),
        "%.4f: {secs}"
    );
    assert!(secs.parse::<f64>().is_ok(), "{secs}");
}

#[test]
fn child_debug_collectable_and_uncollectable() {
    if !is_child() {
        return;
    }
    quiet();
    let s = Fin::plain(1);
    link(&s, &s);
    drop(s);
    let l = Fin::legacy(2, OnFin::Nothing);
    let p = Fin::plain(3);
    link(&l, &p);
    link(&p, &l);
    drop((l, p));
    set_debug(DEBUG_COLLECTABLE | DEBUG_UNCOLLECTABLE);
    assert_eq!(collect(), 3);
    set_debug(0);
}

#[test]
#[cfg_attr(miri, ignore = "spawns a process")]
fn debug_collectable_and_uncollectable_print_one_line_per_object() {
    // Python 3.11:
    //   gc: collectable <A 0x7f7011edae10>
    //   gc: uncollectable <L 0x7f7011cc6310>
    // (one line per object: all uncollectable objects are listed, not only
    // the ones with a legacy finalizer).
    let stderr = child_stderr("child_debug_collectable_and_uncollectable");
    let collectable: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("gc: collectable <"))
        .collect();
    let uncollectable: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("gc: uncollectable <"))
        .collect();
    assert_eq!(collectable.len(), 1, "{stderr}");
    assert_eq!(uncollectable.len(), 2, "{stderr}");
    for line in collectable.iter().chain(&uncollectable) {
        assert!(line.ends_with('>'), "{line}");
        assert!(line.contains("Fin 0x"), "type name, then address: {line}");
    }
    assert!(!stderr.contains("gc: collecting"), "DEBUG_STATS was off");
}

#[test]
fn child_no_debug_flags() {
    if !is_child() {
        return;
    }
    quiet();
    let s = Fin::plain(1);
    link(&s, &s);
    drop(s);
    assert_eq!(collect(), 1);
}

#[test]
#[cfg_attr(miri, ignore = "spawns a process")]
fn without_debug_flags_nothing_is_printed() {
    let stderr = child_stderr("child_no_debug_flags");
    assert!(!stderr.contains("gc: "), "{stderr}");
}
