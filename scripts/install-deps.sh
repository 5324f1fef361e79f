#!/usr/bin/env bash
# Installs kubesim's build dependencies from Debian's packages. Idempotent: installs only what is
# missing, and does nothing (and needs no network) when everything is present. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake make
  libfmt-dev libcli11-dev libyaml-cpp-dev catch2 libboost-graph-dev
  python3
  chromium  # only for the headless render check of `kubesim report` (ctest cli.report_chromium)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all dependencies present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
