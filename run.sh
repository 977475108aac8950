#!/usr/bin/env bash
# One entry point that sets everything up on a fresh Debian 12 / Ubuntu machine (as root) and runs:
#   ./run.sh demo   — the app replaying the bundled demo call (analyze on the demo recording without a display)
#   ./run.sh test   — the whole test suite, slow end-to-end tests included
#   ./run.sh setup  — only the set-up
# Python packages go into .venv; system packages (audio, Qt runtime libraries) come from apt-get.
set -euo pipefail
cd "$(dirname "$0")"

SYSTEM_PACKAGES=(python3-venv python3-pip libsndfile1 libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins
                 libegl1 libgl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3
                 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
                 libxcb-render-util0 libxcb-image0 fonts-dejavu-core xvfb)

need_apt() {
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || return 0
  done
  return 1
}

setup() {
  if command -v apt-get >/dev/null 2>&1 && need_apt; then
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "==> installing system packages" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${SYSTEM_PACKAGES[@]}" >/dev/null
  fi
  local py="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv" >&2
    "$py" -m venv .venv
  fi
  echo "==> installing Call Copilot and its test tools into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[test]"
  # the speaker model that tells two voices apart in a mono recording: only its weights file is used (read by
  # copilot/diarize without torch), so the package goes in without its dependencies and is never imported
  .venv/bin/python -m pip install -q --no-deps resemblyzer==0.1.4
}

case "${1:-}" in
  setup) setup ;;
  demo)
    setup
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      exec .venv/bin/copilot demo "${@:2}"
    elif .venv/bin/python -c "import copilot.commands.demo" 2>/dev/null; then
      echo "==> no display: replaying the demo into an off-screen window, exports in ./demo-out" >&2
      QT_QPA_PLATFORM=offscreen exec .venv/bin/copilot demo --speed 4 --exit-at-end --out demo-out "${@:2}"
    else
      exec .venv/bin/copilot analyze assets/demo/demo_call.flac --no-save "${@:2}"
    fi
    ;;
  test)
    setup
    export QT_QPA_PLATFORM=offscreen
    set +e
    .venv/bin/python -m pytest -q -p no:cacheprovider "${@:2}"
    rc=$?
    set -e
    if [ "$rc" -eq 5 ]; then echo "run.sh: pytest collected no tests — that is a failure" >&2; exit 1; fi
    exit "$rc"
    ;;
  *) echo "usage: ./run.sh demo|test|setup" >&2; exit 2 ;;
esac
