//! Hashes in a name: `h.finish()` after `input.hash(&mut h)`, `hasher.finalize()` after
//! `hasher.update(input)`, `Sha256::digest(input)`, `blake3::hash(input)`. A hasher whose keys
//! are fixed gives every process the same hash of the same input — that is why a program
//! hashes a path into a name another of its processes must find — so the hash is as
//! predictable as what it hashes ([`NameIr::Hash`]). A hasher keyed at random in each process
//! (std's `RandomState`) gives a value nobody can guess.

use syn::Expr;

use crate::names::forms::classify_runtime_value;
use crate::names::ir::{BindingKind, Literal, NameIr};
use crate::names::lower::Site;
use crate::names::mutations::MutationKind;
use crate::names::scope::path_segments;

/// What a hash is of, when nobody can guess it.
const RANDOM_KEYS: &str = "a hash keyed at random";

/// Hasher types whose `new()` or `default()` has fixed keys: std's SipHash (`DefaultHasher`,
/// whose `new()` is documented to be the same in every process), rustc-hash's and fxhash's
/// `FxHasher`, `fnv`, `seahash`, twox-hash and xxhash-rust (given a constant seed), and the
/// RustCrypto digests, which have no key at all.
const FIXED_KEY_HASHERS: &[&str] = &[
    "DefaultHasher",
    "SipHasher",
    "SipHasher13",
    "SipHasher24",
    "FxHasher",
    "FxHasher32",
    "FxHasher64",
    "FnvHasher",
    "SeaHasher",
    "XxHash32",
    "XxHash64",
    "Xxh3",
    "Xxh32",
    "Xxh64",
    "Md5",
    "Sha1",
    "Sha224",
    "Sha256",
    "Sha384",
    "Sha512",
    "Sha3_256",
    "Sha3_512",
    "Blake2b512",
    "Blake2s256",
    "Keccak256",
];

/// Crates whose `Hasher` type (`blake3::Hasher::new()`, `crc32fast::Hasher::new()`) or
/// `Context` (`md5::Context::new()`) hashes with fixed keys, and whose one-shot function
/// (`blake3::hash(x)`, `md5::compute(x)`, `sha256::digest(x)`) hashes its argument so.
const FIXED_KEY_CRATES: &[&str] = &[
    "blake3",
    "crc32fast",
    "md5",
    "seahash",
    "sha256",
    "fxhash",
    "xxh3",
    "xxh32",
    "xxh64",
];

/// One-shot functions of those crates, by name.
const ONE_SHOT: &[&str] = &[
    "hash", "hash32", "hash64", "compute", "digest", "xxh3_64", "xxh3_128", "xxh32", "xxh64",
];

/// Build-hasher types whose hashers have fixed keys (`BuildHasherDefault::<FxHasher>`).
const FIXED_KEY_BUILDERS: &[&str] = &["BuildHasherDefault", "FxBuildHasher", "FixedState"];

/// Methods that give a hasher's result.
const FINISHING: &[&str] = &["finish", "finalize", "finalize_fixed", "digest", "compute"];

/// What a hasher's keys are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    Fixed,
    Random,
    /// Given at run time (a seed objlint cannot read), or changed in a way objlint does not
    /// follow.
    Unknown,
}

/// A hasher and what was fed to it so far.
struct Hasher {
    /// The hasher's type or crate, as the code names it (`DefaultHasher`, `Sha256`, `blake3`).
    algorithm: String,
    keys: Keys,
    input: Vec<NameIr>,
}

impl Hasher {
    fn value(self) -> NameIr {
        match self.keys {
            Keys::Fixed => NameIr::Hash(self.algorithm, self.input),
            Keys::Random => NameIr::Unique(RANDOM_KEYS.to_owned()),
            Keys::Unknown => NameIr::Unknown,
        }
    }
}

impl Site<'_> {
    /// `expr` as a hash, if it is one of the forms this module knows (`None` otherwise): a
    /// hash of its input, a value nobody guesses, or unknown.
    pub(crate) fn hash_value(&self, expr: &Expr, depth: usize) -> Option<NameIr> {
        match expr {
            Expr::Paren(inner) => self.hash_value(&inner.expr, depth),
            Expr::Reference(inner) => self.hash_value(&inner.expr, depth),
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                let method = method.as_str();
                if call.args.is_empty() && FINISHING.contains(&method) {
                    return self.hasher(&call.receiver, depth).map(Hasher::value);
                }
                // `digest.to_hex()`, `BASE64.encode(digest)`: the hash's text.
                if call.args.is_empty() && matches!(method, "to_hex" | "encode_hex") {
                    return self.hash_value(&call.receiver, depth);
                }
                if call.args.len() == 1 && method == "encode" {
                    return self.hash_value(&call.args[0], depth);
                }
                // `BuildHasherDefault::<FxHasher>::default().hash_one(x)`.
                if call.args.len() == 1 && method == "hash_one" {
                    let (algorithm, keys) = builder(&call.receiver)?;
                    let input = vec![self.part(&call.args[0], depth + 1, None)];
                    return Some(
                        Hasher {
                            algorithm,
                            keys,
                            input,
                        }
                        .value(),
                    );
                }
                None
            }
            Expr::Call(call) => {
                let Expr::Path(function) = &*call.func else {
                    return None;
                };
                let segments = self.segments(&function.path);
                let [.., owner, last] = segments.as_slice() else {
                    return None;
                };
                // `hex::encode(digest)`.
                if call.args.len() == 1 && matches!(last.as_str(), "encode" | "encode_upper") {
                    return self.hash_value(&call.args[0], depth);
                }
                let one_shot = (FIXED_KEY_HASHERS.contains(&owner.as_str()) && last == "digest")
                    || (FIXED_KEY_CRATES.contains(&owner.as_str())
                        && ONE_SHOT.contains(&last.as_str()));
                if !one_shot {
                    return None;
                }
                let args: Vec<&Expr> = call.args.iter().collect();
                let (first, seeds) = args.split_first()?;
                let input = vec![self.part(first, depth + 1, None)];
                Some(
                    Hasher {
                        algorithm: owner.clone(),
                        keys: seeded(seeds),
                        input,
                    }
                    .value(),
                )
            }
            _ => None,
        }
    }

    /// The hasher `expr` is, with what was fed to it before this site.
    fn hasher(&self, expr: &Expr, depth: usize) -> Option<Hasher> {
        match expr {
            Expr::Paren(inner) => self.hasher(&inner.expr, depth),
            Expr::Reference(inner) => self.hasher(&inner.expr, depth),
            Expr::Path(path) => self.bound_hasher(path.path.get_ident()?, depth),
            Expr::Call(call) => {
                let Expr::Path(function) = &*call.func else {
                    return None;
                };
                let segments = self.segments(&function.path);
                let [.., owner, constructor] = segments.as_slice() else {
                    return None;
                };
                let crate_name = segments
                    .len()
                    .checked_sub(3)
                    .map(|at| segments[at].as_str());
                let known = FIXED_KEY_HASHERS.contains(&owner.as_str())
                    || (matches!(owner.as_str(), "Hasher" | "Context")
                        && crate_name.is_some_and(|name| FIXED_KEY_CRATES.contains(&name)));
                if !known {
                    return None;
                }
                let algorithm = match owner.as_str() {
                    "Hasher" | "Context" => crate_name.unwrap_or(owner).to_owned(),
                    _ => owner.clone(),
                };
                let args: Vec<&Expr> = call.args.iter().collect();
                match constructor.as_str() {
                    // RustCrypto's `Sha256::new_with_prefix(x)`.
                    "new_with_prefix" if args.len() == 1 => Some(Hasher {
                        algorithm,
                        keys: Keys::Fixed,
                        input: vec![self.part(args[0], depth + 1, None)],
                    }),
                    "new" | "default" | "with_seed" | "new_with_keys" | "with_key" => {
                        Some(Hasher {
                            algorithm,
                            keys: seeded(&args),
                            input: Vec::new(),
                        })
                    }
                    _ => None,
                }
            }
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                match method.as_str() {
                    "build_hasher" if call.args.is_empty() => {
                        let (algorithm, keys) = builder(&call.receiver)?;
                        Some(Hasher {
                            algorithm,
                            keys,
                            input: Vec::new(),
                        })
                    }
                    // `Sha256::new().chain_update(x)`, `blake3::Hasher::new().update(x)`.
                    "chain_update" | "chain" | "update" if call.args.len() == 1 => {
                        let mut hasher = self.hasher(&call.receiver, depth)?;
                        hasher.input.push(self.part(&call.args[0], depth + 1, None));
                        Some(hasher)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A hasher kept in a `let mut`, with the values fed to it before this site. Any other
    /// change to it, or a feed after the site in a loop or closure that may run it again,
    /// leaves its keys unknown.
    fn bound_hasher(&self, ident: &syn::Ident, depth: usize) -> Option<Hasher> {
        let position = self
            .lets
            .iter()
            .rposition(|local| ident == &local.name && local.at < self.at)?;
        let local = self.lets[position];
        if local.cfg.is_some() || local.local_key {
            return None;
        }
        let before = Site {
            lets: &self.lets[..position],
            at: local.at,
            loop_depth: local.loop_depth,
            ..*self
        };
        let mut hasher = before.hasher(local.init.as_ref()?, depth + 1)?;
        let repeated = self.loop_depth > local.loop_depth;
        for mutation in &local.mutations {
            if mutation.at >= self.at {
                if repeated {
                    hasher.keys = Keys::Unknown;
                }
                continue;
            }
            match &mutation.kind {
                MutationKind::Feed(value) => {
                    let there = Site {
                        at: mutation.at,
                        loop_depth: local.loop_depth,
                        ..*self
                    };
                    hasher.input.push(there.part(value, depth + 1, None));
                }
                _ => hasher.keys = Keys::Unknown,
            }
        }
        Some(hasher)
    }

    /// A path's segments, through the file's `use`s when its first one is imported (`use
    /// blake3::hash;` then `hash(x)` is `blake3::hash`).
    fn segments(&self, path: &syn::Path) -> Vec<String> {
        match self.item_path(path) {
            NameIr::Item(item)
                if item
                    .segments
                    .first()
                    .is_some_and(|key| !key.starts_with('<')) =>
            {
                item.segments
            }
            _ => path_segments(path),
        }
    }
}

/// The hashers a build-hasher makes, and their keys: std's and ahash's `RandomState` draw
/// them at random in each process; `BuildHasherDefault::<H>` makes `H::default()`.
fn builder(expr: &Expr) -> Option<(String, Keys)> {
    let Expr::Call(call) = expr else {
        return None;
    };
    let Expr::Path(function) = &*call.func else {
        return None;
    };
    let segments = &function.path.segments;
    let [.., owner, constructor] = segments.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    if !matches!(constructor.ident.to_string().as_str(), "new" | "default") {
        return None;
    }
    let name = owner.ident.to_string();
    if name == "RandomState" {
        return Some((name, Keys::Random));
    }
    if !FIXED_KEY_BUILDERS.contains(&name.as_str()) {
        return None;
    }
    // `BuildHasherDefault::<DefaultHasher>`: the hasher it builds.
    let built = match &owner.arguments {
        syn::PathArguments::AngleBracketed(arguments) => {
            arguments.args.iter().find_map(|argument| match argument {
                syn::GenericArgument::Type(syn::Type::Path(ty)) => {
                    ty.path.segments.last().map(|last| last.ident.to_string())
                }
                _ => None,
            })
        }
        _ => None,
    };
    Some((built.unwrap_or(name), Keys::Fixed))
}

/// The keys a hasher made with these seeds has: fixed when each is written in the program
/// (`XxHash64::with_seed(0)`), random when one is a random value, unknown otherwise.
fn seeded(seeds: &[&Expr]) -> Keys {
    if seeds.iter().all(|seed| constant(seed)) {
        return Keys::Fixed;
    }
    let random = seeds
        .iter()
        .any(|seed| matches!(classify_runtime_value(seed), NameIr::Unique(_)));
    if random {
        Keys::Random
    } else {
        Keys::Unknown
    }
}

/// Whether a seed is written in the program: a literal, or a `const` (a path in capitals).
fn constant(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::Paren(inner) => constant(&inner.expr),
        Expr::Reference(inner) => constant(&inner.expr),
        Expr::Cast(cast) => constant(&cast.expr),
        Expr::Unary(unary) => constant(&unary.expr),
        Expr::Path(path) => path.path.segments.last().is_some_and(|last| {
            let ident = last.ident.to_string();
            ident.chars().any(|c| c.is_ascii_uppercase())
                && !ident.chars().any(|c| c.is_ascii_lowercase())
        }),
        _ => false,
    }
}

/// What a hash's input is, as a name shows it (`{a hash of APP_DIR and the user name}`): each
/// `const` or `static` by its name, other short text as written, and each predictable part by
/// what it is. The input's text is never put in whole: a backslash in it is none of the
/// name's, and a long path would make the name look longer than it is. Two hashes are one
/// name only when this says they hash the same.
pub fn hashed_input(literals: &[Literal], predictable: &[String]) -> Vec<String> {
    let mut what: Vec<String> = Vec::new();
    for literal in literals.iter().filter(|literal| !literal.value.is_empty()) {
        let item = literal
            .binding
            .as_ref()
            .filter(|binding| matches!(binding.kind, BindingKind::Const | BindingKind::Static));
        let shown = match item {
            Some(item) => item.name.clone(),
            None if literal.value.chars().count() <= 40
                && !literal.value.contains(['\\', '{', '}', '"', '\0']) =>
            {
                format!("\"{}\"", literal.value)
            }
            None => "text written in the program".to_owned(),
        };
        if !what.contains(&shown) {
            what.push(shown);
        }
    }
    what.extend(predictable.iter().cloned());
    what
}
