#!/usr/bin/env bash
# Benchmark helpers: wall time of a command with hyperfine (no shell in between: -N), median,
# min and max of N runs, and its max RSS (KiB) from GNU time.
set -uo pipefail
SWARMCTL=${SWARMCTL:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/swarmctl}
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (make deps)" >&2; exit 1; }

# bench_cmd LABEL RUNS cmd...   -> prints "LABEL: median X ms (min Y, max Z), max RSS R KiB"
# A command that fails (non-zero exit) fails the benchmark: its error is shown and the script
# exits 1 (a failing command is fast, and its figure would be a lie).
bench_cmd() {
  local label=$1 runs=$2
  shift 2
  local cmd json rss err
  cmd=$(printf '%q ' "$@")
  json=$(mktemp)
  if ! err=$("$@" 2>&1 >/dev/null); then
    echo "bench: $label: command failed: $cmd" >&2
    printf '%s\n' "$err" | tail -n 5 >&2
    exit 1
  fi
  hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$json" -- "$cmd" >/dev/null 2>&1 ||
    { echo "bench: $label: a run failed: $cmd" >&2; exit 1; }
  /usr/bin/time -o "$json.rss" -f '%M' "$@" >/dev/null 2>&1
  rss=$(tail -n1 "$json.rss")
  python3 - "$json" "$label" "$rss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%-40s median %7.2f ms (min %.2f, max %.2f), max RSS %s KiB" % (
    sys.argv[2], r["median"] * 1000, r["min"] * 1000, r["max"] * 1000, sys.argv[3]))
PY
  rm -f "$json" "$json.rss"
}

# bench_tls_endpoint STORE: a TLS endpoint on loopback with a server certificate from STORE's CA
# (openssl s_server answering any request with a page: enough for a TLS check); sets PORT and
# SERVER_PID (the caller kills it). STORE must hold certs/ca.pem and ca-key.pem; the server's
# files go beside it (STORE/../tls), in the caller's temporary directory.
bench_tls_endpoint() {
  local store=$1 dir
  dir=$(dirname "$store")/tls
  mkdir -p "$dir"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=bench -keyout "$dir/srv.key" -out "$dir/srv.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' > "$dir/ext"
  openssl x509 -req -in "$dir/srv.csr" -CA "$store/certs/ca.pem" -CAkey "$store/certs/ca-key.pem" -CAcreateserial -days 2 -extfile "$dir/ext" -out "$dir/srv.pem" 2>/dev/null
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  openssl s_server -quiet -accept "127.0.0.1:$PORT" -cert "$dir/srv.pem" -key "$dir/srv.key" -CAfile "$store/certs/ca.pem" -Verify 1 -www >/dev/null 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null && break; sleep 0.05; done
}

# bench_pair LABEL ROUNDS RUNS "command A" "command B": A and B (already shell-quoted) measured
# side by side — ROUNDS rounds, each RUNS runs of A then RUNS runs of B, so that load changes on
# the machine hit both — and prints both medians (wall and CPU) and the ratio A/B. Either
# command failing fails the benchmark. Sets PAIR_RATIO.
bench_pair() {
  local label=$1 rounds=$2 runs=$3 a=$4 b=$5 dir r
  dir=$(mktemp -d)
  for c in "$a" "$b"; do
    if ! err=$(bash -c "$c" 2>&1 >/dev/null); then
      echo "bench: $label: command failed: $c" >&2
      printf '%s\n' "$err" | tail -n 5 >&2
      exit 1
    fi
  done
  for r in $(seq 1 "$rounds"); do
    hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$dir/a$r.json" -- "$a" >/dev/null 2>&1 &&
      hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$dir/b$r.json" -- "$b" >/dev/null 2>&1 ||
      { echo "bench: $label: a run failed" >&2; exit 1; }
  done
  python3 - "$dir" "$rounds" "$label" <<'PY'
import json, statistics, sys
d, rounds, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(k):
    wall, cpu, per = [], [], []
    for r in range(1, rounds + 1):
        res = json.load(open(f"{d}/{k}{r}.json"))["results"][0]
        wall += res["times"]
        cpu.append(res["user"] + res["system"])
        per.append(res["median"])
    return statistics.median(wall), statistics.median(cpu), per
aw, ac, ap = load("a")
bw, bc, bp = load("b")
ratios = [x / y for x, y in zip(ap, bp)]
print("%-26s swarmctl %6.2f ms (CPU %5.2f) | docker-machine %6.2f ms (CPU %5.2f) | ratio %.2f (rounds %.2f-%.2f)%s" % (
    label, aw * 1e3, ac * 1e3, bw * 1e3, bc * 1e3, aw / bw, min(ratios), max(ratios),
    "" if aw / bw <= 0.2 else "  ABOVE 0.2"))
open(f"{d}/ratio", "w").write("%.3f" % (aw / bw))
PY
  PAIR_RATIO=$(cat "$dir/ratio")
  rm -rf "$dir"
}
