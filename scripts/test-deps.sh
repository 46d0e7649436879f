#!/usr/bin/env bash
# The system packages the test suite starts itself: Debian's docker-registry (a real OCI distribution
# registry), htpasswd (its basic-auth file) and openssl (a throw-away certificate for the https transport test).
# Installed when missing and possible; otherwise say how.
set -euo pipefail
if command -v docker-registry >/dev/null && command -v htpasswd >/dev/null && command -v openssl >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test-deps: installing docker-registry, apache2-utils and openssl from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends docker-registry apache2-utils openssl >/dev/null
  exit 0
fi
echo "test-deps: the registry tests need docker-registry and htpasswd, the https test openssl; install them with" >&2
echo "  sudo apt-get install docker-registry apache2-utils openssl" >&2
exit 1
