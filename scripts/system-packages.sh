#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those that are missing.
#   scripts/system-packages.sh run    what `make run` needs
#   scripts/system-packages.sh test   the same, plus the browser for the browser tests
set -euo pipefail

purpose=${1:-run}
missing=()

need() {  # need PACKAGE TEST-COMMAND...
    local package=$1
    shift
    "$@" >/dev/null 2>&1 || missing+=("$package")
}

has_file() { compgen -G "$1" >/dev/null; }

need python3-venv python3 -c 'import ensurepip, venv'
need gettext command -v msgfmt
need gdal-bin has_file '/usr/lib/*/libgdal.so*'
need libgeos-c1v5 has_file '/usr/lib/*/libgeos_c.so*'
need libproj25 has_file '/usr/lib/*/libproj.so*'
need npm command -v npm
need postgresql-client-15 command -v psql

if [ -z "${DATABASE_URL:-}" ]; then
    need postgresql-15 test -x /usr/lib/postgresql/15/bin/postgres
    need postgresql-15-postgis-3 test -f /usr/share/postgresql/15/extension/postgis.control
fi
if [ "$purpose" = test ]; then
    need chromium command -v chromium
    need chromium-driver command -v chromedriver
    need fonts-noto-core has_file '/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf'
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "Missing system packages and no apt-get to install them: please install ${missing[*]} (or their equivalents), then run make again." >&2
    exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Installing ${missing[*]} needs root: run as root or install sudo." >&2; exit 1; }
    sudo=(sudo)
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
install() { "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; }
install || { "${sudo[@]}" apt-get update -q && install; }
