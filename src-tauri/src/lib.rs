//! Shruti's desktop app: the Tauri shell. Commands and events only; every command calls the
//! engine crates (`shruti-pipeline`, `shruti-store`, `shruti-playback`), and long work (a batch)
//! runs off the UI thread and reports by events.

mod commands;
mod state;

pub use commands::audio::start_player;
pub use commands::project::open_at_start;
pub use state::AppState;

/// Registers the app's state and commands on a builder (the real runtime's or the tests' mock).
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder.manage(state).invoke_handler(tauri::generate_handler![
        commands::project::recent_projects,
        commands::project::open_project,
        commands::project::project_summary,
        commands::settings::get_settings,
        commands::settings::save_settings,
        commands::review::review_queue,
        commands::review::flag_detail,
        commands::review::decide,
        commands::review::undo,
        commands::review::redo,
        commands::audio::audio_status,
        commands::audio::prepare_audio,
        commands::audio::play,
        commands::audio::pause_audio,
        commands::audio::resume_audio,
        commands::audio::stop_audio,
        commands::export::export,
        commands::export::reveal,
        commands::lexicon::lexicon_search,
        commands::lexicon::transliterate,
        commands::lexicon::lexicon_add,
        commands::search::search,
        commands::models::models,
        commands::models::fetch_model,
        commands::models::cancel_fetch,
        commands::team::team_status,
        commands::team::team_login,
        commands::team::team_sync,
        commands::team::team_resolve,
        commands::models::import_model,
        commands::transcript::transcript,
        commands::transcript::edit_segment,
        commands::batch::start_batch,
        commands::batch::cancel_batch,
        commands::batch::batch_jobs,
        commands::batch::retry_jobs,
    ])
}

/// Starts the app.
/// Without a GPU render node, WebKitGTK composites layers on the CPU, which costs more than not
/// compositing at all: on the 2-core test machine, turning it off took key-to-next-flag from 55 to
/// 32 ms and the web process from 400 to 300 MB (README, Desktop app). A user's own setting of
/// `WEBKIT_DISABLE_COMPOSITING_MODE` is kept. Call before any other thread starts.
pub fn tune_webkit() {
    let render_node = std::fs::read_dir("/dev/dri")
        .is_ok_and(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")));
    if cfg!(target_os = "linux") && !render_node && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,shruti=info".into()),
        )
        .init();
    let state = AppState::new(state::settings_path());
    with_commands(tauri::Builder::default(), state)
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            commands::audio::start_player(app.handle().clone());
            if let Some(project) = std::env::var_os("SHRUTI_OPEN") {
                commands::project::open_at_start(app.handle(), project.into());
            }
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Shruti window could not start");
}
