//! How a security descriptor's value is followed in one function: through the local bindings
//! it is kept in, pointers to them, casts and the fields of struct literals
//! (`lpSecurityDescriptor: psd.0`). Bindings that hold or point to one another are one value,
//! whichever way the pointer goes: a descriptor made through a pointer is the descriptor the
//! pointer points to.

use std::collections::{HashMap, HashSet};

use syn::visit::{self, Visit};
use syn::Expr;

use super::creation::WorldDescriptor;
use crate::names::scope::{bound_identifier, path_segments};
use crate::names::NameIr;

/// What an expression's value comes from, as far as a security descriptor goes: the local
/// bindings it reads or points to, and the functions of the file it is the value of.
#[derive(Debug, Default, Clone)]
pub struct Reach {
    pub bindings: Vec<String>,
    pub helpers: Vec<HelperKey>,
}

impl Reach {
    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty() && self.helpers.is_empty()
    }
}

/// A function of the file by its `Self` type (none for a free function) and its name.
pub type HelperKey = (Option<String>, String);

/// The descriptors a value is seen to carry, and the functions of the file whose values it
/// carries too, looked up once the whole file has been read.
#[derive(Debug, Default, Clone)]
pub struct Carried {
    pub descriptors: Vec<WorldDescriptor<NameIr>>,
    pub helpers: Vec<HelperKey>,
}

/// What a file's functions return of descriptors and pass to one another, and the creations
/// that wait for them.
#[derive(Debug, Default)]
pub struct FileDescriptors {
    pub returned: HashMap<HelperKey, Vec<WorldDescriptor<NameIr>>>,
    /// The descriptors calls pass: the called function, the argument's index among those
    /// written in the parentheses, whether the call is a method call, what it carries.
    pub passed: Vec<(HelperKey, usize, bool, Vec<WorldDescriptor<NameIr>>)>,
    pub waiting: Vec<(usize, Vec<HelperKey>)>,
    /// Creations whose attributes are a parameter of their function: its key, whether it
    /// takes `self`, the parameter's index.
    pub waiting_params: Vec<(usize, HelperKey, bool, usize)>,
}

/// The bindings a function links to one another and what it returns.
pub struct Flow<'a> {
    pub self_type: Option<&'a str>,
    /// Each binding with what its value was set from (`let`, assignment).
    pub links: Vec<(String, Reach)>,
    pub returned: Reach,
    /// The calls of functions of the file (`self.f(…)` or by path): the called function,
    /// the argument's index, whether it is a method call, what the argument reaches.
    pub calls: Vec<(HelperKey, usize, bool, Reach)>,
    /// How many closures enclose the code visited: their `return`s are not the function's.
    pub closures: usize,
}

impl Flow<'_> {
    fn passes<'e>(&mut self, key: &HelperKey, args: impl Iterator<Item = &'e Expr>, method: bool) {
        for (at, arg) in args.enumerate() {
            let reach = reach(arg, self.self_type);
            if !reach.bindings.is_empty() {
                self.calls.push((key.clone(), at, method, reach));
            }
        }
    }

    pub fn returns(&mut self, expr: &Expr) {
        let reach = reach(expr, self.self_type);
        self.returned.bindings.extend(reach.bindings);
        self.returned.helpers.extend(reach.helpers);
    }
}

impl<'ast> Visit<'ast> for Flow<'_> {
    fn visit_local(&mut self, node: &'ast syn::Local) {
        if let (Some(name), Some(init)) = (bound_identifier(&node.pat), &node.init) {
            self.links.push((name, reach(&init.expr, self.self_type)));
        }
        visit::visit_local(self, node);
    }

    fn visit_expr_assign(&mut self, node: &'ast syn::ExprAssign) {
        // `sa.lpSecurityDescriptor = psd.0;` links `sa` with `psd`.
        let target = reach(&node.left, self.self_type);
        if let Some(name) = target.bindings.into_iter().next() {
            self.links.push((name, reach(&node.right, self.self_type)));
        }
        visit::visit_expr_assign(self, node);
    }

    fn visit_expr_call(&mut self, node: &'ast syn::ExprCall) {
        if let Expr::Path(function) = &*node.func {
            if let Some(key) = helper_key(&function.path, self.self_type) {
                self.passes(&key, node.args.iter(), false);
            }
        }
        visit::visit_expr_call(self, node);
    }

    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        // Only `self`'s methods are known to be the `impl`'s own.
        if matches!(&*node.receiver, Expr::Path(path) if path.path.is_ident("self")) {
            let key = (self.self_type.map(str::to_owned), node.method.to_string());
            self.passes(&key, node.args.iter(), true);
        }
        visit::visit_expr_method_call(self, node);
    }

    fn visit_expr_return(&mut self, node: &'ast syn::ExprReturn) {
        if let (0, Some(expr)) = (self.closures, &node.expr) {
            self.returns(expr);
        }
        visit::visit_expr_return(self, node);
    }

    fn visit_expr_closure(&mut self, node: &'ast syn::ExprClosure) {
        self.closures += 1;
        visit::visit_expr_closure(self, node);
        self.closures -= 1;
    }

    // An item inside the function is a function of its own.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The bindings of one function grouped into values (bindings linked to one another), each
/// with what it carries.
pub struct Values {
    value_of: HashMap<String, usize>,
    carried: Vec<Carried>,
}

impl Values {
    pub fn new(links: &[(String, Reach)], made: &[(String, WorldDescriptor<NameIr>)]) -> Self {
        let mut value_of: HashMap<String, usize> = HashMap::new();
        let mut parent: Vec<usize> = Vec::new();
        let mut id = |name: &str, parent: &mut Vec<usize>| -> usize {
            *value_of.entry(name.to_owned()).or_insert_with(|| {
                parent.push(parent.len());
                parent.len() - 1
            })
        };
        let mut unions = Vec::new();
        for (name, reach) in links {
            let from = id(name, &mut parent);
            for other in &reach.bindings {
                unions.push((from, id(other, &mut parent)));
            }
        }
        for (from, to) in unions {
            let (from, to) = (find(&mut parent, from), find(&mut parent, to));
            parent[from] = to;
        }
        let roots: Vec<usize> = (0..parent.len()).map(|at| find(&mut parent, at)).collect();
        let value_of: HashMap<String, usize> = value_of
            .into_iter()
            .map(|(name, at)| (name, roots[at]))
            .collect();
        let mut carried = vec![Carried::default(); parent.len()];
        for (name, reach) in links {
            carried[value_of[name]]
                .helpers
                .extend(reach.helpers.iter().cloned());
        }
        let mut values = Values { value_of, carried };
        for (name, descriptor) in made {
            let at = values.value_of.get(name).copied().unwrap_or_else(|| {
                values.carried.push(Carried::default());
                values
                    .value_of
                    .insert(name.clone(), values.carried.len() - 1);
                values.carried.len() - 1
            });
            values.carried[at].descriptors.push(descriptor.clone());
        }
        values
    }

    /// Whether a value that reaches `reach` is (or holds) the binding `name`.
    pub fn reaches(&self, reach: &Reach, name: &str) -> bool {
        let Some(value) = self.value_of.get(name) else {
            return reach.bindings.iter().any(|binding| binding == name);
        };
        reach
            .bindings
            .iter()
            .any(|binding| self.value_of.get(binding) == Some(value))
    }

    /// What a value that reaches `reach` carries.
    pub fn carried(&self, reach: &Reach) -> Carried {
        let mut carried = Carried {
            descriptors: Vec::new(),
            helpers: reach.helpers.clone(),
        };
        let mut seen = HashSet::new();
        for name in &reach.bindings {
            let Some(&value) = self.value_of.get(name) else {
                continue;
            };
            if seen.insert(value) {
                let own = &self.carried[value];
                carried.descriptors.extend(own.descriptors.iter().cloned());
                carried.helpers.extend(own.helpers.iter().cloned());
            }
        }
        carried
    }
}

fn find(parent: &mut [usize], mut at: usize) -> usize {
    while parent[at] != at {
        parent[at] = parent[parent[at]];
        at = parent[at];
    }
    at
}

/// What `expr`'s value comes from: the local bindings it reads or points to (`&mut sa as
/// *mut _`, `psd.0`, `Some(&sa)`, `addr_of_mut!(sd)`, a struct literal's fields) and the
/// functions of the file it is the value of (`Self::attributes()?`). `self_type` is the
/// `impl`'s type, which `Self::` names.
pub fn reach(expr: &Expr, self_type: Option<&str>) -> Reach {
    let mut found = Reach::default();
    reach_into(expr, self_type, &mut found, 0);
    found
}

fn reach_into(expr: &Expr, self_type: Option<&str>, found: &mut Reach, depth: usize) {
    const MAX_DEPTH: usize = 32;
    if depth > MAX_DEPTH {
        return;
    }
    let next = |inner: &Expr, found: &mut Reach| reach_into(inner, self_type, found, depth + 1);
    match expr {
        Expr::Path(path) => {
            // A constant, `None` or a unit struct is no binding.
            if let Some(ident) = path.path.get_ident().map(ToString::to_string) {
                if !ident.starts_with(|c: char| c.is_ascii_uppercase()) && ident != "self" {
                    found.bindings.push(ident);
                }
            }
        }
        Expr::Reference(inner) => next(&inner.expr, found),
        Expr::RawAddr(inner) => next(&inner.expr, found),
        Expr::Paren(inner) => next(&inner.expr, found),
        Expr::Group(inner) => next(&inner.expr, found),
        Expr::Cast(inner) => next(&inner.expr, found),
        Expr::Try(inner) => next(&inner.expr, found),
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => next(&unary.expr, found),
        Expr::Field(field) => next(&field.base, found),
        // `psd.as_mut()`, `sa.cast()`, `make().unwrap()`, `make().expect("…")`.
        Expr::MethodCall(call) => next(&call.receiver, found),
        Expr::Tuple(tuple) => {
            for element in &tuple.elems {
                next(element, found);
            }
        }
        Expr::Struct(literal) => {
            for field in &literal.fields {
                next(&field.expr, found);
            }
        }
        Expr::Call(call) => {
            if let Expr::Path(function) = &*call.func {
                if let Some(key) = helper_key(&function.path, self_type) {
                    found.helpers.push(key);
                }
            }
            // `Some(&sa)`, `PSECURITY_DESCRIPTOR(&mut sd as *mut _ as _)`: a wrapper of one
            // value. A call of several arguments makes something else of them.
            if call.args.len() == 1 {
                next(&call.args[0], found);
            }
        }
        Expr::Macro(mac) => {
            let last = mac.mac.path.segments.last().map(|s| s.ident.to_string());
            if matches!(last.as_deref(), Some("addr_of" | "addr_of_mut")) {
                if let Ok(inner) = mac.mac.parse_body::<Expr>() {
                    next(&inner, found);
                }
            }
        }
        Expr::Block(block) => tail(&block.block)
            .into_iter()
            .for_each(|inner| next(inner, found)),
        Expr::Unsafe(block) => tail(&block.block)
            .into_iter()
            .for_each(|inner| next(inner, found)),
        _ => {}
    }
}

/// A block's value: its last expression without a semicolon.
fn tail(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.last()? {
        syn::Stmt::Expr(expr, None) => Some(expr),
        _ => None,
    }
}

/// The function of the file a call of `path` may be: one whose name starts in lower case
/// (not a tuple struct, `Some` or `Ok`), by the type before it (`Self` is `self_type`), and
/// never the null pointer a caller passes for no attributes.
fn helper_key(path: &syn::Path, self_type: Option<&str>) -> Option<HelperKey> {
    let segments = path_segments(path);
    let name = segments.last()?;
    if !name.starts_with(|c: char| c.is_ascii_lowercase())
        || matches!(name.as_str(), "null" | "null_mut" | "default" | "zeroed")
    {
        return None;
    }
    let owner = segments
        .len()
        .checked_sub(2)
        .map(|at| segments[at].as_str())
        .filter(|owner| owner.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|owner| match owner {
            "Self" => self_type.unwrap_or(owner).to_owned(),
            _ => owner.to_owned(),
        });
    Some((owner, name.clone()))
}

/// Whether `expr` is a null pointer or `None`: no DACL.
pub fn is_null(expr: &Expr) -> bool {
    match expr {
        Expr::Path(path) => path
            .path
            .get_ident()
            .is_some_and(|ident| ident == "None" || ident == "NULL"),
        Expr::Call(call) if call.args.is_empty() => match &*call.func {
            Expr::Path(path) => path
                .path
                .segments
                .last()
                .is_some_and(|last| last.ident == "null" || last.ident == "null_mut"),
            _ => false,
        },
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) => int.base10_digits() == "0",
        Expr::Cast(cast) => is_null(&cast.expr),
        Expr::Paren(inner) => is_null(&inner.expr),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::reach;

    /// The bindings and functions an argument reaches, as `sa`, `Type::make`, `make`.
    fn reached(expr: &str) -> Vec<String> {
        let expr = syn::parse_str(expr).expect("the test expression parses");
        let reach = reach(&expr, Some("Server"));
        let helpers = reach.helpers.into_iter().map(|(owner, name)| match owner {
            Some(owner) => format!("{owner}::{name}"),
            None => name,
        });
        reach.bindings.into_iter().chain(helpers).collect()
    }

    #[test]
    fn pointers_wrappers_and_literals_reach_their_bindings() {
        for (expr, expected) in [
            ("Some(&sa)", &["sa"][..]),
            ("&mut sa as *mut _ as *const _", &["sa"]),
            (
                "(&mut attributes as *mut SECURITY_ATTRIBUTES).cast()",
                &["attributes"],
            ),
            ("PSECURITY_DESCRIPTOR(&raw mut sd as *mut _)", &["sd"]),
            ("std::ptr::addr_of_mut!(sd).cast()", &["sd"]),
            ("Some(&holder.0)", &["holder"]),
            (
                "Some(&SECURITY_ATTRIBUTES { lpSecurityDescriptor: psd.0, ..Default::default() })",
                &["psd"],
            ),
            ("Self::everyone()?", &["Server::everyone"]),
            ("Some(&security::attributes().unwrap())", &["attributes"]),
        ] {
            assert_eq!(reached(expr), expected, "{expr}");
        }
    }

    #[test]
    fn no_attributes_reach_nothing() {
        for expr in [
            "None",
            "null_mut()",
            "std::ptr::null()",
            "0 as _",
            "Default::default()",
            "self.attributes",
        ] {
            assert!(reached(expr).is_empty(), "{expr}");
        }
    }
}
