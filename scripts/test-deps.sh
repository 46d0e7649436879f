#!/usr/bin/env bash
# What the test suite needs from the system:
# - Debian's docker-registry (a real OCI distribution registry), htpasswd (its basic-auth file) and openssl (a
#   throw-away certificate for the https transport test);
# - the sudo path (__tests__/e2e/sudo.test.ts): the action runs as a user who is not root and starts buildkitd
#   through `sudo -n`, as on GitHub's hosted runners. As root, this script installs sudo and creates that user,
#   envd-cache-test, with password-less sudo (as GitHub's `runner`); as any other user, that user needs
#   password-less sudo itself.
# Installed when missing and possible; otherwise say how.
set -euo pipefail
TEST_USER=envd-cache-test
missing=()
for tool in docker-registry htpasswd openssl sudo; do command -v "$tool" >/dev/null || missing+=("$tool"); done

if [ "$(id -u)" = 0 ]; then
  if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null || { echo "test-deps: missing ${missing[*]}, and there is no apt-get to install them" >&2; exit 1; }
    echo "test-deps: installing docker-registry, apache2-utils, openssl and sudo from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends docker-registry apache2-utils openssl sudo >/dev/null
  fi
  if ! id -u "$TEST_USER" >/dev/null 2>&1; then
    echo "test-deps: creating the user $TEST_USER (password-less sudo) for the sudo-path tests"
    useradd --create-home --shell /bin/bash "$TEST_USER"
  fi
  sudoers=/etc/sudoers.d/$TEST_USER
  if [ ! -f "$sudoers" ]; then
    echo "$TEST_USER ALL=(ALL) NOPASSWD:ALL" > "$sudoers.tmp"
    chmod 0440 "$sudoers.tmp"
    visudo -cq -f "$sudoers.tmp"
    mv "$sudoers.tmp" "$sudoers"
  fi
  exit 0
fi

status=0
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test-deps: missing ${missing[*]}: the registry tests need docker-registry and htpasswd, the https test openssl, the sudo-path tests sudo; install them with" >&2
  echo "  sudo apt-get install docker-registry apache2-utils openssl sudo" >&2
  status=1
elif ! sudo -n true 2>/dev/null; then
  echo "test-deps: the sudo-path tests start buildkitd through 'sudo -n' as $(id -un), which needs password-less sudo (GitHub's runner has it); or run the suite as root" >&2
  status=1
fi
exit "$status"
