#!/usr/bin/env bash
# report_golden: the sample bundle, packed at test time, gives exactly the
# reviewed findings.json and report.md in tests/golden/sample/, and
# report.html is byte-identical across two runs (and its CSP hash matches
# its one script).  Regenerate the golden files with tools/update-golden.
. "$(dirname "$0")/lib.bash"
G="$SRC/tests/golden/sample"
mkdir -p "$T/in"
cp -r "$SRC/fixtures/sample" "$T/in/sample"
pack "$T/in/sample" "$T/sample.tar.gz"
"$PM" analyze "$T/sample.tar.gz" -o "$T/a" >/dev/null 2>&1 || true
"$PM" analyze "$T/sample.tar.gz" -o "$T/b" >/dev/null 2>&1 || true
for f in findings.json report.md; do
  if cmp -s "$G/$f" "$T/a/$f"; then ok "$f matches golden"
  else bad "$f differs from golden (tools/update-golden after review)"; diff -u "$G/$f" "$T/a/$f" | head -40 || true; fi
done
check "report.html written" test -s "$T/a/report.html"
check "report.html identical across runs" cmp -s "$T/a/report.html" "$T/b/report.html"
check "report.md identical across runs" cmp -s "$T/a/report.md" "$T/b/report.md"
check "no temp path in the reports" bash -c "! grep -l '$T' '$T/a/report.html' '$T/a/report.md' '$T/a/findings.json'"
check "CSP hash is the script's" python3 - "$T/a/report.html" <<'PY'
import base64, hashlib, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
scripts = re.findall(r"<script>(.*?)</script>", s, re.S)
csp = re.search(r"script-src '(sha256-[^']+)'", s).group(1)
h = "sha256-" + base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
sys.exit(0 if len(scripts) == 1 and h == csp else 1)
PY
check "no external reference in report.html" bash -c "! grep -Eo '(src|href)=\"[^#\"][^\"]*' '$T/a/report.html' | grep -v '^href=\"https://'"
finish
