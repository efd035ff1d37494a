//! The files `serve` may hand out: the regular files under `--dir` when it starts, hidden ones
//! and symbolic links left out. A file placed there later, or a link to something elsewhere on
//! the machine, is never served: only the built app is.

use std::collections::HashSet;
use std::path::Path;

/// How far the scan goes: a built app is a handful of files a level or two deep.
const MAX_FILES: usize = 2_000;
const MAX_DEPTH: usize = 8;

pub struct Assets {
    files: HashSet<String>,
}

impl Assets {
    pub fn scan(dir: &Path) -> Result<Assets, String> {
        let mut files = HashSet::new();
        collect(dir, "", 0, &mut files)?;
        Ok(Assets { files })
    }

    /// Whether the request path names one of the files; `/` and `dir/` mean their index.html.
    pub fn allows(&self, path: &str) -> bool {
        let relative = path.trim_start_matches('/');
        if relative.is_empty() || relative.ends_with('/') {
            self.files.contains(&format!("{relative}index.html"))
        } else {
            self.files.contains(relative)
        }
    }
}

fn collect(
    dir: &Path,
    prefix: &str,
    depth: usize,
    files: &mut HashSet<String>,
) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if name.starts_with('.') {
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
            files.insert(format!("{prefix}{name}"));
        } else if kind.is_dir() && depth < MAX_DEPTH {
            collect(&entry.path(), &format!("{prefix}{name}/"), depth + 1, files)?;
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

        assert!(assets.allows("/"));
        assert!(assets.allows("/index.html"));
        assert!(assets.allows("/public/favicon.svg"));
        assert!(!assets.allows("/public/"), "no index.html there");
        assert!(!assets.allows("/.env"));
        assert!(!assets.allows("/hostname"), "links are not followed");
        assert!(!assets.allows("/later.js"), "only what was there at start");
        assert!(!assets.allows("/../etc/passwd"));
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
