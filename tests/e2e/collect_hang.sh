#!/bin/bash
# collect_hang.sh - a request that never answers stops at its step timeout
# (SIGTERM, then SIGKILL of the process group) and the run still finishes
# with everything else.
. "$(dirname "$0")/collect_lib.bash"

start_fake --hang events --hang nodes
collect -j 4 --timeout 3s --deadline 2m
[ "$RC" -eq 0 ] || fail "exit code $RC"
list_archive
has_file cluster/pods.json
has_file logs/velero/velero-7d9c6b7f9b-x2k4p/velero.log
has_file manifest.json
lacks_file cluster/events.json
mcheck 'item("cluster/events.json")["timed_out"] is True' \
	'item("cluster/nodes.json")["timed_out"] is True' \
	'3000 <= item("cluster/events.json")["duration_ms"] < 3000 + 2500' \
	'"timed out" in item("cluster/events.json")["stderr"]' \
	'item("cluster/pods.json")["timed_out"] is False and item("cluster/pods.json")["exit_code"] == 0' \
	'sum(1 for i in m["items"] if i["timed_out"]) == 2'
# The run is not held up by the hangs beyond their timeouts.
python3 -c "import sys; sys.exit(0 if $ELAPSED < 60 else 1)" && ok "finished in ${ELAPSED}s" ||
	fail "took ${ELAPSED}s"
# no kubectl left behind
pgrep -f -- "--kubeconfig=$T/api/kubeconfig" >/dev/null && fail "kubectl still running" || ok "no stray kubectl"
finish
