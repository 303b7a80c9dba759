//! Fuzz target: bytes decode into the model test's operation sequences
//! (finalizers, legacy finalizers, resurrection, weak handles with
//! callbacks, `garbage()`), checked against the same oracle, by the same
//! harness, as the proptest driver in `tests/model.rs` (STYLE.md
//! principle 11: one oracle, many drivers). The files are shared, not
//! copied.
//!
//! Run: `cargo +nightly fuzz run model -- -max_total_time=60` (from the
//! repository root), or `.ci/fuzz.sh 60`. A crash prints the decoded
//! sequence before libFuzzer's report; replay one with
//! `cargo +nightly fuzz run model fuzz/artifacts/model/crash-...`.

#![no_main]

#[path = "../../tests/model/collect.rs"]
mod collect;
#[allow(dead_code)] // Mode::Strict is for the regression tests
#[path = "../../tests/model/harness.rs"]
mod harness;
#[path = "../../tests/model/op.rs"]
mod op;
#[path = "../../tests/model/oracle.rs"]
mod oracle;
#[path = "../../tests/model/real.rs"]
mod real;

use std::cell::RefCell;
use std::sync::Once;

use libfuzzer_sys::fuzz_target;

/// Longer inputs mostly repeat what shorter ones do (12 nodes at most);
/// capping them keeps executions fast.
const MAX_OPS: usize = 256;

thread_local! {
    /// The sequence being run, for the panic hook.
    static CURRENT: RefCell<Vec<op::Op>> = const { RefCell::new(Vec::new()) };
}

/// libfuzzer-sys aborts from its panic hook, before any unwinding: print
/// the decoded sequence from a hook that runs first.
fn report_sequences_on_panic() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let libfuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = CURRENT.try_with(|ops| {
                if let Ok(ops) = ops.try_borrow() {
                    eprintln!("model: the failing sequence: {:?}", *ops);
                }
            });
            libfuzzer_hook(info);
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    report_sequences_on_panic();
    let mut ops = op::decode(data);
    ops.truncate(MAX_OPS);
    CURRENT.with(|c| c.borrow_mut().clone_from(&ops));
    harness::run(&ops, harness::Mode::Tolerant);
});
