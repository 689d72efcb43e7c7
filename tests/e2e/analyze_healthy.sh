#!/usr/bin/env bash
# A healthy bundle gives no finding above info and exits 0.
. "$(dirname "$0")/lib.bash"
pack "$SRC/fixtures/healthy" "$T/healthy.tar.gz"
set +e
"$PM" analyze "$T/healthy.tar.gz" -o "$T/out" >"$T/stdout" 2>"$T/stderr"; rc=$?
set -e
check "exit 0" [ "$rc" = 0 ]
check "no finding above info" [ "$(py "$T/out/findings.json" "len([f for f in d['findings'] if f['severity']!='info'])")" = 0 ]
check "rules ran (not all skipped)" [ "$(py "$T/out/findings.json" "d['summary']['rules']['passed']")" -ge 3 ]
check "no rule errors" [ "$(py "$T/out/findings.json" "len(d['rule_errors'])")" = 0 ]
finish
