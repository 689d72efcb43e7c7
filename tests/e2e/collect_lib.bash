# collect_lib.bash - shared by tests/e2e/collect_*.sh (not a test itself).
# Starts tools/fakeapi on 127.0.0.1 and runs the real kubectl through the
# built podmortem-collect.  kubectl only ever sees the generated kubeconfig.
set -u
command -v kubectl >/dev/null 2>&1 || { echo "SKIP: kubectl missing"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
SRC=${PM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${PM_BUILD_DIR:?PM_BUILD_DIR not set}/podmortem-collect
[ -x "$BIN" ] || { echo "FAIL: $BIN not built"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/pm-collect-e2e.XXXXXX")
export HOME=$T/home   # kubectl must not touch the user's ~/.kube
mkdir -p "$HOME" "$T/probe" "$T/out"
FAKE_PID=
fails=0
cleanup() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# start_fake [fakeapi args...]
start_fake() {
	python3 "$SRC/tools/fakeapi" --fixtures "$SRC/fixtures/cluster-faults" --workdir "$T/api" "$@" \
		2>"$T/fakeapi.err" &
	FAKE_PID=$!
	for _ in $(seq 100); do [ -f "$T/api/ready" ] && break; sleep 0.1; done
	[ -f "$T/api/ready" ] || { echo "FAIL: fakeapi did not start"; cat "$T/fakeapi.err"; exit 1; }
	grep -q 'server: http://127.0.0.1:' "$T/api/kubeconfig" || { echo "FAIL: kubeconfig not loopback"; exit 1; }
	export KUBECONFIG="$T/api/kubeconfig"
}

# collect [extra args...]: runs the collector into $T/out/b.tar.gz; sets RC
collect() {
	local start end
	start=$(date +%s.%N)
	"$BIN" --kubeconfig "$T/api/kubeconfig" -o "$T/out/b.tar.gz" --probe-path "$T/probe" "$@" \
		>"$T/collect.out" 2>"$T/collect.err"
	RC=$?
	end=$(date +%s.%N)
	ELAPSED=$(python3 -c "print(round($end - $start, 2))")
	echo "collector exit $RC in ${ELAPSED}s: $(tail -1 "$T/collect.err")"
}

# Lists archive members (relative to the top folder) into $T/list.
list_archive() {
	tar tzf "$T/out/b.tar.gz" | sed 's|^[^/]*/||' | sort >"$T/list"
}

has_file() { grep -qxF "$1" "$T/list" && ok "has $1" || fail "archive lacks $1"; }
lacks_file() { grep -qxF "$1" "$T/list" && fail "archive has $1" || ok "no $1"; }

# mcheck PYTHON-EXPR...: each expression is evaluated with m = manifest,
# item(path) = its item; a false one fails.
mcheck() {
	tar xzf "$T/out/b.tar.gz" -O --wildcards '*/manifest.json' >"$T/manifest.json" ||
		{ fail "no manifest"; return; }
	python3 - "$T/manifest.json" "$@" <<'PY' || fails=$((fails + 1))
import json, sys
m = json.load(open(sys.argv[1]))
items = {i["path"]: i for i in m["items"]}
def item(p):
    return items.get(p, {})
bad = 0
for expr in sys.argv[2:]:
    try:
        v = eval(expr)
    except Exception as e:
        v = False
        print("  error:", e)
    print(("ok: " if v else "FAIL: ") + expr)
    bad += not v
sys.exit(1 if bad else 0)
PY
}

finish() {
	if [ "$fails" -ne 0 ]; then
		echo "--- collector stderr"; cat "$T/collect.err"
		echo "$fails failure(s)"
		exit 1
	fi
	echo "all passed"
	exit 0
}
