# Shared shell helpers for scripts/setup.sh and scripts/test.sh (sourced, not run).
# System packages are checked with dpkg so a second run does no apt work; as root the missing
# ones are installed, otherwise the exact apt-get command is printed and the script stops.

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

package_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

APT_UPDATED=0

# ensure_packages pkg...: install what is missing (root) or name it and stop (everyone else).
ensure_packages() {
    if ! command -v dpkg >/dev/null 2>&1; then
        say "Not a Debian system (no dpkg): make sure these are installed: $*"
        return 0
    fi
    local missing=() package
    for package in "$@"; do
        package_installed "$package" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! is_root; then
        printf 'Missing system packages: %s\n' "${missing[*]}" >&2
        printf 'Install them, then run the command again:\n\n    sudo apt-get update && sudo apt-get install -y %s\n\n' \
            "${missing[*]}" >&2
        exit 1
    fi
    say "Installing system packages: ${missing[*]}"
    if [ "$APT_UPDATED" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

# find_python: python3.11, or python3 when that is 3.11 (the version pyproject.toml requires).
find_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    die "Python 3.11 is required (python3.11 or python3 pointing to 3.11); install it first."
}
