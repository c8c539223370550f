#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (tmux for the terminal end-to-end test,
# ffmpeg as a second encoder besides the one imageio-ffmpeg ships). Needs root; otherwise it
# prints the command for you to run.
set -euo pipefail
need=()
for cmd in tmux ffmpeg; do
  command -v "$cmd" >/dev/null 2>&1 || need+=("$cmd")
done
[ "${#need[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages: ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
