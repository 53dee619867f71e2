#!/usr/bin/env bash
# Statistikstelle benchmark: `statistikstelle aggregieren` (DataFusion, checks, flows, disclosure
# control, release) on synthetic individual records of about 1 and 10 million pupil-year records
# (`statistikstelle mikrodaten --skala 1|10 --jahre 10`, Köln's size and ten times it) against the
# named peers, bench/aggregate_peer.py in DuckDB SQL and in Polars, computing the same three tables
# (counting only, and again after making bimo's checks of the records and its linkage report):
# pupils 2024/25 by area × Schulform × grade × sex, grade-4 → grade-5 transitions by area × target
# Schulform (linked by pseudonym), Kita children 2024 by area × age; residence summed to the
# Stadtbezirke. Every cell bimo publishes must equal the peers' count. Wall time and peak memory
# (/usr/bin/time -v) of each whole process; RUNS runs each, the median counts.
#
#   bench/aggregate.sh            # SCALES="1 10" RUNS=3 by default; PROFILE=dev uses the debug build
#                                 # (dependencies at opt-level 1), where a release build cannot be had
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCALES="${SCALES:-1 10}"
LAYER="${LAYER:-stadtbezirk}"
PEER="$ROOT/bench/aggregate_peer.py"
SCRATCH="$(mktemp -d -t bimo-bench-aggregate.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

PROFILE="${PROFILE:-release}"
echo "== building the $PROFILE binary of the Statistikstelle"
cargo build --profile "$PROFILE" -p statistikstelle
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
SST="${TARGET_DIR:-$ROOT/target}/$([[ $PROFILE == dev ]] && echo debug || echo "$PROFILE")/statistikstelle"
peer_venv 'import duckdb, polars'
"$VENV/bin/python" -c 'import duckdb, polars; print("duckdb", duckdb.__version__, "polars", polars.__version__)'

# Runs a command under /usr/bin/time -v; prints "<wall ms> <peak KiB>".
measure() {
    local log="$SCRATCH/time.log"
    /usr/bin/time -v "$@" >"$SCRATCH/out.log" 2>"$log" || { cat "$SCRATCH/out.log" "$log" >&2; exit 1; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; ms = s * 1000 }
        /Maximum resident set size/ { kb = $2 }
        END { printf "%.0f %d\n", ms, kb }' "$log"
}

summary=()
for scale in $SCALES; do
    data="$SCRATCH/daten-$scale"
    echo "== scale $scale"
    "$SST" mikrodaten --skala "$scale" --jahre 10 --erstes-jahr 2015 --ausgabe "$data"
    pupils="$("$VENV/bin/python" -c "import duckdb; print(duckdb.sql(\"SELECT count(*) FROM '$data/schueler.parquet'\").fetchall()[0][0])")"
    echo "pupil-year records: $pupils; files: $(du -sh "$data" | cut -f1)"
    cat >"$SCRATCH/spec.toml" <<TOML
[lauf]
kommune = "koeln"
kommune_name = "Köln"
ags = "05315000"
titel = "Benchmark"
quelle = "Statistikstelle (synthetisch)"
schuljahr = 2024
gebiete = "$data/gebiete.csv"
ebene = "$LAYER"

[quellen.schueler]
datei = "$data/schueler.parquet"

[quellen.kita]
datei = "$data/kita.parquet"

[uebergang]
quelle = "schueler"
von_klasse = 4
nach_klasse = 5

[[tabelle]]
name = "schueler"
quelle = "schueler"
merkmal = "schueler"
label = "Schülerinnen und Schüler"
dimensionen = ["schulform", "klasse", "geschlecht"]

[[tabelle]]
name = "uebergang"
quelle = "uebergaenge"
merkmal = "uebergaenge_5"
label = "Übergänge in Klasse 5"
dimensionen = ["ziel_schulform"]

[[tabelle]]
name = "kita"
quelle = "kita"
merkmal = "kitakinder"
label = "Kinder in Kitas"
dimensionen = ["alter"]
TOML
    declare -A wall mem
    for tool in bimo duckdb polars duckdb-checked polars-checked; do
        w=()
        m=()
        for i in $(seq 1 "$RUNS"); do
            rm -rf "$SCRATCH/$tool"
            mkdir -p "$SCRATCH/$tool"
            if [[ $tool == bimo ]]; then
                rm -rf "$SCRATCH/release"
                read -r ms kb < <(measure "$SST" aggregieren "$SCRATCH/spec.toml" --ausgabe "$SCRATCH/release")
                phases="($(grep -o 'engine [^;]*' "$SCRATCH/time.log" | head -1))"
            else
                read -r ms kb < <(measure "$VENV/bin/python" "$PEER" "$tool" "$data" "$SCRATCH/$tool" "$LAYER")
                phases=""
            fi
            w+=("$ms")
            m+=("$kb")
            echo "$tool run $i: $ms ms, peak $((kb / 1024)) MiB $phases"
        done
        wall[$tool]="$(printf '%s\n' "${w[@]}" | median)"
        mem[$tool]="$(printf '%s\n' "${m[@]}" | median)"
        if [[ $tool != bimo ]]; then
            "$VENV/bin/python" "$PEER" compare "$SCRATCH/release/tabellen.csv" "$SCRATCH/$tool" | tee "$SCRATCH/compare.log"
            grep -q '^MATCH=yes' "$SCRATCH/compare.log" || { echo "bimo and $tool differ" >&2; exit 1; }
        fi
    done
    summary+=("$(awk -v p="$pupils" -v b="${wall[bimo]}" -v d="${wall[duckdb]}" -v o="${wall[polars]}" \
        -v bm="${mem[bimo]}" -v dm="${mem[duckdb]}" -v om="${mem[polars]}" 'BEGIN {
        printf "%9d pupil-years: bimo %7.0f ms %5.0f MiB | counting only: DuckDB %7.0f ms %5.0f MiB, Polars %7.0f ms %5.0f MiB | time DuckDB/bimo %.2f, Polars/bimo %.2f | memory DuckDB/bimo %.2f, Polars/bimo %.2f",
        p, b, bm/1024, d, dm/1024, o, om/1024, d/b, o/b, dm/bm, om/bm }')")
    summary+=("$(awk -v b="${wall[bimo]}" -v d="${wall[duckdb-checked]}" -v o="${wall[polars-checked]}" \
        -v bm="${mem[bimo]}" -v dm="${mem[duckdb-checked]}" -v om="${mem[polars-checked]}" 'BEGIN {
        printf "%9s              with bimo'"'"'s checks: DuckDB %7.0f ms %5.0f MiB, Polars %7.0f ms %5.0f MiB | time DuckDB/bimo %.2f, Polars/bimo %.2f | memory DuckDB/bimo %.2f, Polars/bimo %.2f",
        "", d, dm/1024, o, om/1024, d/b, o/b, dm/bm, om/bm }')")
    unset wall mem
done

echo
echo "== summary (median of $RUNS runs; ratios above 1: bimo is faster or smaller)"
printf '%s\n' "${summary[@]}"
