fn main() {
    // The app's config lives at the repository root, beside the workspace (see README: Layout).
    let attributes = tauri_build::Attributes::new().config_path("../tauri.conf.json");
    tauri_build::try_build(attributes).expect("tauri build step");
}
