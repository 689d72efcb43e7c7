#!/usr/bin/env bash
# fixtures/multi-fault has several planted faults across sections: it must
# give exactly the findings in multi_fault.expected.json (rule + resource),
# and fixtures/healthy none above info.
. "$(dirname "$0")/lib.bash"
pack "$SRC/fixtures/multi-fault" "$T/multi.tar.gz"
set +e
"$PM" analyze "$T/multi.tar.gz" -o "$T/out" --fail-on never >/dev/null 2>"$T/err"; rc=$?
"$PM" analyze "$SRC/fixtures/healthy" -o "$T/healthy" --fail-on never >/dev/null 2>&1; rc2=$?
set -e
check "analyze exits 0" [ "$rc" = 0 ]
check "no rule errors" [ "$(py "$T/out/findings.json" "len(d['rule_errors'])")" = 0 ]
got=$(py "$T/out/findings.json" "sorted((f['rule'], ((f.get('resource') or {}).get('namespace') and f['resource']['namespace'] + '/' or '') + ((f.get('resource') or {}).get('name') or '')) for f in d['findings'])")
want=$(python3 -c "import json,sys; print(sorted((x['rule'], x['resource']) for x in json.load(open(sys.argv[1]))))" "$SRC/tests/e2e/multi_fault.expected.json")
if [ "$got" != "$want" ]; then echo "got:  $got"; echo "want: $want"; fi
check "exactly the planted findings" [ "$got" = "$want" ]
check "at least 8 sections hit" [ "$(py "$T/out/findings.json" "len({f['section'] for f in d['findings']})")" -ge 8 ]
check "healthy: analyze ran" [ "$rc2" = 0 ]
check "healthy: no finding above info" [ "$(py "$T/healthy/findings.json" "len([f for f in d['findings'] if f['severity']!='info'])")" = 0 ]
check "healthy: rules checked, not skipped" [ "$(py "$T/healthy/findings.json" "d['summary']['rules']['passed']")" -ge 80 ]
finish
