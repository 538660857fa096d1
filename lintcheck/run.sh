#!/usr/bin/env bash
# lintcheck: objlint on real crates from crates.io, its findings kept in a reviewed file.
#
# Downloads every crate of lintcheck/crates.txt (pinned versions) with cargo itself (a throwaway
# manifest per crate and `cargo fetch`, then the `.crate` archive from cargo's registry cache is
# unpacked under target/lintcheck/crates), runs objlint on each crate's sources, and rewrites
# lintcheck/results.txt: one finding a line, sorted, paths as `crate@version/file`.
#
# Each line of results.txt ends with a judgment after a tab: `# TRUE: why` or
# `# FALSE ALARM: why`. A re-run keeps the judgment of every line whose finding is unchanged
# and marks new lines `# UNJUDGED`, so a change of behaviour on real code is a reviewable diff.
# It then prints the precision: true findings / judged findings.
#
# Not run by CI (it needs the network). Usage, from anywhere in the repository:
#
#     cargo build --release && lintcheck/run.sh
#
# `lintcheck/run.sh apps` runs lintcheck/apps.sh instead: objlint on the applications of
# lintcheck/apps.txt that a developer fetched, into lintcheck/results-apps.txt (see that script).
#
# Environment: OBJLINT (the binary, default target/release/cargo-objlint), OBJLINT_ARGS (extra
# arguments, e.g. `--jobs 2`).
set -euo pipefail

if [[ ${1:-} == apps ]]; then
    shift
    exec "$(dirname "$0")/apps.sh" "$@"
fi

root=$(cd "$(dirname "$0")/.." && pwd)
objlint=${OBJLINT:-$root/target/release/cargo-objlint}
work=$root/target/lintcheck
list=$root/lintcheck/crates.txt
results=$root/lintcheck/results.txt
cargo_home=${CARGO_HOME:-$HOME/.cargo}

if [[ ! -x $objlint ]]; then
    echo "lintcheck: $objlint not found; run \`cargo build --release\` first" >&2
    exit 2
fi
mkdir -p "$work/manifests" "$work/crates"

# `name version` pairs, comments and blank lines removed.
mapfile -t crates < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | awk '{print $1, $2}')

# Download and unpack each crate, once.
for entry in "${crates[@]}"; do
    read -r name version <<<"$entry"
    dir=$work/crates/$name-$version
    [[ -d $dir ]] && continue
    archive=$(compgen -G "$cargo_home/registry/cache/*/$name-$version.crate" | head -n 1 || true)
    if [[ -z $archive ]]; then
        manifest=$work/manifests/$name-$version
        mkdir -p "$manifest/src"
        : >"$manifest/src/lib.rs"
        cat >"$manifest/Cargo.toml" <<EOF
[package]
name = "lintcheck-$name"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$name = "=$version"
EOF
        echo "lintcheck: fetching $name $version" >&2
        (cd "$manifest" && cargo fetch --quiet)
        archive=$(compgen -G "$cargo_home/registry/cache/*/$name-$version.crate" | head -n 1)
    fi
    tar -xzf "$archive" -C "$work/crates"
done

# Run objlint on each crate, from the crates' directory, so that paths start with the crate.
findings=$work/findings.txt
: >"$findings"
for entry in "${crates[@]}"; do
    read -r name version <<<"$entry"
    # shellcheck disable=SC2086 # OBJLINT_ARGS is a list of words on purpose.
    (cd "$work/crates" && "$objlint" --format short --color never ${OBJLINT_ARGS:-} "$name-$version" 2>&1 >/dev/null || true) |
        grep -v '^objlint: ' |
        sed -e "s|^$name-$version/|$name@$version/|" >>"$findings" || true
done

# Keep the judgment of every unchanged finding; mark the others.
old=$work/results.previous
if [[ -f $results ]]; then cp "$results" "$old"; else : >"$old"; fi
LC_ALL=C sort -t : -k1,1 -k2,2n -k3,3n -k4 "$findings" | uniq |
    awk -F '\t' -v old="$old" '
        BEGIN {
            while ((getline line < old) > 0) {
                if (line ~ /^#/) continue
                split(line, parts, "\t")
                if (parts[2] != "") judged[parts[1]] = parts[2]
            }
        }
        { print $0 "\t" ($0 in judged ? judged[$0] : "# UNJUDGED") }
    ' >"$results.tmp"
{
    echo "# lintcheck results: \`lintcheck/run.sh\` rewrites this file; keep the judgments after the tab."
    echo "# Crates and versions: lintcheck/crates.txt. One finding a line, sorted; \`# TRUE: …\` or \`# FALSE ALARM: …\`."
    cat "$results.tmp"
} >"$results"
rm "$results.tmp"

# A dropped finding that had a judgment is worth seeing too.
dropped=$(awk -F '\t' 'NR == FNR { if ($0 !~ /^#/) now[$1] = 1; next } !/^#/ && !($1 in now) { print $1 }' "$results" "$old")
if [[ -n $dropped ]]; then
    echo "lintcheck: findings gone since the last run:" >&2
    echo "$dropped" >&2
fi

total=$(grep -vc '^#' "$results" || true)
true_count=$(grep -c $'\t# TRUE' "$results" || true)
false_count=$(grep -c $'\t# FALSE ALARM' "$results" || true)
unjudged=$(grep -c $'\t# UNJUDGED' "$results" || true)
echo "lintcheck: ${#crates[@]} crates, $total findings: $true_count true, $false_count false alarms, $unjudged unjudged"
judged=$((true_count + false_count))
if ((judged > 0)); then
    awk -v t="$true_count" -v j="$judged" 'BEGIN { printf "lintcheck: precision %d/%d = %.0f%%\n", t, j, 100 * t / j }'
fi
