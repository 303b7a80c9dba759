//! Turns a parsed type into its `impl ::refcycle::Trace`.
//!
//! The impl is built from the list of traced fields (those without
//! `#[trace(skip)]`): `trace` visits each, `NEEDS_TRACE` ORs their types'
//! `NEEDS_TRACE`, and with `#[trace(exact)]`, `TRUST` is exact when all
//! their types' are.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};
use syn::{
    parse_quote, Data, DataEnum, DeriveInput, Error, Fields, GenericParam, Generics, Member, Type,
};

use crate::attrs;

/// What the impl needs to know about the type's fields.
#[derive(Default)]
struct Plan<'a> {
    /// The body of `trace`; empty when nothing is traced.
    body: TokenStream,
    /// The type of every traced field, in order, with repeats.
    traced: Vec<&'a Type>,
}

/// Builds the whole impl, or the errors to show under the user's code.
pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let container = attrs::container(&input.attrs)?;
    let plan = match (&input.data, container.skip) {
        (Data::Union(_), true) => Plan::default(),
        // Planned anyway, so a typo in a field attribute is still reported.
        (_, true) => plan(input).map(|_| Plan::default())?,
        (_, false) => plan(input)?,
    };
    let needs_trace = match container.needs_trace {
        Some(value) => value.into_token_stream(),
        None => needs_trace(&input.ident, &plan.traced),
    };
    let generics = if container.skip {
        // Nothing is traced, so the parameters need not be `Trace` either.
        input.generics.clone()
    } else {
        with_trace_bounds(&input.generics)
    };
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let name = &input.ident;
    // An unused `visitor` would warn in the user's crate.
    let visitor = if plan.body.is_empty() {
        format_ident!("_visitor")
    } else {
        format_ident!("visitor")
    };
    let body = &plan.body;
    let trust = if container.exact {
        let exact = exact(&plan.traced);
        // SAFETY (the expansion's, not the user's): `trace` below reports
        // each traced field once, through its type's impl: exact if they are.
        quote! {
            const TRUST: ::refcycle::Trust<Self> = unsafe { ::refcycle::Trust::exact_if(#exact) };
        }
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics ::refcycle::Trace for #name #ty_generics #where_clause {
            const NEEDS_TRACE: bool = #needs_trace;
            #trust

            #[inline]
            fn trace(&self, #visitor: &mut ::refcycle::Visitor<'_>) {
                #body
            }
        }
    })
}

fn plan(input: &DeriveInput) -> syn::Result<Plan<'_>> {
    match &input.data {
        Data::Struct(data) => struct_plan(&data.fields),
        Data::Enum(data) => enum_plan(data),
        Data::Union(data) => Err(Error::new_spanned(
            data.union_token,
            "#[derive(Trace)] cannot see which field of a union is live; \
             implement `Trace` by hand, or add `#[trace(skip)]` if it holds no `Gc`",
        )),
    }
}

fn struct_plan(fields: &Fields) -> syn::Result<Plan<'_>> {
    let traced = traced_fields(fields)?;
    let calls = traced.iter().map(|(member, _)| {
        quote! { ::refcycle::Trace::trace(&self.#member, visitor); }
    });
    Ok(Plan {
        body: quote! { #(#calls)* },
        traced: traced.iter().map(|(_, ty)| *ty).collect(),
    })
}

fn enum_plan(data: &DataEnum) -> syn::Result<Plan<'_>> {
    let mut errors = Errors::default();
    let mut arms = Vec::new();
    let mut traced = Vec::new();
    for variant in &data.variants {
        let fields =
            attrs::reject_on_variant(&variant.attrs).and_then(|()| traced_fields(&variant.fields));
        let Some(fields) = errors.keep(fields) else {
            continue;
        };
        let members = fields.iter().map(|(member, _)| member);
        let bindings: Vec<_> = (0..fields.len())
            .map(|i| format_ident!("__trace_field_{}", i))
            .collect();
        let ident = &variant.ident;
        arms.push(quote! {
            Self::#ident { #(#members: #bindings,)* .. } => {
                #(::refcycle::Trace::trace(#bindings, visitor);)*
            }
        });
        traced.extend(fields.iter().map(|(_, ty)| *ty));
    }
    errors.finish()?;
    let body = if traced.is_empty() {
        TokenStream::new()
    } else {
        quote! { match self { #(#arms)* } }
    };
    Ok(Plan { body, traced })
}

/// The fields without `#[trace(skip)]`, each with how to name it.
fn traced_fields(fields: &Fields) -> syn::Result<Vec<(Member, &Type)>> {
    let mut errors = Errors::default();
    let mut traced = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        if errors.keep(attrs::field_skipped(&field.attrs)) == Some(false) {
            let member = match &field.ident {
                Some(ident) => Member::Named(ident.clone()),
                None => Member::from(index),
            };
            traced.push((member, &field.ty));
        }
    }
    errors.finish().map(|()| traced)
}

/// `NEEDS_TRACE` for a type whose traced fields have types `traced`.
///
/// A field whose type names the type itself (`Vec<Tree>` in `Tree`, or
/// `Box<Self>`) contributes `true` instead of asking the compiler: asking
/// would make `Tree::NEEDS_TRACE` depend on itself, a const-evaluation cycle
/// (E0391). `true` is always safe; it only costs tracking.
fn needs_trace(name: &Ident, traced: &[&Type]) -> TokenStream {
    if traced.iter().any(|ty| mentions(ty.to_token_stream(), name)) {
        return quote!(true);
    }
    let terms = per_type(
        traced,
        |ty| quote! { <#ty as ::refcycle::Trace>::NEEDS_TRACE },
    );
    if terms.is_empty() {
        quote!(false)
    } else {
        quote! { #(#terms)||* }
    }
}

/// Whether every traced field's type has an exact `Trace` (`true` when
/// there is no traced field). Unlike `needs_trace`, a field whose type
/// names the type itself is asked too: `false` would be safe, but would
/// make every node holding `Gc<Self>` children inexact, and asking only
/// fails to build (E0391) for a type that holds itself without a `Gc` in
/// between (`Option<Box<Self>>`), never silently.
fn exact(traced: &[&Type]) -> TokenStream {
    let terms = per_type(
        traced,
        |ty| quote! { <#ty as ::refcycle::Trace>::TRUST.is_exact() },
    );
    if terms.is_empty() {
        quote!(true)
    } else {
        quote! { #(#terms)&&* }
    }
}

/// `term(ty)` for each distinct type of `traced`, in order.
fn per_type(traced: &[&Type], term: impl Fn(&Type) -> TokenStream) -> Vec<TokenStream> {
    let mut seen = Vec::new();
    let mut terms = Vec::new();
    for ty in traced {
        let key = ty.to_token_stream().to_string();
        if !seen.contains(&key) {
            seen.push(key);
            terms.push(term(ty));
        }
    }
    terms
}

/// Whether `tokens` contain `name` or `Self`, at any depth.
fn mentions(tokens: TokenStream, name: &Ident) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == *name || ident == "Self",
        TokenTree::Group(group) => mentions(group.stream(), name),
        TokenTree::Punct(_) | TokenTree::Literal(_) => false,
    })
}

/// `generics` plus `T: ::refcycle::Trace` for each type parameter `T`.
fn with_trace_bounds(generics: &Generics) -> Generics {
    let mut generics = generics.clone();
    let params: Vec<Ident> = generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(ty) => Some(ty.ident.clone()),
            GenericParam::Lifetime(_) | GenericParam::Const(_) => None,
        })
        .collect();
    let where_clause = generics.make_where_clause();
    for param in params {
        where_clause
            .predicates
            .push(parse_quote!(#param: ::refcycle::Trace));
    }
    generics
}

/// Collects every error instead of stopping at the first, so one build
/// shows them all.
#[derive(Default)]
struct Errors(Option<Error>);

impl Errors {
    fn keep<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                match &mut self.0 {
                    Some(first) => first.combine(error),
                    None => self.0 = Some(error),
                }
                None
            }
        }
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}
