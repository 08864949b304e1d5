#!/usr/bin/env bash
# Install what bytecode-hil needs on a Debian machine: the Debian packages for
# building and emulating, and a virtualenv (.venv) with the harness in it.
# Safe to run again: it installs only what is missing. Used by `make setup`.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(make gcc python3-venv gcc-multilib gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)
# The source of libnewlib-arm-none-eabi: the 32-bit host mirrors build the
# boards' libm from it (harness/newlib.py).
DEBIAN_PACKAGES+=(newlib-source)
# PikaScript's precompiler (rust-msc) builds offline with Debian's Rust and
# packaged crates (targets/pikascript/glue.mk).
DEBIAN_PACKAGES+=(cargo rustc librust-libc-dev librust-fs-extra-dev)
# The HTML report's command line (Allure 3) runs on Node.js.
command -v node >/dev/null || DEBIAN_PACKAGES+=(nodejs)
command -v npm >/dev/null || DEBIAN_PACKAGES+=(npm)
# The report's browser test needs Chromium: installed in CI, or when asked.
if [ "${CI:-}" = "true" ] || [ "${HIL_SETUP_BROWSER:-}" = "1" ]; then
    DEBIAN_PACKAGES+=(chromium)
fi
# The labgrid end-to-end check (make labgrid-e2e) needs ser2net and a
# virtualenv of its own: labgrid brings a fork of pyserial (docs/farm.md).
if [ "${HIL_SETUP_LABGRID:-}" = "1" ]; then
    DEBIAN_PACKAGES+=(ser2net)
fi
VENV=${HIL_VENV:-.venv}
LABGRID_VENV=${HIL_LABGRID_VENV:-.venv-labgrid}

say() { echo "setup: $*"; }

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        SUDO=sudo
    else
        SUDO=
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    say "Debian packages present"
fi

PYTHON=${PYTHON:-python3}

# ensure_venv FOLDER PACKAGE: a virtualenv in FOLDER with PACKAGE (the
# harness, with extras) installed, reinstalled when pyproject.toml changes.
ensure_venv() {
    local venv=$1 package=$2
    if [ ! -x "$venv/bin/python" ]; then
        say "creating virtualenv $venv"
        "$PYTHON" -m venv "$venv"
    fi
    local stamp="$venv/.bytecode-hil-installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        say "installing the harness (pip install -e $package) into $venv"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
        "$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$package"
        touch "$stamp"
    else
        say "virtualenv $venv up to date"
    fi
}

ensure_venv "$VENV" .
# An editable install leaves the harness without bytecode; where
# PYTHONDONTWRITEBYTECODE is set, as on many CI machines, every process would
# compile it again: 0.05-0.1 s for the run and for each pytest-xdist worker.
# Up-to-date files are skipped; a file edited later is compiled in memory.
"$VENV/bin/python" -m compileall -q harness bench
if [ "${HIL_SETUP_LABGRID:-}" = "1" ]; then
    ensure_venv "$LABGRID_VENV" ".[labgrid]"
fi

# The Allure command line, pinned in tools/report/package-lock.json.
if [ ! -x tools/report/node_modules/.bin/allure ] || \
        [ tools/report/package-lock.json -nt tools/report/node_modules/.package-lock.json ]; then
    say "installing the Allure 3 command line into tools/report/node_modules"
    (cd tools/report && npm ci --no-audit --no-fund --loglevel=error)
else
    say "Allure command line present"
fi
