#!/usr/bin/env bash
# Checks that the GPU (Vulkan) build compiles, and only what the CPU build does not already
# prove: ggml's Vulkan back end (its shaders and sources, from the very whisper.cpp that
# whisper-rs-sys vendors, built by CMake as whisper-rs-sys's build does), and that our `vulkan`
# feature turns on whisper-rs-sys's. The rest of a Vulkan build (whisper.cpp, ggml's CPU back
# end, our crates) is the same code the tests compile. Debian bookworm's Vulkan headers (1.3.239)
# are too old for whisper.cpp 1.8.3 (`vk::LayerSettingEXT`), so this unpacks trixie's
# libvulkan-dev headers into a private SDK folder, without touching the system's apt sources, and
# points VULKAN_SDK at it. Needs glslc (Debian's) to compile the shaders.
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

# Our feature reaches whisper.cpp's: shruti-cli's `vulkan` turns on whisper-rs-sys's.
features="$(cargo tree --locked -p shruti-cli --features vulkan -e features -i whisper-rs-sys --prefix none)"
if ! grep -q '^whisper-rs-sys feature "vulkan"' <<<"$features"; then
    echo "error: shruti-cli's vulkan feature does not reach whisper-rs-sys" >&2
    exit 1
fi

# ggml's Vulkan back end, with the options whisper-rs-sys's build script gives CMake. The build
# folder is kept, so a warm run compiles nothing.
sys_version="$(grep -A1 '^name = "whisper-rs-sys"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')"
cargo fetch --locked --target "$(rustc -vV | sed -n 's/^host: //p')" >/dev/null
vendored="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"whisper-rs-sys-$sys_version/whisper.cpp" | head -1)"
build="$CARGO_TARGET_DIR/vulkan-check"
VULKAN_SDK="$sdk" cmake -S "$vendored" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DGGML_VULKAN=ON -DGGML_METAL=OFF -DGGML_OPENMP=ON -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_EXAMPLES=OFF \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON >"$build.log"
cmake --build "$build" --target ggml-vulkan -j "$(nproc)" >>"$build.log" ||
    { tail -40 "$build.log" >&2; exit 1; }
