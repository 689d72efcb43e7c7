#!/usr/bin/env bash
# Hostile bundles (tests/hostile/gen_corpus.py): each is analyzed within a
# time and memory bound, exits 0/1 (3 only when nothing is readable),
# names its problem in a gap, still finds the sample's planted fault (the
# Pending PVC), and writes nothing outside its output folder.
# PM_HOSTILE_BIG=1 adds the gigabyte cases (gzip bomb, 1 GB line).
. "$(dirname "$0")/lib.bash"

big=()
[ "${PM_HOSTILE_BIG:-0}" = 1 ] && big=(--big)
python3 "$SRC/tests/hostile/gen_corpus.py" "$SRC/fixtures/sample" "$T/corpus" "${big[@]}" >/dev/null

# Memory bound: ulimit -v, unless the binary is sanitized (ASan maps terabytes).
LIMIT_KB=${PM_HOSTILE_VMEM_KB:-1500000}
if ! (ulimit -v "$LIMIT_KB"; "$PM" --version) >/dev/null 2>&1; then
  echo "note: $PM does not start under ulimit -v $LIMIT_KB (sanitizer build?): no memory bound"
  LIMIT_KB=unlimited
fi

mkdir -p "$T/cwd" "$T/out"
listing() { (cd "$T" && find . -path ./out -prune -o -print | LC_ALL=C sort); ls -A /tmp | LC_ALL=C sort | grep -i "pm-hostile\|escaped" || true; }
listing > "$T/out/before"

run() { # case -> sets rc, O
  O=$T/out/$1
  set +e
  (cd "$T/cwd" && ulimit -v "$LIMIT_KB" && timeout 120 "$PM" analyze "$T/corpus/$1.tar.gz" -o "$O") \
    >"$T/out/$1.stdout" 2>"$T/out/$1.stderr"
  rc=$?
  set -e
}
gap() { # case substring...: a gap whose reason has every substring
  local c=$1; shift
  python3 - "$T/out/$c/findings.json" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
need = [s.lower() for s in sys.argv[2:]]
sys.exit(0 if any(all(n in (g.get('reason') or '').lower() + ' ' + (g.get('path') or '').lower()
                     for n in need) for g in d['gaps']) else 1)
PY
}
fault() { has "$T/out/$1/findings.json" "any(f['rule']=='storage.mount.pvc-pending' for f in d['findings'])"; }
common() { # case: exit 0/1, report written, planted fault found
  check "$1: exit 0 or 1 (was $rc)" [ "$rc" = 0 -o "$rc" = 1 ]
  check "$1: findings.json written" test -s "$T/out/$1/findings.json"
  check "$1: planted Pending PVC still found" fault "$1"
}

cases=(entries deep-json yaml-bomb bad-bytes manifest-lies manifest-bignum sql-names cut)
[ ${#big[@]} = 1 ] && cases+=(gzip-bomb long-line)
for c in "${cases[@]}"; do
  run "$c"
  [ "$rc" = 124 ] && { bad "$c: timed out"; continue; }
  common "$c"
  case $c in
    entries)
      check "entries: '..' refused" gap entries "'..'"
      check "entries: absolute name refused" gap entries "absolute"
      check "entries: symlink out refused" gap entries "passwd" "out of the bundle"
      check "entries: hard link out refused" gap entries "hard link"
      check "entries: device refused" gap entries "device"
      check "entries: /etc/passwd never read" [ "$(sqlite3 "$T/out/entries/bundle.db" "select count(*) from texts where content like '%root:%'")" = 0 ] ;;
    deep-json)
      check "deep-json: gap says nested too deep" gap deep-json "nested too deep" ;;
    yaml-bomb)
      check "yaml-bomb: gap names the alias bomb" gap yaml-bomb "bomb.yaml" "alias"
      check "yaml-bomb: deep YAML refused" gap yaml-bomb "deep.yaml" ;;
    bad-bytes)
      check "bad-bytes: lines loaded" [ "$(sqlite3 "$T/out/bad-bytes/bundle.db" "select count(*) from log_lines where pod='velero-bad'")" -ge 100 ]
      check "bad-bytes: no NUL stored" [ "$(sqlite3 "$T/out/bad-bytes/bundle.db" "select count(*) from log_lines where pod='velero-bad' and instr(message, char(0)) > 0")" = 0 ]
      check "bad-bytes: invalid bytes became U+FFFD" [ "$(sqlite3 "$T/out/bad-bytes/bundle.db" "select count(*) from log_lines where pod='velero-bad' and message like '%'||char(65533)||'%'")" -ge 100 ] ;;
    manifest-lies)
      check "manifest-lies: ghost item is a gap" gap manifest-lies "ghost.json"
      check "manifest-lies: unknown type is a gap" gap manifest-lies "no-such-type"
      check "manifest-lies: bad collected_at is a gap" gap manifest-lies "collected_at" ;;
    manifest-bignum)
      check "manifest-bignum: manifest still used" [ "$(sqlite3 "$T/out/manifest-bignum/bundle.db" "select count(*) from files where type_from='manifest'")" -gt 0 ]
      check "manifest-bignum: no manifest gap" [ "$(sqlite3 "$T/out/manifest-bignum/bundle.db" "select count(*) from gaps where category='manifest'")" = 0 ] ;;
    sql-names)
      db=$T/out/sql-names/bundle.db
      check "sql-names: pods table intact with the odd pod" [ "$(sqlite3 "$db" "select count(*) from pods where name='x''); DROP TABLE pods;--'")" = 1 ]
      check "sql-names: log line stored verbatim" [ "$(sqlite3 "$db" "select count(*) from log_lines where message like '%DROP TABLE log_lines%'")" = 1 ]
      check "sql-names: findings table intact" [ "$(sqlite3 "$db" "select count(*) from findings")" -ge 1 ] ;;
    cut)
      check "cut: read gap says cut short" gap cut "cut short"
      check "cut: stderr says damaged" grep -q damaged "$T/out/cut.stderr" ;;
    gzip-bomb)
      check "gzip-bomb: size cap is a gap" gap gzip-bomb "zeros.json" ;;
    long-line)
      # 1 GB is past the per-entry cap (256 MB): the cut line and the cap are gaps
      check "long-line: cut line is a gap" gap long-line "velero-long" "longer than"
      check "long-line: size cap is a gap" gap long-line "velero-long" "size cap" ;;
  esac
done

listing > "$T/out/after"
check "nothing written outside the output folders" diff "$T/out/before" "$T/out/after"
check "cwd still empty" [ -z "$(ls -A "$T/cwd")" ]
finish
