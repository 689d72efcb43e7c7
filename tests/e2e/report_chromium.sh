#!/usr/bin/env bash
# report_chromium: report.html of a hostile bundle opened from disk in
# real headless Chromium with networking blocked.  Checks that the
# summary, the findings and the timeline are on the page, that no script
# from the data ran (title and DOM unchanged), that no request other than
# the file:// page was attempted (net log), and keeps a screenshot in
# $PM_BUILD_DIR/artifacts/report.png.  Skips (77) without /usr/bin/chromium.
CHROMIUM=${PM_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "skip: $CHROMIUM not installed"; exit 77; }
. "$(dirname "$0")/lib.bash"

# a hostile copy of the sample: planted strings in pod names, labels,
# event messages and log lines
cp -r "$SRC/fixtures/sample" "$T/hostile"
python3 - "$T/hostile" <<'PY'
import json, os, sys
d = sys.argv[1]
S = "<script>document.title='PWNED';document.body.appendChild(document.createElement('pwned'))</script>"
I = "\"><img src=x onerror=\"document.title='PWNED'\">"
J = "javascript:document.title='PWNED'"
M = "[click](javascript:document.title='PWNED')"
ALL = " ".join([S, I, J, M])
p = os.path.join(d, "cluster/pods.json")
pods = json.load(open(p))
for pod in pods["items"]:
    if pod["metadata"]["name"].startswith("api-"):
        old = pod["metadata"]["name"]
        pod["metadata"]["name"] = old + S
        pod["metadata"].setdefault("labels", {})["app"] = I
        pod["metadata"]["labels"]["x"] = M
        for cs in pod["status"].get("containerStatuses", []):
            cs["state"] = {"waiting": {"reason": "ImagePullBackOff", "message": ALL}}
json.dump(pods, open(p, "w"), indent=1)
p = os.path.join(d, "cluster/events.json")
ev = json.load(open(p))
for e in ev["items"]:
    e["message"] = ALL
    if e["involvedObject"]["name"].startswith("api-"):
        e["involvedObject"]["name"] += S
    e["reason"] = e.get("reason", "") + I
json.dump(ev, open(p, "w"), indent=1)
logs = [os.path.join(r, f) for r, _, fs in os.walk(os.path.join(d, "logs")) for f in fs]
for lp in logs:
    with open(lp, "a") as f:
        f.write('time="2026-12-04T09:45:00Z" level=error msg=%s\n' % json.dumps(ALL))
PY
"$PM" analyze "$T/hostile" -o "$T/out" >/dev/null 2>&1 || true
check "report.html written" test -s "$T/out/report.html"

run_chromium() {  # run_chromium OUTFLAG... : one headless run, net log in $T/net-$N.json
  local n=$1; shift
  rm -rf "$T/profile-$n"; mkdir -p "$T/profile-$n"
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-default-apps --user-data-dir="$T/profile-$n" \
    --host-resolver-rules='MAP * ~NOTFOUND' --proxy-server=127.0.0.1:9 \
    --log-net-log="$T/net-$n.json" --hide-scrollbars --window-size=1280,2000 \
    --virtual-time-budget=3000 "$@" "file://$T/out/report.html" 2>"$T/chromium-$n.err"
}
run_chromium dom --dump-dom >"$T/dom.html" || true
check "chromium dumped the DOM" test -s "$T/dom.html"
mkdir -p "$BIN/artifacts"
run_chromium shot --screenshot="$BIN/artifacts/report.png" >/dev/null || true
check "screenshot kept in artifacts/report.png" test -s "$BIN/artifacts/report.png"

# netcheck NETLOG PAGE: fails when the page caused any request.  Requests
# the page makes carry an initiator (its origin, "null" for file://) and
# the blink/navigation traffic annotations; Chromium's own background
# calls (component updater, account list) have none and go to Google
# hosts -- listed, not counted.
cat >"$T/netcheck.py" <<'PY'
import json, re, sys
PAGE_ANNOTATIONS = {101845102, 63171670}  # blink_resource_loader, navigation_url_loader
OWN_HOSTS = re.compile(r"^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gstatic\.com)(/|$)")
txt = open(sys.argv[1]).read().rstrip().rstrip(",")
try:
    log = json.loads(txt)
except ValueError:
    log = json.loads(txt + "]}")  # Chromium may leave the log unclosed
types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
page, bad, own = sys.argv[2], [], set()
for e in log["events"]:
    p = e.get("params") or {}
    url = str(p.get("url", ""))
    t = types.get(e["type"])
    if t == "URL_REQUEST_START_JOB" and url and url != page:
        if p.get("initiator") != "not an origin" or not OWN_HOSTS.match(url):
            bad.append(url)
        else:
            own.add(url.split("?")[0])
    if t == "REQUEST_ALIVE" and p.get("traffic_annotation") in PAGE_ANNOTATIONS and url != page:
        bad.append(url)
for u in sorted(own):
    print("  (browser's own background request, not the page's: %s)" % u)
for u in sorted(set(bad)):
    print("  request from the page: %s" % u)
sys.exit(1 if bad else 0)
PY
check "net log: no request but the page (DOM run)" python3 "$T/netcheck.py" "$T/net-dom.json" "file://$T/out/report.html"
check "net log: no request but the page (screenshot run)" python3 "$T/netcheck.py" "$T/net-shot.json" "file://$T/out/report.html"
# the check itself must catch a leaky page
printf '<!DOCTYPE html><img src="http://example.com/x.png"><link rel="stylesheet" href="https://fonts.example.org/a.css">' >"$T/out/leak.html"
rm -rf "$T/profile-leak"; mkdir -p "$T/profile-leak"
timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$T/profile-leak" --host-resolver-rules='MAP * ~NOTFOUND' \
  --proxy-server=127.0.0.1:9 --log-net-log="$T/net-leak.json" --virtual-time-budget=3000 \
  --dump-dom "file://$T/out/leak.html" >/dev/null 2>&1 || true
check "net log check catches a leaky page" bash -c "! python3 '$T/netcheck.py' '$T/net-leak.json' 'file://$T/out/leak.html' >/dev/null"

check "DOM: summary, findings, timeline; no planted script ran" python3 - "$T/dom.html" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
fails = []
def need(cond, what):
    if not cond:
        fails.append(what)
m = re.search(r"<title>([^<]*)</title>", dom)
need(m and "PWNED" not in m.group(1), "title untouched")
need("<pwned" not in dom.lower(), "no element added by a planted script")
need("<img" not in dom.lower(), "no planted <img> element")
need(len(re.findall(r"<script", dom)) == 1, "exactly one script element")
need('id="verdict"' in dom and "Critical problems found" in dom, "summary verdict on the page")
need(dom.count('class="finding ') >= 3, "findings on the page")
need(re.search(r'<svg[^>]*class="timeline"', dom) is not None, "timeline svg on the page")
need("&lt;script&gt;document.title" in dom, "planted script shown as text")
need(' class="js"' in dom, "our own script ran (CSP hash accepted)")
need(re.search(r'id="filters"(?![^>]*hidden)', dom) is not None, "filters shown by our script")
need(not re.search(r'href="javascript', dom, re.I), "no javascript: link")
for f in fails:
    print("  failed:", f)
sys.exit(1 if fails else 0)
PY
finish
