#!/usr/bin/env bash
# Population projection benchmark: the cohort-component core of crates/domain/src/projection.rs on
# 371 areas (Köln's Stadtviertel) × ages 0..=99 × 2 sexes × 20 years, with seeded synthetic inputs
# built by the example crates/domain/examples/projection_bench.rs, against the named peer
# bench/projection_peer.py doing the same steps in the same order vectorised in NumPy on the same
# inputs (written by the example as raw little-endian f64). Both variants are timed: every
# component stored (`projiziere`) and population only (`projiziere_ohne_komponenten`). Both must
# give the same city total in the last year (relative difference below 1e-9).
#
# Then the forecast of all schools: `bimo planung` with data/planung/koeln.toml on a fresh demo
# store, timed end to end (no peer: nothing else computes this forecast; the time is bimo's alone).
#
#   bench/projection.sh        # INNER_RUNS=9 projections per variant in each process (median);
#                              # RUNS=3 runs of bimo planung (median)
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
INNER_RUNS="${INNER_RUNS:-9}"
PEER="$ROOT/bench/projection_peer.py"
SCRATCH="$(mktemp -d -t bimo-bench-projection.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

build_bimo
echo "== building the example projection_bench"
cargo build --release --example projection_bench -p domain
EXAMPLE="$(dirname "$BIMO")/examples/projection_bench"
peer_venv 'import numpy'
"$VENV/bin/python" -c 'import numpy, sys; print("python", sys.version.split()[0], "numpy", numpy.__version__)'

echo "== projection core: 371 areas × 100 ages × 2 sexes × 20 years, $INNER_RUNS runs per variant"
"$EXAMPLE" "$SCRATCH/input" "$INNER_RUNS" | tee "$SCRATCH/bimo.out"
"$VENV/bin/python" "$PEER" "$SCRATCH/input" "$INNER_RUNS" | tee "$SCRATCH/numpy.out"
val() { sed -n "s/^$1=//p" "$2"; }
bimo_total="$(val BIMO_TOTAL "$SCRATCH/bimo.out")"
numpy_total="$(val NUMPY_TOTAL "$SCRATCH/numpy.out")"
awk -v b="$bimo_total" -v n="$numpy_total" 'BEGIN {
    d = (b - n) / b; if (d < 0) d = -d
    printf "city total of the last year: bimo %s, NumPy %s, relative difference %.2e\n", b, n, d
    exit (d < 1e-9 ? 0 : 1) }' || { echo "bimo and NumPy differ" >&2; exit 1; }

summary=()
for variant in MIT_KOMPONENTEN OHNE_KOMPONENTEN; do
    b="$(val "BIMO_${variant}_MS" "$SCRATCH/bimo.out")"
    n="$(val "NUMPY_${variant}_MS" "$SCRATCH/numpy.out")"
    label="$([ "$variant" = MIT_KOMPONENTEN ] && echo 'with components ' || echo 'population only ')"
    summary+=("$(awk -v l="$label" -v b="$b" -v n="$n" \
        'BEGIN {printf "projection, %s: bimo %8.1f ms, NumPy %8.1f ms, ratio NumPy / bimo %5.2f", l, b, n, n/b}')")
done

echo "== forecast of all schools: bimo planung --config data/planung/koeln.toml on a fresh demo store"
"$BIMO" demo --no-serve --data-dir "$SCRATCH/store" >"$SCRATCH/demo.log" 2>&1 || { cat "$SCRATCH/demo.log" >&2; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
planung_ms=()
for i in $(seq 1 "$RUNS"); do
    start="$(now_ms)"
    "$BIMO" planung --data-dir "$SCRATCH/store" --config "$ROOT/data/planung/koeln.toml" \
        --output "$SCRATCH/planung-$i.xlsx" >"$SCRATCH/planung.log" 2>&1 || { cat "$SCRATCH/planung.log" >&2; exit 1; }
    planung_ms+=("$(($(now_ms) - start))")
    echo "bimo planung run $i: ${planung_ms[-1]} ms ($(du -h "$SCRATCH/planung-$i.xlsx" | cut -f1) XLSX)"
done
tail -5 "$SCRATCH/planung.log"
p="$(printf '%s\n' "${planung_ms[@]}" | median)"
summary+=("$(awk -v p="$p" 'BEGIN {printf "bimo planung (Köln demo, all schools, end to end): %8.0f ms (no peer)", p}')")

echo "== result (median; nproc $(nproc); above 1: bimo is faster)"
printf '%s\n' "${summary[@]}"
