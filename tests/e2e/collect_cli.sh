#!/bin/bash
# collect_cli.sh - podmortem-collect options and exit codes: --help,
# --print-spec round trip through --spec, usage errors (2), an unwritable
# output (3), --no-redact warning, -n per-namespace layout, the global
# deadline, and that the in-cluster ClusterRole grants every resource the
# built-in spec reads.
. "$(dirname "$0")/collect_lib.bash"

"$BIN" --help >"$T/help" && grep -q -- '--print-spec' "$T/help" && ok "--help" || fail "--help"
"$BIN" --version | grep -q '^podmortem-collect 0\.' && ok "--version" || fail "--version"
"$BIN" --print-spec >"$T/spec.yaml" && ok "--print-spec" || fail "--print-spec"
"$BIN" --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown option -> 2" || fail "unknown option"
"$BIN" --timeout soon >/dev/null 2>&1; [ $? -eq 2 ] && ok "bad duration -> 2" || fail "bad duration"
"$BIN" -j 0 >/dev/null 2>&1; [ $? -eq 2 ] && ok "bad -j -> 2" || fail "bad -j"
printf 'version: 1\nsteps: [\n' >"$T/bad.yaml"
"$BIN" --spec "$T/bad.yaml" >/dev/null 2>"$T/bad.err"; [ $? -eq 2 ] && grep -q 'bad.yaml' "$T/bad.err" &&
	ok "bad spec -> 2 naming the file" || fail "bad spec"

# ClusterRole covers every `kubectl get <resource>` of the built-in spec.
python3 - "$T/spec.yaml" "$SRC/tools/k8s/clusterrole.yaml" <<'PY' && ok "ClusterRole covers the spec" || fail "ClusterRole misses resources"
import re, sys
spec = open(sys.argv[1]).read()
role = open(sys.argv[2]).read()
granted = set(re.findall(r"[a-z/]+", " ".join(re.findall(r"resources: \[([^\]]*)\]", role, re.S))))
need = set()
for argv in re.findall(r"argv: \[(.*)\]", spec):
    a = [x.strip().strip('"') for x in argv.split(",")]
    if "get" in a:
        need.add(a[a.index("get") + 1].split(".")[0])
    if "logs" in a:
        need.add("pods/log")
missing = sorted(need - granted)
print("needed:", len(need), "missing:", missing)
sys.exit(1 if missing or len(need) < 30 else 0)
PY

start_fake --hang podvolumebackups
# unwritable output folder -> 3, nothing written
"$BIN" --kubeconfig "$T/api/kubeconfig" -o "$T/nonexistent/b.tar.gz" >/dev/null 2>"$T/e3"
[ $? -eq 3 ] && ok "unwritable output -> 3" || fail "unwritable output"

# custom spec: the printed one, edited down to two steps, with -n
python3 - "$T/spec.yaml" "$T/small.yaml" <<'PY'
import sys
text = open(sys.argv[1]).read()
head, steps = text.split("steps:\n", 1)
keep = [s for s in steps.split("  - name: ") if s.startswith(("pods\n", "logs\n"))]
open(sys.argv[2], "w").write(head + "steps:\n" + "".join("  - name: " + s for s in keep))
PY
collect --spec "$T/small.yaml" -n velero -n shop --no-redact -j 2
[ "$RC" -eq 0 ] || fail "exit $RC with custom spec"
grep -q 'WARNING: --no-redact' "$T/collect.err" && ok "--no-redact warns" || fail "no warning"
list_archive
has_file namespaces/velero/pods.json
has_file namespaces/shop/pods.json
has_file logs/velero/node-agent-7xk2m/node-agent.log
lacks_file cluster/pods.json
lacks_file logs/kube-system/coredns-5d78c9869d-8xq2n/coredns.log
mcheck 'len(m["items"]) == 2 + 5 + 1' \
	'item("namespaces/velero/pods.json")["namespace"] == "velero"' \
	'"--namespace=velero" in item("namespaces/velero/pods.json")["command"]' \
	'm["collector"]["redaction"] is False'
# --no-redact keeps env values but never Secret data
gzip -dc "$T/out/b.tar.gz" | grep -qaF 'Pl4nted-DbPass-93k1' && ok "no-redact keeps env" || fail "env lost"
rm -f "$T/out/b.tar.gz"

# global deadline: a hanging step is stopped, later steps are recorded as not run
collect --deadline 4s --timeout 60s -j 1
[ "$RC" -eq 0 ] || fail "exit $RC at deadline"
python3 -c "import sys; sys.exit(0 if $ELAPSED < 15 else 1)" && ok "deadline honoured (${ELAPSED}s)" || fail "deadline took ${ELAPSED}s"
mcheck 'any(i.get("not_run") for i in m["items"])' \
	'all(i["timed_out"] for i in m["items"] if i.get("not_run"))' \
	'all(i["exit_code"] != 0 for i in m["items"] if i.get("not_run"))'
finish
