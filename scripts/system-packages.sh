#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those that are missing.
#   scripts/system-packages.sh run|test local|external
#     run        what `make run` needs
#     test       the same, plus the browser and fonts of the browser tests
#     local      the project runs its own PostgreSQL cluster: the server and PostGIS too
#     external   DATABASE_URL names another server: client and GIS libraries only
#
# SYSTEM_PACKAGES_DRY_RUN=1 prints the packages it would install and installs nothing.
# SYSTEM_ROOT prefixes every file it looks for (the set-up's own test hides files with it).
set -euo pipefail

purpose=${1:?usage: $0 run|test local|external}
server=${2:?usage: $0 run|test local|external}
root=${SYSTEM_ROOT:-}
missing=()

need() {  # need PACKAGE TEST-COMMAND...
    local package=$1
    shift
    "$@" >/dev/null 2>&1 || missing+=("$package")
}

has_file() { compgen -G "$root$1" >/dev/null; }
has_command() { command -v "$1"; }

need python3-venv python3 -c 'import ensurepip, venv'
need gettext has_command msgfmt
# ogrinfo and ogr2ogr come with gdal-bin; the libraries are what GeoDjango loads.
need gdal-bin has_file '/usr/lib/*/libgdal.so*'
need libgeos-c1v5 has_file '/usr/lib/*/libgeos_c.so*'
need libproj25 has_file '/usr/lib/*/libproj.so*'
need npm has_command npm
need postgresql-client-15 has_command psql

case $server in
    local)
        need postgresql-15 has_file /usr/lib/postgresql/15/bin/postgres
        need postgresql-15-postgis-3 has_file /usr/share/postgresql/15/extension/postgis.control
        ;;
    external) ;;
    *) echo "$0: the second argument is local or external, not '$server'" >&2; exit 2 ;;
esac
case $purpose in
    test)
        need chromium has_command chromium
        need chromium-driver has_command chromedriver
        need fonts-noto-core has_file /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf
        ;;
    run) ;;
    *) echo "$0: the first argument is run or test, not '$purpose'" >&2; exit 2 ;;
esac

if [ -n "${SYSTEM_PACKAGES_DRY_RUN:-}" ]; then
    echo "would install: ${missing[*]}"
    exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "Missing system packages and no apt-get to install them: install ${missing[*]} (or their equivalents), then run make again." >&2
    exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Installing ${missing[*]} needs root: run make as root, or install sudo." >&2; exit 1; }
    sudo=(sudo)
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
install() { "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; }
if ! { install || { "${sudo[@]}" apt-get update -q && install; }; }; then
    echo "Could not install ${missing[*]}: run '${sudo[*]:+sudo }apt-get update && ${sudo[*]:+sudo }apt-get install ${missing[*]}' and read apt's message, then run make again." >&2
    exit 1
fi
