//! The compute devices whisper.cpp was built for and can see, and the choice between them.
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::fmt;
use std::str::FromStr;

use whisper_rs::whisper_rs_sys as sys;

/// Where the user asked the model to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    /// The GPU when there is one, else the CPU (with a warning when a GPU build finds none).
    #[default]
    Auto,
    Cpu,
    /// A GPU or an error.
    Gpu,
}

impl FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(DeviceChoice::Auto),
            "cpu" => Ok(DeviceChoice::Cpu),
            "gpu" => Ok(DeviceChoice::Gpu),
            _ => Err(format!("unknown device `{s}`: expected auto, cpu or gpu")),
        }
    }
}

/// Where the model actually runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Device {
    Cpu,
    /// The GPU's description as its driver gives it.
    Gpu(String),
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => write!(f, "CPU"),
            Device::Gpu(name) => write!(f, "GPU ({name})"),
        }
    }
}

/// Whether this build has a GPU back end (the `cuda`, `vulkan` or `metal` feature).
pub const GPU_BUILD: bool = cfg!(any(feature = "cuda", feature = "vulkan", feature = "metal"));

/// The GPUs ggml's back ends can use, by description. Empty in a CPU-only build.
pub fn gpus() -> Vec<String> {
    let mut found = Vec::new();
    // SAFETY: ggml's device registry is built once, on first use, from the back ends compiled in;
    // device handles and their strings live as long as the program. Indices are below the count.
    unsafe {
        for i in 0..sys::ggml_backend_dev_count() {
            let dev = sys::ggml_backend_dev_get(i);
            if dev.is_null() {
                continue;
            }
            let kind = sys::ggml_backend_dev_type(dev);
            if kind != sys::ggml_backend_dev_type_GGML_BACKEND_DEVICE_TYPE_GPU
                && kind != sys::ggml_backend_dev_type_GGML_BACKEND_DEVICE_TYPE_IGPU
            {
                continue;
            }
            let desc = sys::ggml_backend_dev_description(dev);
            let name = if desc.is_null() { sys::ggml_backend_dev_name(dev) } else { desc };
            if !name.is_null() {
                found.push(CStr::from_ptr(name).to_string_lossy().into_owned());
            }
        }
    }
    found
}
