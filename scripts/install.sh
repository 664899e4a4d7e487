#!/usr/bin/env bash
# Install what the SCN stack needs and is missing: Debian packages, the Python venv, the Solr
# launcher. Each step is skipped when its inputs have not changed since it last succeeded.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DEBIAN_PACKAGES=(postgresql-15 postgresql-client-15 redis-server libpq-dev libmagic1 gcc
                 openjdk-17-jdk-headless maven curl chromium fonts-dejavu-core)

install_debian_packages() {
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >"$LOG_DIR/apt.log" 2>&1 || fail apt "$LOG_DIR/apt.log" "apt-get update failed"
  # Debian starts services on install where it can; the stack runs its own instances instead.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >>"$LOG_DIR/apt.log" 2>&1 || fail apt "$LOG_DIR/apt.log" "apt-get install failed"
}

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      command -v "$candidate"; return 0
    fi
  done
  fail python "" "Python 3.11 is required (python3.11 or python3 on PATH)"
}

install_venv() {
  local inputs
  inputs=$(hash_files "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/constraints.txt" \
           "$ROOT/pyproject.toml" "$ROOT/setup.py")
  if [ -x "$VENV/bin/python" ] && stamp_ok venv "$inputs"; then return 0; fi
  say "Installing Python packages into .venv (log: var/log/pip.log)"
  [ -x "$VENV/bin/python" ] || "$(find_python)" -m venv "$VENV"
  {
    "$VENV/bin/pip" install -q --upgrade "pip==24.3.1" "setuptools==75.6.0" "wheel==0.45.1" &&
    "$VENV/bin/pip" install -q -r "$ROOT/requirements-dev.txt" -c "$ROOT/constraints.txt" &&
    "$VENV/bin/pip" install -q --no-deps -e "$ROOT"
  } >"$LOG_DIR/pip.log" 2>&1 || fail pip "$LOG_DIR/pip.log" "installing Python packages failed"
  stamp_set venv "$inputs"
}

build_solr_launcher() {
  local inputs
  inputs=$(hash_files "$SOLR_LAUNCHER/pom.xml" $(find "$SOLR_LAUNCHER/src" -type f | sort))
  if [ -d "$SOLR_LAUNCHER/target/lib" ] && stamp_ok solr-launcher "$inputs"; then return 0; fi
  say "Building the Solr launcher with Maven (Solr 9.10.1 jars; log: var/log/maven.log)"
  (cd "$SOLR_LAUNCHER" && mvn -q -B -DskipTests package) >"$LOG_DIR/maven.log" 2>&1 \
    || fail maven "$LOG_DIR/maven.log" "building solr-launcher failed"
  stamp_set solr-launcher "$inputs"
}

install_debian_packages
install_venv
build_solr_launcher
