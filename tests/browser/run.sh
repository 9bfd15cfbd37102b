#!/usr/bin/env bash
# The browser test: opens every report.html under OUT (default output/) in headless Chromium
# (tests/browser/check.mjs) and saves the first one's screenshot (default
# tests/browser/report.png, the one the README shows). Installs Debian's chromium when it is
# missing; skips, saying why, only where it cannot be installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-output}"
shot="${2:-$here/report.png}"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "browser test: installing Debian's chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || { echo "browser test SKIPPED: apt-get could not install chromium"; exit 0; }
  else
    echo "browser test SKIPPED: chromium is missing and cannot be installed here (needs root and apt-get)"
    exit 0
  fi
fi
if ! command -v node >/dev/null 2>&1; then
  echo "browser test SKIPPED: node is missing"
  exit 0
fi
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/pngjs" ]; then
  (cd "$here" && npm ci --silent --no-audit --no-fund)
fi
# The scenarios' reports: folders with a manifest.json (a study's folder has study.json).
mapfile -t reports < <(find "$out" -mindepth 2 -maxdepth 2 -name manifest.json | sed 's/manifest.json$/report.html/' | sort)
if [ "${#reports[@]}" -eq 0 ]; then
  echo "browser test: no report.html under $out"
  exit 1
fi
# The bundled walk-through's report first: its screenshot is the README's.
first=()
rest=()
for r in "${reports[@]}"; do
  if [[ "$r" == */bp_monitors/report.html ]]; then first+=("$r"); else rest+=("$r"); fi
done
# Policy studies' pages (folders with study.json), checked more lightly.
mapfile -t studies < <(find "$out" -mindepth 2 -maxdepth 2 -name study.json | sed 's/study.json$/report.html/; s/^/study:/' | sort)
CHROMIUM="$(command -v chromium)" node "$here/check.mjs" "$shot" "${first[@]}" "${rest[@]}" "${studies[@]}"
