#!/usr/bin/env bash
# `make run`: nginx on 127.0.0.1:$PORT in front of gunicorn ($WORKERS sync workers on a unix
# socket, local mode), and a Huey consumer for batch jobs. nginx reads each request whole
# before gunicorn sees it (deploy/nginx.conf), so slow clients cannot hold the workers.
# Ctrl-C (or any of the three stopping) stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-5000}
WORKERS=${WORKERS:-2}
BIN=${BIN:-.venv/bin}
NGINX=${NGINX:-/usr/sbin/nginx}

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "127.0.0.1:$PORT is already in use (another \`make run\`?); try \`make run PORT=8080\`" >&2
  exit 1
fi

run=$PWD/var/serve/$PORT       # nginx's folder: its config, pid, access log, temporary files
sock=$run/gunicorn.sock
scratch=""
if [ ${#sock} -gt 100 ]; then  # a unix socket's path has at most 107 bytes
  scratch=$(mktemp -d)
  sock=$scratch/gunicorn.sock
fi
GONGWEN_LOCAL=1 deploy/nginx-conf.sh "$run" "127.0.0.1:$PORT" "unix:$sock"

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
  if [ -n "$scratch" ]; then rm -rf "$scratch"; fi
}
trap stop EXIT
trap 'exit 130' INT TERM

GONGWEN_RENDER_WORKERS=$WORKERS "$BIN/huey_consumer" service.batches.queue.huey \
  --workers "$WORKERS" --worker-type thread &
pids+=($!)

rm -f "$sock"
# GONGWEN_PROXIES=1: the client's address is the one nginx passes in X-Forwarded-For (local
# mode answers only this machine's).
GONGWEN_LOCAL=1 GONGWEN_PROXIES=1 "$BIN/gunicorn" --workers "$WORKERS" --bind "unix:$sock" \
  --access-logfile - wsgi:app &
gunicorn=$!
pids+=($gunicorn)
while [ ! -S "$sock" ]; do  # gunicorn binds before its workers start; nginx may follow then
  kill -0 "$gunicorn" 2>/dev/null || exit 1
  sleep 0.1
done

"$NGINX" -p "$run" -c "$run/nginx.conf" -e stderr -g 'daemon off;' &
pids+=($!)
echo "serving http://127.0.0.1:$PORT/ (nginx → gunicorn on $sock); Ctrl-C stops"

set +e
wait -n
status=$?
echo "a server process stopped (exit $status); stopping the others" >&2
exit "$status"
