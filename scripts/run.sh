#!/usr/bin/env bash
# Installs what is missing, builds (release), and runs the main job. Where a display exists: the
# live window, the healthy leg and the leg with great saphenous reflux walking side by side.
# Without one (or with CALFPUMP_HEADLESS=1): the story calf-pump-explained recorded at 1280x720 to
# calfpump-story.mp4, with its poster (calfpump-story.png) and English captions
# (calfpump-story.en.vtt). Arguments go to the command run (for example --lang es).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release
cmake --build --preset release
app=./build/release/app/calfpump
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${CALFPUMP_HEADLESS:-}" ]; then
  exec "$app" view healthy-walking --compare gsv-reflux-walking "$@"
fi
echo "calfpump: no display here, so the story calf-pump-explained is recorded instead of opening the window"
"$app" record calf-pump-explained --size 1280x720 --out calfpump-story.mp4 --poster calfpump-story.png "$@"
