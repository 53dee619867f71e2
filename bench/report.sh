#!/usr/bin/env bash
# Report benchmark: the Quartiersprofile of all 86 Köln Stadtteile (PDF and HTML) in one run of
# `bimo report profil` on the demo store, against the named peer, the typst command-line compiler
# (typst-cli from crates.io, the version of the workspace's typst library), compiling the same 86
# documents – the typst projects bimo writes with `--typst-quelle` (main.typ and its SVG figures) –
# to PDF with the same embedded fonts (typst-assets; no system fonts) and the same PDF standard
# (PDF/UA-1). Every document must have the same number of pages and the same text (pdftotext).
#
# The CLI runs twice: one process per document, sequentially (`typst compile`, as a build script would
# call it), and one process for all 86 (`typst compile --format bundle`, the CLI's experimental
# multi-file export: start-up and fonts paid once, one compilation, PDFs exported in parallel).
# bimo's time also includes reading the store, computing the indicators, drawing the figures and
# writing the HTML; it prints its load and profile times separately, and both are reported.
#
#   bench/report.sh            # RUNS=3 (median); the typst CLI is installed once into
#                              # target/bench-tools (a long build, run with nice)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCRATCH="$(mktemp -d -t bimo-bench-report.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

build_bimo
TYPST_VERSION="$(sed -n 's/^typst = "\([^"]*\)"/\1/p' "$ROOT/Cargo.toml")"
[ -n "$TYPST_VERSION" ] || { echo "no typst version in Cargo.toml" >&2; exit 1; }
TOOLS="$(dirname "$(dirname "$BIMO")")/bench-tools"
TYPST="$TOOLS/bin/typst"
echo "== typst-cli $TYPST_VERSION in $TOOLS"
case "$("$TYPST" --version 2>/dev/null || true)" in
    "typst $TYPST_VERSION "*) ;;
    *) nice cargo install typst-cli --version "$TYPST_VERSION" --locked --root "$TOOLS" ;;
esac
"$TYPST" --version
missing=()
command -v pdfinfo >/dev/null || missing+=(poppler-utils)
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "== installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
pdfinfo -v 2>&1 | sed -n 1p

# timed CMD…: runs CMD under GNU time; sets WALL_MS and CPU_MS (user + system, children included).
timed() {
    local status=0
    /usr/bin/time -f '%e %U %S' -o "$SCRATCH/time" "$@" || status=$?
    read -r WALL_MS CPU_MS < <(tail -1 "$SCRATCH/time" | awk '{printf "%.0f %.0f\n", $1 * 1000, ($2 + $3) * 1000}')
    return "$status"
}
# pdfinfo 22.12 prints "Syntax Error: Suspects object is wrong type (boolean)" for the MarkInfo of
# every typst PDF (bimo's and the CLI's alike); the page count is unaffected.
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }

echo "== importing the demo store"
"$BIMO" demo --no-serve --data-dir "$SCRATCH/store" >"$SCRATCH/demo.log" 2>&1 || { cat "$SCRATCH/demo.log" >&2; exit 1; }
PROFIL=("$BIMO" report profil --data-dir "$SCRATCH/store" --kommune koeln --layer stadtteil)

echo "== load average before timing: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc))"
echo "== bimo report profil: all Stadtteile, PDF and HTML, $RUNS runs"
bimo_ms=()
bimo_cpu=()
bimo_load=()
bimo_render=()
for i in $(seq 1 "$RUNS"); do
    rm -rf "$SCRATCH/bimo"
    timed "${PROFIL[@]}" --output "$SCRATCH/bimo" >"$SCRATCH/bimo.log" 2>&1 || { tail -20 "$SCRATCH/bimo.log" >&2; exit 1; }
    bimo_ms+=("$WALL_MS")
    bimo_cpu+=("$CPU_MS")
    # "86 profiles, 283 pages; store and atlas 4.39 s, profiles 6.01 s (47.1 pages per second)"
    line="$(grep -E '^[0-9]+ profiles, [0-9]+ pages' "$SCRATCH/bimo.log" | tail -1)"
    profiles="$(sed -E 's/^([0-9]+) profiles.*/\1/' <<<"$line")"
    bimo_pages="$(sed -E 's/^[0-9]+ profiles, ([0-9]+) pages.*/\1/' <<<"$line")"
    bimo_load+=("$(sed -E 's/.*store and atlas ([0-9.]+) s.*/\1/' <<<"$line")")
    bimo_render+=("$(sed -E 's/.*, profiles ([0-9.]+) s.*/\1/' <<<"$line")")
    echo "bimo run $i: ${bimo_ms[-1]} ms as a process (CPU ${bimo_cpu[-1]} ms); it printed: $line"
done
[ "$(find "$SCRATCH/bimo" -name '*.pdf' | wc -l)" -eq "$profiles" ] || { echo "not $profiles PDFs" >&2; exit 1; }
[ "$(find "$SCRATCH/bimo" -name '*.html' | wc -l)" -eq "$profiles" ] || { echo "not $profiles HTML files" >&2; exit 1; }
echo "usvg warnings in bimo's log (last run; typst reading the figures' zero-width bars): $(grep -c "has an invalid 'width'" "$SCRATCH/bimo.log" || true)"

echo "== the same profiles once more with --typst-quelle (untimed): one typst project per PDF"
"${PROFIL[@]}" --output "$SCRATCH/src" --typst-quelle >"$SCRATCH/src.log" 2>&1 || { tail -20 "$SCRATCH/src.log" >&2; exit 1; }
keys=()
for dir in "$SCRATCH/src"/*.typst; do keys+=("$(basename "$dir" .typst)"); done
[ "${#keys[@]}" -eq "$profiles" ] || { echo "${#keys[@]} typst projects, expected $profiles" >&2; exit 1; }
echo "${#keys[@]} projects, $(find "$SCRATCH/src" -path '*.typst/*' -type f | wc -l) files"

CLI_FLAGS=(--ignore-system-fonts --pdf-standard ua-1)  # as bimo: typst-assets' fonts only, PDF/UA-1
echo "== typst compile, one process per document, sequentially, $RUNS runs"
cli_ms=()
cli_cpu=()
for i in $(seq 1 "$RUNS"); do
    rm -rf "$SCRATCH/cli" && mkdir "$SCRATCH/cli"
    # one shell runs the 86 processes, so that its rusage counts their CPU time
    timed bash -c 'typst="$1" src="$2" out="$3"; shift 3
        for key; do
            "$typst" compile --root "$src/$key.typst" --ignore-system-fonts --pdf-standard ua-1 \
                "$src/$key.typst/main.typ" "$out/$key.pdf" || exit 1
        done' _ "$TYPST" "$SCRATCH/src" "$SCRATCH/cli" "${keys[@]}" 2>>"$SCRATCH/cli.log" \
        || { tail -20 "$SCRATCH/cli.log" >&2; exit 1; }
    cli_ms+=("$WALL_MS")
    cli_cpu+=("$CPU_MS")
    echo "typst compile run $i: ${cli_ms[-1]} ms for ${#keys[@]} processes (CPU ${cli_cpu[-1]} ms)"
done

# One process for all documents: the CLI's bundle export (experimental in 0.15, `--features bundle`)
# writes several files from one project. bundle.typ, in the folder of all 86 projects, has one
# `#document("<key>.pdf")[…]` per profile that resets the figure and heading counters (a bundle's
# counters run across its documents) and includes the profile's main.typ, copied with its figure paths
# "/abb/…" made "/<key>.typst/abb/…" – the only change to the source.
mkdir "$SCRATCH/src/bundle"
for key in "${keys[@]}"; do
    sed "s|\"/abb/|\"/$key.typst/abb/|g" "$SCRATCH/src/$key.typst/main.typ" >"$SCRATCH/src/bundle/$key.typ"
    printf '#document("%s.pdf")[%s#include "bundle/%s.typ"]\n' "$key" \
        '#counter(figure.where(kind: image)).update(0)#counter(figure.where(kind: table)).update(0)#counter(heading).update(0)' \
        "$key" >>"$SCRATCH/src/bundle.typ"
done
echo "== typst compile --format bundle: one process, one compilation, ${#keys[@]} PDFs, $RUNS runs"
bundle_ms=()
bundle_cpu=()
for i in $(seq 1 "$RUNS"); do
    rm -rf "$SCRATCH/cli-bundle"
    timed "$TYPST" compile --features bundle --format bundle --root "$SCRATCH/src" "${CLI_FLAGS[@]}" \
        "$SCRATCH/src/bundle.typ" "$SCRATCH/cli-bundle" 2>"$SCRATCH/bundle.log" \
        || { tail -20 "$SCRATCH/bundle.log" >&2; exit 1; }
    bundle_ms+=("$WALL_MS")
    bundle_cpu+=("$CPU_MS")
    echo "typst bundle run $i: ${bundle_ms[-1]} ms (CPU ${bundle_cpu[-1]} ms)"
done

echo "== page counts (pdfinfo) and text (pdftotext)"
cli_pages=0
for key in "${keys[@]}"; do
    b="$(pages "$SCRATCH/bimo/$key.pdf")"
    c="$(pages "$SCRATCH/cli/$key.pdf")"
    u="$(pages "$SCRATCH/cli-bundle/$key.pdf")"
    [ "$b" = "$c" ] && [ "$b" = "$u" ] \
        || { echo "$key: bimo $b pages, typst compile $c, typst bundle $u" >&2; exit 1; }
    cli_pages=$((cli_pages + c))
    for variant in cli cli-bundle; do
        cmp -s <(pdftotext "$SCRATCH/bimo/$key.pdf" - 2>/dev/null) <(pdftotext "$SCRATCH/$variant/$key.pdf" - 2>/dev/null) \
            || { echo "$key: the text of bimo's PDF and of $variant differ" >&2; exit 1; }
    done
done
[ "$cli_pages" -eq "$bimo_pages" ] || { echo "pdfinfo counts $cli_pages pages, bimo printed $bimo_pages" >&2; exit 1; }
echo "every document has the same number of pages and the same text in all three: $cli_pages pages in ${#keys[@]} PDFs"
echo "PDF bytes: bimo $(cat "$SCRATCH/bimo"/*.pdf | wc -c), typst compile $(cat "$SCRATCH/cli"/*.pdf | wc -c);" \
    "identical files: $(for k in "${keys[@]}"; do cmp -s "$SCRATCH/bimo/$k.pdf" "$SCRATCH/cli/$k.pdf" && echo; done | wc -l)" \
    "(bimo sets the PDF's identifier and date from the snapshot, the CLI its own)"

b="$(printf '%s\n' "${bimo_ms[@]}" | median)"
l="$(printf '%s\n' "${bimo_load[@]}" | median)"
r="$(printf '%s\n' "${bimo_render[@]}" | median)"
c="$(printf '%s\n' "${cli_ms[@]}" | median)"
bc="$(printf '%s\n' "${bimo_cpu[@]}" | median)"
cc="$(printf '%s\n' "${cli_cpu[@]}" | median)"
u="$(printf '%s\n' "${bundle_ms[@]}" | median)"
uc="$(printf '%s\n' "${bundle_cpu[@]}" | median)"
echo "== result (median of $RUNS; nproc $(nproc); load average now $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v n="$profiles" -v p="$bimo_pages" -v b="$b" -v l="$l" -v r="$r" -v c="$c" -v u="$u" \
    -v bc="$bc" -v cc="$cc" -v uc="$uc" 'BEGIN {
    printf "bimo report profil, %d profiles (PDF + HTML), %d pages: %6.0f ms, %5.1f pages/s (CPU %6.0f ms)\n", n, p, b, p / (b / 1000), bc
    printf "  of which store and atlas %6.0f ms; profiles %6.0f ms, %5.1f pages/s (build, figures, typst, PDF, HTML)\n", l * 1000, r * 1000, p / r
    printf "typst compile, %d processes (PDF only):         %6.0f ms, %5.1f pages/s (CPU %6.0f ms)\n", n, c, p / (c / 1000), cc
    printf "typst compile --format bundle, one process:     %6.0f ms, %5.1f pages/s (CPU %6.0f ms)\n", u, p / (u / 1000), uc
    printf "ratio typst compile / bimo (whole process):     %5.2f\n", c / b
    printf "ratio typst compile / bimo (profiles only):     %5.2f\n", c / (r * 1000)
    printf "ratio typst bundle / bimo (whole process):      %5.2f\n", u / b
    printf "ratio typst bundle / bimo (profiles only):      %5.2f\n", u / (r * 1000)
    printf "Above 1: bimo is faster. bimo reads the store, computes and draws the profiles and writes PDF and\n"
    printf "HTML; the CLI only typesets finished projects, so \"whole process\" charges bimo for more work and\n"
    printf "\"profiles only\" (without reading the store) is the closer comparison; it still includes the HTML.\n"
}'
