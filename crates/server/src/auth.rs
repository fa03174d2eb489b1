//! Users, passwords (argon2id) and device tokens (random, stored as SHA-256), and the caller of
//! a request as its token names it.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use shruti_sync::{hex, Role, User};

use crate::db::{transaction, Mode};
use crate::{now_ms, AppState, Error};

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// Who is asking, by their token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub token_id: i64,
}

impl Caller {
    /// Refuses a caller whose role is below `role`.
    pub fn require(&self, role: Role) -> Result<(), Error> {
        if self.role >= role {
            Ok(())
        } else {
            Err(Error::Forbidden(format!("{} is a {}; this needs a {}", self.name, self.role.name(), role.name())))
        }
    }
}

/// A caller with at least a role, as an extractor: the role is checked before the body is read,
/// so a body from a caller without the right is never parsed.
macro_rules! role_extractor {
    ($name:ident, $role:expr) => {
        #[doc = concat!("A caller who is at least a ", stringify!($name), ".")]
        pub struct $name(pub Caller);

        impl FromRequestParts<AppState> for $name {
            type Rejection = Error;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<$name, Error> {
                let caller = Caller::from_request_parts(parts, state).await?;
                caller.require($role)?;
                Ok($name(caller))
            }
        }
    };
}

role_extractor!(Viewer, Role::Viewer);
role_extractor!(Reviewer, Role::Reviewer);
role_extractor!(Admin, Role::Admin);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, Error> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let token = header.and_then(|h| h.strip_prefix("Bearer ")).ok_or_else(|| {
            Error::Unauthorized("send `Authorization: Bearer TOKEN` (run `shruti sync login`)".into())
        })?;
        let hash = token_hash(token.trim());
        if let Some(caller) = state.tokens.get(&hash) {
            return Ok(caller);
        }
        let key = hash.clone();
        let caller = transaction(&*state.db, Mode::Read, move |tx| {
            Box::pin(async move {
                let row = tx
                    .query_opt(
                        "SELECT u.id, u.name, u.role, t.id FROM tokens t JOIN users u ON u.id = t.user_id \
                         WHERE t.hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0",
                        &[hash.into()],
                    )
                    .await?
                    .ok_or_else(|| Error::Unauthorized("the token is unknown or revoked: log in again".into()))?;
                Ok(Caller {
                    user_id: row.int(0)?,
                    name: row.text(1)?,
                    role: row.text(2)?.parse().map_err(Error::Db)?,
                    token_id: row.int(3)?,
                })
            })
        })
        .await?;
        state.tokens.put(key, caller.clone());
        Ok(caller)
    }
}

/// Callers by token hash, for a few seconds: most requests then need no query to say who is
/// asking. Revoking a token or changing a user empties it at once on this server; another
/// server on the same database notices within [`TOKEN_CACHE`].
#[derive(Default)]
pub struct TokenCache {
    callers: std::sync::Mutex<std::collections::HashMap<String, (Caller, std::time::Instant)>>,
}

/// How long a token lookup is trusted.
pub const TOKEN_CACHE: std::time::Duration = std::time::Duration::from_secs(5);

impl TokenCache {
    fn get(&self, hash: &str) -> Option<Caller> {
        let callers = self.callers.lock().expect("token cache");
        callers.get(hash).filter(|(_, at)| at.elapsed() < TOKEN_CACHE).map(|(c, _)| c.clone())
    }

    fn put(&self, hash: String, caller: Caller) {
        let mut callers = self.callers.lock().expect("token cache");
        if callers.len() >= 10_000 {
            callers.clear();
        }
        callers.insert(hash, (caller, std::time::Instant::now()));
    }

    /// Forgets every caller (a token was revoked or a user changed).
    pub fn clear(&self) {
        self.callers.lock().expect("token cache").clear();
    }
}

/// An argon2id hash of `password` (PHC string), computed off the async threads.
pub async fn hash_password(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || {
        let salt = salt()?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Db(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| Error::Db(e.to_string()))?
}

/// Whether `password` matches `hash`. Without a hash (no such user) a dummy is checked, so that
/// the answer takes as long either way and does not tell which names exist.
async fn verify_password(password: String, hash: Option<String>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let known = hash.is_some();
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| {
                    let hashed =
                        salt().map(|s| Argon2::default().hash_password(b"no such user", &s).map(|h| h.to_string()));
                    hashed.ok().and_then(Result::ok).unwrap_or_default()
                })
                .clone()
        });
        PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
        && known
}

/// 16 random bytes for a password's salt.
fn salt() -> Result<SaltString, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Db(format!("no randomness: {e}")))?;
    SaltString::encode_b64(&bytes).map_err(|e| Error::Db(e.to_string()))
}

/// A new token: 32 random bytes in hex, after a prefix that makes a leaked one recognisable.
pub(crate) fn new_token() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Db(format!("no randomness: {e}")))?;
    Ok(format!("shruti_{}", hex(&bytes)))
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Checks a user name: what a person would type, nothing that could confuse a log or a path.
pub fn check_name(name: &str) -> Result<(), Error> {
    let ok = (1..=64).contains(&name.chars().count())
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::BadRequest(format!("user name {name:?}: 1–64 letters, digits, '.', '-', '_' or '@'")))
    }
}

/// Creates a user (the caller has checked who may).
pub async fn create_user(state: &AppState, name: String, password: String, role: Role) -> Result<User, Error> {
    check_name(&name)?;
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::BadRequest(format!("the password needs at least {MIN_PASSWORD} characters")));
    }
    let hash = hash_password(password).await?;
    let user = User { name: name.clone(), role, disabled: false };
    transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            let inserted = tx
                .execute(
                    "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)",
                    &[name.as_str().into(), role.name().into(), hash.into(), now_ms().into()],
                )
                .await;
            match inserted {
                Err(Error::Duplicate) => {
                    Err(Error::Conflict { code: "user-exists", message: format!("user {name:?} exists") })
                }
                other => other.map(|_| ()),
            }
        })
    })
    .await?;
    Ok(user)
}

/// Logs `name` in on `device`: a new token, or why not.
pub async fn login(state: &AppState, name: String, password: String, device: String) -> Result<(String, Role), Error> {
    let found = {
        let name = name.clone();
        transaction(&*state.db, Mode::Read, move |tx| {
            Box::pin(async move {
                let row = tx
                    .query_opt("SELECT id, password_hash, role, disabled FROM users WHERE name = $1", &[name.into()])
                    .await?;
                row.map(|r| Ok::<_, Error>((r.int(0)?, r.text(1)?, r.text(2)?, r.bool(3)?))).transpose()
            })
        })
        .await?
    };
    let refused = || Error::Unauthorized("wrong user name or password".into());
    let (user_id, hash, role, disabled) = match found {
        Some(f) => (Some(f.0), Some(f.1), Some(f.2), f.3),
        None => (None, None, None, false),
    };
    if !verify_password(password, hash).await || disabled {
        return Err(refused());
    }
    let (user_id, role) = (user_id.ok_or_else(refused)?, role.ok_or_else(refused)?.parse().map_err(Error::Db)?);
    let token = new_token()?;
    let hash = token_hash(&token);
    transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            tx.execute(
                "INSERT INTO tokens (user_id, hash, device, created_at) VALUES ($1, $2, $3, $4)",
                &[user_id.into(), hash.into(), device.into(), now_ms().into()],
            )
            .await
        })
    })
    .await?;
    Ok((token, role))
}

/// Revokes token `id`: the caller's own, or anyone's for an admin. False when there was none
/// to revoke.
pub async fn revoke(state: &AppState, caller: &Caller, id: i64) -> Result<bool, Error> {
    let (user_id, admin) = (caller.user_id, caller.role == Role::Admin);
    let revoked = transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            let n = tx
                .execute(
                    "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND (user_id = $3 OR $4 = 1)",
                    &[now_ms().into(), id.into(), user_id.into(), admin.into()],
                )
                .await?;
            Ok(n > 0)
        })
    })
    .await?;
    // After the commit: a lookup racing the revoke cannot cache the token again.
    state.tokens.clear();
    Ok(revoked)
}

/// A device token as listed (never the token itself).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub user: String,
    pub device: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// The caller's tokens, or everyone's for an admin.
pub async fn tokens(state: &AppState, caller: &Caller) -> Result<Vec<TokenInfo>, Error> {
    let (user_id, admin) = (caller.user_id, caller.role == Role::Admin);
    transaction(&*state.db, Mode::Read, move |tx| {
        Box::pin(async move {
            let rows = tx
                .query(
                    "SELECT t.id, u.name, t.device, t.created_at, t.revoked_at FROM tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.user_id = $1 OR $2 = 1 ORDER BY t.id",
                    &[user_id.into(), admin.into()],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(TokenInfo {
                        id: r.int(0)?,
                        user: r.text(1)?,
                        device: r.text(2)?,
                        created_at: r.int(3)?,
                        revoked_at: r.opt_int(4)?,
                    })
                })
                .collect()
        })
    })
    .await
}

/// Every user.
pub async fn users(state: &AppState) -> Result<Vec<User>, Error> {
    transaction(&*state.db, Mode::Read, |tx| {
        Box::pin(async move {
            let rows = tx.query("SELECT name, role, disabled FROM users ORDER BY name", &[]).await?;
            rows.iter()
                .map(|r| {
                    Ok(User { name: r.text(0)?, role: r.text(1)?.parse().map_err(Error::Db)?, disabled: r.bool(2)? })
                })
                .collect()
        })
    })
    .await
}

/// Changes a user's role or disables them (which shuts out every token of theirs at once).
pub async fn update_user(
    state: &AppState,
    name: String,
    role: Option<Role>,
    disabled: Option<bool>,
) -> Result<User, Error> {
    let user = transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            let row = tx
                .query_opt("SELECT role, disabled FROM users WHERE name = $1", &[name.as_str().into()])
                .await?
                .ok_or_else(|| Error::NotFound(format!("no user {name:?}")))?;
            let role = role.unwrap_or(row.text(0)?.parse().map_err(Error::Db)?);
            let disabled = disabled.unwrap_or(row.bool(1)?);
            tx.execute(
                "UPDATE users SET role = $1, disabled = $2 WHERE name = $3",
                &[role.name().into(), disabled.into(), name.as_str().into()],
            )
            .await?;
            Ok(User { name, role, disabled })
        })
    })
    .await?;
    state.tokens.clear();
    Ok(user)
}
