//! Reading the JSON files given on the command line: bounded, with errors that name the file.

use rules::Answers;
use serde::de::DeserializeOwned;
use std::io::Read;
use std::path::Path;

/// Real answer files are a few kilobytes and plans of a thousand checks a few hundred; anything
/// far bigger is a mistake or an attack.
const MAX_BYTES: u64 = 1024 * 1024;

pub fn read(path: &Path) -> Result<Answers, String> {
    read_json(path, "answer file")
}

/// Reads a bounded JSON file into any type, naming the file and what it should have been.
pub fn read_json<T: DeserializeOwned>(path: &Path, what: &str) -> Result<T, String> {
    let shown = path.display();
    let mut text = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin()
            .take(MAX_BYTES + 1)
            .read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_BYTES + 1).read_to_string(&mut text))
    };
    read.map_err(|e| format!("cannot read {shown}: {e}"))?;
    if text.len() as u64 > MAX_BYTES {
        return Err(format!(
            "{shown} is larger than 1 MiB, more than any {what} this tool writes"
        ));
    }
    serde_json::from_str(&text).map_err(|e| format!("{shown} is not a valid {what}: {e}"))
}
