# Sourced by run.sh and bench.sh (which set $app and $shruti first): a work folder, ALSA's null
# device, a virtual display and tauri-driver, all cleaned up on exit. Sets $work and $port.

for bin in "$app" "$shruti"; do
    [ -x "$bin" ] || { echo "error: $bin is not built" >&2; exit 1; }
done

driver="$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")"
if [ ! -x "$driver" ]; then
    cargo install --locked tauri-driver@2.1.0
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Sound goes to ALSA's null device, so playback really runs without a sound card.
printf 'pcm.!default { type null }\nctl.!default { type hw card 0 }\n' > "$work/asound.conf"
export ALSA_CONFIG_PATH="$work/asound.conf"
export SHRUTI_CONFIG="$work/settings.json"
printf '{"reviewer": "e2e"}' > "$SHRUTI_CONFIG"
export NO_AT_BRIDGE=1

# Starts the display and the driver; call after exporting what the app should see.
start_driver() {
    local display=":$((90 + RANDOM % 100))"
    Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
    pids+=($!)
    export DISPLAY="$display"
    port=$((4400 + RANDOM % 500))
    "$driver" --port "$port" >"$work/driver.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        curl -s "http://127.0.0.1:$port/status" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "error: tauri-driver did not start" >&2
    cat "$work/driver.log" >&2
    return 1
}
