#!/usr/bin/env bash
# The generator's checks catch what they claim to: against a peer that drops,
# duplicates or reorders frames, chat-loadgen --strict exits 1 and counts it.
# Usage: faulty_peer_test.sh PATH/TO/chat-loadgen   (exit 2 would mean it could not run at all)
set -euo pipefail
loadgen="$1"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

check() {  # fault json-field [senders]
  node "$here/faulty_peer.mjs" --fault "$1" >"$work/out" &
  pid=$!
  local port="" senders="${3:-2}"
  for _ in $(seq 1 300); do  # up to 30 s for node to start on a loaded machine
    port="$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\)$#\1#p' "$work/out")"
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "faulty peer did not start"; exit 1; }
  local rc=0 line
  line="$("$loadgen" --target plain --port "$port" --clients 5 --senders "$senders" --messages 20 --window 4 \
           --drain 1 --timeout 20 --strict --json 2>/dev/null)" || rc=$?
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  if [ "$rc" -ne 1 ] || ! grep -Eq "\"$2\":[1-9]" <<<"$line"; then
    echo "FAIL: fault $1: exit $rc, expected 1 with $2 > 0: $line"
    exit 1
  fi
  echo "ok: fault $1 -> exit 1, $(grep -Eo "\"$2\":[0-9]+" <<<"$line")"
}

check drop lost
check dup duplicated
# One sender: a held frame is then always overtaken by the same sender's next one. With two, the
# next frame may be the other sender's, which is no reordering at all, and how often depends on timing.
check reorder out_of_order 1
