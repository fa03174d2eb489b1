use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::Json;
use serde::Deserialize;
use shruti_sync::{Login, NewUser, Role, Session, User};

use crate::auth::{self, Admin, Caller, TokenInfo};
use crate::extract::{Json as Body, Path};
use crate::{AppState, Error};

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Body(login): Body<Login>,
) -> Result<Json<Session>, Error> {
    let keys = [format!("user:{}", login.user), format!("ip:{}", peer.ip())];
    if !state.logins.allow(&keys) {
        return Err(Error::TooManyRequests("too many login attempts; wait a minute".into()));
    }
    let device = login.device.chars().take(100).collect();
    let (token, role) = match auth::login(&state, login.user.clone(), login.password, device).await {
        Err(e @ Error::Unauthorized(_)) => {
            state.logins.failed(&keys);
            return Err(e);
        }
        other => other?,
    };
    tracing::info!(user = %login.user, "logged in");
    Ok(Json(Session { token, user: login.user, role }))
}

/// Revokes the token the request came with.
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Json<bool>, Error> {
    Ok(Json(auth::revoke(&state, &caller, caller.token_id).await?))
}

pub async fn tokens(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<TokenInfo>>, Error> {
    Ok(Json(auth::tokens(&state, &caller).await?))
}

pub async fn revoke(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<Json<bool>, Error> {
    if !auth::revoke(&state, &caller, id).await? {
        return Err(Error::NotFound(format!("no token {id} of yours to revoke")));
    }
    Ok(Json(true))
}

pub async fn list(State(state): State<AppState>, _: Admin) -> Result<Json<Vec<User>>, Error> {
    Ok(Json(auth::users(&state).await?))
}

pub async fn create(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Body(user): Body<NewUser>,
) -> Result<Json<User>, Error> {
    let created = auth::create_user(&state, user.name, user.password, user.role).await?;
    tracing::info!(by = %caller.name, user = %created.name, role = created.role.name(), "user created");
    Ok(Json(created))
}

#[derive(Debug, Deserialize)]
pub struct UserChange {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

pub async fn update(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(name): Path<String>,
    Body(change): Body<UserChange>,
) -> Result<Json<User>, Error> {
    if name == caller.name && (change.disabled == Some(true) || change.role.is_some_and(|r| r != Role::Admin)) {
        return Err(Error::BadRequest("an admin cannot disable or demote themself".into()));
    }
    Ok(Json(auth::update_user(&state, name, change.role, change.disabled).await?))
}
