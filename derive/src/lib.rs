//! `#[derive(Trace)]` for [refcycle](https://docs.rs/refcycle).
//!
//! Use it through `refcycle::Trace`, which re-exports the derive next to the
//! trait; this crate is an implementation detail of `refcycle`.
//!
//! ```
//! use refcycle::{Gc, Trace};
//! use std::cell::RefCell;
//!
//! #[derive(Trace)]
//! struct Node {
//!     #[trace(skip)] // a String holds no Gc: no need to look at it
//!     name: String,
//!     children: RefCell<Vec<Gc<Node>>>,
//! }
//!
//! #[derive(Trace)]
//! enum Shape {
//!     Leaf(u32),
//!     Pair { left: Gc<Node>, right: Gc<Node> },
//!     Empty,
//! }
//!
//! let root = Gc::new(Node { name: "root".into(), children: RefCell::new(Vec::new()) });
//! root.children.borrow_mut().push(root.clone()); // a cycle
//! drop(root);
//! assert!(refcycle::collect() >= 1);
//! assert!(Node::NEEDS_TRACE && Shape::NEEDS_TRACE);
//! ```
//!
//! # What the derive writes
//! - `trace` calls [`Trace::trace`] on every field, in declaration order;
//!   for an enum, on the fields of the variant the value is.
//! - `NEEDS_TRACE` is the OR of the fields' `NEEDS_TRACE`, so a type made only
//!   of numbers and strings is `false` and never tracked by the collector.
//!   A field whose type names the type itself (`Vec<Tree>` inside `Tree`, or
//!   `Box<Self>`) counts as `true` without asking, because asking would make
//!   the constant depend on itself.
//! - With `#[trace(exact)]`, `TRUST` is exact (`Trust::exact`) when every
//!   traced field's type's `TRUST` is, and `Trust::VERIFY` otherwise; without
//!   it, the default (`VERIFY`) stays.
//! - Each type parameter `T` gets a `T: Trace` bound, next to the bounds and
//!   `where` clauses already there.
//!
//! # Attributes
//! | attribute | where | effect |
//! | --- | --- | --- |
//! | `#[trace(skip)]` | field | not traced, and left out of `NEEDS_TRACE` |
//! | `#[trace(skip)]` | type | `trace` does nothing, `NEEDS_TRACE` is `false`, no `T: Trace` bounds |
//! | `#[trace(needs_trace = false)]` | type | sets `NEEDS_TRACE` instead of computing it; fields are still traced |
//! | `#[trace(exact)]` | type | `TRUST` is exact when the traced fields' types' are: the collector skips its check of the garbage when every object collected is exact |
//!
//! Skipping a field that does hold a `Gc` is not unsafe: the collector just
//! cannot free the cycles that go through it.
//!
//! # `#[trace(exact)]`
//! The collector checks its garbage before dropping it, because a safe
//! `Trace` impl may report handles it does not own (`docs/safety.md`).
//! The `trace` this derive writes cannot: it reports each field once,
//! through the field type's own impl. So when those impls are exact too
//! (`Gc`, `Weak`, the standard containers of exact types, numbers and
//! strings are), the check can be skipped, which saves about a fifth of
//! a young collection of small cycles. The user promises nothing; the
//! expansion contains an `unsafe` block (the derive's own promise), so a
//! crate with `#![forbid(unsafe_code)]` cannot use the attribute.
//!
//! ```
//! use refcycle::{Gc, Trace};
//! use std::cell::RefCell;
//!
//! #[derive(Trace)]
//! #[trace(exact)]
//! struct Node {
//!     label: String,
//!     children: RefCell<Vec<Gc<Node>>>,
//! }
//!
//! struct Handwritten(Gc<Node>);
//! impl Trace for Handwritten {
//!     fn trace(&self, visitor: &mut refcycle::Visitor<'_>) {
//!         self.0.trace(visitor);
//!     }
//! }
//!
//! #[derive(Trace)]
//! #[trace(exact)]
//! struct Holder {
//!     inner: Handwritten, // not exact, so neither is Holder
//! }
//!
//! assert!(Node::TRUST.is_exact());
//! assert!(!Holder::TRUST.is_exact());
//! ```
//!
//! A type that holds itself other than through a `Gc` (`Option<Box<Self>>`)
//! makes its `TRUST` depend on itself, and fails to build (E0391); leave
//! `exact` off such a type:
//!
//! ```compile_fail,E0391
//! #[derive(refcycle::Trace)]
//! #[trace(exact)]
//! struct List(u32, Option<Box<List>>);
//! # let _ = <List as refcycle::Trace>::TRUST;
//! ```
//!
//! # Mutual recursion
//! `needs_trace = true` is the way out of mutual recursion, which the derive
//! cannot see. `A` holds a `B` that holds an `A`, so each constant waits for
//! the other and the build fails with error E0391:
//!
//! ```compile_fail,E0391
//! # use refcycle::Trace;
//! #[derive(Trace)]
//! struct A(Option<Box<B>>);
//! #[derive(Trace)]
//! struct B(Option<Box<A>>);
//! # let _ = A::NEEDS_TRACE;
//! ```
//!
//! Stating the answer on one of them breaks the cycle:
//!
//! ```
//! # use refcycle::Trace;
//! #[derive(Trace)]
//! #[trace(needs_trace = true)]
//! struct A(Option<Box<B>>);
//! #[derive(Trace)]
//! struct B(Option<Box<A>>);
//! assert!(A::NEEDS_TRACE && B::NEEDS_TRACE);
//! ```
//!
//! # Errors
//! These are rejected with a message under the offending tokens.
//!
//! A union, whose live field the derive cannot know:
//! ```compile_fail
//! #[derive(refcycle::Trace)]
//! union Bits { int: u32, float: f32 }
//! ```
//! (with `#[trace(skip)]` on it, it derives a no-op impl.)
//!
//! An unknown argument, on a field or on the type:
//! ```compile_fail
//! #[derive(refcycle::Trace)]
//! struct S { #[trace(ignore)] x: u32 }
//! ```
//! ```compile_fail
//! #[derive(refcycle::Trace)]
//! #[trace(untracked)]
//! struct S { x: u32 }
//! ```
//!
//! `needs_trace` on a field, or with a value that is not a bool:
//! ```compile_fail
//! #[derive(refcycle::Trace)]
//! struct S { #[trace(needs_trace = false)] x: u32 }
//! ```
//! ```compile_fail
//! #[derive(refcycle::Trace)]
//! #[trace(needs_trace = "no")]
//! struct S { x: u32 }
//! ```
//!
//! `skip` together with `needs_trace = true`, which contradict each other:
//! ```compile_fail
//! #[derive(refcycle::Trace)]
//! #[trace(skip, needs_trace = true)]
//! struct S { x: u32 }
//! ```
//!
//! `#[trace(...)]` on an enum variant (put it on the enum or on the fields):
//! ```compile_fail
//! #[derive(refcycle::Trace)]
//! enum E { #[trace(skip)] A(u32) }
//! ```
//!
//! A field whose type does not implement `Trace` (skip it, or implement it):
//! ```compile_fail,E0277
//! struct Opaque;
//! #[derive(refcycle::Trace)]
//! struct S { x: Opaque }
//! ```
//!
//! [`Trace::trace`]: https://docs.rs/refcycle/latest/refcycle/trait.Trace.html

#![forbid(unsafe_code)]

mod attrs;
mod expand;

use proc_macro::TokenStream;

/// Derives `refcycle::Trace`; see the [crate docs](crate) for what it writes
/// and the `#[trace(...)]` attributes it reads.
#[proc_macro_derive(Trace, attributes(trace))]
pub fn derive_trace(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
