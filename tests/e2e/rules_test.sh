#!/usr/bin/env bash
# Every rule against its fixtures (fixtures/rules/<id>/{fire,quiet}).
. "$(dirname "$0")/lib.bash"
cd "$SRC"
set +e
"$PM" rules test --rules "$SRC/rules" --fixtures "$SRC/fixtures/rules" >"$T/out" 2>&1; rc=$?
set -e
cat "$T/out"
check "rules test exits 0" [ "$rc" = 0 ]
check "closing line counts" grep -Eq '^[0-9]+ passed, 0 failed' "$T/out"
check "every rule tested" [ "$(grep -c '^ok ' "$T/out")" -ge "$("$PM" rules list --rules "$SRC/rules" | wc -l)" ]
# the runner must fail a rule whose fire fixture does not fire
cp -r "$SRC/fixtures/rules" "$T/fx"
cp -r "$T/fx/backup.failed.velero-backup/quiet/." "$T/fx/backup.failed.velero-backup/fire/"
set +e
"$PM" rules test --rules "$SRC/rules" --fixtures "$T/fx" --only backup.failed.velero-backup >"$T/bad" 2>&1; rc=$?
set -e
check "a broken fixture fails (exit 1)" [ "$rc" = 1 ]
check "the failure names the rule" grep -q '^FAIL backup.failed.velero-backup' "$T/bad"
finish
