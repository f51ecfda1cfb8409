#!/usr/bin/env bash
# scripts/serve, the end of scripts/run, as someone at a terminal uses it:
# with --port 0 its banner names the URL the server really listens on (the
# server's own `listening on` line, passed on to stdout), the server answers
# there, Ctrl+C (SIGINT to the whole process group, as a terminal sends it)
# stops it cleanly with exit code 0, and a bad flag's exit code 2 comes through.
#   run_script_test.sh SCRIPTS_SERVE CHATROOM_SERVER
set -euo pipefail
serve=$1
export CHATROOM_SERVER=$2

fail() { echo "FAIL: $*" >&2; [ -f "$tmp/stderr" ] && { echo "--- stderr" >&2; cat "$tmp/stderr" >&2; }; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
export CHATROOM_VAR=$tmp/var

# Job control: the script gets its own process group, as a terminal's
# foreground job has, and SIGINT is not ignored in it.
set -m
mkfifo "$tmp/stdout"
"$serve" --port 0 >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
set +m
exec 4<"$tmp/stdout"
line=
read -r -t 20 line <&4 || true
[[ "$line" == "listening on http://127.0.0.1:"* ]] || fail "no 'listening on http://127.0.0.1:PORT' on stdout within 20 s (got '$line')"
url=${line#listening on }
[ "$url" != "http://127.0.0.1:8080" ] || fail "--port 0 listened on 8080"
echo "stdout: $line"

# The banner goes to stderr just before the line is passed on; wait for it (deadline 10 s).
for ((i = 0; i < 100; i++)); do
  grep -q "open $url in a browser" "$tmp/stderr" && break
  sleep 0.1
done
grep -q "open $url in a browser" "$tmp/stderr" || fail "the banner does not say 'open $url in a browser'"
! grep -q ':8080' "$tmp/stderr" || fail "the banner still mentions port 8080"
grep -q "Change a password: .* --db $CHATROOM_VAR/chatroom.db user passwd user1" "$tmp/stderr" \
  || fail "the banner's password hint does not name the database"
echo "banner: $(grep 'open .* in a browser' "$tmp/stderr" | sed 's/^ *//')"

health=$(curl -fsS --max-time 10 "$url/healthz") || fail "GET $url/healthz failed"
[ "$health" = '{"status":"ok"}' ] || fail "GET /healthz answered '$health'"
[ -f "$CHATROOM_VAR/chatroom.db" ] || fail "no database in CHATROOM_VAR"

# Ctrl+C: SIGINT to the process group, as the terminal sends it.
kill -INT -- "-$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" -eq 0 ] || fail "exit code $rc after SIGINT, expected 0"
grep -q 'signal.*SIGINT' "$tmp/stderr" || fail "the server did not log the SIGINT"
rest=$(cat <&4)   # stdout ends (the banner reader is gone too)
[ -z "$rest" ] || fail "unexpected stdout after the listening line: $rest"
echo "Ctrl+C: exit 0"

rc=0
"$serve" --no-such-flag >"$tmp/stdout2" 2>"$tmp/stderr" || rc=$?
[ "$rc" -eq 2 ] || fail "a bad flag exited $rc through scripts/serve, expected 2"
grep -q '^chatroom-server: ' "$tmp/stderr" || fail "a bad flag printed no 'chatroom-server: …' line"
! grep -q 'open .* in a browser' "$tmp/stderr" || fail "a server that never listened got a banner"
echo "bad flag: exit 2"
echo PASS
