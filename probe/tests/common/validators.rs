//! The vendors' own validators (tests/validate/outputs.py) and their Python.

/// The Python of the validators' venv (`scripts/env.sh` exports it; scripts/setup makes it).
pub fn validators_python() -> std::path::PathBuf {
    std::env::var_os("PORTCHECK_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".local/share/palette-portcheck/tools/venv/bin/python")
        })
}
