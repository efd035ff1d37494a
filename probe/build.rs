//! What `portcheck --version` says about the build besides the version: the commit it was built
//! from and the target it was built for. `PORTCHECK_COMMIT` overrides the commit (`make dist`
//! sets it with `-dirty` for a tree with changes; a source archive has no git to ask).

use std::process::Command;

fn main() {
    println!(
        "cargo:rustc-env=PORTCHECK_TARGET={}",
        std::env::var("TARGET").unwrap_or_default()
    );
    println!("cargo:rerun-if-env-changed=PORTCHECK_COMMIT");
    let commit = std::env::var("PORTCHECK_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=PORTCHECK_COMMIT={commit}");
    // A new commit changes HEAD (a detached one) or the branch's ref (loose or packed). Only
    // files that exist are named: cargo reruns a build script whose named file is missing on
    // every build, and the probe would be compiled again each time.
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        let branch = git(&["symbolic-ref", "-q", "HEAD"]);
        let files = ["HEAD", "packed-refs"]
            .into_iter()
            .map(str::to_owned)
            .chain(branch);
        for file in files {
            let path = std::path::Path::new(&git_dir).join(file);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}
