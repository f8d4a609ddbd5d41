#!/usr/bin/env bash
# `make demo`: install, demo catalog, index, chat window, each step timed, then a table of the times.
# The window counts as ready when GET /api/health says "ok" (index loaded, assistant built).
#   DEMO_EXIT_WHEN_READY=1 make demo   stops the server once it is ready (smoke test; how the README
#                                      step times were taken)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${DEMO_HOST:-127.0.0.1}
PORT=${DEMO_PORT:-8000}
STEPS=()
TOTAL_MS=0

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { printf '%d.%d' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }

step() {  # step LABEL COMMAND...: run it, print and keep its wall time
  local label=$1 t0 ms
  shift
  echo "==> $label"
  t0=$(now_ms)
  "$@"
  ms=$(( $(now_ms) - t0 ))
  TOTAL_MS=$(( TOTAL_MS + ms ))
  STEPS+=("$(printf '  %-26s %8s s' "$label" "$(secs "$ms")")")
  echo "<== $label: $(secs "$ms") s"
}

wait_ready() {  # until /api/health says ok; fails when the server process dies first
  "$BIN/python" - "$HOST" "$PORT" "$SERVER_PID" <<'PY'
import json, os, sys, time, urllib.request
host, port, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
while True:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"the server (pid {pid}) stopped before it was ready; see its output above")
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api/health", timeout=2) as r:
            if json.load(r).get("status") == "ok":
                break
    except (OSError, ValueError):
        pass
    time.sleep(0.25)
PY
}

step "install" make --no-print-directory install
step "demo catalog" "$BIN/python" -c \
  "from sift.settings import Settings; from sift.wiring import catalog_path; print(catalog_path(Settings()))"
step "index build" "$BIN/sift" index build
report_when_ready() {  # in the background: time the start, print the table, stop the server if asked
  local t0 ms
  t0=$(now_ms)
  wait_ready || return 0
  ms=$(( $(now_ms) - t0 ))
  STEPS+=("$(printf '  %-26s %8s s' "app start (until ready)" "$(secs "$ms")")")
  echo
  echo "Sift is ready at http://$HOST:$PORT (step times, wall clock; Ctrl-C stops it):"
  printf '%s\n' "${STEPS[@]}"
  printf '  %-26s %8s s\n' "total" "$(secs $(( TOTAL_MS + ms )))"
  if [[ "${DEMO_EXIT_WHEN_READY:-0}" == 1 ]]; then
    kill -INT "$SERVER_PID"
  fi
}

# The server takes this shell's place (and its pid), so Ctrl-C reaches it as usual.
SERVER_PID=$$
echo "==> app start"
report_when_ready &
exec "$BIN/sift" serve --host "$HOST" --port "$PORT"
