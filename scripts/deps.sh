#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs (as root), or says exactly what to
# install and exits 1. Sourced by test.sh, demo.sh and bench.sh.
dlrm_packages=(cmake g++ make libeigen3-dev libxsimd-dev xtl-dev doctest-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev python3-torch python3-numpy python3-sklearn python3-pandas
  libopenblas0-pthread)

dlrm_install_deps() {
  local missing=()
  for p in "${dlrm_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      { echo "error: apt-get install ${missing[*]} failed" >&2; return 1; }
  else
    echo "error: missing packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}
