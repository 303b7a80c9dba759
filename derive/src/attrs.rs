//! Parsing of the `#[trace(...)]` attributes.
//!
//! Two places take the attribute: the type (`skip`, `exact`, `needs_trace =
//! bool`) and
//! a field (`skip`). Anything else is a spanned error, not a panic, so the
//! user sees it under the offending word.

use syn::{Attribute, LitBool};

/// What `#[trace(...)]` on the type asked for.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `#[trace(skip)]`: the type holds no handle; trace nothing.
    pub(crate) skip: bool,
    /// `#[trace(needs_trace = ...)]`: overrides the computed `NEEDS_TRACE`.
    pub(crate) needs_trace: Option<bool>,
    /// `#[trace(exact)]`: `TRUST` is exact when every traced field's is.
    pub(crate) exact: bool,
}

/// Reads the type's `#[trace(...)]` attributes.
pub(crate) fn container(attrs: &[Attribute]) -> syn::Result<ContainerAttrs> {
    let mut out = ContainerAttrs::default();
    for attr in trace_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                out.skip = true;
                Ok(())
            } else if meta.path.is_ident("needs_trace") {
                out.needs_trace = Some(meta.value()?.parse::<LitBool>()?.value);
                Ok(())
            } else if meta.path.is_ident("exact") {
                out.exact = true;
                Ok(())
            } else {
                Err(meta.error(
                    "unknown trace attribute on a type: \
                     expected `skip`, `exact` or `needs_trace = true|false`",
                ))
            }
        })?;
    }
    if out.skip && out.needs_trace == Some(true) {
        let attr = trace_attrs(attrs).next();
        return Err(syn::Error::new_spanned(
            attr,
            "`#[trace(skip)]` traces nothing, so `needs_trace = true` contradicts it",
        ));
    }
    Ok(out)
}

/// Whether a field carries `#[trace(skip)]`.
pub(crate) fn field_skipped(attrs: &[Attribute]) -> syn::Result<bool> {
    let mut skip = false;
    for attr in trace_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                skip = true;
                Ok(())
            } else {
                Err(meta.error("unknown trace attribute on a field: expected `skip`"))
            }
        })?;
    }
    Ok(skip)
}

/// Whether a variant carries a `#[trace(...)]` attribute (none is accepted).
pub(crate) fn reject_on_variant(attrs: &[Attribute]) -> syn::Result<()> {
    match trace_attrs(attrs).next() {
        Some(attr) => Err(syn::Error::new_spanned(
            attr,
            "`#[trace(...)]` goes on the enum or on a field, not on a variant",
        )),
        None => Ok(()),
    }
}

fn trace_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("trace"))
}
