#!/usr/bin/env bash
# run-ingest.sh: event-ingestion benchmark, our C monitor vs the official JS path.
#
# usage: tests/bench/run-ingest.sh [--events N] [--seed S] [--runs R] [--only monitor|node]
#
# Generates (and caches) a stream of N events with gen-stream.py, then runs, R
# times each and alternating:
#   ours: $MONITOR --replay STREAM --dump-state $MONITOR_ARGS   (reads the file)
#   node: serve-sse.py STREAM + node node/reduce.mjs            (the SDK over HTTP)
# both under /usr/bin/time -v.  Every run's final state must equal the expected
# state (compare-state.py); the table shows medians of events/s (N / wall
# time, process start to exit), wall seconds and peak RSS, and the ratios.
#
# Wall time is taken with bash's $EPOCHREALTIME around each run (finer than
# /usr/bin/time's 10 ms), peak RSS from /usr/bin/time.
#
# Environment: MONITOR (default _build/src/monitor/opencode-gtk-monitor),
# MONITOR_ARGS (extra monitor arguments, e.g. --stats), NODE (default node),
# BENCH_NODE_PREFIX (npm install folder, default ~/.cache/opencode-gtk/bench-node),
# BENCH_CACHE (stream cache, default _build/bench or /tmp/opencode-gtk-bench),
# BENCH_TIMEOUT (seconds per run, default 300).
#
# Exit: 0 all outputs correct, 1 a wrong output or a failed run, 2 setup error.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

EVENTS=200000
SEED=1
RUNS=3
ONLY=
usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS=$2; shift 2 ;;
    --events=*) EVENTS=${1#*=}; shift ;;
    --seed) SEED=$2; shift 2 ;;
    --seed=*) SEED=${1#*=}; shift ;;
    --runs) RUNS=$2; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-ingest: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$EVENTS$SEED$RUNS" in *[!0-9]*) echo "run-ingest: --events, --seed and --runs take numbers" >&2; exit 2 ;; esac
if [ "$EVENTS" -lt 1 ] || [ "$RUNS" -lt 1 ]; then echo "run-ingest: --events and --runs must be >= 1" >&2; exit 2; fi
case "$ONLY" in ''|monitor|node) ;; *) echo "run-ingest: --only takes monitor or node" >&2; exit 2 ;; esac

MONITOR=${MONITOR:-$ROOT/_build/src/monitor/opencode-gtk-monitor}
MONITOR_ARGS=${MONITOR_ARGS:-}
NODE=${NODE:-node}
PYTHON=${PYTHON:-python3}
PREFIX=${BENCH_NODE_PREFIX:-$HOME/.cache/opencode-gtk/bench-node}
TIMEOUT=${BENCH_TIMEOUT:-300}
if [ -n "${BENCH_CACHE:-}" ]; then CACHE=$BENCH_CACHE
elif [ -d "$ROOT/_build" ]; then CACHE=$ROOT/_build/bench
else CACHE=${TMPDIR:-/tmp}/opencode-gtk-bench
fi

die() { echo "run-ingest: $*" >&2; exit 2; }
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install -y time"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found"

do_monitor=1 do_node=1
[ "$ONLY" = node ] && do_monitor=0
[ "$ONLY" = monitor ] && do_node=0
if [ $do_monitor = 1 ] && [ ! -x "$MONITOR" ]; then
  if [ "$ONLY" = monitor ]; then die "no monitor at $MONITOR (build it, or set MONITOR)"; fi
  echo "run-ingest: NOTE: no monitor at $MONITOR (meson compile -C _build, or set MONITOR): running the Node side only" >&2
  do_monitor=0
fi
if [ $do_node = 1 ]; then
  command -v "$NODE" >/dev/null || die "$NODE not found"
fi

# --- the stream, cached by N, seed and the generator's contents -------------
mkdir -p "$CACHE"
STREAM=$CACHE/stream-$EVENTS-$SEED.sse
EXPECT=$CACHE/expect-$EVENTS-$SEED.json
STAMP=$CACHE/stream-$EVENTS-$SEED.stamp
want_stamp=$(cksum < "$HERE/gen-stream.py")
if [ ! -s "$STREAM" ] || [ ! -s "$EXPECT" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want_stamp" ]; then
  echo "run-ingest: generating $EVENTS events (seed $SEED) into $CACHE" >&2
  "$PYTHON" "$HERE/gen-stream.py" "$STREAM" --events "$EVENTS" --seed "$SEED" --expect "$EXPECT"
  echo "$want_stamp" > "$STAMP"
fi

# --- the SDK, installed outside the repo --------------------------------------
if [ $do_node = 1 ]; then
  if [ ! -f "$PREFIX/node_modules/@opencode-ai/sdk/package.json" ] \
     || ! cmp -s "$HERE/node/package.json" "$PREFIX/package.json"; then
    echo "run-ingest: installing the SDK into $PREFIX" >&2
    mkdir -p "$PREFIX"
    cp "$HERE/node/package.json" "$PREFIX/package.json"
    npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error >&2 \
      || die "npm install failed"
  fi
  SDK_VERSION=$("$NODE" -p "require('$PREFIX/node_modules/@opencode-ai/sdk/package.json').version")
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/opencode-gtk-bench.XXXXXX")
SERVER_PID=
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failed=0
check() {  # check NAME RUN OUTPUT RC
  local name=$1 run=$2 out=$3 rc=$4
  if [ "$rc" != 0 ]; then
    echo "run-ingest: $name run $run FAILED (exit $rc); its stderr ends with:" >&2
    tail -n 5 "$WORK/$name-$run.err" | sed 's/^/    /' >&2
    echo fail > "$WORK/$name-$run.check"; failed=1; return
  fi
  if "$PYTHON" "$HERE/compare-state.py" --quiet "$EXPECT" "$out" > "$WORK/$name-$run.cmp" 2>&1; then
    echo ok > "$WORK/$name-$run.check"
  else
    echo "run-ingest: $name run $run: WRONG FINAL STATE" >&2
    sed 's/^/    /' "$WORK/$name-$run.cmp" >&2
    echo wrong > "$WORK/$name-$run.check"; failed=1
  fi
  rm -f "$out"  # large; keep the disk tidy
}

run_monitor() {
  local i=$1 rc=0 t0
  t0=$EPOCHREALTIME
  # shellcheck disable=SC2086  # MONITOR_ARGS is a word list
  /usr/bin/time -v -o "$WORK/monitor-$i.time" timeout -k 5 "$TIMEOUT" \
    "$MONITOR" --replay "$STREAM" --dump-state $MONITOR_ARGS \
    > "$WORK/monitor-$i.json" 2> "$WORK/monitor-$i.err" || rc=$?
  echo "$t0 $EPOCHREALTIME" > "$WORK/monitor-$i.wall"
  check monitor "$i" "$WORK/monitor-$i.json" "$rc"
}

run_node() {
  local i=$1 rc=0 port='' _ t0
  "$PYTHON" "$HERE/serve-sse.py" "$STREAM" --once > "$WORK/server-$i.port" 2> "$WORK/server-$i.err" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    port=$(head -n 1 "$WORK/server-$i.port" 2>/dev/null || true)
    [ -n "$port" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$WORK/server-$i.err" >&2; die "serve-sse.py did not start"; }
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$WORK/node-$i.time" timeout -k 5 "$TIMEOUT" \
    "$NODE" "$HERE/node/reduce.mjs" --url "http://127.0.0.1:$port" \
      --out "$WORK/node-$i.json" --events "$EVENTS" \
    > /dev/null 2> "$WORK/node-$i.err" || rc=$?
  echo "$t0 $EPOCHREALTIME" > "$WORK/node-$i.wall"
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  check node "$i" "$WORK/node-$i.json" "$rc"
}

echo "run-ingest: $EVENTS events, $(du -m "$STREAM" | cut -f1) MB, seed $SEED, $RUNS run(s) each" >&2
for i in $(seq "$RUNS"); do
  if [ $((i % 2)) = 1 ]; then order="monitor node"; else order="node monitor"; fi
  for who in $order; do
    if [ "$who" = monitor ] && [ $do_monitor = 1 ]; then
      echo "run-ingest: run $i: monitor" >&2; run_monitor "$i"
    elif [ "$who" = node ] && [ $do_node = 1 ]; then
      echo "run-ingest: run $i: node" >&2; run_node "$i"
    fi
  done
done

# --- the table ----------------------------------------------------------------
"$PYTHON" - "$WORK" "$EVENTS" "$RUNS" "$do_monitor" "$do_node" "${SDK_VERSION:-}" "$MONITOR" <<'PY'
import json, os, re, statistics, sys

work, events, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
do = {"monitor": sys.argv[4] == "1", "node": sys.argv[5] == "1"}
sdk, monitor = sys.argv[6], sys.argv[7]

def read_time(path):
    wall = rss = None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                t = line.rsplit(": ", 1)[1].split(":")
                wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(t)))
            elif line.startswith("Maximum resident set size (kbytes)"):
                rss = int(line.rsplit(": ", 1)[1]) / 1024.0
    return wall, rss

rows = {}
for who in ("monitor", "node"):
    if not do[who]:
        continue
    walls, rsss, checks, inner = [], [], [], []
    for i in range(1, runs + 1):
        p = os.path.join(work, "%s-%d.time" % (who, i))
        if not os.path.exists(p):
            continue
        wall, rss = read_time(p)
        try:  # bash's clock: finer than /usr/bin/time's 10 ms
            with open(os.path.join(work, "%s-%d.wall" % (who, i))) as f:
                t0, t1 = (float(x.replace(",", ".")) for x in f.read().split())
            wall = t1 - t0
        except (OSError, ValueError):
            pass
        walls.append(wall); rsss.append(rss)
        with open(os.path.join(work, "%s-%d.check" % (who, i))) as f:
            checks.append(f.read().strip())
        if who == "node":
            try:
                with open(os.path.join(work, "node-%d.err" % i)) as f:
                    for line in f:
                        if line.startswith("{"):
                            inner.append(json.loads(line)["events_per_s"])
            except (OSError, ValueError, KeyError):
                pass
    if walls:
        rows[who] = {"wall": statistics.median(walls), "rss": statistics.median(rsss),
                     "walls": walls,
                     "checks": checks, "inner": statistics.median(inner) if inner else None}

labels = {"monitor": "ours (C monitor)", "node": "node (SDK %s)" % sdk}
print()
print("%-22s %12s %9s %12s  %s" % ("", "events/s", "wall s", "peak RSS MB", "final state"))
for who, r in rows.items():
    bad = [c for c in r["checks"] if c != "ok"]
    state = "ok (%d/%d)" % (len(r["checks"]) - len(bad), len(r["checks"])) if not bad \
        else "WRONG/FAILED (%d of %d runs)" % (len(bad), len(r["checks"]))
    print("%-22s %12.0f %9.3f %12.1f  %s" % (labels[who], events / r["wall"], r["wall"], r["rss"], state))
print("(medians of %d run(s); events/s = %d events / wall time from process start to exit)"
      % (runs, events))
for who, r in rows.items():
    print("%s wall times: %s s" % (who, " ".join("%.3f" % w for w in r["walls"])))
if rows.get("node", {}).get("inner"):
    print("node's own count, subscribe to last event (no startup, no dump): %.0f events/s"
          % rows["node"]["inner"])
if "monitor" in rows and "node" in rows:
    m, n = rows["monitor"], rows["node"]
    print("ours/node: speed %.2fx (node wall / ours), memory %.2fx (ours peak RSS / node's)"
          % (n["wall"] / m["wall"], m["rss"] / n["rss"]))
elif not do["monitor"]:
    print("ours: not run (no monitor at %s)" % monitor)
PY

if [ $do_monitor = 1 ] && [ -s "$WORK/monitor-1.err" ]; then
  echo "monitor stderr (run 1, last lines):"
  tail -n 4 "$WORK/monitor-1.err" | sed 's/^/    /'
fi
exit $failed
