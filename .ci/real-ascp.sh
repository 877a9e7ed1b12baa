#!/usr/bin/env bash
# Real-ascp tier (conformance/real): IBM's ascp from the cos-aspera package on PyPI (cached outside the repo),
# plus a throw-away sshd on 127.0.0.1 for the login scenarios when this machine allows it (root, apt).
set -uo pipefail
cd "$(dirname "$0")/.."
# As root, cache it where the sshd test user (who runs the "remote" ascp of the loopback scenario) can reach it.
[ "$(id -u)" = 0 ] && export ASCP_CACHE_DIR="${ASCP_CACHE_DIR:-/var/cache/asession-ascp}"
if [ -z "${ASCP_PATH:-}" ]; then
  # install.mjs prints the ascp path last, after pip's own output.
  if ! ASCP_PATH=$(node conformance/real/install.mjs | tail -n 1) || [ ! -x "$ASCP_PATH" ]; then
    echo "could not install a real ascp (see above)"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi
export ASCP_PATH
if [ "$(id -u)" = 0 ]; then
  if setup=$(bash conformance/real/sshd-setup.sh); then
    eval "$setup"
    trap '[ -n "${SSHD_PID:-}" ] && kill "$SSHD_PID" 2>/dev/null' EXIT
  else
    echo "sshd not available: the login scenarios are skipped"
  fi
fi
node conformance/real/run.mjs
