#!/usr/bin/env bash
# Make Caviar's Debian package with cargo-packager, then check it: a package that installs but
# has no menu entry, a wrong icon name, a missing run-time library (winit and wgpu load theirs
# with dlopen, so nothing fails until the window opens) or a 230 MB unstripped binary is easy to
# ship without noticing.
#
#   scripts/package-deb.sh                 build the release binary, package, check, install test
#   scripts/package-deb.sh --no-build      package target/release/caviar as it is (no cargo build)
#   scripts/package-deb.sh --no-install    do not install the package (the test needs root + apt)
#   scripts/package-deb.sh --no-gui        install, but do not open the window under Xvfb
#
# The package is configured in Cargo.toml ([package.metadata.packager]); packaging/stage-binary.sh
# strips the binary for it and packaging/copyright is its /usr/share/doc/caviar/copyright.
#
# Checks, each fatal: the control fields and Depends (dpkg-shlibdeps on the binary, and the
# libraries the binary names for dlopen); usr/bin/caviar, stripped, runs and says its version;
# the .desktop file (Exec, Icon, MimeType, StartupWMClass = the window's app id = its file name)
# and an installed icon of that name; the licence files. Then, as root on Debian, a throwaway
# install: apt-get install ./caviar_*.deb (no Recommends), /usr/bin/caviar --version,
# dpkg --verify, the window under Xvfb with scripts/gui-smoke.sh when its tools are there, and
# apt-get purge of caviar and of every package that the install added.
#
# Needs: cargo, dpkg-deb and dpkg-shlibdeps (dpkg-dev), strip (binutils), and cargo-packager
# 0.11.8, which it installs with `cargo install --locked` when missing (a few minutes of
# compiling). Optional: desktop-file-validate (desktop-file-utils); for the window, what
# scripts/gui-smoke.sh needs (xvfb xauth xdotool imagemagick mesa-vulkan-drivers).
set -euo pipefail
cd "$(dirname "$0")/.."

packager_version=0.11.8
app_id=org.caviar.Caviar
build=1 install=1 gui=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --no-install) install=0 ;;
    --no-gui) gui=0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "package-deb: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

failures=0
ok() { echo "  ok: $*"; }
fail() { echo "  FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "package-deb: $*" >&2; exit 1; }
check() { # check DESCRIPTION COMMAND...: ok if the command succeeds, FAIL otherwise
  local what=$1; shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
section() { echo; echo "== $*"; }

for tool in cargo dpkg-deb dpkg-shlibdeps strip; do
  command -v "$tool" >/dev/null || die "$tool is missing (see the header)"
done

# --- cargo-packager ---------------------------------------------------------------------------
if ! cargo packager --version 2>/dev/null | grep -qx "cargo-packager $packager_version"; then
  section "installing cargo-packager $packager_version"
  cargo install cargo-packager --version "$packager_version" --locked
fi

# --- build and package ------------------------------------------------------------------------
meta=$(cargo metadata --no-deps --format-version 1)
target_dir=$(sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p' <<<"$meta")
version=$(sed -n 's/.*"name":"caviar","version":"\([^"]*\)".*/\1/p' <<<"$meta")
if [ -z "$target_dir" ] || [ -z "$version" ]; then die "cannot read cargo metadata"; fi
arch=$(dpkg --print-architecture)
deb="$target_dir/release/caviar_${version}_${arch}.deb"

if [ "$build" = 1 ]; then
  section "cargo build --release --bin caviar"
  cargo build --release --locked --bin caviar
else
  [ -x "$target_dir/release/caviar" ] || die "$target_dir/release/caviar is missing (drop --no-build)"
  echo "package-deb: --no-build: packaging $target_dir/release/caviar as it is"
fi

section "cargo packager --release --formats deb"
rm -f "$deb"
cargo packager --release --formats deb
[ -f "$deb" ] || die "cargo-packager did not write $deb"

work=$(mktemp -d)
installed_by_us=()
cleanup() {
  if [ ${#installed_by_us[@]} -gt 0 ]; then
    echo "package-deb: removing the test install" >&2
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${installed_by_us[@]}" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- control ----------------------------------------------------------------------------------
section "dpkg-deb --info $deb"
dpkg-deb --info "$deb"
field() { dpkg-deb --field "$deb" "$1"; }
check "Package is caviar" test "$(field Package)" = caviar
check "Version is $version" test "$(field Version)" = "$version"
check "Architecture is $arch" test "$(field Architecture)" = "$arch"
check "Maintainer is set ($(field Maintainer))" test -n "$(field Maintainer)"
check "Recommends xdg-desktop-portal (file dialogs)" grep -qw xdg-desktop-portal <<<"$(field Recommends)"
depends=$(field Depends)
# Each alternative group of Depends, one a line, without version constraints.
depends_names=$(tr ',' '\n' <<<"$depends" | sed 's/([^)]*)//g; s/[[:space:]]//g' | grep -v '^$')
depends_on() { grep -qx "$1" <<<"$depends_names"; }

# --- contents ---------------------------------------------------------------------------------
section "dpkg-deb --contents"
dpkg-deb --contents "$deb" | tee "$work/contents" | awk '{print "  " $1, $2, $3, $6}'
# cargo-packager writes the paths without the leading ./ that dpkg-deb's own packages have.
has() { grep -qE "[[:space:]](\./)?$1\$" "$work/contents"; }
check "usr/bin/caviar, mode 0755" grep -qE '^-rwxr-xr-x .* (\./)?usr/bin/caviar$' "$work/contents"
check "usr/share/applications/$app_id.desktop" has "usr/share/applications/$app_id.desktop"
check "usr/share/doc/caviar/copyright" has usr/share/doc/caviar/copyright
for f in LICENSE NOTICE PROVENANCE.md; do
  check "OCR model $f in usr/share/doc/caviar/assets/ocr" has "usr/share/doc/caviar/assets/ocr/$f"
done
check "word-list licences in usr/share/doc/caviar/assets/text/licences" \
  has usr/share/doc/caviar/assets/text/licences/MPL-2.0.txt
check "every file owned by root (uid/gid 0)" test -z "$(awk '$2 != "root/root" && $2 != "0/0"' "$work/contents")"
check "no other .desktop file" test "$(grep -c '\.desktop$' "$work/contents")" = 1

mkdir "$work/root"
dpkg-deb --extract "$deb" "$work/root"

# --- the binary -------------------------------------------------------------------------------
section "usr/bin/caviar"
bin="$work/root/usr/bin/caviar"
file "$bin" | sed 's/^/  /'
check "the binary is stripped (no symbols, no debug line tables)" \
  bash -c "file -b '$bin' | grep -q ', stripped\$' && ! readelf -SW '$bin' | grep -qE ' \.(symtab|debug_line|debug_info) '"
check "it runs: $("$bin" --version)" test "$("$bin" --version)" = "caviar $version"

# Linked libraries: dpkg-shlibdeps needs a debian/control to run in.
mkdir -p "$work/shlibs/debian"
printf 'Source: caviar\n\nPackage: caviar\nArchitecture: any\n' >"$work/shlibs/debian/control"
shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$bin" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
echo "  dpkg-shlibdeps: $shlibs"
for dep in $(tr ',' '\n' <<<"$shlibs" | sed 's/([^)]*)//g; s/[[:space:]]//g'); do
  want=$(tr ',' '\n' <<<"$shlibs" | grep -E "^ *$dep( |$)" | sed 's/^ *//')
  check "Depends has $want" grep -qF "$want" <<<"$depends"
done

# Libraries loaded with dlopen: the sonames the binary names, and the package each needs.
# "optional" ones are only for wgpu's OpenGL fallback, which Vulkan (lavapipe at worst) makes
# unused. A soname that is in none of these lines is new: add it here and to Cargo.toml.
dlopen_table="
libX11.so.6 libx11-6
libX11-xcb.so.1 libx11-xcb1
libxcb.so.1 libxcb1
libXcursor.so.1 libxcursor1
libXi.so.6 libxi6
libxkbcommon.so.0 libxkbcommon0
libxkbcommon-x11.so.0 libxkbcommon-x11-0
libwayland-client.so.0 libwayland-client0
libvulkan.so.1 libvulkan1
libdbus-1.so.3 libdbus-1-3
libEGL.so.1 optional
libwayland-egl.so.1 optional
libc.so.6 linked
libm.so.6 linked
libgcc_s.so.1 linked
"
# Names run together in .rodata ("...XkbSetXlibControls...libXi.so.6"): keep from the last "lib".
named=$(grep -aoE 'lib[A-Za-z0-9_+-]+\.so\.[0-9]+' "$bin" |
  sed 's/.*\(lib[A-Za-z0-9_+-]*\.so\.[0-9]*\)$/\1/' | sort -u)
for soname in $named; do
  package=$(awk -v s="$soname" '$1 == s {print $2}' <<<"$dlopen_table")
  case "$package" in
    "") fail "the binary names $soname, which is not in this script's table: declare it" ;;
    optional | linked) ok "$soname ($package)" ;;
    *) check "$soname: Depends has $package" depends_on "$package" ;;
  esac
done
check "Depends has a Vulkan driver (mesa-vulkan-drivers | vulkan-icd)" \
  depends_on "mesa-vulkan-drivers|vulkan-icd"

# --- desktop file and icon --------------------------------------------------------------------
section "usr/share/applications/$app_id.desktop"
desktop="$work/root/usr/share/applications/$app_id.desktop"
sed 's/^/  /' "$desktop"
key() { sed -n "s/^$1=//p" "$desktop" | head -1; }
check "Exec=caviar %F" test "$(key Exec)" = "caviar %F"
check "the Exec program is in usr/bin" test -x "$work/root/usr/bin/$(key Exec | cut -d' ' -f1)"
check "StartupWMClass=$app_id, the file's name and the window's app id" \
  test "$(key StartupWMClass)" = "$app_id"
check "MimeType has application/dicom" grep -q '\(^\|;\)application/dicom;' <<<"$(key MimeType)"
for mime in image/jpeg image/png; do
  check "MimeType has $mime" grep -q "\(^\|;\)$mime;" <<<"$(key MimeType)"
done
icon=$(key Icon)
check "Icon=$app_id" test "$icon" = "$app_id"
icons=$(cd "$work/root" && { ls usr/share/icons/hicolor/*/apps/"$icon".* 2>/dev/null || true; })
check "an icon named $icon is installed: $(tr '\n' ' ' <<<"$icons")" test -n "$icons"
png="$work/root/usr/share/icons/hicolor/256x256/apps/$icon.png"
check "the 256x256 icon is a 256 x 256 PNG" bash -c "file '$png' | grep -q 'PNG image data, 256 x 256'"
if command -v desktop-file-validate >/dev/null; then
  check "desktop-file-validate" desktop-file-validate "$desktop"
else
  echo "  skipped: desktop-file-validate (apt-get install desktop-file-utils)"
fi

# --- throwaway install ------------------------------------------------------------------------
if [ "$install" = 1 ]; then
  section "install test"
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "  skipped: needs root and apt-get (or pass --no-install)"
  elif dpkg-query -W -f='${db:Status-Status}' caviar 2>/dev/null | grep -qx installed; then
    die "caviar is already installed here; apt-get purge caviar first, or pass --no-install"
  else
    installed() { dpkg-query -W -f='${db:Status-Status} ${Package}:${Architecture}\n' |
      awk '$1 == "installed" {print $2}' | sort; }
    installed >"$work/before"
    apt_install() {
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" \
        >"$work/apt.log" 2>&1
    }
    if ! apt_install; then
      echo "  apt-get install failed; apt-get update, then again"
      apt-get update -qq >/dev/null 2>&1 || true
      apt_install || { cat "$work/apt.log" >&2; die "apt-get install $deb failed"; }
    fi
    installed >"$work/after"
    # Purged at the end (and by the trap if this script stops early): caviar, and whatever
    # package the install pulled in.
    mapfile -t installed_by_us < <(comm -13 "$work/before" "$work/after")
    echo "  apt-get install ./$(basename "$deb"): added ${installed_by_us[*]}"
    check "command -v caviar is /usr/bin/caviar" test "$(command -v caviar)" = /usr/bin/caviar
    check "/usr/bin/caviar --version: $(/usr/bin/caviar --version)" \
      test "$(/usr/bin/caviar --version)" = "caviar $version"
    check "dpkg --verify caviar (md5sums)" test -z "$(dpkg --verify caviar)"
    check "/usr/share/icons/hicolor/256x256/apps/$app_id.png" \
      test -f "/usr/share/icons/hicolor/256x256/apps/$app_id.png"
    if [ "$gui" = 1 ]; then
      if command -v Xvfb >/dev/null && command -v xdotool >/dev/null && command -v import >/dev/null; then
        if CAVIAR_BIN=/usr/bin/caviar CAVIAR_SHOT="$work/window.png" scripts/gui-smoke.sh \
          >"$work/gui.log" 2>&1; then
          ok "the installed caviar opens its window under Xvfb ($(grep -m1 'gui-smoke: window' "$work/gui.log" | sed 's/^gui-smoke: //'))"
        else
          sed 's/^/    /' "$work/gui.log" >&2
          fail "the installed caviar did not open its window (scripts/gui-smoke.sh)"
        fi
      else
        echo "  skipped: the window (needs xvfb xdotool imagemagick; or pass --no-gui)"
      fi
    fi
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${installed_by_us[@]}" >/dev/null
    installed_by_us=()
    installed >"$work/purged"
    check "apt-get purge left the installed packages as they were" cmp -s "$work/before" "$work/purged"
    check "/usr/bin/caviar is gone" test ! -e /usr/bin/caviar
  fi
fi

# --- summary ----------------------------------------------------------------------------------
section "summary"
size=$(stat -c %s "$deb")
echo "package:        $deb"
echo "size:           $size bytes ($(awk -v s="$size" 'BEGIN{printf "%.1f", s/1048576}') MiB)"
echo "installed size: $(field Installed-Size) KiB"
echo "depends:        $depends"
echo "recommends:     $(field Recommends)"
if [ "$failures" -gt 0 ]; then
  echo "package-deb: $failures check(s) failed" >&2
  exit 1
fi
echo "package-deb: all checks passed"
