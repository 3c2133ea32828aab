#!/usr/bin/env bash
# Installs the system parts the service needs on Debian/Ubuntu, only what is missing:
# fonts, HarfBuzz's subsetter (without it WeasyPrint subsets CJK fonts with fontTools,
# ~9 s a page), Pango, and the Fandol 仿宋/楷体 fonts taken out of texlive-lang-chinese
# without installing TeX, and nginx (`make run` puts it in front of gunicorn; its system
# service is never used). Usage: scripts/setup-system.sh [extra-package ...]
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-liberation2: Liberation Serif, metric-compatible with Times New Roman (digits, letters)
packages=(python3-venv fonts-noto-cjk fonts-lxgw-wenkai fonts-hanazono fonts-liberation2
          libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig poppler-utils nginx "$@")

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  # Installing nginx starts its system service on port 80, which fails the install where it
  # cannot start (a container, port 80 taken). We run nginx ourselves (scripts/serve.sh), so
  # keep that service from starting while installing, as Debian's container images do.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\ncase "$1" in nginx|nginx.service) exit 101 ;; esac\nexit 0\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    trap '$sudo rm -f "$policy"' EXIT
  fi
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

# LibreOffice and Word-like tools on this machine (a server converting the DOCX, an officer's
# desktop) see the fonts the Word templates name through the same stand-ins, with no
# configuration of their own: the Fandol faces go where fontconfig looks for system fonts,
# and the alias file (deploy/fontconfig/gongwen-fonts.conf) into /etc/fonts/conf.d.
system_fonts=/usr/local/share/fonts/gongwen
conf=/etc/fonts/conf.d/65-gongwen-fonts.conf
if ! cmp -s deploy/fontconfig/gongwen-fonts.conf "$conf" \
   || ! cmp -s "$fonts/FandolFang-Regular.otf" "$system_fonts/FandolFang-Regular.otf"; then
  $sudo mkdir -p "$system_fonts"
  $sudo cp "$fonts/FandolFang-Regular.otf" "$fonts/FandolKai-Regular.otf" "$system_fonts/"
  $sudo cp deploy/fontconfig/gongwen-fonts.conf "$conf"
  $sudo chmod 644 "$conf" "$system_fonts"/*.otf
  $sudo fc-cache -f >/dev/null
  echo "fonts for LibreOffice: $system_fonts, $conf"
fi
