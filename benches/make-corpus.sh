#!/usr/bin/env bash
# Builds the benchmark corpus, once: `cargo vendor` of the crates in benches/corpus-manifest.toml
# (pinned by benches/corpus.lock) into target/bench-corpus, about 400 MB of `.rs` in 5,268 files.
# Only cargo downloads anything; nothing is built. Prints the corpus directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$root/target/bench-corpus
manifest_dir=$root/target/bench-corpus-manifest

if [[ ! -f $corpus/.complete ]]; then
    mkdir -p "$manifest_dir/src"
    cp "$root/benches/corpus-manifest.toml" "$manifest_dir/Cargo.toml"
    cp "$root/benches/corpus.lock" "$manifest_dir/Cargo.lock"
    : >"$manifest_dir/src/lib.rs"
    echo "make-corpus: vendoring the benchmark corpus into $corpus" >&2
    rm -rf "$corpus"
    (cd "$manifest_dir" && "${CARGO:-cargo}" vendor --locked --versioned-dirs --quiet "$corpus" >/dev/null)
    : >"$corpus/.complete"
fi
echo "$corpus"
