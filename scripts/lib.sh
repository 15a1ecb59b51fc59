# Shared helpers for scripts/*.sh. Source it; it expects `set -euo pipefail` in the caller.
#
# Everything here is idempotent: it installs only what is missing, so the second run is fast.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
LOCK="$ROOT/requirements.lock"
APT_PACKAGES=(postgresql redis-server gettext chromium chromium-driver fonts-noto-core libreoffice-calc-nogui)

if [[ -t 1 ]]; then
    _bold=$'\e[1m' _red=$'\e[31m' _green=$'\e[32m' _yellow=$'\e[33m' _reset=$'\e[0m'
else
    _bold='' _red='' _green='' _yellow='' _reset=''
fi

say() { printf '%s==> %s%s\n' "$_bold" "$*" "$_reset"; }
warn() { printf '%swarning: %s%s\n' "$_yellow" "$*" "$_reset" >&2; }
die() {
    printf '%serror: %s%s\n' "$_red" "$*" "$_reset" >&2
    exit 1
}
is_root() { [[ "$(id -u)" == 0 ]]; }

# apt_install PKG... — as root, install the packages that are missing (apt-get update only then).
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    if ! is_root || ! command -v apt-get >/dev/null; then
        warn "missing system packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})"
        return 0
    fi
    say "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_venv — create .venv with python3 -m venv and install requirements.lock when it changed.
ensure_venv() {
    local python="${PYTHON:-python3}" stamp="$VENV/.requirements.lock.sha256" want
    command -v "$python" >/dev/null || die "$python not found: install Python 3.11 or newer"
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "Kototori needs Python 3.11 or newer ($python is $("$python" --version 2>&1))"
    if [[ ! -x "$PY" ]]; then
        say "Creating the virtualenv $VENV"
        if ! "$python" -m venv "$VENV" 2>/dev/null; then
            # Debian's python3 needs python3-venv for ensurepip.
            rm -rf "$VENV"
            is_root && apt_install python3-venv
            "$python" -m venv "$VENV" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
        fi
    fi
    want="$(sha256sum "$LOCK" | cut -d' ' -f1)"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        say "Installing Python packages from requirements.lock"
        # -qq: errors only (pip's warnings about unreachable extra index locations are noise).
        "$PY" -m pip install -qq --disable-pip-version-check -r "$LOCK"
        echo "$want" >"$stamp"
    fi
}

# have_po_files — true when the project has translation catalogues (locale/ may not exist yet).
have_po_files() {
    [[ -n "$(find "$ROOT" -path "$VENV" -prune -o -path "$ROOT/.git" -prune -o -name '*.po' -print -quit)" ]]
}

# compile_messages [strict] — compile .po → .mo. Without msgfmt: install it as root, else warn
# (the interface then shows English); with "strict" a missing msgfmt is an error.
compile_messages() {
    if ! have_po_files; then
        echo "No translation catalogues (.po) yet: nothing to compile."
        return 0
    fi
    if ! command -v msgfmt >/dev/null; then
        is_root && apt_install gettext
    fi
    if ! command -v msgfmt >/dev/null; then
        [[ "${1:-}" == strict ]] && die "msgfmt (gettext) is missing"
        warn "msgfmt (gettext) is missing: translations are not compiled and the interface shows English."
        return 0
    fi
    (cd "$ROOT" && "$PY" manage.py compilemessages --ignore=.venv --ignore=.git --ignore=node_modules \
        --ignore=staticfiles --ignore=var -v 0)
}

# free_port — a TCP port on 127.0.0.1 that nobody listens on right now.
free_port() {
    local python=python3
    [[ -x "$PY" ]] && python="$PY"
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_exit PID [SECONDS] — wait until a process (not necessarily our child) is gone.
wait_for_exit() {
    local pid="$1" limit="${2:-30}" i
    for ((i = 0; i < limit * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}
