#!/usr/bin/env bash
# Writes PREFIX/nginx.conf from deploy/nginx.conf and makes PREFIX's folders:
#     deploy/nginx-conf.sh PREFIX LISTEN UPSTREAM
# PREFIX: nginx's own folder (pid, access log, temporary files), made if missing;
# LISTEN: what clients connect to, e.g. 127.0.0.1:5000 or 0.0.0.0:8080;
# UPSTREAM: gunicorn, e.g. unix:/srv/gongwen/gunicorn.sock or 127.0.0.1:8001.
# The body limits follow GONGWEN_MAX_BODY_MB (4) and GONGWEN_MAX_BATCH_MB (32), as the app's.
# Then: /usr/sbin/nginx -p PREFIX -c PREFIX/nginx.conf -e stderr -g 'daemon off;'
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 PREFIX LISTEN UPSTREAM" >&2
  exit 2
fi
template="$(cd "$(dirname "$0")" && pwd)/nginx.conf"
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
listen=$2
upstream=$3
body=${GONGWEN_MAX_BODY_MB:-4}
batch=${GONGWEN_MAX_BATCH_MB:-32}

# Local mode answers without log-in: only for this machine.
case "${GONGWEN_LOCAL:-}" in
  1|true|yes)
    case "$listen" in
      127.*|localhost:*|'[::1]:'*|unix:*) ;;
      *) echo "本地模式（GONGWEN_LOCAL=1）不需登录，只能绑定本机地址（127.0.0.1）；对外服务请关闭本地模式并创建用户和令牌" >&2
         exit 1 ;;
    esac ;;
esac

# Started as root (a container, `make run` as root), the workers would become "nobody" and
# could not reach the socket and temporary folders: they stay the starting user.
user=""
if [ "$(id -u)" -eq 0 ]; then user="user $(id -un) $(id -gn);"; fi

mkdir -p "$prefix/logs" "$prefix/tmp"
sed -e "s|@USER@|$user|" -e "s|@PREFIX@|$prefix|g" -e "s|@LISTEN@|$listen|g" \
    -e "s|@UPSTREAM@|$upstream|g" \
    -e "s|@MAX_BODY@|$((body + 1))|g" -e "s|@MAX_BATCH@|$((batch + 1))|g" \
    -e "s|@MAX_BODY_MB@|$body|g" -e "s|@MAX_BATCH_MB@|$batch|g" \
    "$template" > "$prefix/nginx.conf"
