//! Transcription with whisper.cpp (whisper-rs): chunk by chunk, with progress, live segments and
//! cancellation, into a [`Transcript`] whose words carry their confidences.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use shruti_core::{Segment, Transcript};
use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState, WhisperTokenId,
};

use crate::audio::{AudioError, AudioStream, SAMPLE_RATE};
use crate::bias::{Bias, Filter, Record};
use crate::chunk::{Chunk, Chunker, ChunkerConfig, TimeMap};
use crate::device::{self, Device, DeviceChoice};
use crate::rescore::{self, Decoded, Terms, Verifier, Vocab};
use crate::words::{self, Token};

/// What can stop a transcription.
#[derive(Debug, thiserror::Error)]
pub enum AsrError {
    #[error(transparent)]
    Audio(#[from] AudioError),
    #[error("{}: cannot load the model: {detail}", path.display())]
    Model { path: PathBuf, detail: String },
    #[error("no GPU is usable: {0}")]
    NoGpu(String),
    #[error("{}: whisper failed at {at_ms} ms: {detail}", path.display())]
    Whisper { path: PathBuf, at_ms: u64, detail: String },
    #[error("cancelled")]
    Cancelled,
}

/// A loaded model, ready to transcribe many files.
pub struct Model {
    pub(crate) ctx: WhisperContext,
    device: Device,
    multilingual: bool,
}

impl Model {
    /// Loads a ggml model file on the chosen device. `Auto` falls back to the CPU, with a logged
    /// warning, when a GPU build finds no GPU or the GPU context fails.
    pub fn load(path: &Path, choice: DeviceChoice, flash_attention: bool) -> Result<Model, AsrError> {
        whisper_rs::install_logging_hooks();
        let model_err = |detail: String| AsrError::Model { path: path.to_path_buf(), detail };
        let path_str = path.to_str().ok_or_else(|| model_err("the path is not valid UTF-8".into()))?;
        if !path.is_file() {
            return Err(model_err("no such file".into()));
        }
        let gpus = device::gpus();
        let try_gpu = match choice {
            DeviceChoice::Cpu => false,
            DeviceChoice::Gpu if gpus.is_empty() => {
                return Err(AsrError::NoGpu(if device::GPU_BUILD {
                    "this build has GPU support but no GPU was found".into()
                } else {
                    "this build has no GPU support (build with --features cuda, vulkan or metal)".into()
                }));
            }
            DeviceChoice::Gpu => true,
            DeviceChoice::Auto => {
                if gpus.is_empty() && device::GPU_BUILD {
                    tracing::warn!("no GPU found; transcribing on the CPU");
                }
                !gpus.is_empty()
            }
        };
        let open = |gpu: bool| {
            let mut params = WhisperContextParameters::default();
            params.use_gpu(gpu).flash_attn(flash_attention);
            WhisperContext::new_with_params(path_str, params)
        };
        let (ctx, device) = if try_gpu {
            match open(true) {
                Ok(ctx) => (ctx, Device::Gpu(gpus[0].clone())),
                Err(e) if choice == DeviceChoice::Auto => {
                    tracing::warn!("the GPU context failed ({e}); transcribing on the CPU");
                    (open(false).map_err(|e| model_err(e.to_string()))?, Device::Cpu)
                }
                Err(e) => return Err(AsrError::NoGpu(format!("{}: {e}", gpus[0]))),
            }
        } else {
            (open(false).map_err(|e| model_err(e.to_string()))?, Device::Cpu)
        };
        let multilingual = ctx.is_multilingual();
        Ok(Model { ctx, device, multilingual })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }
}

/// Decoding settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// A language code ("en", "hi", …); None: English for `.en` models, detected otherwise.
    pub language: Option<String>,
    pub threads: usize,
    /// Beam search with this width; None: greedy.
    pub beam_size: Option<u32>,
    /// Retry a window at higher temperatures when its output looks like a loop or noise.
    pub temperature_fallback: bool,
    /// A window whose no-speech probability is above this is taken as silence.
    pub no_speech_threshold: f32,
    /// Text to prime the decoder with (e.g. expected terms). Off by default: on small models it
    /// can break timestamps and cause repetition.
    pub initial_prompt: Option<String>,
    pub chunks: ChunkerConfig,
    /// Re-score the doubtful spans it chooses against the audio (see [`crate::rescore`]).
    pub rescore: Option<Arc<dyn Verifier>>,
    /// Push the decoder towards lexicon terms (see [`crate::bias`]); None: Whisper's own decoding.
    pub bias: Option<Arc<Bias>>,
}

impl std::fmt::Debug for dyn Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier")
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            language: None,
            threads: std::thread::available_parallelism().map_or(4, |n| n.get()).min(8),
            beam_size: None,
            temperature_fallback: true,
            no_speech_threshold: 0.6,
            initial_prompt: None,
            chunks: ChunkerConfig::default(),
            rescore: None,
            bias: None,
        }
    }
}

/// What a running transcription reports.
#[derive(Debug, Clone)]
pub enum Event {
    /// Source time transcribed so far, and the whole length when known.
    Progress { done_ms: u64, total_ms: Option<u64> },
    /// A segment's text as soon as Whisper has it (times in the source).
    Live { start_ms: u64, end_ms: u64, text: String },
    /// A finished segment with its words.
    Segment(Segment),
}

/// Set it from any thread to stop a transcription at the next opportunity.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Transcribes one file, reporting to `on_event` as it goes.
pub fn transcribe(
    model: &Model,
    path: &Path,
    options: &Options,
    cancel: &CancelToken,
    on_event: impl FnMut(Event) + 'static,
) -> Result<Transcript, AsrError> {
    let mut stream = AudioStream::open(path)?;
    let total_ms = stream.duration_ms();
    let mut state =
        model.ctx.create_state().map_err(|e| AsrError::Model { path: path.to_path_buf(), detail: e.to_string() })?;
    let events: Rc<RefCell<dyn FnMut(Event)>> = Rc::new(RefCell::new(on_event));
    let terms = options.rescore.as_ref().map(|v| Terms::new(&model.ctx, v.terms()));
    let job = Job { model, path, options, cancel, events: Rc::clone(&events), total_ms, terms: terms.as_ref() };
    let mut chunker = Chunker::new(options.chunks.clone());
    let mut transcript = Transcript::default();
    while let Some(chunk) = chunker.next(&mut stream)? {
        if cancel.is_cancelled() {
            return Err(AsrError::Cancelled);
        }
        let source_end_ms = chunk.source_end * 1000 / u64::from(SAMPLE_RATE);
        // Whisper needs at least a few frames; anything shorter than 0.1 s is not speech.
        if chunk.samples.len() >= SAMPLE_RATE as usize / 10 {
            let segments = run_chunk(&job, &mut state, &chunk)?;
            for segment in segments {
                (events.borrow_mut())(Event::Segment(segment.clone()));
                transcript.segments.push(segment);
            }
        }
        (events.borrow_mut())(Event::Progress { done_ms: source_end_ms, total_ms });
    }
    for (i, segment) in transcript.segments.iter_mut().enumerate() {
        segment.id = Some((i + 1).to_string());
    }
    Ok(transcript)
}

/// What stays the same across one file's chunks.
struct Job<'a> {
    model: &'a Model,
    path: &'a Path,
    options: &'a Options,
    cancel: &'a CancelToken,
    events: Rc<RefCell<dyn FnMut(Event)>>,
    total_ms: Option<u64>,
    /// The terms to search by sound, when re-scoring.
    terms: Option<&'a Terms>,
}

fn run_chunk(job: &Job<'_>, state: &mut WhisperState, chunk: &Chunk) -> Result<Vec<Segment>, AsrError> {
    let (options, total_ms) = (job.options, job.total_ms);
    let strategy = match options.beam_size {
        Some(width) => SamplingStrategy::BeamSearch { beam_size: width as i32, patience: -1.0 },
        None => SamplingStrategy::Greedy { best_of: 1 },
    };
    let mut params = FullParams::new(strategy);
    let language = match &options.language {
        Some(lang) => lang.as_str(),
        None if job.model.multilingual => "auto",
        None => "en",
    };
    params.set_language(Some(language));
    params.set_n_threads(options.threads as i32);
    params.set_token_timestamps(true);
    params.set_no_context(true);
    params.set_suppress_nst(true);
    params.set_no_speech_thold(options.no_speech_threshold);
    if !options.temperature_fallback {
        params.set_temperature_inc(0.0);
    }
    if let Some(prompt) = &options.initial_prompt {
        params.set_initial_prompt(prompt);
    }
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_special(false);
    params.set_print_timestamps(false);

    let chunk_ms = chunk.samples.len() as u64 * 1000 / u64::from(SAMPLE_RATE);
    let map = Rc::new(chunk.map.clone());
    {
        let (events, map) = (Rc::clone(&job.events), Rc::clone(&map));
        params.set_progress_callback_safe(move |percent: i32| {
            let done_ms = map.source_ms(chunk_ms * percent.clamp(0, 100) as u64 / 100);
            (events.borrow_mut())(Event::Progress { done_ms, total_ms });
        });
    }
    {
        let (events, map) = (Rc::clone(&job.events), Rc::clone(&map));
        params.set_segment_callback_safe_lossy(move |data: whisper_rs::SegmentCallbackData| {
            let text = data.text.trim();
            if text.is_empty() || is_marker(text) {
                return;
            }
            let start_ms = map.source_ms(cs_to_ms(data.start_timestamp));
            let end_ms = map.source_end_ms(cs_to_ms(data.end_timestamp));
            (events.borrow_mut())(Event::Live { start_ms, end_ms, text: text.to_owned() });
        });
    }
    let abort = job.cancel.clone();
    // Boxed on purpose: whisper-rs 0.16's trampoline reads its user data as `F`, but stores a
    // `Box<dyn FnMut>`; with F = Box<dyn FnMut> the two agree (a bare closure aborts at random).
    let abort: Box<dyn FnMut() -> bool> = Box::new(move || abort.is_cancelled());
    params.set_abort_callback_safe::<_, Box<dyn FnMut() -> bool>>(abort);
    let record = Record::default();
    let filter = options.bias.as_deref().map(|bias| Filter { bias, record: &record });
    if let Some(filter) = &filter {
        filter.install(&mut params);
    }

    if let Err(e) = state.full(params, &chunk.samples) {
        // whisper.cpp reports an abort as a failure.
        if job.cancel.is_cancelled() {
            return Err(AsrError::Cancelled);
        }
        let at_ms = chunk.source_start * 1000 / u64::from(SAMPLE_RATE);
        return Err(AsrError::Whisper { path: job.path.to_path_buf(), at_ms, detail: e.to_string() });
    }
    let mut decoded = segments(job.model, state, &map, chunk_ms, filter.is_some().then_some(&record));
    if let (Some(verifier), Some(terms)) = (&options.rescore, job.terms) {
        let ctx = &job.model.ctx;
        let mut prompt = vec![ctx.token_sot()];
        if job.model.multilingual {
            prompt.extend([ctx.token_lang(state.full_lang_id_from_state()), ctx.token_transcribe()]);
        }
        prompt.push(ctx.token_not());
        let vocab = Vocab { prompt, eot: ctx.token_eot() };
        rescore::chunk(ctx, state, &vocab, terms, &mut decoded, verifier.as_ref(), options.threads.max(1)).map_err(
            |e| {
                let at_ms = chunk.source_start * 1000 / u64::from(SAMPLE_RATE);
                AsrError::Whisper { path: job.path.to_path_buf(), at_ms, detail: format!("re-scoring: {e}") }
            },
        )?;
    }
    Ok(decoded.into_iter().map(|d| d.segment).collect())
}

/// The chunk's segments with their words (in source time) and text tokens; with the lexicon
/// bias on, each token's probability is the model's own, from the bias's `record`.
fn segments(
    model: &Model,
    state: &WhisperState,
    map: &TimeMap,
    chunk_ms: u64,
    record: Option<&Record>,
) -> Vec<Decoded> {
    let first_special = model.ctx.token_eot();
    let mut out = Vec::new();
    for segment in state.as_iter() {
        let seg_start = cs_to_ms(segment.start_timestamp());
        let seg_end = cs_to_ms(segment.end_timestamp()).min(chunk_ms);
        let mut tokens = Vec::new();
        let mut ids = Vec::new();
        // The text tokens since the last timestamp: what the bias's record is keyed by.
        let mut since: Vec<WhisperTokenId> = Vec::new();
        for i in 0..segment.n_tokens() {
            let Some(token) = segment.get_token(i) else { continue };
            let id = token.token_id();
            if id >= first_special {
                since.clear();
                continue;
            }
            let data = token.token_data();
            let (probability, biased) = record.and_then(|r| r.unbiased(&since, id, data.p)).unwrap_or((data.p, false));
            since.push(id);
            let Ok(bytes) = token.to_bytes() else { continue };
            ids.push((id, bytes));
            tokens.push(Token {
                bytes: bytes.to_vec(),
                probability,
                biased,
                start_ms: cs_to_ms(data.t0).max(seg_start),
                end_ms: cs_to_ms(data.t1).min(seg_end),
            });
        }
        let mut words = words::words(&tokens, chunk_ms);
        if words.is_empty() {
            continue;
        }
        for w in &mut words {
            w.start_ms = map.source_ms(w.start_ms);
            w.end_ms = map.source_end_ms(w.end_ms);
        }
        let text = words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
        let start_ms = map.source_ms(seg_start).min(words[0].start_ms);
        let end_ms = map.source_end_ms(seg_end).max(words[words.len() - 1].end_ms);
        let tokens = rescore::token_spans(&ids, &text);
        let mut segment = Segment::new(start_ms, end_ms, text);
        segment.words = Some(words);
        out.push(Decoded { segment, start_ms: seg_start, end_ms: seg_end, tokens });
    }
    out
}

fn cs_to_ms(centiseconds: i64) -> u64 {
    centiseconds.max(0) as u64 * 10
}

/// Whisper's non-speech segments: `[BLANK_AUDIO]`, `(music)`, `♪`.
fn is_marker(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with('[') && t.ends_with(']'))
        || (t.starts_with('(') && t.ends_with(')'))
        || t.chars().all(|c| "♪♫ ".contains(c))
}
