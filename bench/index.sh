#!/usr/bin/env bash
# Composite index benchmark: `bimo index` with the Berlin MSS method (data/indizes/berlin-mss.toml)
# on large synthetic inputs – the 436 Planungsräume of the 2019 demo file copied with fresh ids
# and seeded noise – against the named peer, bench/index_peer.py, doing the same end to end in
# DuckDB SQL (read the CSV, z-scores, sums, re-standardised, classes, codes, written to a CSV).
# Both must give every area the same classes and code. Then the Monte Carlo sensitivity analysis
# of the configuration's [sensitivity] table, `bimo index --sensitivity` against the same loop in
# NumPy (timing and base ranks only: the random generators differ). 3 runs each; the median counts.
#
#   bench/index.sh             # RUNS=5 bench/index.sh for more runs; SIZES="200000 1000000" and
#                              # SENSITIVITY_AREAS=20000 are the defaults
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CONFIG="$ROOT/data/indizes/berlin-mss.toml"
SOURCE="$ROOT/data/demo/berlin/berlin-lor-monitoring-social-urban-development-2019-00-planning-areas.csv"
SIZES="${SIZES:-200000 1000000}"
SENSITIVITY_AREAS="${SENSITIVITY_AREAS:-20000}"
SEED=2019
PEER="$ROOT/bench/index_peer.py"
SCRATCH="$(mktemp -d -t bimo-bench-index.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

build_bimo
peer_venv 'import duckdb, numpy, pandas'
"$VENV/bin/python" -c 'import duckdb, numpy; print("duckdb", duckdb.__version__, "numpy", numpy.__version__)'

now_ms() { echo $(($(date +%s%N) / 1000000)); }

summary=()
for n in $SIZES; do
    input="$SCRATCH/areas-$n.csv"
    echo "== $n areas"
    "$VENV/bin/python" "$PEER" generate "$CONFIG" "$SOURCE" "$n" "$SEED" "$input"
    echo "input: $(du -h "$input" | cut -f1)"
    bimo_ms=()
    for i in $(seq 1 "$RUNS"); do
        start="$(now_ms)"
        "$BIMO" index --config "$CONFIG" --input "$input" --output "$SCRATCH/bimo.csv" 2>"$SCRATCH/bimo.log" \
            || { cat "$SCRATCH/bimo.log" >&2; exit 1; }
        bimo_ms+=("$(($(now_ms) - start))")
        echo "bimo run $i: ${bimo_ms[-1]} ms ($(head -1 "$SCRATCH/bimo.log"))"
    done
    duck_ms=()
    duck_process_ms=()
    for i in $(seq 1 "$RUNS"); do
        start="$(now_ms)"
        "$VENV/bin/python" "$PEER" run "$CONFIG" "$input" "$SCRATCH/duckdb.csv" >"$SCRATCH/duckdb.log"
        duck_process_ms+=("$(($(now_ms) - start))")
        duck_ms+=("$(sed -n 's/^DUCKDB_MS=//p' "$SCRATCH/duckdb.log")")
        echo "DuckDB run $i: ${duck_ms[-1]} ms in DuckDB, ${duck_process_ms[-1]} ms with Python's start"
    done
    "$VENV/bin/python" "$PEER" compare "$CONFIG" "$SCRATCH/bimo.csv" "$SCRATCH/duckdb.csv" | tee "$SCRATCH/compare.log"
    grep -q '^MATCH=yes' "$SCRATCH/compare.log" || { echo "bimo and DuckDB differ on $n areas" >&2; exit 1; }
    b="$(printf '%s\n' "${bimo_ms[@]}" | median)"
    d="$(printf '%s\n' "${duck_ms[@]}" | median)"
    p="$(printf '%s\n' "${duck_process_ms[@]}" | median)"
    summary+=("$(awk -v n="$n" -v b="$b" -v d="$d" -v p="$p" \
        'BEGIN {printf "%9d areas: bimo %8.0f ms, DuckDB %8.0f ms (process %8.0f ms), ratio DuckDB / bimo %5.2f", n, b, d, p, d/b}')")
done

echo "== sensitivity, $SENSITIVITY_AREAS areas"
input="$SCRATCH/sensitivity.csv"
"$VENV/bin/python" "$PEER" generate "$CONFIG" "$SOURCE" "$SENSITIVITY_AREAS" "$SEED" "$input"
sed -n '/^\[sensitivity\]/,$p' "$CONFIG"
bimo_ms=()
for i in $(seq 1 "$RUNS"); do
    start="$(now_ms)"
    "$BIMO" index --config "$CONFIG" --input "$input" --output "$SCRATCH/bimo.csv" \
        --sensitivity "$SCRATCH/bimo-sensitivity.csv" 2>"$SCRATCH/bimo.log" || { cat "$SCRATCH/bimo.log" >&2; exit 1; }
    bimo_ms+=("$(($(now_ms) - start))")
    echo "bimo run $i: ${bimo_ms[-1]} ms"
done
grep '^sensitivity' "$SCRATCH/bimo.log"
numpy_ms=()
for i in $(seq 1 "$RUNS"); do
    "$VENV/bin/python" "$PEER" sensitivity "$CONFIG" "$input" "$SCRATCH/numpy-sensitivity.csv" >"$SCRATCH/numpy.log"
    numpy_ms+=("$(sed -n 's/^NUMPY_MS=//p' "$SCRATCH/numpy.log")")
    echo "NumPy run $i: ${numpy_ms[-1]} ms (reading the CSV to writing the result, no interpreter start)"
done
grep '^NumPy sensitivity' "$SCRATCH/numpy.log"
"$VENV/bin/python" "$PEER" compare-sensitivity "$SCRATCH/bimo-sensitivity.csv" "$SCRATCH/numpy-sensitivity.csv" \
    | tee "$SCRATCH/compare.log"
grep -q '^BASE_RANKS_MATCH=yes' "$SCRATCH/compare.log" || { echo "the base ranks differ" >&2; exit 1; }
b="$(printf '%s\n' "${bimo_ms[@]}" | median)"
m="$(printf '%s\n' "${numpy_ms[@]}" | median)"
summary+=("$(awk -v n="$SENSITIVITY_AREAS" -v b="$b" -v m="$m" \
    'BEGIN {printf "sensitivity, %d areas: bimo %8.0f ms, NumPy %8.0f ms, ratio NumPy / bimo %5.2f", n, b, m, m/b}')")

echo "== result (median of $RUNS; nproc $(nproc); above 1: bimo is faster)"
printf '%s\n' "${summary[@]}"
