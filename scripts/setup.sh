#!/usr/bin/env bash
# Create the virtual environment and install what workbench needs.
#   scripts/setup.sh runtime   Python packages + graphviz and a Persian font
#   scripts/setup.sh dev       the above + test tools and Debian's chromium
set -euo pipefail
mode=${1:-runtime}
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
# One set-up at a time (CI runs two make test side by side; apt and pip must not race).
if command -v flock >/dev/null 2>&1; then exec 9>"${TMPDIR:-/tmp}/workbench-setup.lock"; flock 9; fi

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
# grep reads all its input (no -q): with pipefail, an early exit of grep -q can fail the pipeline on SIGPIPE.
fc-list 2>/dev/null | grep -i "Noto Sans Arabic\|Vazirmatn" >/dev/null || need_apt+=(fonts-noto-core fontconfig)
command -v pg_dump >/dev/null 2>&1 || need_apt+=(postgresql-client)
ldconfig -p 2>/dev/null | grep libpangoft2-1.0 >/dev/null || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v fc-match >/dev/null 2>&1 || need_apt+=(fontconfig)
if [ "$mode" = dev ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  { command -v pdftoppm && command -v pdftotext; } >/dev/null 2>&1 || need_apt+=(poppler-utils)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "workbench needs these system packages: ${need_apt[*]}" >&2
    echo "Install them (e.g. sudo apt-get install ${need_apt[*]}) and run again." >&2
    [ "$mode" = dev ] && exit 1
    command -v dot >/dev/null 2>&1 || exit 1
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed" >&2; exit 1; }
  echo "Creating virtual environment in $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi
req=requirements.txt
[ "$mode" = dev ] && req=requirements-dev.txt
stamp="$VENV/.installed-$mode"
if [ ! -f "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ "$req" -nt "$stamp" ]; then
  echo "Installing Python packages from $req"
  "$VENV/bin/pip" install -q -r "$req"
  touch "$stamp"
fi
