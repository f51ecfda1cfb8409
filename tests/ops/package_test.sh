#!/usr/bin/env bash
# The Debian package as an operator uses it: build the .deb with cpack, check
# its unit with systemd-analyze (verify, and security --offline under a fixed
# exposure threshold), install it with dpkg, run the installed binary exactly
# as the unit's ExecStart says (systemd is not PID 1 here: run directly, as an
# unprivileged user like DynamicUser's, with --port 0 and a temporary --db since
# there is no StateDirectory), fetch / and /healthz, stop it with SIGTERM, and
# purge the package whatever happens. Refuses to run over an existing install.
#   package_test.sh BUILD_DIR WASM_DIR     (both trees built; as root)
set -euo pipefail

build_dir=$1
wasm_dir=$2
pkg=chatroom
unit_name=chatroom-server.service
unit=/lib/systemd/system/$unit_name
exposure_threshold=11   # systemd-analyze's 0-100 scale: "1.1" (docs/operations.md)

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: installing a .deb needs root (CI runs as root)"
  exit 77
fi
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps systemd-analyze setpriv curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run scripts/setup"
done

[ -f "$build_dir/server/chatroom-server" ] || fail "the server is not built: scripts/build native"
[ -f "$wasm_dir/web/dist/index.html" ] || fail "the web client is not built in $wasm_dir: scripts/build wasm"

# Never touch someone's install: any trace of the package or its files stops the test.
status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
case "$status" in
  ""|"unknown ok not-installed") ;;
  *) fail "package $pkg is already on this machine ($status); remove it first (dpkg --purge $pkg), this test will not" ;;
esac
for path in /usr/bin/chatroom-server /usr/share/chatroom "$unit"; do
  [ ! -e "$path" ] || fail "$path exists and is not from package $pkg; move it away first"
done

tmp=$(mktemp -d)
installed=0
server_pid=
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$installed" -eq 1 ]; then
    echo "== purging $pkg (cleanup)"
    dpkg --purge "$pkg" >/dev/null || { echo "FAIL: dpkg --purge $pkg failed" >&2; rc=1; }
  fi
  if [ $rc -ne 0 ] && [ -f "$tmp/server.log" ]; then
    echo "--- server log" >&2
    cat "$tmp/server.log" >&2
  fi
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "cpack -G DEB"
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1 \
  || { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
debs=("$tmp"/pkg/"$pkg"_*.deb)
[ -f "${debs[0]}" ] || fail "cpack made no ${pkg}_*.deb"
deb=${debs[0]}
echo "$(basename "$deb"): $(stat -c %s "$deb") bytes"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libsqlite3-0 libsodium23 libssl3 zlib1g libstdc++6; do
  [[ " $depends," == *" $lib "* || " $depends," == *" $lib,"* ]] || fail "Depends lacks $lib"
done
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/chatroom-server ./usr/share/chatroom/web/index.html ./usr/share/chatroom/web/chatroom.wasm \
            ./usr/share/chatroom/web/chatroom.js ".${unit}"; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done

step "dpkg -i"
installed=1
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg -i failed"; }
[ "$(dpkg-query -W -f='${Status}' "$pkg")" = "install ok installed" ] || fail "$pkg is not installed after dpkg -i"

step "systemd-analyze verify $unit"
systemd-analyze verify "$unit" || fail "systemd-analyze verify found problems in $unit"
step "systemd-analyze security --offline=true (threshold $exposure_threshold)"
security=$(systemd-analyze security --offline=true --threshold="$exposure_threshold" "$unit" 2>&1) \
  || { echo "$security" | grep -v '✓' >&2; fail "the unit's exposure is above $exposure_threshold (0-100 scale)"; }
grep 'Overall exposure level' <<<"$security"

step "ExecStart, run directly"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$(grep -c '^ExecStart=' "$unit")" -eq 1 ] || fail "expected one ExecStart= line in $unit"
exec_start=${exec_start#"${exec_start%%[!-@:+!]*}"}   # drop systemd's prefixes (-, @, :, +, !)
read -ra argv <<<"$exec_start"
echo "ExecStart: ${argv[*]}"
[ "${argv[0]}" = /usr/bin/chatroom-server ] || fail "ExecStart runs ${argv[0]}, not /usr/bin/chatroom-server"
dpkg -S "${argv[0]}" >/dev/null 2>&1 || fail "${argv[0]} does not belong to a package"

# StateDirectory= does not exist without systemd: a temporary one, owned by the
# unprivileged user the server runs as, stands in for /var/lib/chatroom.
run_user=65534
chmod 711 "$tmp"
mkdir -m 700 "$tmp/state"
chown "$run_user:$run_user" "$tmp/state"
web_root=
args=()
for ((i = 0; i < ${#argv[@]}; i++)); do
  a=${argv[i]}
  case "$a" in
    --port) args+=("$a" 0); i=$((i + 1)) ;;
    --port=*) args+=(--port=0) ;;
    --db) args+=("$a" "$tmp/state/chatroom.db"); i=$((i + 1)) ;;
    --db=*) args+=("--db=$tmp/state/chatroom.db") ;;
    --web-root) web_root=${argv[i + 1]}; args+=("$a" "$web_root"); i=$((i + 1)) ;;
    --web-root=*) web_root=${a#--web-root=}; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
[ "$web_root" = /usr/share/chatroom/web ] || fail "ExecStart's --web-root is '$web_root', not the packaged /usr/share/chatroom/web"
printf '%q ' "${args[@]}"; echo

mkfifo "$tmp/stdout"
setpriv --reuid="$run_user" --regid="$run_user" --clear-groups --no-new-privs -- \
  "${args[@]}" >"$tmp/stdout" 2>"$tmp/server.log" &
server_pid=$!
exec 4<"$tmp/stdout"
line=
read -r -t 20 line <&4 || true
[[ "$line" == "listening on http://"* ]] || fail "the server did not print 'listening on http://…' within 20 s (got '$line')"
url=${line#listening on }
echo "server: $url"

step "GET / and /healthz"
curl -fsS --max-time 10 -o "$tmp/index.html" -D "$tmp/index.headers" "$url/" || fail "GET / failed"
cmp -s "$tmp/index.html" "$web_root/index.html" || fail "GET / is not the installed $web_root/index.html"
grep -qi '^content-type: text/html' "$tmp/index.headers" || fail "GET / is not text/html"
wasm_type=$(curl -fsS --max-time 10 -o /dev/null -w '%{content_type}' "$url/chatroom.wasm") || fail "GET /chatroom.wasm failed"
[ "$wasm_type" = application/wasm ] || fail "GET /chatroom.wasm has Content-Type '$wasm_type'"
health=$(curl -fsS --max-time 10 "$url/healthz") || fail "GET /healthz failed"
[ "$health" = '{"status":"ok"}' ] || fail "GET /healthz answered '$health'"
echo "/ = the installed index.html, /chatroom.wasm = application/wasm, /healthz = $health"

step "SIGTERM"
kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=
[ "$rc" -eq 0 ] || fail "the server exited $rc after SIGTERM"
[ -s "$tmp/state/chatroom.db" ] || fail "the server left no database in its state directory"

step "dpkg --purge"
dpkg --purge "$pkg" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg --purge failed"; }
installed=0
for path in /usr/bin/chatroom-server /usr/share/chatroom "$unit"; do
  [ ! -e "$path" ] || fail "$path is still there after the purge"
done
echo "PASS"
