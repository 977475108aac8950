#!/usr/bin/env bash
# Build the one-folder app with PyInstaller and check that the frozen binary works on its own:
#   packaging/smoke_test.sh [CALL]     (CALL defaults to ../shared/calls/sales-01.flac)
# It runs `dist/copilot/copilot analyze CALL --json` (the real model inside the bundle) and checks the
# verdict JSON, then `copilot --version`. Build output goes to build/ and dist/ (both git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
CALL="${1:-../shared/calls/sales-01.flac}"

"$PY" -m PyInstaller --version >/dev/null 2>&1 || { echo "smoke_test: pip install pyinstaller first" >&2; exit 2; }
[ -f "$CALL" ] || { echo "smoke_test: no call at $CALL (pass one as the first argument)" >&2; exit 2; }

echo "==> building dist/copilot with PyInstaller" >&2
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/copilot.spec

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
echo "==> dist/copilot/copilot analyze $CALL --json" >&2
COPILOT_HOME="$home" dist/copilot/copilot --version
COPILOT_HOME="$home" dist/copilot/copilot analyze "$CALL" --json --no-save > "$home/verdict.json"
"$PY" - "$home/verdict.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
missing = {"next_steps_secured", "reason", "criteria", "stages", "next_step", "commitment_level", "utterances"} - set(v)
assert not missing, f"verdict lacks {missing}"
assert v["utterances"], "nothing was transcribed"
print(f"smoke test passed: {len(v['utterances'])} utterances, next_steps_secured={v['next_steps_secured']}, "
      f"commitment {v['commitment_level']}")
PY
du -sh dist/copilot >&2
