#!/usr/bin/env bash
# The system packages the test suite starts itself: Debian's docker-registry (a real OCI distribution
# registry) and htpasswd (its basic-auth file). Installed when missing and possible; otherwise say how.
set -euo pipefail
if command -v docker-registry >/dev/null && command -v htpasswd >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test-deps: installing docker-registry and apache2-utils from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends docker-registry apache2-utils >/dev/null
  exit 0
fi
echo "test-deps: the registry tests need docker-registry and htpasswd; install them with" >&2
echo "  sudo apt-get install docker-registry apache2-utils" >&2
exit 1
