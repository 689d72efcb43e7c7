#!/usr/bin/env bash
# The sample bundle, read from a tarball: the planted faults are found,
# the outputs exist, the exit status follows --fail-on, output is
# byte-identical across runs.
. "$(dirname "$0")/lib.bash"
pack "$SRC/fixtures/sample" "$T/sample.tar.gz"

set +e
"$PM" analyze "$T/sample.tar.gz" -o "$T/out" >"$T/stdout" 2>"$T/stderr"; rc=$?
"$PM" analyze "$T/sample.tar.gz" -o "$T/out2" --fail-on never >/dev/null 2>&1; rc2=$?
"$PM" analyze "$T/sample.tar.gz" -o "$T/out3" --json >"$T/json" 2>/dev/null; rc3=$?
"$PM" analyze "$T/sample.tar.gz" -o "$T/out4" --threads 1 >/dev/null 2>&1
set -e
check "exit 1 with findings at or above error" [ "$rc" = 1 ]
check "exit 0 with --fail-on never" [ "$rc2" = 0 ]
check "exit 1 with --json too" [ "$rc3" = 1 ]
for f in bundle.db report.md findings.json; do
  check "$f written" [ -s "$T/out/$f" ]
done
check "summary names the reports" grep -q "findings.json" "$T/stdout"
F="$T/out/findings.json"
check "backup failure found" [ "$(py "$F" "sorted(f['resource']['name'] for f in d['findings'] if f['rule'].startswith('backup.failed.velero'))")" = "['daily-20261204020000', 'shop-manual-1']" ]
check "image pull found" [ "$(py "$F" "[f['resource']['name'] for f in d['findings'] if f['rule']=='restore.pod-start.image-pull']")" = "['api-6c8d9f7b5-q8w2z']" ]
check "pending pvc with its event" has "$F" "any(f for f in d['findings'] if f['rule']=='storage.mount.pvc-pending' and 'fast-ssd' in f['message'] and 'ProvisioningFailed' in f['message'])"
check "diagnose filled with real names" grep -q "kubectl describe pvc data-db-0 -n shop" "$F"
check "collected_at from the bundle" [ "$(py "$F" "d['bundle']['collected_at']")" = "2026-12-04T10:00:00Z" ]
check "forbidden step is a collect gap" [ "$(py "$F" "[g['path'] for g in d['gaps'] if g['category']=='collect']")" = "['cluster/restores.json']" ]
check "verdict and worst finding are one line each" has "$F" "d['summary']['worst']['message'] and not any(ord(c) < 32 for c in d['summary']['verdict'] + d['summary']['worst']['message'])"
check "--json prints the same document" cmp -s "$T/json" "$T/out3/findings.json"
check "findings.json identical across runs" cmp -s "$F" "$T/out2/findings.json"
check "report.md identical across runs" cmp -s "$T/out/report.md" "$T/out2/report.md"
check "--threads 1 gives the same bundle.db" cmp -s "$T/out/bundle.db" "$T/out4/bundle.db"
check "log lines read through the view" [ "$(sqlite3 "$T/out/bundle.db" "select count(*) from log_lines where pod is not null and path like 'logs/%'")" -gt 0 ]
check "log lines counted per file" [ "$(sqlite3 "$T/out/bundle.db" "select sum(lines) from log_files")" = "$(sqlite3 "$T/out/bundle.db" "select count(*) from log_rows")" ]
check "findings table in the db" [ "$(sqlite3 "$T/out/bundle.db" "select count(*) from findings")" = "$(py "$F" "len(d['findings'])")" ]
check "schema version set" [ "$(sqlite3 "$T/out/bundle.db" "pragma user_version")" = 2 ]
finish
