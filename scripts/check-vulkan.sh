#!/usr/bin/env bash
# Checks that the GPU (Vulkan) build of the transcription crate compiles. Debian bookworm's Vulkan
# headers (1.3.239) are too old for whisper.cpp 1.8.3 (`vk::LayerSettingEXT`), so this unpacks
# trixie's libvulkan-dev headers into a private SDK folder, without touching the system's apt
# sources, and points VULKAN_SDK at it. Needs glslc (Debian's) to compile the shaders.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shruti-target}"
sdk="${SHRUTI_VULKAN_SDK:-$HOME/.cache/shruti-vulkan-sdk}"
version=1.4.309.0-1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v glslc >/dev/null 2>&1 || missing+=(glslc)
[ -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ] || missing+=(libvulkan1)
if [ ${#missing[@]} -gt 0 ]; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq "${missing[@]}"
fi

if [ ! -f "$sdk/.version" ] || [ "$(cat "$sdk/.version")" != "$version" ]; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
    echo "deb http://deb.debian.org/debian trixie main" >"$work/trixie.list"
    apt_opts=(-o "Dir::Etc::SourceList=$work/trixie.list" -o "Dir::Etc::SourceParts=-"
        -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Get::List-Cleanup=0")
    apt-get "${apt_opts[@]}" update -qq
    (cd "$work" && apt-get "${apt_opts[@]}" download "libvulkan-dev=$version")
    rm -rf "$sdk"
    mkdir -p "$sdk/lib"
    dpkg-deb -x "$work"/libvulkan-dev_*.deb "$work/pkg"
    cp -r "$work/pkg/usr/include" "$sdk/include"
    ln -s /usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$sdk/lib/libvulkan.so"
    echo "$version" >"$sdk/.version"
fi

VULKAN_SDK="$sdk" cargo check --locked -p shruti-asr --features vulkan
