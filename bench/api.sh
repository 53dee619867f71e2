#!/usr/bin/env bash
# API throughput benchmark: `bimo serve` (release build) against nginx serving the very same
# response bodies as static files, each URL measured with wrk on both.
#
#   bench/api.sh                   # DURATION=10s THREADS=2 CONNECTIONS=32 by default
#
# Compression: off on both sides. wrk sends no Accept-Encoding, so bimo's gzip layer (which only
# compresses when the client asks) sends identity bodies, and nginx runs with `gzip off`.
# Both servers and wrk share this machine's cores; numbers are for comparison, not capacity.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
BIMO_ADDR="127.0.0.1:18080"
NGINX_ADDR="127.0.0.1:18081"
URLS=(
    "/api/kommunen/koeln/observations?layer=stadtteil&variable=einwohner&period=2012"
    "/api/kommunen/koeln/layers/stadtteil/areas"
    "/api/kommunen/koeln/variables"
    "/api/kommunen/koeln/institutions"
)

SCRATCH="$(mktemp -d -t bimo-bench-api.XXXXXX)"
BIMO_PID=""
NGINX_PID=""
cleanup() {
    for pid in "$NGINX_PID" "$BIMO_PID"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "== installing ${missing[*]}"
    apt-get update -qq
    # A temporary policy-rc.d keeps the package from starting the system's nginx on port 80.
    POLICY=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; POLICY=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    if [[ $POLICY == 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

echo "== building the release binary"
cargo build --release -p bimo
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
BIMO="${TARGET_DIR:-$ROOT/target}/release/bimo"

echo "== importing the demo and starting bimo on $BIMO_ADDR"
"$BIMO" demo --no-serve --data-dir "$SCRATCH/store" 2>"$SCRATCH/import.log" || { cat "$SCRATCH/import.log" >&2; exit 1; }
RUST_LOG="${RUST_LOG:-warn}" "$BIMO" serve --data-dir "$SCRATCH/store" --listen "$BIMO_ADDR" >"$SCRATCH/bimo.log" 2>&1 &
BIMO_PID=$!
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://$BIMO_ADDR/api/kommunen" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null "http://$BIMO_ADDR/api/kommunen" || { echo "bimo does not answer" >&2; cat "$SCRATCH/bimo.log" >&2; exit 1; }

echo "== saving the bodies into nginx's web root"
WEB="$SCRATCH/www"
LOCATIONS=""
for u in "${URLS[@]}"; do
    p="${u%%\?*}"   # nginx serves the file for the path; the query string is ignored
    mkdir -p "$WEB$(dirname "$p")"
    ct="$(curl -fsS -o "$WEB$p" -w '%{content_type}' "http://$BIMO_ADDR$u")"
    printf '  %-80s %8s bytes  %s\n' "$u" "$(wc -c <"$WEB$p")" "$ct"
    LOCATIONS+="        location = $p { default_type \"$ct\"; }"$'\n'
done

mkdir -p "$SCRATCH/nginx/logs"
# nginx's workers run as an unprivileged user when started as root: let them read the web root.
chmod 755 "$SCRATCH"
chmod -R a+rX "$WEB"
cat >"$SCRATCH/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $SCRATCH/nginx/nginx.pid;
error_log $SCRATCH/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    gzip off;
    etag off;
    types { }
    server {
        listen $NGINX_ADDR;
        root $WEB;
$LOCATIONS    }
}
CONF
"$NGINX" -p "$SCRATCH/nginx" -c "$SCRATCH/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://$NGINX_ADDR${URLS[2]}" 2>/dev/null && break; sleep 0.1; done
for u in "${URLS[@]}"; do
    cmp -s <(curl -fsS "http://$BIMO_ADDR$u") <(curl -fsS "http://$NGINX_ADDR$u") \
        || { echo "nginx and bimo bodies differ for $u" >&2; exit 1; }
    [[ "$(curl -fsS -o /dev/null -w '%{content_type}' "http://$NGINX_ADDR$u")" == "$(curl -fsS -o /dev/null -w '%{content_type}' "http://$BIMO_ADDR$u")" ]] \
        || { echo "content types differ for $u" >&2; exit 1; }
done
echo "   bodies and content types identical on both servers"

# wrk --latency prints "99%  1.23ms"; normalise to milliseconds.
p99_ms() { awk '$1=="99%" { v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    f = (u=="us") ? 0.001 : (u=="ms") ? 1 : (u=="s") ? 1000 : (u=="m") ? 60000 : 1; printf "%.2f", v*f }' "$1"; }
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
errors() { awk '/Non-2xx|Socket errors/ { print }' "$1"; }

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, one run per URL and server ($(nproc) cores shared by server and wrk)"
RESULTS=()
for u in "${URLS[@]}"; do
    for side in bimo nginx; do
        addr=$BIMO_ADDR; [[ $side == nginx ]] && addr=$NGINX_ADDR
        out="$SCRATCH/wrk-$side-$(echo "$u" | tr -c 'a-zA-Z0-9' '_').txt"
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://$addr$u" >"$out"
        e="$(errors "$out")"; [[ -n "$e" ]] && echo "   $side $u: $e"
        RESULTS+=("$u|$side|$(rps "$out")|$(p99_ms "$out")")
    done
done

echo
printf '%-76s %10s %9s %10s %9s %9s %9s\n' "URL" "bimo r/s" "bimo p99" "nginx r/s" "nginx p99" "r/s ratio" "p99 ratio"
for u in "${URLS[@]}"; do
    b=""; n=""
    for r in "${RESULTS[@]}"; do
        IFS='|' read -r ru side rr lat <<<"$r"
        [[ $ru == "$u" && $side == bimo ]] && b="$rr $lat"
        [[ $ru == "$u" && $side == nginx ]] && n="$rr $lat"
    done
    read -r brps bp99 <<<"$b"; read -r nrps np99 <<<"$n"
    printf '%-76s %10s %7sms %10s %7sms %9s %9s\n' "$u" "$brps" "$bp99" "$nrps" "$np99" \
        "$(awk -v a="$brps" -v b="$nrps" 'BEGIN{printf "%.2f", a/b}')" "$(awk -v a="$bp99" -v b="$np99" 'BEGIN{printf "%.1f", (b>0)?a/b:0}')"
done
echo "(r/s ratio = bimo / nginx, higher is better for bimo; p99 ratio = bimo / nginx, lower is better)"
