#!/usr/bin/env bash
# What tests/server needs on a Debian machine: PostgreSQL 15, PL/Python (the server checks Ed25519 signatures
# with it) and the system Python's cryptography. Run by .ci/run and, when it finds them missing and may install
# (root, apt-get), by the test harness itself, so the README's test command works on a fresh Debian machine.
set -euo pipefail
if [ -x /usr/lib/postgresql/15/bin/postgres ] && [ -e /usr/lib/postgresql/15/lib/plpython3.so ] \
   && /usr/bin/python3 -c "import cryptography.hazmat.primitives.asymmetric.ed25519" 2>/dev/null; then
  exit 0
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  postgresql-15 postgresql-plpython3-15 python3-cryptography libsodium23 >/dev/null
