#!/bin/bash
# collect_forbidden.sh - a resource the API server forbids becomes a recorded
# failure carrying kubectl's message; everything else is still collected.
. "$(dirname "$0")/collect_lib.bash"

start_fake --forbid secrets --forbid backups
collect -j 4 --timeout 30s
[ "$RC" -eq 0 ] || fail "exit code $RC (a forbidden step must not fail the run)"
list_archive
has_file cluster/pods.json
has_file cluster/configmaps.json
has_file manifest.json
mcheck 'item("cluster/secrets.json")["exit_code"] != 0' \
	'"forbidden" in item("cluster/secrets.json")["stderr"]' \
	'"cannot list resource \"secrets\"" in item("cluster/secrets.json")["stderr"]' \
	'item("cluster/backups.json")["exit_code"] != 0' \
	'"forbidden" in item("cluster/backups.json")["stderr"]' \
	'item("cluster/restores.json")["exit_code"] == 0' \
	'item("cluster/pods.json")["exit_code"] == 0' \
	'item("cluster/secrets.json")["timed_out"] is False'
finish
