//! Reading a CTranslate2 model (`model.bin`, binary version 6), the format faster-whisper uses.

use std::collections::HashMap;
use std::io::Read;

use half::f16;

/// One stored array, converted to f32.
#[derive(Debug, Clone)]
pub struct Variable {
    pub dims: Vec<usize>,
    pub data: Vec<f32>,
}

/// All the variables of a model, by name, with aliases resolved.
#[derive(Debug, Default)]
pub struct Ct2Model {
    pub spec: String,
    pub variables: HashMap<String, Variable>,
}

impl Ct2Model {
    pub fn get(&self, name: &str) -> Result<&Variable, String> {
        self.variables.get(name).ok_or_else(|| format!("model.bin has no variable `{name}`"))
    }
}

struct Reader<R> {
    inner: R,
    offset: u64,
}

impl<R: Read> Reader<R> {
    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, String> {
        let mut buf = vec![0; n];
        self.inner.read_exact(&mut buf).map_err(|e| format!("at byte {}: {e} (truncated file?)", self.offset))?;
        self.offset += n as u64;
        Ok(buf)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.bytes(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.bytes(2)?.try_into().expect("2 bytes")))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.bytes(4)?.try_into().expect("4 bytes")))
    }
    fn string(&mut self) -> Result<String, String> {
        let len = self.u16()? as usize;
        let bytes = self.bytes(len)?;
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        String::from_utf8(bytes[..end].to_vec()).map_err(|_| format!("at byte {}: a name is not UTF-8", self.offset))
    }
}

/// Reads a whole `model.bin`. Variables that are not arrays of numbers Shruti needs are kept too;
/// int8 weights are scaled back with their `weight_scale`.
pub fn read(input: impl Read) -> Result<Ct2Model, String> {
    let mut r = Reader { inner: input, offset: 0 };
    let version = r.u32()?;
    if !(5..=6).contains(&version) {
        return Err(format!("unsupported CTranslate2 binary version {version} (expected 6)"));
    }
    let spec = r.string()?;
    let _revision = r.u32()?;
    let count = r.u32()? as usize;
    let mut model = Ct2Model { spec, variables: HashMap::with_capacity(count) };
    let mut int8 = Vec::new();
    for _ in 0..count {
        let name = r.string()?;
        let rank = r.u8()? as usize;
        let dims = (0..rank).map(|_| r.u32().map(|d| d as usize)).collect::<Result<Vec<_>, _>>()?;
        let dtype = r.u8()?;
        let size = r.u32()? as usize;
        let n: usize = dims.iter().product();
        let width = match dtype {
            0 | 3 => 4,
            1 => 1,
            2 | 4 => 2,
            _ => return Err(format!("variable `{name}` has unknown type {dtype}")),
        };
        if size != n * width {
            return Err(format!("variable `{name}`: {size} bytes for {n} values of {width} bytes"));
        }
        let raw = r.bytes(size)?;
        let data: Vec<f32> = match dtype {
            0 => raw.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().expect("4"))).collect(),
            1 => raw.iter().map(|&b| b as i8 as f32).collect(),
            2 => raw.chunks_exact(2).map(|b| i16::from_le_bytes(b.try_into().expect("2")) as f32).collect(),
            3 => raw.chunks_exact(4).map(|b| i32::from_le_bytes(b.try_into().expect("4")) as f32).collect(),
            _ => raw.chunks_exact(2).map(|b| f16::from_le_bytes(b.try_into().expect("2")).to_f32()).collect(),
        };
        if dtype == 1 {
            int8.push(name.clone());
        }
        model.variables.insert(name, Variable { dims, data });
    }
    let aliases = r.u32()?;
    for _ in 0..aliases {
        let alias = r.string()?;
        let target = r.string()?;
        let var = model.get(&target).map_err(|e| format!("alias `{alias}`: {e}"))?.clone();
        model.variables.insert(alias, var);
    }
    for name in int8 {
        let Some(base) = name.strip_suffix("weight") else { continue };
        let scale = model.variables.get(&format!("{base}weight_scale")).map(|v| v.data.clone());
        let (Some(scale), Some(var)) = (scale, model.variables.get_mut(&name)) else { continue };
        let row = var.data.len() / scale.len().max(1);
        for (values, s) in var.data.chunks_mut(row).zip(&scale) {
            values.iter_mut().for_each(|v| *v /= s);
        }
    }
    Ok(model)
}
