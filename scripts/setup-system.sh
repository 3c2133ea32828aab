#!/usr/bin/env bash
# Installs the system parts the service needs on Debian/Ubuntu, only what is missing:
# fonts, HarfBuzz's subsetter (without it WeasyPrint subsets CJK fonts with fontTools,
# ~9 s a page), Pango, and the Fandol 仿宋/楷体 fonts taken out of texlive-lang-chinese
# without installing TeX. Usage: scripts/setup-system.sh [extra-package ...]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(python3-venv fonts-noto-cjk fonts-lxgw-wenkai fonts-hanazono libharfbuzz-subset0
          libpango-1.0-0 libpangoft2-1.0-0 fontconfig poppler-utils "$@")

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; }
fi

# FandolFang is the only free Simplified-Chinese 仿宋; Debian ships it inside a TeX package.
fonts=var/fonts/fandol
if [ ! -f "$fonts/FandolFang-Regular.otf" ]; then
  mkdir -p var/cache "$fonts"
  tmp=$(mktemp -d)
  (cd var/cache && ls texlive-lang-chinese_*.deb >/dev/null 2>&1 \
     || apt-get download texlive-lang-chinese 2>/dev/null \
     || { $sudo apt-get update -q && apt-get download texlive-lang-chinese; })
  dpkg-deb -x var/cache/texlive-lang-chinese_*.deb "$tmp"
  src="$tmp/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
  cp "$src/FandolFang-Regular.otf" "$src/FandolKai-Regular.otf" "$fonts/"
  rm -rf "$tmp" var/cache/texlive-lang-chinese_*.deb
  echo "Fandol fonts in $fonts"
fi
