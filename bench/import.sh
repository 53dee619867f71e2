#!/usr/bin/env bash
# Import benchmark: `bimo demo --no-serve` into a fresh store against the named peer,
# bench/import_peer.py (GeoPandas + GDAL), doing the same work. 3 runs each; the median counts.
#
#   bench/import.sh            # RUNS=5 bench/import.sh for more runs
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCRATCH="$(mktemp -d -t bimo-bench-import.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

build_bimo
peer_venv 'import geopandas, pyogrio, pyproj'
"$VENV/bin/python" -c 'import geopandas, pyogrio, pandas; print("geopandas", geopandas.__version__, "pyogrio", pyogrio.__version__, "GDAL", pyogrio.__gdal_version_string__, "pandas", pandas.__version__)'

now() { date +%s.%N; }

bimo_times=()
peer_times=()
for i in $(seq 1 "$RUNS"); do
    dir="$SCRATCH/bimo-$i"
    t0=$(now)
    "$BIMO" demo --no-serve --data-dir "$dir" 2>"$SCRATCH/bimo-$i.log" \
        || { cat "$SCRATCH/bimo-$i.log" >&2; exit 1; }
    t1=$(now)
    bimo_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')")
    echo "bimo run $i: ${bimo_times[-1]} s ($(du -k "$dir/bimo.sqlite" | cut -f1) KiB store)"

    t0=$(now)
    "$VENV/bin/python" "$ROOT/bench/import_peer.py" "$SCRATCH/peer-$i.gpkg" 2>"$SCRATCH/peer-$i.log" \
        || { cat "$SCRATCH/peer-$i.log" >&2; exit 1; }
    t1=$(now)
    peer_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')")
    echo "peer run $i: ${peer_times[-1]} s ($(du -k "$SCRATCH/peer-$i.gpkg" | cut -f1) KiB GeoPackage)"
done
echo "-- last bimo log:"; cat "$SCRATCH/bimo-$RUNS.log"
echo "-- last peer log:"; cat "$SCRATCH/peer-$RUNS.log"

B=$(printf '%s\n' "${bimo_times[@]}" | median)
P=$(printf '%s\n' "${peer_times[@]}" | median)
echo
echo "== import benchmark, median of $RUNS runs (wall clock, $(nproc) cores)"
printf '%-44s %8.2f s\n' "bimo demo --no-serve (release)" "$B"
printf '%-44s %8.2f s\n' "peer: GeoPandas import_peer.py" "$P"
printf '%-44s %8.2f\n' "ratio peer / bimo (>1: bimo is faster)" "$(awk -v p="$P" -v b="$B" 'BEGIN{print p/b}')"
