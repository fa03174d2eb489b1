use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use reqwest::Method;
use shruti_pipeline::team::{self, Resolution, TeamClient};
use shruti_store::Project;
use shruti_sync::{BatchInfo, JobInfo, JobState, TeamEntry};

use crate::cmd::batch::open;
use crate::input;

/// Share the lexicon with a team server: log in, pull what others changed (merged with your
/// own changes field by field), push yours. A conflict is never resolved silently: `shruti sync
/// status` lists both sides with who and when; `shruti sync resolve` settles it. Pushes made
/// offline wait in the project's outbox and go when the server answers.
#[derive(Subcommand)]
pub enum Cmd {
    /// Log this device in (the password comes from SHRUTI_PASSWORD or standard input) and link
    /// the project to the server.
    Login(LoginArgs),
    /// Pull the team's changes since the last pull.
    Pull(ProjectArg),
    /// Push this project's lexicon changes (additions made in review included).
    Push(ProjectArg),
    /// Pull, then push.
    Run(ProjectArg),
    /// The server, what is waiting to be pushed, and open conflicts with both sides.
    Status(StatusArgs),
    /// Settle conflict ID: keep mine, keep theirs, or an edited entry (JSON).
    Resolve(ResolveArgs),
    /// Put every audio and subtitle file under DIR (the shared drive) in the team's queue as one
    /// batch (admin): each by its path under DIR and its content hash.
    Upload(UploadArgs),
    /// The team's batches and their progress; with an ID, that batch's files: who has each,
    /// what failed, and how far review has got.
    Batches(BatchesArgs),
}

#[derive(Args)]
pub struct BatchesArgs {
    /// One batch, file by file.
    id: Option<i64>,
    #[arg(long)]
    server: String,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct UploadArgs {
    /// The shared drive's folder, as this machine sees it.
    dir: PathBuf,
    #[arg(long)]
    server: String,
    /// The batch's name (default the folder's).
    #[arg(long)]
    name: Option<String>,
}

#[derive(Args)]
pub struct ProjectArg {
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
    /// Who is syncing (for the project's audit log); default $SHRUTI_EXPERT, then $USER.
    #[arg(long)]
    by: Option<String>,
}

#[derive(Args)]
pub struct LoginArgs {
    /// The server, e.g. http://team-server:8470.
    #[arg(long)]
    server: String,
    #[arg(long)]
    user: String,
    /// What this login is for, shown in the server's token list; default the host name.
    #[arg(long)]
    device: Option<String>,
    #[command(flatten)]
    project: ProjectArg,
}

#[derive(Args)]
pub struct StatusArgs {
    #[command(flatten)]
    project: ProjectArg,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ResolveArgs {
    /// The conflict, as `shruti sync status` numbers it.
    id: i64,
    /// Keep this project's version.
    #[arg(long, conflicts_with_all = ["theirs", "edit"])]
    mine: bool,
    /// Take the server's version.
    #[arg(long, conflicts_with = "edit")]
    theirs: bool,
    /// Use this entry instead (JSON, as `status --json` shows it).
    #[arg(long)]
    edit: Option<String>,
    #[command(flatten)]
    project: ProjectArg,
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        match self {
            Cmd::Login(args) => login(args),
            Cmd::Pull(args) => {
                run(&args, lexicon, |project, client, _, by, report| team::pull(project, client, by, report))
            }
            Cmd::Push(args) => run(&args, lexicon, |project, client, lexicon, by, report| {
                team::export_additions(project, lexicon, by)?;
                team::push(project, client, by, report)
            }),
            Cmd::Run(args) => run(&args, lexicon, |project, client, lexicon, by, report| {
                *report = team::sync(project, client, lexicon, by)?;
                Ok(())
            }),
            Cmd::Status(args) => status(args),
            Cmd::Resolve(args) => resolve(args),
            Cmd::Upload(args) => upload(args),
            Cmd::Batches(args) => batches(args),
        }
    }
}

fn expert(by: &Option<String>) -> String {
    super::review::expert(by.clone())
}

fn login(args: LoginArgs) -> Result<ExitCode> {
    let password = super::serve::password()?;
    let device = team::device_name(args.device);
    let mut project = open(&args.project.project)?;
    let session = team::login(&mut project, &args.server, &args.user, password, device, &expert(&args.project.by))?;
    eprintln!("logged in to {} as {} ({}); the project syncs with it", args.server, session.user, session.role.name());
    Ok(ExitCode::SUCCESS)
}

type Step =
    fn(&mut Project, &TeamClient, &shruti_core::Lexicon, &str, &mut team::Report) -> shruti_pipeline::Result<()>;

fn run(args: &ProjectArg, lexicon: Option<&Path>, step: Step) -> Result<ExitCode> {
    let mut project = open(&args.project)?;
    let client = team::connect(&project)?;
    let base = input::lexicon(lexicon)?;
    let mut report = team::Report::default();
    step(&mut project, &client, &base, &expert(&args.by), &mut report)?;
    eprintln!(
        "pulled {}, merged {}, pushed {}, {} conflict(s), {} rejected, {} push(es) waiting, {} result(s) sent \
         ({} late), {} review(s) reported",
        report.pulled,
        report.merged,
        report.pushed,
        report.conflicts,
        report.rejected,
        report.waiting,
        report.results,
        report.late,
        report.reviews
    );
    if let Some(why) = &report.offline {
        eprintln!("offline: {why}");
        return Ok(ExitCode::from(3));
    }
    if report.conflicts > 0 {
        eprintln!("see them with `shruti sync status`; settle with `shruti sync resolve`");
    }
    Ok(ExitCode::SUCCESS)
}

fn status(args: StatusArgs) -> Result<ExitCode> {
    let project = open(&args.project.project)?;
    let status =
        team::status(&project)?.context("the project is not linked to a team server: run `shruti sync login`")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("server {} as {}", status.server, status.user.as_deref().unwrap_or("(not logged in)"));
    println!(
        "{} team entries here, pulled to library version {}; {} to push, {} push(es) waiting, {} rejected",
        status.entries,
        status.pulled_to,
        status.dirty,
        status.waiting_pushes,
        status.rejected.len()
    );
    for (id, why) in &status.rejected {
        println!("  rejected {id}: {why}");
    }
    for c in &status.conflicts {
        println!("conflict {} on {} ({}):", c.id, c.theirs.entry.iast, c.conflict);
        println!("  mine:   {}", describe(&c.mine));
        println!("  theirs: {}   by {} at {} ms", describe(&c.theirs.entry), c.theirs.updated_by, c.theirs.updated_at);
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(e: &TeamEntry) -> String {
    let variants: Vec<_> = e.variants.iter().map(String::as_str).collect();
    let deleted = if e.deleted { " (deleted)" } else { "" };
    format!("{} {} [{}] variants: {}{deleted}", e.iast, e.deva, e.category.name(), variants.join(", "))
}

fn resolve(args: ResolveArgs) -> Result<ExitCode> {
    let resolution = match (&args.edit, args.mine, args.theirs) {
        (Some(json), _, _) => Resolution::Edit(serde_json::from_str(json).context("--edit: a team entry as JSON")?),
        (None, true, _) => Resolution::Mine,
        (None, _, true) => Resolution::Theirs,
        _ => bail!("say --mine, --theirs or --edit JSON"),
    };
    let mut project = open(&args.project.project)?;
    team::resolve(&mut project, args.id, resolution, &expert(&args.project.by))?;
    eprintln!("conflict {} settled; `shruti sync push` sends it", args.id);
    Ok(ExitCode::SUCCESS)
}

fn upload(args: UploadArgs) -> Result<ExitCode> {
    let client = team::client_for(&args.server)?;
    let none = args.dir.join(".no-project");
    let mut files = Vec::new();
    for path in shruti_pipeline::scan::find_files(&args.dir, &none)? {
        if shruti_pipeline::scan::media_kind(&path).is_none() {
            continue;
        }
        let relative = path.strip_prefix(&args.dir).unwrap_or(&path);
        let relative = relative.to_str().with_context(|| format!("{}: not UTF-8", path.display()))?.replace('\\', "/");
        let hash = shruti_asr::models::sha256_file(&path).with_context(|| path.display().to_string())?;
        files.push(shruti_sync::BatchFile { path: relative, hash });
    }
    if files.is_empty() {
        bail!("{}: no audio or subtitle files", args.dir.display());
    }
    let name = args
        .name
        .unwrap_or_else(|| args.dir.file_name().map_or_else(|| "batch".into(), |n| n.to_string_lossy().into_owned()));
    let body = shruti_sync::NewBatch { name, files };
    let info: shruti_sync::BatchInfo =
        client.call(Method::POST, "/v1/batches", Some(&body))?.context("the server answered no batch")?;
    println!("{}", info.id);
    eprintln!("batch {} ({}): {} file(s) queued", info.id, info.name, body.files.len());
    Ok(ExitCode::SUCCESS)
}

fn batches(args: BatchesArgs) -> Result<ExitCode> {
    let client = team::client_for(&args.server)?;
    let Some(id) = args.id else {
        let batches: Vec<BatchInfo> = client.call(Method::GET, "/v1/batches", None::<&()>)?.unwrap_or_default();
        if args.json {
            println!("{}", serde_json::to_string_pretty(&batches)?);
            return Ok(ExitCode::SUCCESS);
        }
        for b in &batches {
            let counts: Vec<String> =
                JobState::ALL.iter().filter_map(|s| b.counts.get(s).map(|n| format!("{n} {}", s.name()))).collect();
            println!("{:>4}  {} (by {}): {}", b.id, b.name, b.created_by, counts.join(", "));
        }
        return Ok(ExitCode::SUCCESS);
    };
    let mut jobs: Vec<JobInfo> = Vec::new();
    loop {
        let after = jobs.last().map_or(0, |j| j.id);
        let page: Vec<JobInfo> = client
            .call(Method::GET, &format!("/v1/batches/{id}/jobs?after={after}&limit=1000"), None::<&()>)?
            .unwrap_or_default();
        if page.is_empty() {
            break;
        }
        jobs.extend(page);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&jobs)?);
        return Ok(ExitCode::SUCCESS);
    }
    for j in &jobs {
        let mut line = format!("{:<11} {}", j.state.name(), j.path);
        if let Some(holder) = j.holder.as_ref().filter(|_| j.state == JobState::Leased) {
            line.push_str(&format!("  (with {holder})"));
        }
        if let (Some(pending), Some(decided)) = (j.pending, j.decided) {
            let by = j.reviewed_by.as_ref().or(j.completed_by.as_ref()).map_or(String::new(), |b| format!(", {b}"));
            line.push_str(&format!("  {decided} decided, {pending} pending{by}"));
        }
        if let Some(error) = j.last_error.as_ref().filter(|_| j.state != JobState::Done) {
            line.push_str(&format!("  [{error}]"));
        }
        println!("{line}");
    }
    let sum = |f: fn(&JobInfo) -> Option<i64>| jobs.iter().filter_map(f).sum::<i64>();
    let done = jobs.iter().filter(|j| j.state == JobState::Done).count();
    eprintln!(
        "{done} of {} file(s) done; review: {} decided, {} pending",
        jobs.len(),
        sum(|j| j.decided),
        sum(|j| j.pending)
    );
    Ok(ExitCode::SUCCESS)
}
