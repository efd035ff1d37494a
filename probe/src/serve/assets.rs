//! The files `serve` hands out: the regular files under `--dir` when it starts, read into
//! memory then, hidden ones and symbolic links left out. A file placed there later, changed, or
//! swapped for a link to something elsewhere on the machine is never served: only the built app
//! as it was.

use std::collections::HashMap;
use std::path::Path;

/// How far the scan goes: a built app is a handful of files a level or two deep, a few MB.
const MAX_FILES: usize = 2_000;
const MAX_DEPTH: usize = 8;
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The folder of the built app that holds the probe's downloads (`scripts/dist/build`).
const DOWNLOADS: &str = "probe";

/// No script, no style from anywhere: the policy `csp` computes from it allows none.
const PROBE_ONLY_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>portcheck probe</title></head><body><h1>portcheck probe</h1>\
<p>This probe runs live checks for the palette-portcheck page you use; it serves no app of its own \
(it was started without <code>--dir</code>).</p><p>Open that page, go to the Checklist step, and paste \
the pairing link this probe printed in its terminal into the <strong>Live checks</strong> panel.</p>\
</body></html>\n";

pub struct Asset {
    pub bytes: axum::body::Bytes,
    pub content_type: String,
}

pub struct Assets {
    files: HashMap<String, Asset>,
}

impl Assets {
    pub fn scan(dir: &Path) -> Result<Assets, String> {
        let mut files = HashMap::new();
        let mut total = 0;
        collect(dir, "", 0, &mut files, &mut total)?;
        Ok(Assets { files })
    }

    /// What a probe started without `--dir` serves: one page that says where the app is.
    pub fn probe_only() -> Assets {
        let page = Asset {
            bytes: axum::body::Bytes::from_static(PROBE_ONLY_PAGE.as_bytes()),
            content_type: "text/html; charset=utf-8".into(),
        };
        Assets {
            files: HashMap::from([("index.html".to_owned(), page)]),
        }
    }

    /// The file the request path names; `/` and `dir/` mean their index.html.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        let relative = path.trim_start_matches('/');
        if relative.is_empty() || relative.ends_with('/') {
            self.files.get(&format!("{relative}index.html"))
        } else {
            self.files.get(relative)
        }
    }
}

fn collect(
    dir: &Path,
    prefix: &str,
    depth: usize,
    files: &mut HashMap<String, Asset>,
    total: &mut u64,
) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        // The probe downloads `make dist` puts beside the hosted app are not the app's: the
        // probe does not hand itself out (and would hold them all in memory to).
        if name.starts_with('.') || (depth == 0 && name == DOWNLOADS) {
            continue;
        }
        // file_type does not follow links: a link is neither a file nor a directory here.
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
        if kind.is_file() {
            if files.len() == MAX_FILES {
                return Err(format!(
                    "{} holds more than {MAX_FILES} files: point --dir at the built app",
                    dir.display()
                ));
            }
            let path = entry.path();
            // Sized before it is read: a stray multi-GB file must not be loaded to be refused.
            let size = entry
                .metadata()
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                .len();
            *total += size;
            if *total > MAX_BYTES {
                return Err(format!(
                    "{} holds more than {} MiB: point --dir at the built app",
                    dir.display(),
                    MAX_BYTES >> 20
                ));
            }
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let content_type = mime_guess::from_path(&path)
                .first_or_octet_stream()
                .essence_str()
                .to_owned();
            files.insert(
                format!("{prefix}{name}"),
                Asset {
                    bytes: bytes.into(),
                    content_type,
                },
            );
        } else if kind.is_dir() && depth < MAX_DEPTH {
            collect(
                &entry.path(),
                &format!("{prefix}{name}/"),
                depth + 1,
                files,
                total,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_visible_files_present_at_the_scan() {
        let dir = std::env::temp_dir().join(format!("portcheck-assets-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("public")).unwrap();
        std::fs::write(dir.join("index.html"), "<p>app</p>").unwrap();
        std::fs::write(dir.join("public/favicon.svg"), "<svg/>").unwrap();
        std::fs::write(dir.join(".env"), "SECRET=1").unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.join("hostname")).unwrap();
        let assets = Assets::scan(&dir).unwrap();
        std::fs::write(dir.join("later.js"), "").unwrap();

        assert_eq!(assets.get("/").unwrap().bytes.as_ref(), b"<p>app</p>");
        assert_eq!(assets.get("/index.html").unwrap().content_type, "text/html");
        assert_eq!(
            assets.get("/public/favicon.svg").unwrap().content_type,
            "image/svg+xml"
        );
        assert!(assets.get("/public/").is_none(), "no index.html there");
        assert!(assets.get("/.env").is_none());
        assert!(assets.get("/hostname").is_none(), "links are not followed");
        assert!(
            assets.get("/later.js").is_none(),
            "only what was there at start"
        );
        assert!(assets.get("/../etc/passwd").is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_folder_that_is_not_a_built_app_is_refused_with_the_fix() {
        let dir =
            std::env::temp_dir().join(format!("portcheck-assets-many-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..=MAX_FILES {
            std::fs::write(dir.join(format!("{i}.txt")), "").unwrap();
        }
        let error = Assets::scan(&dir).err().expect("too many files");
        assert!(
            error.ends_with("holds more than 2000 files: point --dir at the built app"),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
