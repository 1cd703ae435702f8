#!/bin/sh
# bootstrap.sh installs what building and testing clinfuse needs on a fresh
# Debian 12 machine: the C codec libraries the DICOM decoder links against
# and the Python peers one test helper uses. It does nothing for packages
# already installed, so it is cheap to run before every command.
set -eu

packages="gcc pkg-config libgdcm-dev libopenjp2-7-dev libcharls-dev libjpeg62-turbo-dev
python3-openpyxl"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "bootstrap: installing$missing" >&2
	sudo=""
	if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if ! command -v go >/dev/null 2>&1; then
	if [ -x /usr/local/go/bin/go ]; then
		echo "bootstrap: add /usr/local/go/bin to PATH" >&2
	else
		echo "bootstrap: Go 1.26 is needed (https://go.dev/dl/)" >&2
	fi
	exit 1
fi
