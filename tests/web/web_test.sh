#!/usr/bin/env bash
# The web tests run by ctest: CalfPump's glTF judged from outside, by the Khronos glTF-Validator
# and by <model-viewer> in Debian's headless Chromium (node modules pinned in package-lock.json,
# installed by scripts/install-deps.sh).
#   web_test.sh validate|view|animated|page|f3d|control CALFPUMP_EXE TMPDIR
set -euo pipefail
what=$1 exe=$2 tmp=$3
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/gltf-validator" ] || [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "the web tests' node modules are missing: run scripts/install-deps.sh (npm ci in tests/web)" >&2
  exit 1
fi
mkdir -p "$tmp"
case "$what" in
  validate)  # every glTF the project writes: the leg export
    rm -f "$tmp/leg.glb"
    "$exe" anatomy --export "$tmp/leg.glb"
    node "$here/validate_gltf.mjs" "$tmp/leg.glb"
    ;;
  view)  # seen from the side, and from the front
    rm -f "$tmp/leg-view.glb"
    "$exe" anatomy --export "$tmp/leg-view.glb"
    node "$here/view_glb.mjs" "$tmp/leg-view.glb" "$tmp/leg-side.png" --orbit "90deg 90deg auto"
    node "$here/view_glb.mjs" "$tmp/leg-view.glb" "$tmp/leg-back.png" --orbit "0deg 90deg auto" --no-foot
    ;;
  animated)  # the walking leg baked into an animated glTF: valid, under 10 MB, and it plays
    rm -f "$tmp/walk.glb" "$tmp/compare.glb"
    "$exe" export healthy-walking --gltf "$tmp/walk.glb" --duration 4 --fps 10
    "$exe" export healthy-walking --compare deep-reflux-walking --loop --gltf "$tmp/compare.glb" --duration 4
    node "$here/validate_gltf.mjs" "$tmp/walk.glb" "$tmp/compare.glb"
    bytes=$(stat -c %s "$tmp/walk.glb")
    echo "a 4-second walking clip of one leg: $bytes bytes"
    [ "$bytes" -lt 10000000 ] || { echo "the 4-second clip is $bytes bytes; a web page carries under 10 MB" >&2; exit 1; }
    node "$here/view_glb.mjs" "$tmp/walk.glb" "$tmp/walk.png" --orbit "0deg 90deg auto" --no-foot --plays
    node "$here/view_glb.mjs" "$tmp/compare.glb" "$tmp/compare.png" --orbit "0deg 90deg auto" --no-foot --plays
    # the same clip coded by meshoptimizer: smaller, and model-viewer plays it
    rm -f "$tmp/walk-meshopt.glb"
    "$exe" export healthy-walking --gltf "$tmp/walk-meshopt.glb" --duration 4 --fps 10 --compress meshopt
    echo "compressed by meshoptimizer: $(stat -c %s "$tmp/walk-meshopt.glb") bytes"
    node "$here/validate_gltf.mjs" "$tmp/walk-meshopt.glb"
    node "$here/view_glb.mjs" "$tmp/walk-meshopt.glb" "$tmp/walk-meshopt.png" --orbit "0deg 90deg auto" --no-foot --plays
    ;;
  page)  # the page for a storyboard's shot, served on localhost and played in headless Chromium
    rm -rf "$tmp/page"
    "$exe" export patient-loop --shot 1 --duration 6 --html "$tmp/page"
    ls -l "$tmp/page"
    node "$here/validate_gltf.mjs" "$tmp/page/clip.glb"
    node "$here/page_test.mjs" "$tmp/page" "$tmp/page-test"
    ;;
  f3d)  # another standard viewer, from Debian's packages: f3d (VTK's glTF importer), under Xvfb
    rm -f "$tmp/leg-f3d.glb" "$tmp/leg-f3d.png"
    "$exe" anatomy --export "$tmp/leg-f3d.glb"
    # f3d's defaults: +Y up, the scene framed; the camera turned to look at the leg's side
    xvfb-run -a -s "-screen 0 1024x768x24" f3d "$tmp/leg-f3d.glb" --output="$tmp/leg-f3d.png" --resolution=480,720 \
      --camera-azimuth-angle=90 --depth-peeling
    node "$here/check_picture.mjs" "$tmp/leg-f3d.png"
    ;;
  control)  # the same checks fail a file that ignores the conventions
    rm -f "$tmp/leg-control.glb" "$tmp/leg-stripped.glb"
    "$exe" anatomy --export "$tmp/leg-control.glb"
    node "$here/strip_conventions.mjs" "$tmp/leg-control.glb" "$tmp/leg-stripped.glb"
    set +e
    out=$(node "$here/view_glb.mjs" "$tmp/leg-stripped.glb" "$tmp/leg-stripped.png" 2>&1)
    rc=$?
    set -e
    echo "$out"
    [ "$rc" -eq 1 ] || { echo "expected the check to fail with exit code 1, got $rc" >&2; exit 1; }
    grep -q "does not stand upright" <<<"$out" || { echo "the check did not find the leg lying down" >&2; exit 1; }
    grep -q "not coloured" <<<"$out" || { echo "the check did not find the leg uncoloured" >&2; exit 1; }
    echo "the conventions-free file fails the viewer check, as it should"
    # and a still leg does not pass for a playing one
    set +e
    out=$(node "$here/view_glb.mjs" "$tmp/leg-control.glb" "$tmp/leg-still.png" --plays 2>&1)
    rc=$?
    set -e
    echo "$out"
    [ "$rc" -eq 1 ] && grep -q "does not play" <<<"$out" || { echo "the play check passed a still leg" >&2; exit 1; }
    echo "the still leg fails the play check, as it should"
    ;;
  *) echo "usage: web_test.sh validate|view|animated|page|f3d|control CALFPUMP_EXE TMPDIR" >&2; exit 2 ;;
esac
