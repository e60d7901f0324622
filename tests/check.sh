#!/bin/sh
# check.sh: every test, from a fresh Debian machine: installs the Debian
# packages it needs if any is missing, builds, runs `make check`.
set -e
cd "$(dirname "$0")/.."
sh tests/deps.sh
make -s
make -s check
