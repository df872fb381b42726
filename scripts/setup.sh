#!/usr/bin/env bash
# Set up a fresh Debian machine for specfuse's full test suite: Debian packages the tests use (native libraries
# called through koffi, and Python/Fortran oracles for cross-checks), then the npm packages from the lock file.
# The main job (`npm run demo`) needs none of the Debian packages; the tests do.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
APT_PACKAGES=(
  liblapacke libopenblas0-pthread          # complex LU for multiple scattering (FFI)
  libxgboost0 python3-xgboost              # XGBoost through FFI; Python xgboost as a cross-check
  python3-numpy python3-sklearn            # numerical oracles
  feff85exafs                              # feff8l for the FEFF adapter integration test
  python3-xraylarch python3-hyperspy       # Larch / HyperSpy oracles for preprocessing
  python3-pymatgen                         # neighbour-count oracle for the structure layer
  quantum-espresso                         # pw.x / xspectra.x for the XSpectra adapter tests
  slurm-wlm munge                          # single-node Slurm for the campaign executor test
  chromium                                 # headless browser for report/web tests (Playwright)
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
npm ci --no-audit --no-fund
# the web app's single-page bundle (served by `specfuse serve`; the browser tests rebuild it when sources change)
npm run build:web --silent
