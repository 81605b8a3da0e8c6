#!/usr/bin/env bash
# Runs before `npm test`: the suite drives the real aws CLI (Debian's awscli, /usr/bin/aws) and, for the
# terminal test, tmux. On a fresh Debian machine where we are root, install them; otherwise say how.
set -euo pipefail
missing=()
[ -x /usr/bin/aws ] || missing+=(awscli)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test prerequisites: installing Debian packages ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "test prerequisites missing: ${missing[*]} — install them (Debian: sudo apt-get install ${missing[*]}) and run npm test again" >&2
exit 1
