#!/usr/bin/env bash
# The app in a real window: start it under Xvfb with a fixture, wait for the window, type a
# caption with xdotool, and take screenshots a person can look at: target/gui-smoke.png, and
# target/gui-smoke-exported.png after switching to the picture as it will be exported.
# Fails if the window never appears, the app dies, or the screenshot is blank.
#
#   scripts/gui-smoke.sh            (tests/gui_window.rs runs it with the test build's binary)
#   CAVIAR_SMOKE_FILE=fixtures/burned-in/post_french.png CAVIAR_SMOKE_LANG=fr_FR.UTF-8 \
#   CAVIAR_SHOT=docs/screenshot-post-fr.png scripts/gui-smoke.sh
#
# Needs, from Debian: xvfb xauth xdotool imagemagick libvulkan1 mesa-vulkan-drivers (wgpu draws
# with Mesa's lavapipe, on the CPU) and the X libraries winit loads: libx11-6 libx11-xcb1
# libxcursor1 libxi6 libxkbcommon-x11-0. .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${CAVIAR_BIN:-target/release/caviar}
shot=${CAVIAR_SHOT:-target/gui-smoke.png}
fixture=${CAVIAR_SMOKE_FILE:-fixtures/burned-in/ct_16bit.dcm}
lang=${CAVIAR_SMOKE_LANG:-C.UTF-8}
for tool in Xvfb xdotool import convert; do
  command -v "$tool" >/dev/null || { echo "gui-smoke: $tool is missing (see the header)" >&2; exit 1; }
done
if [ ! -x "$bin" ]; then
  cargo build --release --quiet --bin caviar
fi

work=$(mktemp -d)
app=""
xvfb=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A free display number, chosen by Xvfb itself.
exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1366x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "gui-smoke: Xvfb did not start" >&2; cat "$work/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -1 "$work/display")"
unset WAYLAND_DISPLAY

# The app's settings and key go to a throwaway home, in English whatever the machine's locale
# unless CAVIAR_SMOKE_LANG says otherwise (fr_FR.UTF-8 for the French interface).
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" LANG="$lang" LC_ALL="$lang"
export XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
start=$(date +%s%N)
CAVIAR_TIMING=1 "$bin" "$fixture" >"$work/app.log" 2>&1 &
app=$!

window=$(timeout 60 xdotool search --sync --onlyvisible --class org.caviar.Caviar | head -1 || true)
if [ -z "$window" ]; then
  echo "gui-smoke: the window never appeared" >&2
  cat "$work/app.log" >&2
  exit 1
fi
echo "gui-smoke: window $window after $(( ($(date +%s%N) - start) / 1000000 )) ms"
xdotool windowsize --sync "$window" 1280 820 || true
xdotool windowmove --sync "$window" 0 0 || true
# No window manager: focus by hand before typing.
xdotool windowfocus --sync "$window"
sleep 8  # the picture shows at once; the text search takes a few seconds on two cores
kill -0 "$app" 2>/dev/null || { echo "gui-smoke: the app died" >&2; cat "$work/app.log" >&2; exit 1; }

# The caption editor sits at the bottom, left of the cleaned caption, above the status line.
eval "$(xdotool getwindowgeometry --shell "$window")"
xdotool mousemove --window "$window" 360 $((HEIGHT - 45)) click 1
sleep 0.5
xdotool type --delay 20 "IRM de Jean Dupont, tel 06 12 34 56 78"
sleep 2
kill -0 "$app" 2>/dev/null || { echo "gui-smoke: the app died" >&2; cat "$work/app.log" >&2; exit 1; }

mkdir -p "$(dirname "$shot")"
import -window root -crop "${WIDTH}x${HEIGHT}+0+0" "$shot"
# The switch above the picture, to see it as it will be exported: the boxes blurred.
xdotool mousemove --window "$window" 290 43 click 1
sleep 3
import -window root -crop "${WIDTH}x${HEIGHT}+0+0" "${shot%.png}-exported.png"
kill -0 "$app" 2>/dev/null || { echo "gui-smoke: the app died" >&2; cat "$work/app.log" >&2; exit 1; }
colours=$(convert "$shot" -format '%k' info:)
spread=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
echo "gui-smoke: screenshot $shot, ${WIDTH}x${HEIGHT}, $colours colours, grey spread $spread"
cat "$work/app.log"
if [ "$colours" -lt 64 ] || awk "BEGIN{exit !($spread < 0.05)}"; then
  echo "gui-smoke: the screenshot is blank" >&2
  exit 1
fi
echo "gui-smoke: ok"
