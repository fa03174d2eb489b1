//! Device tokens, one per server, in the user's configuration folder (not in a project, which
//! may sit on a shared drive). The file is readable by its owner only.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::export::write_atomic;

/// A login kept for a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub user: String,
    pub token: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Credentials {
    servers: BTreeMap<String, Saved>,
}

/// `$SHRUTI_CREDENTIALS`, else `team-logins.json` in the user's configuration folder.
pub fn path() -> PathBuf {
    if let Some(p) = std::env::var_os("SHRUTI_CREDENTIALS") {
        return p.into();
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."));
    config.join("shruti").join("team-logins.json")
}

fn load() -> Result<Credentials> {
    let path = path();
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| Error::Invalid(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Credentials::default()),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// The login kept for `server`.
pub fn for_server(server: &str) -> Result<Option<Saved>> {
    Ok(load()?.servers.remove(server.trim_end_matches('/')))
}

/// Keeps a login for `server` (replacing an older one), or forgets it with `None`.
pub fn save(server: &str, saved: Option<Saved>) -> Result<()> {
    let mut all = load()?;
    let server = server.trim_end_matches('/').to_owned();
    match saved {
        Some(s) => all.servers.insert(server, s),
        None => all.servers.remove(&server),
    };
    let path = path();
    let json = serde_json::to_string_pretty(&all).map_err(|e| Error::Invalid(e.to_string()))?;
    write_atomic(&path, json.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
