#!/usr/bin/env bash
# Indicator benchmark: `bimo indicators` (every catalogue indicator for every area, layer and
# period of the demo) against the named peer, bench/indicators_peer.py, computing the same
# indicators with SQL in DuckDB over the same input tables. 3 runs each; the median counts.
#
#   bench/indicators.sh        # RUNS=5 bench/indicators.sh for more runs
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CATALOGUE="$ROOT/data/indikatoren/katalog.toml"
SCRATCH="$(mktemp -d -t bimo-bench-indicators.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

build_bimo
peer_venv 'import duckdb'
"$VENV/bin/python" -c 'import duckdb; print("duckdb", duckdb.__version__)'

echo "== importing the demo"
"$BIMO" demo --no-serve --data-dir "$SCRATCH/store" 2>"$SCRATCH/import.log" || { cat "$SCRATCH/import.log" >&2; exit 1; }


echo "== bimo indicators ($RUNS runs)"
compute=()
for i in $(seq 1 "$RUNS"); do
    extra=()
    [ "$i" = 1 ] && extra=(--export-inputs "$SCRATCH/inputs")
    "$BIMO" indicators --data-dir "$SCRATCH/store" --catalogue "$CATALOGUE" --output "$SCRATCH/bimo.csv" \
        "${extra[@]}" 2>"$SCRATCH/bimo-$i.log" || { cat "$SCRATCH/bimo-$i.log" >&2; exit 1; }
    echo "run $i: $(cat "$SCRATCH/bimo-$i.log")"
    compute+=("$(sed -n 's/.*compute \([0-9.]*\) ms.*/\1/p' "$SCRATCH/bimo-$i.log")")
done
BIMO_MS="$(printf '%s\n' "${compute[@]}" | median)"

echo "== DuckDB peer ($RUNS runs of the query, tables loaded)"
"$VENV/bin/python" "$ROOT/bench/indicators_peer.py" "$SCRATCH/inputs" "$CATALOGUE" "$SCRATCH/bimo.csv" "$RUNS" \
    | tee "$SCRATCH/peer.log"
DUCK_MS="$(sed -n 's/^DUCKDB_MEDIAN_MS=//p' "$SCRATCH/peer.log")"
grep -q '^MATCH=yes' "$SCRATCH/peer.log" || { echo "the two computations differ" >&2; exit 1; }

echo "== result (nproc $(nproc))"
printf 'bimo compute median:  %10.1f ms\n' "$BIMO_MS"
printf 'DuckDB query median:  %10.1f ms\n' "$DUCK_MS"
awk -v b="$BIMO_MS" -v d="$DUCK_MS" 'BEGIN {printf "ratio DuckDB / bimo:  %10.1f  (above 1: bimo is faster)\n", d/b}'
