#!/usr/bin/env bash
# lintcheck on applications: objlint on public repositories of applications that create Win32
# named objects (and a few large negative controls), its findings kept in a reviewed file.
#
# The sources are listed in lintcheck/apps.txt as `owner/name commit`; nothing of them is kept in
# this repository. A developer fetches them (a `git clone` of each into
# target/lintcheck/apps/<owner>+<name>, or the search tool's mirror, /work/.mirror/<owner>+<name>,
# which is used when present); this script says which are absent, checks the pinned commit of each
# other one out into a clone of its own under $LINTCHECK_RUN (default ~/.cache/objlint-lintcheck),
# runs objlint there the way a user would (in the repository's root, no path arguments, so
# workspace discovery and .gitignore apply), and rewrites lintcheck/results-apps.txt. The clones
# live outside this repository on purpose: under target/ (skipped by the walk) and inside objlint's
# own workspace (found by the upward search for a workspace), objlint would check objlint; keep
# LINTCHECK_RUN out of any Cargo project and any `target/` directory for the same reason.
#
# The results file holds:
# - one finding a line, sorted, paths as `owner/name@commit12/file`, each with a judgement after
#   a tab: `# TRUE: why`, `# FALSE ALARM: why` or `# DEBATABLE: why`. A re-run keeps the judgement
#   of every unchanged line (and, announced, of a line whose message or column alone changed), marks
#   new ones `# UNJUDGED`, and keeps the lines of absent sources;
# - a section after `## Unreported creation sites`, kept as it is: one creation site a line that
#   objlint does not report (`owner/name@commit12/file:line: API<TAB># MISS: why` or
#   `# RIGHT: why`; a MISS of one lint names it after the API, `… API objlint::<lint>`). A MISS
#   that objlint now reports is announced, and no longer counted as missed;
# - the figures at the top: deny-level precision (TRUE / judged `error` findings, DEBATABLE counted
#   as not true) and recall (risky sites reported / risky sites judged: the distinct sites of TRUE
#   findings, plus the MISS sites still unreported).
#
# Not run by CI (the sources are fetched by hand). Usage, from anywhere in the repository:
#
#     cargo build --release && lintcheck/run.sh apps [owner/name ...]
#
# With names, only those sources are run; the others keep their lines. Environment: OBJLINT (the
# binary, default target/release/cargo-objlint), OBJLINT_ARGS (extra arguments), LINTCHECK_MIRROR
# (default /work/.mirror), LINTCHECK_RUN (where the clones are checked out).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
objlint=${OBJLINT:-$root/target/release/cargo-objlint}
list=$root/lintcheck/apps.txt
results=$root/lintcheck/results-apps.txt
apps=$root/target/lintcheck/apps
mirror=${LINTCHECK_MIRROR:-/work/.mirror}
run=${LINTCHECK_RUN:-${XDG_CACHE_HOME:-$HOME/.cache}/objlint-lintcheck}
marker='## Unreported creation sites'

if [[ ! -x $objlint ]]; then
    echo "lintcheck: $objlint not found; run \`cargo build --release\` first" >&2
    exit 2
fi
case $run/ in
"$root"/*)
    echo "lintcheck: LINTCHECK_RUN ($run) must be outside this repository" >&2
    exit 2
    ;;
esac
mkdir -p "$apps" "$run"

# `owner/name commit` pairs, comments and blank lines removed.
mapfile -t sources < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | awk '{print $1, $2}')
declare -A wanted=()
for name in "$@"; do wanted[$name]=1; done

# The git directory of a fetched copy of `key` (owner+name) holding `commit`, if any: the
# developer's clone first, then the mirror.
mirror_of() {
    local key=$1 commit=$2 git
    for git in "$apps/$key/.git" "$mirror/$key/repo/.git" "$mirror/$key/repo" "$mirror/$key"; do
        if [[ -d $git/objects ]] && git --git-dir="$git" cat-file -e "$commit^{commit}" 2>/dev/null; then
            echo "$git"
            return
        fi
    done
}

# Check each GitHub submodule of the clone in `dir` out at the commit its superproject records, as
# `git clone --recursive` would for a user: code in a submodule is part of the program (a name
# defined there is otherwise out of reach). A submodule whose repository was not fetched is listed.
check_out_submodules() {
    local dir=$1 repo=$2 mode type commit path url key git
    [[ -f $dir/.gitmodules ]] || return 0
    while read -r mode type commit path; do
        [[ $mode == 160000 ]] || continue
        url=$(git config -f "$dir/.gitmodules" --get-regexp '^submodule\..*\.path$' |
            awk -v p="$path" '$2 == p { sub(/\.path$/, ".url", $1); print $1 }' |
            xargs -r git config -f "$dir/.gitmodules" --get)
        key=$(sed -nE 's#^(https://|git@)github\.com[:/]([^/]+)/([^/]+)$#\2+\3#p' <<<"${url%.git}")
        git=${key:+$(mirror_of "$key" "$commit")}
        if [[ -z $git ]]; then
            submodules_absent+=("$repo: $path (${url:-no url}, commit $commit)")
            continue
        fi
        if [[ $(git -C "$dir/$path" rev-parse HEAD 2>/dev/null) != "$commit" ]]; then
            rm -rf "${dir:?}/$path"
            git clone --quiet --shared --no-checkout "$git" "$dir/$path"
            git -C "$dir/$path" -c advice.detachedHead=false checkout --quiet --force "$commit"
        fi
    done < <(git -C "$dir" ls-tree -r HEAD)
}

# Bring the work tree of each source to its pinned commit; list the ones that cannot be.
ran=() absent=() incomplete=() submodules_absent=()
for entry in "${sources[@]}"; do
    read -r repo commit <<<"$entry"
    if ((${#wanted[@]} > 0)) && [[ -z ${wanted[$repo]:-} ]]; then continue; fi
    key=${repo/\//+}
    dir=$run/$key
    fresh=false
    if [[ ! -d $dir/.git ]]; then
        git=$(mirror_of "$key" "$commit")
        if [[ -z $git ]]; then
            absent+=("$repo")
            continue
        fi
        rm -rf "$dir"
        # A clone (not an export) so that the repository's .gitignore applies as it would for a user.
        git clone --quiet --shared --no-checkout "$git" "$dir"
        fresh=true
    fi
    if $fresh || [[ $(git -C "$dir" rev-parse HEAD 2>/dev/null) != "$commit" ]]; then
        if ! git -C "$dir" cat-file -e "$commit^{commit}" 2>/dev/null; then
            git=$(mirror_of "$key" "$commit")
            [[ -n $git ]] && git -C "$dir" fetch --quiet "$git" "$commit" 2>/dev/null || true
        fi
        # A mirror snapshot lacks its files of 4 MiB and more: the checkout then fails for those
        # files alone, and the run goes on without them (they are listed below).
        git -C "$dir" -c advice.detachedHead=false checkout --quiet --force "$commit" 2>/dev/null || true
        if [[ $(git -C "$dir" rev-parse HEAD 2>/dev/null) != "$commit" ]]; then
            absent+=("$repo (commit $commit not found)")
            continue
        fi
    fi
    check_out_submodules "$dir" "$repo"
    missing=$(git -C "$dir" ls-files --deleted)
    if [[ -n $missing ]]; then
        incomplete+=("$repo: $(grep -c . <<<"$missing") files missing ($(grep -c '\.rs$' <<<"$missing" || true) .rs)")
    fi
    ran+=("$repo $commit")
done

# Run objlint in each root, as a user would; prefix paths with the source and its commit.
findings=$root/target/lintcheck/apps-findings.txt
: >"$findings"
for entry in "${ran[@]}"; do
    read -r repo commit <<<"$entry"
    echo "lintcheck: $repo" >&2
    # shellcheck disable=SC2086 # OBJLINT_ARGS is a list of words on purpose.
    (cd "$run/${repo/\//+}" && "$objlint" --format short --color never ${OBJLINT_ARGS:-} 2>&1 >/dev/null || true) |
        grep -v '^objlint: ' |
        sed -e "s|^$run/${repo/\//+}/||" -e 's|^\./||' -e "s|^|$repo@${commit:0:12}/|" >>"$findings" || true
done

# Keep the judgement of every unchanged finding and the lines of sources not run; keep the
# unreported section as it is.
old=$root/target/lintcheck/results-apps.previous
if [[ -f $results ]]; then cp "$results" "$old"; else : >"$old"; fi
ran_names=$(printf '%s\n' "${ran[@]%% *}")
{
    LC_ALL=C sort -u "$findings" |
        awk -F '\t' -v old="$old" -v marker="$marker" '
            function site_lint(finding,    f) {
                split(finding, f, ":")
                if (!match(finding, /(error|warning)\[[a-z:_]+\]/)) return ""
                return f[1] ":" f[2] ": " substr(finding, RSTART, RLENGTH)
            }
            BEGIN {
                while ((getline line < old) > 0) {
                    if (index(line, marker) == 1) break
                    if (line ~ /^#/ || line == "") continue
                    split(line, parts, "\t")
                    if (parts[2] == "" || parts[2] ~ /^# UNJUDGED/) continue
                    judged[parts[1]] = parts[2]
                    # The file, line and lint alone, so that a reworded message or a moved column
                    # keeps its judgement.
                    key = site_lint(parts[1])
                    if (key != "") by_lint[key] = parts[2]
                }
            }
            {
                key = site_lint($0)
                if ($0 in judged) judgement = judged[$0]
                else if (key != "" && key in by_lint) {
                    judgement = by_lint[key]
                    print "lintcheck: message or column changed, judgement kept (check it): " $0 > "/dev/stderr"
                } else judgement = "# UNJUDGED"
                print $0 "\t" judgement
            }
        '
    awk -v marker="$marker" -v ran="$ran_names" '
        BEGIN { n = split(ran, names, "\n"); for (i = 1; i <= n; i++) if (names[i] != "") run[names[i]] = 1 }
        index($0, marker) == 1 { exit }
        /^#/ || $0 == "" { next }
        { repo = $0; sub(/@.*/, "", repo); if (!(repo in run)) print }
    ' "$old"
} | LC_ALL=C sort -t : -k1,1 -k2,2n -k3,3n -k4 >"$results.findings"

# The unreported section, kept verbatim (or started empty).
if grep -q "^$marker" "$old"; then
    sed -n "/^$marker/,\$p" "$old" >"$results.unreported"
else
    {
        echo "$marker (kept by lintcheck/run.sh: \`site: API<TAB># MISS: why\` or \`# RIGHT: why\`)"
    } >"$results.unreported"
fi

# Figures.
site_of() { sed -E 's/^([^:]+:[0-9]+):.*/\1/'; }
deny=$(grep -c ': error\[' "$results.findings" || true)
deny_count() { { grep ': error\[' "$results.findings" || true; } | grep -c $'\t# '"$1" || true; }
deny_true=$(deny_count TRUE)
deny_false=$(deny_count 'FALSE ALARM')
deny_debatable=$(deny_count DEBATABLE)
unjudged=$(grep -c $'\t# UNJUDGED' "$results.findings" || true)
total=$(wc -l <"$results.findings")
reported_sites=$(grep $'\t# TRUE' "$results.findings" | site_of | sort -u || true)
reported=$(grep -c . <<<"$reported_sites" || true)
now_reported=() missed=0
while IFS=$'\t' read -r site judgement; do
    [[ $judgement == '# MISS'* ]] || continue
    where=$(site_of <<<"$site")
    # A MISS line may name the lint it expects (`… API objlint::lint`): another lint's finding
    # at the same site does not resolve it.
    lint=$(grep -o 'objlint::[a-z_]*' <<<"$site" || true)
    if grep -F -- "$where:" "$results.findings" | grep -qF -- "${lint:-$where}"; then
        now_reported+=("$site")
    else
        missed=$((missed + 1))
    fi
done < <(tail -n +2 "$results.unreported")
right=$(grep -c $'\t# RIGHT' "$results.unreported" || true)
deny_judged=$((deny_true + deny_false + deny_debatable))
percent() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%d/%d = %.1f%%", a, b, 100 * a / b; else print "n/a" }'; }
precision=$(percent "$deny_true" "$deny_judged")
recall=$(percent "$reported" $((reported + missed)))

{
    echo "# lintcheck on applications: \`lintcheck/run.sh apps\` rewrites this file; keep the judgements after the tab."
    echo "# Sources and commits: lintcheck/apps.txt. Command: \`cargo build --release && lintcheck/run.sh apps\`"
    echo "# (objlint run in each repository's root with \`--format short --color never\` and no path)."
    echo "# Deny-level precision (TRUE / judged error findings; DEBATABLE counts as not true): $precision"
    echo "# Recall (risky sites reported / risky sites judged; MISS lines of the last section): $recall"
    echo "# ${#sources[@]} sources; $total findings ($deny at deny level: $deny_true true, $deny_false false alarms, $deny_debatable debatable); $unjudged unjudged; $right unreported sites judged right."
    cat "$results.findings"
    echo
    cat "$results.unreported"
} >"$results"
rm "$results.findings" "$results.unreported"

if ((${#absent[@]} > 0)); then
    echo "lintcheck: absent (kept their previous lines); clone each into $apps/<owner>+<name>:" >&2
    printf '  %s\n' "${absent[@]}" >&2
fi
if ((${#submodules_absent[@]} > 0)); then
    echo "lintcheck: submodules not fetched (run without their code); fetch each like a source:" >&2
    printf '  %s\n' "${submodules_absent[@]}" >&2
fi
if ((${#incomplete[@]} > 0)); then
    echo "lintcheck: incomplete snapshots (files of 4 MiB and more are not mirrored):" >&2
    printf '  %s\n' "${incomplete[@]}" >&2
fi
dropped=$(awk -F '\t' 'NR == FNR { if ($0 !~ /^#/) now[$1] = 1; next } /^## / { exit } !/^#/ && $0 != "" && !($1 in now) { print $1 }' "$results" "$old")
if [[ -n $dropped ]]; then
    echo "lintcheck: findings gone since the last run:" >&2
    echo "$dropped" >&2
fi
if ((${#now_reported[@]} > 0)); then
    echo "lintcheck: MISS sites that objlint now reports (judge the finding, then drop the MISS line):" >&2
    printf '  %s\n' "${now_reported[@]}" >&2
fi
echo "lintcheck: ${#ran[@]} of ${#sources[@]} sources run, $total findings, $unjudged unjudged"
echo "lintcheck: deny-level precision $precision; recall $recall"
