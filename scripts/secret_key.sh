#!/usr/bin/env bash
# Print a secret key kept in instance/secret_key, creating it on first use.
# Used by `make run` when neither the environment nor .env sets SECRET_KEY.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p instance
if [ ! -s instance/secret_key ]; then
  (umask 077; python3 -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key)
fi
cat instance/secret_key
