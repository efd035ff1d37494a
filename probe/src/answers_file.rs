//! Reading an answer file given on the command line: bounded, with errors that name the file.

use rules::Answers;
use std::io::Read;
use std::path::Path;

/// Real answer files are a few kilobytes; anything far bigger is a mistake or an attack.
const MAX_BYTES: u64 = 1024 * 1024;

pub fn read(path: &Path) -> Result<Answers, String> {
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
            "{shown} is larger than 1 MiB; an answer file is a few kilobytes"
        ));
    }
    serde_json::from_str(&text).map_err(|e| format!("{shown} is not a valid answer file: {e}"))
}
