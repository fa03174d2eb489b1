//! Converting a faster-whisper (CTranslate2) model directory into a whisper.cpp ggml file, with
//! f16 or q8_0 weights. Format facts: whisper.cpp's legacy loader (magic, 11 hyper-parameters,
//! mel filters, vocabulary, then named tensors until the end of the file).

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::str::FromStr;

use half::f16;

use super::ct2::{self, Ct2Model, Variable};
use super::mel;

const MAGIC: u32 = 0x6767_6d6c;
/// Whisper's attention heads are all 64 wide.
const HEAD_DIM: usize = 64;
const GGML_F32: i32 = 0;
const GGML_F16: i32 = 1;
const GGML_Q8_0: i32 = 8;
/// whisper.cpp's file type for q8_0, with the quantisation version (2) in the thousands.
const FTYPE_Q8_0: i32 = 2_007;
const FTYPE_F16: i32 = 1;
const Q8_BLOCK: usize = 32;

/// How the weight matrices are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weights {
    #[default]
    F16,
    /// 8-bit blocks of 32 with an f16 scale: half the size, faster on CPU.
    Q8_0,
}

impl FromStr for Weights {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "f16" => Ok(Weights::F16),
            "q8_0" => Ok(Weights::Q8_0),
            _ => Err(format!("unknown weight type `{s}`: expected f16 or q8_0")),
        }
    }
}

/// What a conversion wrote.
#[derive(Debug, Clone)]
pub struct Converted {
    pub tensors: usize,
    pub bytes: u64,
    pub english_only: bool,
}

/// Converts `dir` (holding `model.bin` and `vocabulary.txt`) to a ggml file at `out`.
pub fn convert(dir: &Path, out: &Path, weights: Weights) -> Result<Converted, String> {
    let bin = dir.join("model.bin");
    let file = File::open(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let model = ct2::read(BufReader::new(file)).map_err(|e| format!("{}: {e}", bin.display()))?;
    if !model.spec.contains("Whisper") {
        return Err(format!("{}: a `{}` model, not Whisper", bin.display(), model.spec));
    }
    let vocab_path = dir.join("vocabulary.txt");
    let vocab = fs::read_to_string(&vocab_path).map_err(|e| format!("{}: {e}", vocab_path.display()))?;
    let tokens = vocabulary(&vocab).map_err(|e| format!("{}: {e}", vocab_path.display()))?;

    let part = out.with_extension("part");
    let mut w = BufWriter::new(File::create(&part).map_err(|e| format!("{}: {e}", part.display()))?);
    let result = write(&mut w, &model, &tokens, weights).and_then(|n| {
        w.flush().map_err(|e| e.to_string())?;
        Ok(n)
    });
    drop(w);
    let tensors = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = fs::remove_file(&part);
            return Err(format!("{}: {e}", out.display()));
        }
    };
    fs::rename(&part, out).map_err(|e| format!("{}: {e}", out.display()))?;
    let bytes = fs::metadata(out).map_err(|e| e.to_string())?.len();
    Ok(Converted { tensors, bytes, english_only: tokens.len() < 50_257 })
}

/// Token strings in GPT-2's byte-level form back to bytes, up to (not including) `<|endoftext|>`:
/// whisper.cpp adds the special tokens itself.
fn vocabulary(text: &str) -> Result<Vec<Vec<u8>>, String> {
    let decode = byte_decoder();
    let mut tokens = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line == "<|endoftext|>" {
            return Ok(tokens);
        }
        let bytes = line
            .chars()
            .map(|c| decode.get(&c).copied().ok_or_else(|| format!("line {}: `{c}` is not a GPT-2 byte", i + 1)))
            .collect::<Result<Vec<u8>, _>>()?;
        tokens.push(bytes);
    }
    Err("no <|endoftext|> token".into())
}

/// The inverse of GPT-2's `bytes_to_unicode`: printable bytes stand for themselves, the rest
/// were moved to code points from 256 up, in byte order.
fn byte_decoder() -> HashMap<char, u8> {
    let printable = |b: u8| matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
    let mut map = HashMap::with_capacity(256);
    let mut moved = 0u32;
    for b in 0..=255u8 {
        let c = if printable(b) {
            char::from(b)
        } else {
            moved += 1;
            char::from_u32(255 + moved).expect("valid code point")
        };
        map.insert(c, b);
    }
    map
}

fn write(w: &mut impl Write, m: &Ct2Model, tokens: &[Vec<u8>], weights: Weights) -> Result<usize, String> {
    let io = |e: std::io::Error| e.to_string();
    let embed = m.get("decoder/embeddings/weight")?;
    let enc_pos = m.get("encoder/position_encodings/encodings")?;
    let dec_pos = m.get("decoder/position_encodings/encodings")?;
    let conv1 = m.get("encoder/conv1/weight")?;
    let layers = |prefix: &str| {
        (0..).take_while(|i| m.variables.contains_key(&format!("{prefix}{i}/ffn/linear_0/weight"))).count()
    };
    let (n_audio_layer, n_text_layer) = (layers("encoder/layer_"), layers("decoder/layer_"));
    let (n_audio_state, n_text_state) = (enc_pos.dims[1], dec_pos.dims[1]);
    let n_mels = conv1.dims[1];
    let hparams = [
        embed.dims[0],
        enc_pos.dims[0],
        n_audio_state,
        n_audio_state / HEAD_DIM,
        n_audio_layer,
        dec_pos.dims[0],
        n_text_state,
        n_text_state / HEAD_DIM,
        n_text_layer,
        n_mels,
    ];
    w.write_all(&MAGIC.to_le_bytes()).map_err(io)?;
    for h in hparams {
        w.write_all(&(h as i32).to_le_bytes()).map_err(io)?;
    }
    let ftype = if weights == Weights::Q8_0 { FTYPE_Q8_0 } else { FTYPE_F16 };
    w.write_all(&ftype.to_le_bytes()).map_err(io)?;

    w.write_all(&(n_mels as i32).to_le_bytes()).map_err(io)?;
    w.write_all(&(mel::N_BINS as i32).to_le_bytes()).map_err(io)?;
    for v in mel::filters(n_mels) {
        w.write_all(&v.to_le_bytes()).map_err(io)?;
    }
    w.write_all(&(tokens.len() as i32).to_le_bytes()).map_err(io)?;
    for t in tokens {
        w.write_all(&(t.len() as i32).to_le_bytes()).map_err(io)?;
        w.write_all(t).map_err(io)?;
    }

    let mut out = TensorWriter { w, weights, count: 0 };
    out.tensor("encoder.positional_embedding", enc_pos, Kind::F32)?;
    out.tensor("encoder.conv1.weight", conv1, Kind::F16)?;
    out.tensor("encoder.conv1.bias", &column(m.get("encoder/conv1/bias")?), Kind::F32)?;
    out.tensor("encoder.conv2.weight", m.get("encoder/conv2/weight")?, Kind::F16)?;
    out.tensor("encoder.conv2.bias", &column(m.get("encoder/conv2/bias")?), Kind::F32)?;
    out.norm("encoder.ln_post", m, "encoder/layer_norm")?;
    for i in 0..n_audio_layer {
        let (src, dst) = (format!("encoder/layer_{i}"), format!("encoder.blocks.{i}"));
        out.norm(&format!("{dst}.attn_ln"), m, &format!("{src}/self_attention/layer_norm"))?;
        out.fused(&format!("{dst}.attn"), m, &format!("{src}/self_attention/linear_0"), &["query", "key", "value"])?;
        out.linear(&format!("{dst}.attn.out"), m, &format!("{src}/self_attention/linear_1"))?;
        out.ffn(&dst, m, &src)?;
    }
    out.tensor("decoder.positional_embedding", dec_pos, Kind::F32)?;
    out.tensor("decoder.token_embedding.weight", embed, Kind::Matrix)?;
    out.norm("decoder.ln", m, "decoder/layer_norm")?;
    for i in 0..n_text_layer {
        let (src, dst) = (format!("decoder/layer_{i}"), format!("decoder.blocks.{i}"));
        out.norm(&format!("{dst}.attn_ln"), m, &format!("{src}/self_attention/layer_norm"))?;
        out.fused(&format!("{dst}.attn"), m, &format!("{src}/self_attention/linear_0"), &["query", "key", "value"])?;
        out.linear(&format!("{dst}.attn.out"), m, &format!("{src}/self_attention/linear_1"))?;
        out.norm(&format!("{dst}.cross_attn_ln"), m, &format!("{src}/attention/layer_norm"))?;
        out.linear(&format!("{dst}.cross_attn.query"), m, &format!("{src}/attention/linear_0"))?;
        out.fused(&format!("{dst}.cross_attn"), m, &format!("{src}/attention/linear_1"), &["key", "value"])?;
        out.linear(&format!("{dst}.cross_attn.out"), m, &format!("{src}/attention/linear_2"))?;
        out.ffn(&dst, m, &src)?;
    }
    Ok(out.count)
}

/// How a tensor is stored: always f32 (biases, norms, positions), always f16 (convolutions), or
/// as the chosen weight type (matrices).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    F32,
    F16,
    Matrix,
}

struct TensorWriter<'a, W> {
    w: &'a mut W,
    weights: Weights,
    count: usize,
}

impl<W: Write> TensorWriter<'_, W> {
    fn tensor(&mut self, name: &str, var: &Variable, kind: Kind) -> Result<(), String> {
        let row = *var.dims.last().unwrap_or(&1);
        let ttype = match kind {
            Kind::F32 => GGML_F32,
            Kind::Matrix if self.weights == Weights::Q8_0 && row.is_multiple_of(Q8_BLOCK) => GGML_Q8_0,
            _ => GGML_F16,
        };
        let io = |e: std::io::Error| format!("{name}: {e}");
        let w = &mut *self.w;
        w.write_all(&(var.dims.len() as i32).to_le_bytes()).map_err(io)?;
        w.write_all(&(name.len() as i32).to_le_bytes()).map_err(io)?;
        w.write_all(&ttype.to_le_bytes()).map_err(io)?;
        // ggml lists dimensions innermost first.
        for d in var.dims.iter().rev() {
            w.write_all(&(*d as i32).to_le_bytes()).map_err(io)?;
        }
        w.write_all(name.as_bytes()).map_err(io)?;
        let mut buf = Vec::with_capacity(var.data.len() * 4);
        match ttype {
            GGML_F32 => var.data.iter().for_each(|v| buf.extend_from_slice(&v.to_le_bytes())),
            GGML_F16 => var.data.iter().for_each(|v| buf.extend_from_slice(&f16::from_f32(*v).to_le_bytes())),
            _ => var.data.chunks(Q8_BLOCK).for_each(|block| quantize_q8_0(block, &mut buf)),
        }
        w.write_all(&buf).map_err(io)?;
        self.count += 1;
        Ok(())
    }

    fn norm(&mut self, dst: &str, m: &Ct2Model, src: &str) -> Result<(), String> {
        self.tensor(&format!("{dst}.weight"), m.get(&format!("{src}/gamma"))?, Kind::F32)?;
        self.tensor(&format!("{dst}.bias"), m.get(&format!("{src}/beta"))?, Kind::F32)
    }

    fn linear(&mut self, dst: &str, m: &Ct2Model, src: &str) -> Result<(), String> {
        self.tensor(&format!("{dst}.weight"), m.get(&format!("{src}/weight"))?, Kind::Matrix)?;
        self.tensor(&format!("{dst}.bias"), m.get(&format!("{src}/bias"))?, Kind::F32)
    }

    fn ffn(&mut self, dst: &str, m: &Ct2Model, src: &str) -> Result<(), String> {
        self.norm(&format!("{dst}.mlp_ln"), m, &format!("{src}/ffn/layer_norm"))?;
        self.linear(&format!("{dst}.mlp.0"), m, &format!("{src}/ffn/linear_0"))?;
        self.linear(&format!("{dst}.mlp.2"), m, &format!("{src}/ffn/linear_1"))
    }

    /// A fused projection split by rows into `parts`; Whisper's key projection has no bias, so
    /// CTranslate2's zero key bias is left out.
    fn fused(&mut self, dst: &str, m: &Ct2Model, src: &str, parts: &[&str]) -> Result<(), String> {
        let weight = m.get(&format!("{src}/weight"))?;
        let bias = m.get(&format!("{src}/bias"))?;
        let rows = weight.dims[0] / parts.len();
        let cols = weight.dims[1];
        for (i, part) in parts.iter().enumerate() {
            let w =
                Variable { dims: vec![rows, cols], data: weight.data[i * rows * cols..(i + 1) * rows * cols].to_vec() };
            self.tensor(&format!("{dst}.{part}.weight"), &w, Kind::Matrix)?;
            if *part != "key" {
                let b = Variable { dims: vec![rows], data: bias.data[i * rows..(i + 1) * rows].to_vec() };
                self.tensor(&format!("{dst}.{part}.bias"), &b, Kind::F32)?;
            }
        }
        Ok(())
    }
}

/// A convolution bias as whisper.cpp wants it: a column, (n, 1).
fn column(var: &Variable) -> Variable {
    Variable { dims: vec![var.data.len(), 1], data: var.data.clone() }
}

/// ggml's q8_0 block: an f16 scale, then 32 signed bytes (value = scale × byte).
fn quantize_q8_0(block: &[f32], out: &mut Vec<u8>) {
    let amax = block.iter().fold(0f32, |m, v| m.max(v.abs()));
    let scale = amax / 127.0;
    let inv = if scale > 0.0 { 1.0 / scale } else { 0.0 };
    out.extend_from_slice(&f16::from_f32(scale).to_le_bytes());
    out.extend(block.iter().map(|v| (v * inv).round() as i8 as u8));
    out.extend(std::iter::repeat_n(0, Q8_BLOCK - block.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpt2_bytes_round_trip() {
        let decode = byte_decoder();
        assert_eq!(decode.len(), 256);
        assert_eq!(decode[&'Ġ'], b' ');
        assert_eq!(decode[&'Ċ'], b'\n');
        assert_eq!(decode[&'a'], b'a');
        assert_eq!(vocabulary("a\nĠthe\n<|endoftext|>\nx").unwrap(), vec![b"a".to_vec(), b" the".to_vec()]);
        assert!(vocabulary("a\n").is_err());
    }

    #[test]
    fn q8_0_blocks_keep_values_within_half_a_step() {
        let block: Vec<f32> = (0..32).map(|i| (i as f32 - 15.5) / 10.0).collect();
        let mut out = Vec::new();
        quantize_q8_0(&block, &mut out);
        assert_eq!(out.len(), 34);
        let scale = f16::from_le_bytes([out[0], out[1]]).to_f32();
        for (v, q) in block.iter().zip(&out[2..]) {
            assert!((v - scale * (*q as i8) as f32).abs() <= scale * 0.51 + 1e-3);
        }
    }
}
