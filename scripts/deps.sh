#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Shruti builds with, skipping those already there. With
# --app, also what builds the desktop app's front end (Node.js 20.19 or newer); with --test, that
# and what the tests run with. Used by setup.sh and test.sh.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

# whisper.cpp and its bindings: a C/C++ toolchain, CMake, libclang. The desktop app: WebKitGTK
# 4.1, ALSA (playback), librsvg (icons), libxdo; Node.js and npm build its front end.
wanted=(build-essential git cmake clang libclang-dev pkg-config libssl-dev
    libwebkit2gtk-4.1-dev libasound2-dev librsvg2-dev libxdo-dev)
mode="${1:-}"
# The end-to-end test: a virtual display, WebKit's WebDriver, curl to wait for the driver. The
# team server's tests: a PostgreSQL server (started by the tests themselves, on loopback). The
# harvest of heard forms: espeak-ng.
if [ "$mode" = "--test" ]; then
    wanted+=(xvfb xauth webkit2gtk-driver curl postgresql espeak-ng)
fi
front_end=false
if [ "$mode" = "--app" ] || [ "$mode" = "--test" ]; then
    front_end=true
    command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm)
fi

missing=()
for pkg in "${wanted[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "error: no Rust toolchain. Install one with rustup (Rust 1.90 or newer), then run this again." >&2
    exit 1
fi
if $front_end; then
    node_major=$(node -p 'process.versions.node.split(".")[0]')
    if [ "$node_major" -lt 20 ]; then
        echo "error: Node.js $node_major is too old for the front end's build (Vite 8 needs 20.19 or newer; https://nodejs.org)." >&2
        exit 1
    fi
fi
