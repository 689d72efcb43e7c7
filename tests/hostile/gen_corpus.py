#!/usr/bin/env python3
"""gen_corpus.py - hostile bundles for tests/e2e/hostile.sh (issue 7).

usage: gen_corpus.py FIXTURE_DIR OUT_DIR [--big]

Each case is OUT_DIR/<case>.tar.gz: the sample fixture (whose planted
faults, e.g. the Pending PVC, must still be found) plus one hostile
thing.  Deterministic (fixed mtimes, owners, gzip without time), stdlib
only, and everything big is streamed, never held in memory.  --big adds
the gigabyte cases (gzip bomb, one line of 1 GB); they take a few
seconds each to write.
"""
import gzip
import io
import json
import os
import sys
import tarfile

TOP = "podmortem-prod-eu-1-20261204T100000Z"
SQL = "x'); DROP TABLE pods;--"


class Repeat(io.RawIOBase):
    """size bytes of `unit` repeated, then an optional tail; streamed."""

    def __init__(self, unit, size, tail=b""):
        self.unit, self.left, self.tail = unit * (65536 // len(unit)), size, tail

    def readable(self):
        return True

    def readinto(self, b):
        if self.left <= 0:
            if not self.tail:
                return 0
            n = min(len(b), len(self.tail))
            b[:n] = self.tail[:n]
            self.tail = self.tail[n:]
            return n
        n = min(len(b), self.left, len(self.unit))
        b[:n] = self.unit[:n]
        self.left -= n
        return n


class Bundle:
    def __init__(self, path, fixture):
        self.raw = open(path, "wb")
        self.gz = gzip.GzipFile(fileobj=self.raw, mode="wb", mtime=0, compresslevel=6)
        self.t = tarfile.open(fileobj=self.gz, mode="w", format=tarfile.PAX_FORMAT)
        self.fixture = fixture
        with open(os.path.join(fixture, "manifest.json")) as f:
            self.manifest = json.load(f)

    def info(self, name, size=0, **kw):
        i = tarfile.TarInfo(name)
        i.size, i.mtime, i.uid, i.gid, i.mode = size, 1796378400, 0, 0, 0o644
        for k, v in kw.items():
            setattr(i, k, v)
        return i

    def add(self, rel, data, top=True):
        name = f"{TOP}/{rel}" if top else rel
        self.t.addfile(self.info(name, len(data)), io.BytesIO(data))

    def add_stream(self, rel, size, stream):
        self.t.addfile(self.info(f"{TOP}/{rel}", size), stream)

    def special(self, name, **kw):
        self.t.addfile(self.info(name, 0, **kw))

    def fixture_files(self, skip=()):
        for root, _, files in sorted(os.walk(self.fixture)):
            for fn in sorted(files):
                p = os.path.join(root, fn)
                rel = os.path.relpath(p, self.fixture)
                if rel == "manifest.json" or rel in skip:
                    continue
                with open(p, "rb") as f:
                    self.add(rel, f.read())

    def close(self, manifest=True):
        if manifest:
            self.add("manifest.json", json.dumps(self.manifest, indent=1).encode())
        self.t.close()
        self.gz.close()
        self.raw.close()


def item(path, typ, **kw):
    d = {"path": path, "type": typ, "command": ["kubectl"], "exit_code": 0,
         "stderr": "", "started_at": "2026-12-04T09:59:50Z", "duration_ms": 10,
         "timed_out": False, "truncated": False, "redactions": 0}
    d.update(kw)
    return d


def case_entries(b):
    """names with .. and absolute paths, links out, devices, duplicates"""
    b.fixture_files()
    b.add("../../escaped.txt", b"escaped\n", top=False)
    b.add(f"{TOP}/logs/../../../escaped2.txt", b"escaped\n", top=False)
    b.add("/tmp/pm-hostile-abs.txt", b"absolute\n", top=False)
    b.special(f"{TOP}/cluster/passwd.json", type=tarfile.SYMTYPE, linkname="/etc/passwd")
    b.special(f"{TOP}/cluster/up.json", type=tarfile.SYMTYPE, linkname="../../../etc/shadow")
    b.special(f"{TOP}/cluster/hard.json", type=tarfile.LNKTYPE, linkname="/etc/shadow")
    b.special(f"{TOP}/dev-null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
    b.special(f"{TOP}/dev-sda", type=tarfile.BLKTYPE, devmajor=8, devminor=0)
    b.special(f"{TOP}/fifo", type=tarfile.FIFOTYPE)
    # a duplicate of pods.json: the second copy must not crash or double-count silently
    with open(os.path.join(b.fixture, "cluster/pods.json"), "rb") as f:
        b.add("cluster/pods.json", f.read())


def case_deep_json(b):
    """JSON nested 100,000 deep, as a List item and as a whole document"""
    b.fixture_files()
    deep = b"[" * 100000 + b"]" * 100000
    b.add("cluster/deep-items.json",
          b'{"apiVersion":"v1","kind":"List","items":[' + deep + b'],"metadata":{}}')
    b.add("cluster/deep-doc.json", b'{"a":' + b'{"a":' * 100000 + b"1" + b"}" * 100001)
    b.manifest["items"] += [item("cluster/deep-items.json", "k8s-json"),
                            item("cluster/deep-doc.json", "k8s-json")]


def case_yaml_bomb(b):
    """billion laughs and a deeply nested flow sequence"""
    b.fixture_files()
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}")
    b.add("cluster/bomb.yaml", ("\n".join(lines) + "\n").encode())
    b.add("cluster/deep.yaml", b"apiVersion: v1\nkind: List\nitems: " + b"[" * 50000 + b"]" * 50000 + b"\n")
    b.manifest["items"] += [item("cluster/bomb.yaml", "k8s-yaml"),
                            item("cluster/deep.yaml", "k8s-yaml")]


def case_bad_bytes(b):
    """invalid UTF-8, NUL bytes, CR-only lines and control bytes in logs"""
    b.fixture_files()
    log = (b'time="2026-12-04T09:00:00Z" level=error msg="bad \xff\xfe bytes \x00 nul" backup=velero/x\n'
           b'\x00\x00\x00\x00\n' + b"\xc3\x28 \xe2\x82 \xf0\x9f\x92 \xed\xa0\x80\n" * 100 +
           b"I1204 09:00:01.000000 1 x.go:1] \x1b[31mred\x1b[0m \x00tail\r\r\r\n" +
           b'{"level":"error","msg":"nul \\u0000 in json","ts":"2026-12-04T09:00:02Z"}\n'
           b"2026-12-04T09:00:03.000000000Z stdout P " + b"\xff" * 5000 + b"\n")
    b.add("logs/velero/velero-bad/velero.log", log)
    b.manifest["items"].append(item("logs/velero/velero-bad/velero.log", "log",
                                    namespace="velero", pod="velero-bad", container="velero"))


def case_manifest_lies(b):
    """manifest types files wrongly, lists absent and escaping paths, bad values"""
    b.fixture_files()
    for it in b.manifest["items"]:
        if it["path"] == "cluster/events.json":
            it["type"] = "x509"
        if it["path"] == "cluster/nodes.json":
            it["type"] = "log"
        if it["path"] == "cluster/backups.json":
            it["type"] = "no-such-type"
    b.manifest["items"] += [
        item("cluster/ghost.json", "k8s-json"),
        item("../../etc/passwd", "text"),
        item("/etc/shadow", "text"),
        {"path": 12345, "type": ["k8s-json"], "exit_code": "zero", "duration_ms": -1e308},
        {"type": "k8s-json"},
        item("cluster/persistentvolumeclaims.json", "k8s-json", duration_ms=1e300,
             redactions=-5, started_at="not a time"),
    ]
    b.manifest["collected_at"] = "9999-99-99T99:99:99Z"


def case_manifest_bignum(b):
    """a manifest number no C integer holds: the manifest is still used, that number is not"""
    b.fixture_files()
    b.manifest["items"][0]["duration_ms"] = 2 ** 70


def case_sql_names(b):
    """names that look like SQL in paths, pod names, labels and messages"""
    b.fixture_files()
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": SQL, "namespace": SQL, "uid": SQL,
                        "creationTimestamp": "2026-12-01T00:00:00Z",
                        "labels": {SQL: SQL, "app": "'; DELETE FROM findings; --"}},
           "spec": {"containers": [{"name": SQL, "image": SQL}], "nodeName": SQL},
           "status": {"phase": "Pending", "reason": SQL, "message": "{name}{namespace}%s%n"}}
    b.add("cluster/sql-pods.json", json.dumps({"apiVersion": "v1", "kind": "List",
                                                "items": [pod]}).encode())
    path = f"logs/{SQL}/{SQL}/c.log"
    b.add(path, b'time="2026-12-04T09:00:00Z" level=error msg="x\'); DROP TABLE log_lines;--"\n')
    b.manifest["items"] += [item("cluster/sql-pods.json", "k8s-json"),
                            item(path, "log", namespace=SQL, pod=SQL, container="c")]


def case_cut(b, out):
    """an archive cut in the middle of an entry (written whole, then cut)"""
    b.fixture_files()
    # a large, poorly compressible log so the cut lands inside it
    rnd = bytearray()
    x = 12345
    for _ in range(200000):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        rnd += b"%08x" % x
    b.add("logs/velero/velero-big/velero.log",
          b"".join(b'time="2026-12-04T09:00:00Z" level=info msg="%s"\n' % rnd[i:i + 64]
                   for i in range(0, len(rnd), 64)))
    b.close()
    size = os.path.getsize(out)
    with open(out, "r+b") as f:
        f.truncate(size * 2 // 3)


def case_gzip_bomb(b):
    """one entry of 1 GB of zeros (about 1 MB compressed)"""
    b.fixture_files()
    b.add_stream("cluster/zeros.json", 1 << 30, Repeat(b"\0", 1 << 30))
    b.manifest["items"].append(item("cluster/zeros.json", "k8s-json"))


def case_long_line(b):
    """a log whose single line is 1 GB long, then a normal line"""
    b.fixture_files()
    tail = b'\ntime="2026-12-04T09:00:00Z" level=error msg="after the long line"\n'
    b.add_stream("logs/velero/velero-long/velero.log", (1 << 30) + len(tail),
                 Repeat(b"abcdefgh", 1 << 30, tail))
    b.manifest["items"].append(item("logs/velero/velero-long/velero.log", "log",
                                    namespace="velero", pod="velero-long", container="velero"))


CASES = {
    "entries": case_entries,
    "deep-json": case_deep_json,
    "yaml-bomb": case_yaml_bomb,
    "bad-bytes": case_bad_bytes,
    "manifest-lies": case_manifest_lies,
    "manifest-bignum": case_manifest_bignum,
    "sql-names": case_sql_names,
    "cut": case_cut,
}
BIG = {"gzip-bomb": case_gzip_bomb, "long-line": case_long_line}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    fixture, outdir = sys.argv[1], sys.argv[2]
    cases = dict(CASES)
    if "--big" in sys.argv[3:]:
        cases.update(BIG)
    os.makedirs(outdir, exist_ok=True)
    for name, fn in cases.items():
        out = os.path.join(outdir, name + ".tar.gz")
        b = Bundle(out, fixture)
        if fn is case_cut:
            fn(b, out)
        else:
            fn(b)
            b.close()
        print(name)


if __name__ == "__main__":
    main()
