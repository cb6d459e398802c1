#!/usr/bin/env bash
# Installs what curb needs, idempotently: Debian packages that are missing, npm packages when
# package-lock.json changed, and the generated message code. Both README commands run this first.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "[setup] $*" >&2; }

# Debian packages: ffmpeg (camera driver), can-utils (SocketCAN), libopencv-dev (undistortion, colour
# conversion), chromium (camera model rendering, report screenshots), PyTorch + ONNX (training only).
APT_PACKAGES=(ffmpeg can-utils libopencv-dev chromium python3-torch python3-onnx ${CURB_APT_PACKAGES:-})
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "curb needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm packages: reinstall only when the lockfile changed since the last install.
stamp=node_modules/.curb-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm packages (a first install compiles the OpenCV bindings: about 15 minutes on 2 cores)"
  # onnxruntime-node's installer would try to download CUDA parts: skip it, the CPU binary ships in the package.
  # `npm install`, not `npm ci`: npm 11 records platform-specific optional packages (buf's binaries) in a
  # lockfile that `npm ci` then calls out of sync; `npm install` honours the same lockfile.
  # @u4/opencv4nodejs builds against Debian's OpenCV (see "opencv4nodejs" in package.json), never its own.
  OPENCV4NODEJS_DISABLE_AUTOBUILD=1 OPENCV_INCLUDE_DIR=/usr/include/opencv4 OPENCV_LIB_DIR=/usr/lib/x86_64-linux-gnu OPENCV_BIN_DIR=/usr/bin \
    ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json | cut -d' ' -f1 > "$stamp"
fi

# Message code generated from bus/proto and @foxglove/schemas, when a schema is newer than the code.
if [ ! -f bus/gen/curb/common_pb.ts ] || [ -n "$(find bus/proto/curb package-lock.json -newer bus/gen/curb/common_pb.ts -print -quit)" ]; then
  say "generating message code"
  node scripts/gen-proto.mjs
fi
