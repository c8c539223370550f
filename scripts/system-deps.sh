#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: tmux (terminal end-to-end test), ffmpeg (a
# second encoder besides the one imageio-ffmpeg ships), espeak-ng and sox (speech generated at
# test time), libportaudio2 (sounddevice), chromium (the browser tests). Needs root; otherwise it
# prints the command for you to run.
set -euo pipefail
need=()
for cmd in tmux ffmpeg espeak-ng sox chromium; do
  command -v "$cmd" >/dev/null 2>&1 || need+=("$cmd")
done
ldconfig -p 2>/dev/null | grep -q libportaudio.so.2 || need+=(libportaudio2)
[ "${#need[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages: ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
