# Shared set-up of the benchmark scripts: source it after `set -euo pipefail`.
#
#   build_bimo               builds the release binary and sets BIMO to its path
#   peer_venv 'import x'     makes bench/.venv with bench/requirements.txt unless the check imports
#   median                   the median of the numbers on standard input

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-3}"
VENV="$ROOT/bench/.venv"

build_bimo() {
    echo "== building the release binary"
    cargo build --release -p bimo
    local target_dir
    target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
    BIMO="${target_dir:-$ROOT/target}/release/bimo"
}

peer_venv() {
    echo "== preparing the peer's venv ($VENV)"
    if ! "$VENV/bin/python" -c "$1" 2>/dev/null; then
        [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --upgrade pip
        "$VENV/bin/pip" install -q -r "$ROOT/bench/requirements.txt"
    fi
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
