#!/usr/bin/env bash
# Bad input: each problem gives a clear error or gap, the rest of the
# bundle is analyzed, and nothing is written outside the output folder.
. "$(dirname "$0")/lib.bash"
S="$SRC/fixtures/sample"
cd "$T"   # a '../../x' entry must not land here or above

# 1. a file of invalid JSON: a parse gap naming file and line; the rest analyzed
cp -r "$S" "$T/badjson"
printf '{\n "apiVersion": "v1",\n "items": [\n  {"kind": "Pod", "metadata": {"name": oops}}\n ]\n}\n' > "$T/badjson/cluster/pods.json"
set +e; "$PM" analyze "$T/badjson" -o "$T/o1" >/dev/null 2>&1; rc=$?; set -e
check "invalid JSON: still exit 1 (other faults found)" [ "$rc" = 1 ]
check "invalid JSON: gap names file and line" [ "$(py "$T/o1/findings.json" "[(g['path'], g['line']) for g in d['gaps'] if g['category']=='parse']")" = "[('cluster/pods.json', 4)]" ]
check "invalid JSON: pvc rule still fires" has "$T/o1/findings.json" "any(f for f in d['findings'] if f['rule']=='storage.mount.pvc-pending')"
check "invalid JSON: file marked partial or failed" [ "$(sqlite3 "$T/o1/bundle.db" "select status from files where path='cluster/pods.json'")" != parsed ]

# 2. hostile entries: ../../x, an absolute name, a symlink to /etc/passwd, a device
python3 - "$S" "$T/hostile.tar.gz" <<'PY'
import io, os, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w:gz") as t:
    for root, _, files in sorted(os.walk(src)):
        for f in sorted(files):
            p = os.path.join(root, f)
            t.add(p, arcname="bundle/" + os.path.relpath(p, src))
    def raw(name, data=b"", **kw):
        i = tarfile.TarInfo(name); i.size = len(data)
        for k, v in kw.items(): setattr(i, k, v)
        t.addfile(i, io.BytesIO(data) if data else None)
    raw("bundle/../../x", b"escaped\n")
    raw("/tmp/pm-abs-evil", b"escaped\n")
    raw("bundle/cluster/passwd.json", type=tarfile.SYMTYPE, linkname="/etc/passwd")
    raw("bundle/cluster/hard.json", type=tarfile.LNKTYPE, linkname="../../etc/shadow")
    raw("bundle/dev-null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
    # the same name twice: the second copy must not double the findings
    t.add(os.path.join(src, "cluster/pods.json"), arcname="bundle/cluster/pods.json")
PY
mkdir -p "$T/deep/a/b" && cd "$T/deep/a/b"
set +e; "$PM" analyze "$T/hostile.tar.gz" -o "$T/o2" >/dev/null 2>&1; rc=$?; set -e
cd "$T"
check "hostile: analyzed (exit 1 for the sample's faults)" [ "$rc" = 1 ]
check "hostile: 6 unsafe gaps" [ "$(py "$T/o2/findings.json" "len([g for g in d['gaps'] if g['category']=='unsafe'])")" = 6 ]
check "hostile: duplicate entry named" has "$T/o2/findings.json" "any(g['path']=='cluster/pods.json' and 'duplicate' in g['reason'] for g in d['gaps'])"
check "hostile: findings not doubled by the duplicate" [ "$(py "$T/o2/findings.json" "len([f for f in d['findings'] if f['rule']=='restore.pod-start.image-pull'])")" = 1 ]
check "hostile: no x written above" test ! -e "$T/deep/x" -a ! -e "$T/deep/a/x" -a ! -e "$T/x"
check "hostile: no absolute file written" [ ! -e /tmp/pm-abs-evil ]
check "hostile: /etc/passwd content not read" [ "$(sqlite3 "$T/o2/bundle.db" "select count(*) from texts where content like '%root:%'")" = 0 ]
check "hostile: findings still there" [ "$(py "$T/o2/findings.json" "len(d['findings'])")" -ge 4 ]
check "hostile: only our files in the output folder" [ "$(ls -A "$T/o2" | tr '\n' ' ')" = "bundle.db findings.json report.html report.md " ]

# 3. a truncated tarball: what was read is analyzed, the cut is a gap
pack "$S" "$T/full.tar.gz"
size=$(stat -c %s "$T/full.tar.gz")
head -c $((size * 3 / 4)) "$T/full.tar.gz" > "$T/cut.tar.gz"
set +e; "$PM" analyze "$T/cut.tar.gz" -o "$T/o3" >/dev/null 2>"$T/err3"; rc=$?; set -e
check "truncated: not exit 3 (something was read)" [ "$rc" -le 1 ]
check "truncated: a read gap says cut short" has "$T/o3/findings.json" "any(g for g in d['gaps'] if g['category']=='read' and 'cut short' in g['reason'])"
check "truncated: marked damaged" [ "$(py "$T/o3/findings.json" "d['bundle']['damaged']")" = True ]
check "truncated: stderr says so" grep -q "damaged" "$T/err3"

# 4. not a bundle at all: exit 3 and one line naming the file
head -c 4096 /dev/urandom > "$T/garbage.tar.gz"
set +e; "$PM" analyze "$T/garbage.tar.gz" -o "$T/o4" >/dev/null 2>"$T/err4"; rc=$?; set -e
check "garbage: exit 3" [ "$rc" = 3 ]
check "garbage: one line naming the file" [ "$(wc -l < "$T/err4")" = 1 -a "$(grep -c garbage.tar.gz "$T/err4")" = 1 ]
set +e; "$PM" analyze "$T/missing.tar.gz" >/dev/null 2>"$T/err5"; rc=$?; set -e
check "missing file: exit 3" [ "$rc" = 3 ]

# 5. no manifest: typed by path and content, with a gap that says so
cp -r "$S" "$T/nomanifest" && rm "$T/nomanifest/manifest.json"
set +e; "$PM" analyze "$T/nomanifest" -o "$T/o6" >/dev/null 2>&1; rc=$?; set -e
check "no manifest: findings still made" [ "$rc" = 1 ]
check "no manifest: gap says so" has "$T/o6/findings.json" "any(g for g in d['gaps'] if g['category']=='manifest' and 'no manifest' in g['reason'])"
check "no manifest: pods sniffed as k8s-json" [ "$(sqlite3 "$T/o6/bundle.db" "select type||'/'||type_from from files where path='cluster/pods.json'")" = "k8s-json/sniffed" ]

# 6. an output folder inside the bundle folder is not read as bundle data
cp -r "$S" "$T/inside"
"$PM" analyze "$T/inside" -o "$T/inside/report" >/dev/null 2>&1 || true
"$PM" analyze "$T/inside" -o "$T/inside/report" >/dev/null 2>&1 || true
check "output inside bundle: its files not read" [ "$(sqlite3 "$T/inside/report/bundle.db" "select count(*) from files where path like 'report/%'")" = 0 ]
"$PM" analyze "$S" -o "$T/ref" >/dev/null 2>&1 || true
check "output inside bundle: same findings as elsewhere" [ "$(py "$T/inside/report/findings.json" "[f['message'] for f in d['findings']]")" = "$(py "$T/ref/findings.json" "[f['message'] for f in d['findings']]")" ]

# 7. usage errors exit 2
set +e; "$PM" analyze >/dev/null 2>&1; rc=$?; "$PM" frobnicate >/dev/null 2>&1; rc2=$?; set -e
check "usage: exit 2" [ "$rc" = 2 -a "$rc2" = 2 ]
finish
