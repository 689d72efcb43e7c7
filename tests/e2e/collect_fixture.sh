#!/bin/bash
# collect_fixture.sh - podmortem-collect against the fake fixture cluster:
# file list, manifest, per-pod/container steps, redaction of every planted
# secret in every byte of the archive, probe file removed, nothing left over.
. "$(dirname "$0")/collect_lib.bash"

start_fake
collect -j 4 --timeout 30s --deadline 3m
[ "$RC" -eq 0 ] || fail "exit code $RC"
[ -s "$T/out/b.tar.gz" ] || { fail "no bundle"; finish; }
list_archive
for f in manifest.json collector.log cluster/version.json cluster/cluster-info.txt \
	cluster/pods.json cluster/events.json cluster/nodes.json cluster/namespaces.json \
	cluster/persistentvolumeclaims.json cluster/persistentvolumes.json cluster/storageclasses.json \
	cluster/services.json cluster/endpoints.json cluster/networkpolicies.json \
	cluster/serviceaccounts.json cluster/clusterroles.json cluster/clusterrolebindings.json \
	cluster/configmaps.json cluster/secrets.json cluster/deployments.json cluster/statefulsets.json \
	cluster/daemonsets.json cluster/backups.json cluster/restores.json cluster/schedules.json \
	cluster/backupstoragelocations.json cluster/podvolumebackups.json \
	cluster/componentstatuses.txt auth/can-i-list.txt auth/can-i-list__velero__velero.txt \
	logs/velero/velero-7d9c6b7f9b-x2k4p/velero.log \
	logs/velero/velero-7d9c6b7f9b-x2k4p/velero.previous.log \
	logs/velero/node-agent-7xk2m/node-agent.log \
	logs/kube-system/coredns-5d78c9869d-8xq2n/coredns.log; do
	has_file "$f"
done
# monitoring CRDs do not exist in the fixture: skipped, not failed
lacks_file cluster/prometheusrules.json
lacks_file logs/shop/web-6f7d8c9b5-qw2rt/web.previous.log
grep -q '^host/[^/]*/df-h.txt$' "$T/list" && ok "df -h collected" || fail "no host df-h"
grep -q '^host/[^/]*/dd.txt$' "$T/list" && ok "dd collected" || fail "no host dd"
[ "$(tail -1 "$T/list")" != "" ] || fail "empty list"
# manifest.json is the first member (one pass for the analyzer), though
# written last; collector.log is the last
first=$(tar tzf "$T/out/b.tar.gz" | head -1 | sed 's|^[^/]*/||')
[ "$first" = manifest.json ] && ok "manifest first" || fail "first member is $first"
last=$(tar tzf "$T/out/b.tar.gz" | tail -1 | sed 's|^[^/]*/||')
[ "$last" = collector.log ] && ok "collector.log last" || fail "last member is $last"
[ "$(tar tzf "$T/out/b.tar.gz" | grep -c '/manifest.json$')" = 1 ] && ok "one manifest" || fail "manifest count"
ls "$T/out" | grep -q '\.part$' && fail "a .part file was left" || ok "no .part file left"
top=$(tar tzf "$T/out/b.tar.gz" | head -1 | cut -d/ -f1)
case "$top" in podmortem-fake-faults-20[0-9][0-9][01][0-9][0-3][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z) ok "top folder $top" ;;
	*) fail "top folder $top" ;; esac

mcheck 'm["format"] == 1' \
	'm["collector"]["name"] == "podmortem-collect"' \
	'm["cluster"]["context"] == "fake-faults"' \
	'm["cluster"]["version"] == "v1.29.2"' \
	'm["cluster"]["server"].startswith("http://127.0.0.1:")' \
	'm["collected_at"].endswith("Z") and len(m["collected_at"]) == 20' \
	'item("cluster/pods.json")["exit_code"] == 0 and item("cluster/pods.json")["type"] == "k8s-json"' \
	'item("cluster/pods.json")["command"][:2] == ["kubectl", "--kubeconfig=" + m["items"][0]["command"][1].split("=",1)[1]]' \
	'"--all-namespaces" in item("cluster/pods.json")["command"]' \
	'item("cluster/secrets.json")["redactions"] >= 4' \
	'item("cluster/configmaps.json")["redactions"] >= 4' \
	'item("cluster/pods.json")["redactions"] >= 2' \
	'item("logs/velero/velero-7d9c6b7f9b-x2k4p/velero.log")["redactions"] >= 2' \
	'item("logs/velero/velero-7d9c6b7f9b-x2k4p/velero.log")["pod"] == "velero-7d9c6b7f9b-x2k4p"' \
	'item("logs/velero/velero-7d9c6b7f9b-x2k4p/velero.previous.log")["previous"] is True' \
	'item("logs/velero/velero-7d9c6b7f9b-x2k4p/velero.log")["previous"] is False' \
	'item("logs/velero/velero-7d9c6b7f9b-x2k4p/velero.log")["namespace"] == "velero"' \
	'item("logs/shop/web-6f7d8c9b5-qw2rt/web.log")["exit_code"] != 0' \
	'"waiting to start" in item("logs/shop/web-6f7d8c9b5-qw2rt/web.log")["stderr"]' \
	'item("cluster/top-nodes.txt")["exit_code"] != 0 and "Metrics API not available" in item("cluster/top-nodes.txt")["stderr"]' \
	'"cluster/prometheusrules.json" not in items' \
	'all(i["timed_out"] is False for i in m["items"])' \
	'all("started_at" in i and "duration_ms" in i and "truncated" in i for i in m["items"])' \
	'[i for i in m["items"] if i["path"].endswith("/dd.txt")][0]["host"] != ""' \
	'[i for i in m["items"] if i["path"].endswith("/dd.txt")][0]["exit_code"] == 0'

# secrets: structurally stripped, still listed by name
tar xzf "$T/out/b.tar.gz" -O --wildcards '*/cluster/secrets.json' >"$T/secrets.json"
python3 - "$T/secrets.json" <<'PY' && ok "secrets metadata kept, data tokens only" || fail "secrets.json"
import json, sys
d = json.load(open(sys.argv[1]))
names = sorted(i["metadata"]["name"] for i in d["items"])
assert names == ["cloud-credentials", "db-credentials", "registry-pull"], names
for i in d["items"]:
    for v in i.get("data", {}).values():
        assert v.startswith("***REDACTED-"), v
    la = i["metadata"].get("annotations", {}).get("kubectl.kubernetes.io/last-applied-configuration")
    assert la is None or la.startswith("***REDACTED-"), la
PY

# No planted secret in ANY byte: the whole decompressed tar stream.
gzip -dc "$T/out/b.tar.gz" >"$T/stream.tar"
n=0
while IFS= read -r secret; do
	[ -n "$secret" ] || continue
	n=$((n + 1))
	if grep -qaF -- "$secret" "$T/stream.tar"; then
		fail "planted secret #$n found in the archive"
	fi
done <"$SRC/fixtures/cluster-faults/PLANTED"
[ "$n" -ge 10 ] && ok "$n planted secrets absent" || fail "only $n planted values read"
# ...while ordinary text survives
grep -qaF 'tokenizer.model=bert-base' "$T/stream.tar" && ok "ordinary text kept" || fail "tokenizer line lost"
grep -qaF 'storageclass.storage.k8s.io \"fast-ssd\" not found' "$T/stream.tar" && ok "event message kept" || fail "event lost"

# the same value gives the same token within the bundle (DB_PASSWORD in pod env and config map)
python3 - "$T/stream.tar" <<'PY' && ok "equal values, equal tokens" || fail "tokens differ"
import re, sys
data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
env = re.search(r'"name": "DB_PASSWORD",\s*"value": "(\*\*\*REDACTED-[0-9a-f]+\*\*\*)"', data)
prop = re.search(r'spring\.datasource\.password=(\*\*\*REDACTED-[0-9a-f]+\*\*\*)', data)
assert env and prop and env.group(1) == prop.group(1), (env and env.group(1), prop and prop.group(1))
PY

# The bundle analyzes and gives the findings the planted faults should give.
AN=$PM_BUILD_DIR/podmortem
if [ -x "$AN" ]; then
	"$AN" analyze "$T/out/b.tar.gz" -o "$T/an" --json >"$T/an.out" 2>"$T/an.err"
	arc=$?
	[ "$arc" -le 1 ] && ok "podmortem analyze exit $arc" || fail "podmortem analyze exit $arc: $(tail -3 "$T/an.err")"
	python3 - "$T/an/findings.json" <<'PY' && ok "expected findings" || fail "findings"
import json, sys
d = json.load(open(sys.argv[1]))
got = {f.get("rule") for f in d["findings"]}
want = {"backup.failed.storage-location-unavailable", "backup.failed.velero-backup",
        "backup.failed.server-pod", "restore.pod-start.image-pull",
        "storage.mount.pvc-pending", "storage.mount.storageclass-missing"}
print("missing:", sorted(want - got))
sys.exit(0 if want <= got else 1)
PY
	rm -rf "$T/an"
else
	echo "note: $AN not built, analysis not checked"
fi

# probe file removed; nothing else left beside the bundle
[ -z "$(ls -A "$T/probe")" ] && ok "probe dir empty" || fail "probe dir: $(ls -A "$T/probe")"
[ "$(ls -A "$T/out")" = b.tar.gz ] && ok "only the bundle in the output folder" || fail "leftovers: $(ls -A "$T/out")"
[ -z "$(ls -A "$HOME")" ] && ok "HOME untouched" || fail "HOME written: $(ls -A "$HOME")"
finish
