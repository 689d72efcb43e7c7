# Shared helpers for the end-to-end tests (sourced, not run).
set -euo pipefail
SRC=${PM_SOURCE_DIR:?run through ctest}
BIN=${PM_BUILD_DIR:?run through ctest}
PM="$BIN/podmortem"
export PODMORTEM_RULES="$SRC/rules"
T=$(mktemp -d "${TMPDIR:-/tmp}/pm-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0 passes=0
ok()   { echo "ok   $*"; passes=$((passes + 1)); }
bad()  { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
# pack DIR TARGZ: a stable tarball of a fixture directory
pack() { tar -C "$(dirname "$1")" -czf "$2" --sort=name --mtime=@0 --owner=0 \
           --group=0 --numeric-owner "$(basename "$1")"; }
# jq-like queries without jq: py FILE EXPR (EXPR sees `d`, prints result)
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# has FILE EXPR: true when EXPR (over `d`) holds; prints nothing
has() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>/dev/null; }
finish() { echo "$passes passed, $fails failed"; [ "$fails" = 0 ]; }
