#!/usr/bin/env bash
# Installs the Debian 12 packages CalfPump needs, only those that are missing.
# Runs apt-get as root, or through sudo when not root. The list is kept in one place: below.
# Then the web tests' node modules, pinned in tests/web/package-lock.json, from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libfmt-dev
  catch2
  libvtk9-dev libassimp-dev
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers glslc libstb-dev fonts-dejavu-core
  libharfbuzz-dev libfribidi-dev
  libmeshoptimizer-dev libglm-dev
  libglfw3-dev xvfb xauth x11-apps libimgui-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libavfilter-dev
  clang libclang-rt-14-dev clang-format clang-tidy
  chromium f3d
)
# Node.js: the machine's own when it has one (the web tests need version 18 or later); Debian's otherwise
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The web tests' node modules (tests/web/package-lock.json), installed again when the lock changes
web_modules() {
  local web=tests/web stamp=tests/web/node_modules/.calfpump-lock
  if [ -f "$stamp" ] && cmp -s "$web/package-lock.json" "$stamp"; then
    echo "install-deps: web test modules present"
    return
  fi
  echo "install-deps: installing the web test modules (npm ci in $web)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$web/package-lock.json" "$stamp"
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  web_modules
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and neither root nor sudo is available" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
web_modules
