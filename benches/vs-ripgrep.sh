#!/usr/bin/env bash
# objlint side by side with ripgrep on the benchmark corpus (benches/make-corpus.sh builds it).
#
# ripgrep searches the same names objlint looks for: every function of `WIN32_APIS` in
# src/catalogue/win32.rs and the root type (or method) of every wrapper in src/catalogue/wrappers.rs, read from the
# sources, as fixed strings, in `.rs` files, reading ignore files as objlint does (both use the
# `ignore` crate: `.ignore`, and `.gitignore` inside a git repository; NO_IGNORE=1 turns them off
# for both), printing every matching line to a file (not to /dev/null, which lets rg stop at a
# file's first match). Both get the same number of threads: `rg -j N` and `cargo-objlint --jobs N` (if this
# objlint has `--jobs`; else it is noted and objlint runs with its default).
#
# Cases: the whole corpus; a vendored crate with none of the names (libc); start-up plus one
# small file (a real call site); 5,000 files given as arguments (relative to their tree's
# root, run from there, as a pre-commit hook gives them) against the same files as a directory
# (`.`, from the same place), both less the time bash takes to start `/bin/true` with the same
# arguments. Runs alternate (objlint, rg, objlint, rg, …) and medians are reported, then peak
# memory on the whole corpus with /usr/bin/time -v.
#
# Usage: cargo build --release && benches/vs-ripgrep.sh
# Environment: JOBS (default: the number of cores), RUNS (default 10), OBJLINT (the binary,
# default target/release/cargo-objlint), RG (default rg), CASES (default `whole none small five
# memory`; a case left out keeps the timings of its last run), IN_MEMORY (default 1: the trees
# are copied to /dev/shm and read from there; 0 reads them where they are).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
objlint=${OBJLINT:-$root/target/release/cargo-objlint}
rg=${RG:-rg}
jobs=${JOBS:-$(nproc)}
runs=${RUNS:-10}
out=$root/target/vs-ripgrep
mkdir -p "$out"

if [[ ! -x $objlint ]]; then
    echo "vs-ripgrep: $objlint not found; run \`cargo build --release\` first" >&2
    exit 2
fi
corpus=$("$root/benches/make-corpus.sh")

# The names, from the catalogue's sources.
mapfile -t names < <(
    {
        awk '/^pub static WIN32_APIS/,/^];/' "$root/src/catalogue/win32.rs" | grep -o '^ *"[A-Za-z0-9]*",' | tr -d ' ",'
        grep -v '^ *//' "$root/src/catalogue/wrappers.rs" |
            grep -o -e 'path!("[A-Za-z0-9_]*"' -e 'root: &\["[A-Za-z0-9_]*"' -e 'Matcher::Method("[A-Za-z0-9_]*"' |
            cut -d '"' -f 2
    } | sort -u
)
rg_args=(-j "$jobs" -t rust -F)
for name in "${names[@]}"; do rg_args+=(-e "$name"); done

objlint_args=(--format short --color never)
if [[ ${NO_IGNORE:-0} == 1 ]]; then
    rg_args+=(--no-ignore)
    objlint_args+=(--no-ignore)
fi
if "$objlint" --help | grep -q -- '--jobs'; then
    objlint_args+=(--jobs "$jobs")
    threads_note="rg -j $jobs, objlint --jobs $jobs"
else
    threads_note="rg -j $jobs; this objlint has no --jobs option and runs with its default"
fi

# The trees.
no_candidate=$(compgen -G "$corpus/libc-*" | head -n 1)
small_file=$(compgen -G "$corpus/windows-future-*/src/waiter.rs" | head -n 1)
# 5,000 files: the smallest `.rs` files of the corpus (per-file costs dominate, as with a
# pre-commit hook), hard-linked into one directory with their crates' Cargo.toml.
five=$root/target/bench-5000
if [[ ! -f $five/.complete ]]; then
    rm -rf "$five"
    mkdir -p "$five"
    (cd "$corpus" && find . -name '*.rs' -printf '%s %P\n' | LC_ALL=C sort -k1,1n -k2 | head -n 5000 | cut -d ' ' -f 2- >"$out/5000.txt")
    (cd "$corpus" && xargs -d '\n' cp -l --parents -t "$five" <"$out/5000.txt")
    (cd "$corpus" && for manifest in */Cargo.toml; do [[ -d $five/${manifest%/Cargo.toml} ]] && cp -l --parents "$manifest" "$five"; done)
    : >"$five/.complete"
fi

# The trees are read from a copy in memory (tmpfs), unless IN_MEMORY=0: this VM trims its page
# cache in the background, so a tree read from disk is partly read from the disk again in some
# runs and not others, which makes single runs vary by ±15% and can favour either tool. Both
# tools read the same copy.
place=""
if [[ ${IN_MEMORY:-1} == 1 && -d /dev/shm ]]; then
    memory=/dev/shm/objlint-vs-ripgrep
    if [[ ! -f $memory/.complete ]]; then
        rm -rf "$memory"
        mkdir -p "$memory"
        cp -r "$corpus" "$memory/corpus"
        cp -r "$five" "$memory/five"
        : >"$memory/.complete"
    fi
    trap 'rm -rf "$memory"' EXIT
    no_candidate=$memory/corpus/${no_candidate#"$corpus"/}
    small_file=$memory/corpus/${small_file#"$corpus"/}
    corpus=$memory/corpus
    five=$memory/five
    place="; trees read from a copy in /dev/shm (tmpfs; IN_MEMORY=0 reads them from disk)"
fi
# Given as a pre-commit hook gives them: relative to the tree's root, run from there (the
# directory case is `.` from the same place).
mapfile -t five_files <"$out/5000.txt"

# median FILE: the median of the numbers in FILE, one a line.
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# measure LABEL CMD...: one timed run of CMD, its seconds appended to $out/LABEL.times.
measure() {
    local label=$1 start end
    shift
    start=$EPOCHREALTIME
    "$@" >"$out/$label.stdout" 2>"$out/$label.stderr" || true
    end=$EPOCHREALTIME
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f\n", e - s }' >>"$out/$label.times"
}

# compare CASE LABEL…: RUNS alternating rounds of the functions CASE-LABEL, after one warm-up
# round (which fills the page cache and is not counted).
compare() {
    local case=$1 round label
    shift
    for label in "$@"; do rm -f "$out/$case-$label.times"; done
    for ((round = 0; round <= runs; round++)); do
        for label in "$@"; do
            measure "$case-$label" "$case-$label"
            if ((round == 0)); then rm "$out/$case-$label.times"; fi
        done
    done
}

whole-objlint() { "$objlint" "${objlint_args[@]}" "$corpus"; }
whole-rg() { "$rg" "${rg_args[@]}" "$corpus"; }
none-objlint() { "$objlint" "${objlint_args[@]}" "$no_candidate"; }
none-rg() { "$rg" "${rg_args[@]}" "$no_candidate"; }
small-objlint() { "$objlint" "${objlint_args[@]}" "$small_file"; }
small-rg() { "$rg" "${rg_args[@]}" "$small_file"; }
five-objlint-args() { (cd "$five" && "$objlint" "${objlint_args[@]}" "${five_files[@]}"); }
five-objlint-dir() { (cd "$five" && "$objlint" "${objlint_args[@]}" .); }
five-rg-args() { (cd "$five" && "$rg" "${rg_args[@]}" "${five_files[@]}"); }
five-rg-dir() { (cd "$five" && "$rg" "${rg_args[@]}" .); }
# What bash itself takes to start a program with the same arguments: expanding a 5,000-word
# array costs it more than 10 ms, which belongs to neither tool (pre-commit, from Python, passes
# them in about 2). The 5,000-file rows are timed less these.
five-launch-args() { (cd "$five" && /bin/true "${five_files[@]}"); }
five-launch-dir() { (cd "$five" && /bin/true .); }

echo "vs-ripgrep: $(nproc) cores, $threads_note, $runs alternating runs each, ${#names[@]} names" >&2
cases=${CASES:-whole none small five memory}
[[ $cases == *whole* ]] && compare whole objlint rg
[[ $cases == *none* ]] && compare none objlint rg
[[ $cases == *small* ]] && compare small objlint rg
[[ $cases == *five* ]] && compare five objlint-args objlint-dir rg-args rg-dir launch-args launch-dir

ms() {
    if [[ ! -s $out/$1.times ]]; then echo "—"; return; fi
    awk -v s="$(median "$out/$1.times")" 'BEGIN { printf "%.1f ms", s * 1000 }'
}
ratio() {
    if [[ ! -s $out/$1.times || ! -s $out/$2.times ]]; then echo "—"; return; fi
    awk -v a="$(median "$out/$1.times")" -v b="$(median "$out/$2.times")" 'BEGIN { printf "%.2f×", a / b }'
}
# The 5,000-file cases, less the launch of /bin/true with the same arguments: net LABEL LAUNCH
# writes LABEL-net.times (one line, the difference of the medians).
net() {
    if [[ ! -s $out/$1.times || ! -s $out/$2.times ]]; then rm -f "$out/$1-net.times"; return; fi
    awk -v a="$(median "$out/$1.times")" -v b="$(median "$out/$2.times")" 'BEGIN { printf "%.6f\n", a - b }' >"$out/$1-net.times"
}
net five-objlint-args five-launch-args
net five-rg-args five-launch-args
net five-objlint-dir five-launch-dir
net five-rg-dir five-launch-dir
size() { find "$@" -name '*.rs' -printf '%s\n' | awk '{ n++; b += $1 } END { printf "%d files, %.1f MB", n, b / 1e6 }'; }

peak() { { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk -F ': ' '/Maximum resident set size/ { printf "%.0f MB", $2 / 1024 }'; }
objlint_peak="—" rg_peak="—"
if [[ $cases == *memory* ]]; then
    objlint_peak=$(peak "$objlint" "${objlint_args[@]}" "$corpus")
    rg_peak=$(peak "$rg" "${rg_args[@]}" "$corpus")
fi

cat <<EOF

| Case | Tree | objlint | rg | objlint / rg | Target |
|---|---|---:|---:|---:|---|
| Whole corpus | $(size "$corpus") | $(ms whole-objlint) | $(ms whole-rg) | $(ratio whole-objlint whole-rg) | ≤ 1.5× |
| No candidate | ${no_candidate#"$corpus"/}: $(size "$no_candidate") | $(ms none-objlint) | $(ms none-rg) | $(ratio none-objlint none-rg) | ≤ 1.2× |
| Start-up + one small file | ${small_file#"$corpus"/}, $(stat -c %s "$small_file") bytes | $(ms small-objlint) | $(ms small-rg) | $(ratio small-objlint small-rg) | < 10 ms |
| 5,000 files as arguments | $(size "$five") | $(ms five-objlint-args-net) | $(ms five-rg-args-net) | $(ratio five-objlint-args-net five-rg-args-net) | |
| The same 5,000 as a directory | | $(ms five-objlint-dir-net) | $(ms five-rg-dir-net) | $(ratio five-objlint-dir-net five-rg-dir-net) | arguments ≤ directory: $(ratio five-objlint-args-net five-objlint-dir-net) |
| Peak memory, whole corpus | | $objlint_peak | $rg_peak | | < 100 MB |

Medians of $runs alternating runs after one warm-up; $threads_note; $(nproc) cores$place.
The 5,000-file rows are less what bash takes to start \`/bin/true\` with the same arguments ($(ms five-launch-args) with the 5,000 paths, $(ms five-launch-dir) with \`.\`); as timed, objlint took $(ms five-objlint-args) and $(ms five-objlint-dir), rg $(ms five-rg-args) and $(ms five-rg-dir).
EOF
