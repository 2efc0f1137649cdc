//! The bundled PP-OCRv5 models, loaded once per process.
//!
//! They are compiled into the binary so that OCR works on a machine with no network and no
//! installation step, and so that the bytes that run are the bytes whose checksums the tests pin.

use std::sync::{Arc, OnceLock};

use rten::{Model, ThreadPool};
use rten_tensor::NdTensor;
use rten_tensor::prelude::*;

use crate::document::Error;

const DETECTOR: &[u8] = include_bytes!("../../assets/ocr/ppocrv5_det.onnx");
const RECOGNISER: &[u8] = include_bytes!("../../assets/ocr/ppocrv5_rec.onnx");
const KEYS: &str = include_str!("../../assets/ocr/ppocr_keys_v5.txt");

pub struct Models {
    pub detector: Model,
    pub recogniser: Model,
    /// The character of each output class of the recogniser; index 0 is the CTC blank.
    pub classes: Vec<String>,
}

/// One pool of one thread per core. A strip, or a small picture, is a small input: split across
/// cores, each of its layers is too little work to share well, and a thread of a shared pool
/// that the system sets aside stalls every layer; inputs run side by side, a core each, get
/// through about a third more in the same time.
pub fn pools() -> &'static [Arc<ThreadPool>] {
    static POOLS: OnceLock<Vec<Arc<ThreadPool>>> = OnceLock::new();
    POOLS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(16));
        (0..cores)
            .map(|_| Arc::new(ThreadPool::with_num_threads(1)))
            .collect()
    })
}

/// The models, loaded on first use. Loading takes a noticeable fraction of a second, so it is
/// paid once; an error is kept and returned to every caller, since retrying cannot fix bytes
/// compiled into the binary.
pub fn get() -> Result<&'static Models, Error> {
    static MODELS: OnceLock<Result<Models, String>> = OnceLock::new();
    // Loading runs the recogniser once, on rten's thread pool. Called from a rayon worker, the
    // wait for that pool would let the worker pick up another picture's job, which would ask for
    // the models again from inside their own initialisation and wait forever. A plain thread
    // that only loads cannot do that.
    MODELS
        .get_or_init(|| {
            std::thread::spawn(load)
                .join()
                .unwrap_or_else(|_| Err("loading the models failed".to_string()))
        })
        .as_ref()
        .map_err(|reason| Error::Refused(format!("the OCR models cannot be used: {reason}")))
}

fn load() -> Result<Models, String> {
    // Each model is parsed and optimised on one thread: side by side, the two take the time of
    // the recogniser alone.
    let (detector, recogniser) = std::thread::scope(|scope| {
        let detector = scope.spawn(|| Model::load_static_slice(DETECTOR));
        let recogniser = Model::load_static_slice(RECOGNISER)
            .map_err(|e| format!("recogniser: {e}"))
            .and_then(checked);
        let detector = detector
            .join()
            .map_err(|_| "detector: loading failed".to_string())
            .and_then(|loaded| loaded.map_err(|e| format!("detector: {e}")));
        (detector, recogniser)
    });
    let (detector, (recogniser, classes)) = (detector?, recogniser?);
    Ok(Models {
        detector,
        recogniser,
        classes,
    })
}

/// The recogniser with its classes, once it is shown to output one per line of the key list.
fn checked(recogniser: Model) -> Result<(Model, Vec<String>), String> {
    let classes = classes(KEYS);
    let outputs = output_classes(&recogniser)?;
    if outputs != classes.len() {
        return Err(format!(
            "the key list has {} classes (blank, {} characters, space) but the recogniser \
             outputs {outputs}: they do not belong together",
            classes.len(),
            classes.len().saturating_sub(2)
        ));
    }
    Ok((recogniser, classes))
}

/// The key list as the recogniser's classes. The bundled file is already index-aligned (a `blank`
/// line first, a lone space last), which is PaddleOCR's convention once its loader has added the
/// blank and the space to the bare dictionary.
fn classes(keys: &str) -> Vec<String> {
    let mut classes: Vec<String> = keys.lines().map(str::to_string).collect();
    if let Some(first) = classes.first_mut() {
        first.clear();
    }
    classes
}

/// The width of the recogniser's class axis. The ONNX file carries no output shape, so the
/// only way to know it is to run the model once, on a blank strip.
fn output_classes(recogniser: &Model) -> Result<usize, String> {
    let input = NdTensor::<f32, 4>::zeros([1, 3, 48, 32]);
    let output: NdTensor<f32, 3> = recogniser
        .run_one(input.into(), None)
        .map_err(|e| format!("recogniser: {e}"))?
        .try_into()
        .map_err(|e| format!("recogniser output: {e:?}"))?;
    Ok(output.shape()[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_list_is_blank_characters_then_space() {
        let classes = classes(KEYS);
        assert_eq!(classes.len(), 18385);
        assert_eq!(classes[0], "");
        assert_eq!(classes.last().map(String::as_str), Some(" "));
        assert!(classes.iter().any(|c| c == "é"));
    }

    #[test]
    fn models_load_and_agree_on_the_class_count() {
        let models = get().expect("bundled models load");
        assert_eq!(models.classes.len(), 18385);
    }
}
