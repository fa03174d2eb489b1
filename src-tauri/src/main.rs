// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before any thread starts: the environment is read by WebKit when the window opens.
    shruti_app::tune_webkit();
    shruti_app::run();
}
