#!/bin/sh
# deps.sh [PACKAGE...]: installs the Debian packages eldercare builds and
# tests with, and any named, if missing (as root, or through sudo).
pkgs="make gcc libc6-dev libcsv-dev libyaml-dev libutf8proc-dev libcmocka-dev $*"
missing=""
for p in $pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq $missing >/dev/null
