#!/bin/bash
# collect_down.sh - with the API server down the collector still writes a
# bundle: host probes, and every kubectl step recorded as failed.
. "$(dirname "$0")/collect_lib.bash"

start_fake --down
FAKE_PID=   # --down exits at once
collect -j 4 --timeout 10s --deadline 2m
[ "$RC" -eq 0 ] || fail "exit code $RC"
list_archive
has_file manifest.json
has_file collector.log
grep -q '^host/[^/]*/df-h.txt$' "$T/list" && ok "df -h collected" || fail "no host df-h"
grep -q '^host/[^/]*/df-i.txt$' "$T/list" && ok "df -i collected" || fail "no host df-i"
mcheck 'item("cluster/pods.json")["exit_code"] != 0' \
	'"refused" in item("cluster/pods.json")["stderr"]' \
	'item("cluster/version.json")["exit_code"] != 0' \
	'm["cluster"]["server"].startswith("http://127.0.0.1:")' \
	'm["cluster"]["context"] == "fake-faults"' \
	'all(i["exit_code"] != 0 for i in m["items"] if i.get("command", [])[:1] == ["kubectl"])' \
	'any(i["path"].startswith("host/") and i["exit_code"] == 0 for i in m["items"])' \
	'[i for i in m["items"] if "/dns-" in i["path"]] != []'
finish
