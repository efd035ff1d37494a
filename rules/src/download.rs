//! The probe's downloads, as the page offers them ("Get the probe"): read from the `SHA256SUMS`
//! that `make dist` writes beside the binaries (`dist/probe/`), ordered for the visitor's
//! system, each with the one command that starts it for this page.

/// What a file of `dist/probe/` is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    LinuxX86_64,
    LinuxAarch64,
    WindowsX86_64,
    /// The OCI image layout archive (amd64 and arm64).
    Container,
}

impl Platform {
    /// The file `make dist` names for this platform.
    pub fn file(self) -> &'static str {
        match self {
            Platform::LinuxX86_64 => "portcheck-x86_64-linux",
            Platform::LinuxAarch64 => "portcheck-aarch64-linux",
            Platform::WindowsX86_64 => "portcheck-x86_64-windows.exe",
            Platform::Container => "portcheck-oci.tar",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Platform::LinuxX86_64 => "Linux x86_64 (static: any distribution, no libc needed)",
            Platform::LinuxAarch64 => "Linux aarch64 (static)",
            Platform::WindowsX86_64 => "Windows x86_64",
            Platform::Container => "Container image (OCI archive, amd64 and arm64)",
        }
    }

    const ALL: [Platform; 4] = [
        Platform::LinuxX86_64,
        Platform::LinuxAarch64,
        Platform::WindowsX86_64,
        Platform::Container,
    ];

    /// The platform whose binary runs on the system a browser's user agent names: Windows, a
    /// 64-bit ARM Linux, or else x86_64 Linux (the jump hosts' usual system; a Mac visitor
    /// gets the Linux builds for the machine the probe will run on).
    pub fn of_user_agent(user_agent: &str) -> Platform {
        let ua = user_agent.to_ascii_lowercase();
        if ua.contains("windows") {
            Platform::WindowsX86_64
        } else if ua.contains("linux") && (ua.contains("aarch64") || ua.contains("arm64")) {
            Platform::LinuxAarch64
        } else {
            Platform::LinuxX86_64
        }
    }

    /// The command that starts the downloaded probe for a page of `origin` (`null` for a page
    /// opened from a file): live checks only, for that page.
    pub fn start_command(self, origin: &str) -> String {
        let file = self.file();
        match self {
            Platform::LinuxX86_64 | Platform::LinuxAarch64 => {
                format!("chmod +x {file} && ./{file} serve --allow-origin {origin}")
            }
            Platform::WindowsX86_64 => format!(".\\{file} serve --allow-origin {origin}"),
            // The host's network, so the probe's loopback is this machine's.
            Platform::Container => format!(
                "skopeo copy oci-archive:{file} docker-daemon:portcheck:latest && docker run --rm --network host portcheck:latest serve --allow-origin {origin}"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub platform: Platform,
    /// Lower-case hex, as `sha256sum` writes it.
    pub sha256: String,
}

/// The downloads `SHA256SUMS` lists (`sha256sum`'s format: the digest, two spaces or a space
/// and `*`, the name), best first for `user_agent`, then in the order of `Platform`. Lines of
/// other files (the SBOMs) are left out; a file of no listed download is an error.
pub fn from_sums(sums: &str, user_agent: &str) -> Result<Vec<Download>, String> {
    let mut downloads: Vec<Download> = Vec::new();
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (digest, name) = line
            .split_once("  ")
            .or_else(|| line.split_once(" *"))
            .ok_or_else(|| {
                format!(
                    "not a line of SHA256SUMS: {}",
                    crate::endpoint::printable(line)
                )
            })?;
        let valid = digest.len() == 64
            && digest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(format!(
                "not a SHA-256 digest: {}",
                crate::endpoint::printable(digest)
            ));
        }
        if let Some(platform) = Platform::ALL.into_iter().find(|p| p.file() == name) {
            downloads.push(Download {
                platform,
                sha256: digest.to_owned(),
            });
        }
    }
    if downloads.is_empty() {
        return Err("SHA256SUMS lists no probe download".into());
    }
    let first = Platform::of_user_agent(user_agent);
    downloads.sort_by_key(|d| {
        (
            d.platform != first,
            Platform::ALL.iter().position(|p| *p == d.platform),
        )
    });
    Ok(downloads)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMS: &str = "\
1111111111111111111111111111111111111111111111111111111111111111  portcheck-aarch64-linux
2222222222222222222222222222222222222222222222222222222222222222  portcheck-aarch64-linux.cdx.json
3333333333333333333333333333333333333333333333333333333333333333  portcheck-oci.tar
4444444444444444444444444444444444444444444444444444444444444444  portcheck-x86_64-linux
5555555555555555555555555555555555555555555555555555555555555555  portcheck-x86_64-windows.exe
";
    const WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const ARM: &str = "Mozilla/5.0 (X11; Linux aarch64; rv:128.0) Gecko/20100101 Firefox/128.0";
    const MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";

    fn order(ua: &str) -> Vec<Platform> {
        from_sums(SUMS, ua)
            .unwrap()
            .into_iter()
            .map(|d| d.platform)
            .collect()
    }

    #[test]
    fn the_visitors_system_comes_first_and_sboms_are_left_out() {
        use Platform::*;
        assert_eq!(
            order(WINDOWS),
            [WindowsX86_64, LinuxX86_64, LinuxAarch64, Container]
        );
        assert_eq!(
            order(LINUX),
            [LinuxX86_64, LinuxAarch64, WindowsX86_64, Container]
        );
        assert_eq!(
            order(ARM),
            [LinuxAarch64, LinuxX86_64, WindowsX86_64, Container]
        );
        assert_eq!(
            order(MAC),
            [LinuxX86_64, LinuxAarch64, WindowsX86_64, Container]
        );
        let windows = &from_sums(SUMS, WINDOWS).unwrap()[0];
        assert_eq!(windows.sha256, "5".repeat(64));
    }

    #[test]
    fn damaged_sums_are_refused_with_the_line_escaped() {
        assert!(from_sums("", LINUX)
            .unwrap_err()
            .contains("no probe download"));
        let bad = from_sums("zz  portcheck-x86_64-linux\n", LINUX).unwrap_err();
        assert!(bad.contains("not a SHA-256 digest"), "{bad}");
        let hostile = from_sums("\u{1b}[2J\n", LINUX).unwrap_err();
        assert!(!hostile.contains('\u{1b}'), "{hostile}");
        // The binary form of sha256sum (` *name`) is read too.
        let star = format!("{} *portcheck-x86_64-linux\n", "a".repeat(64));
        assert_eq!(from_sums(&star, LINUX).unwrap().len(), 1);
    }

    #[test]
    fn commands_start_live_checks_for_this_page_only() {
        assert_eq!(
            Platform::LinuxX86_64.start_command("https://portcheck.example.com"),
            "chmod +x portcheck-x86_64-linux && ./portcheck-x86_64-linux serve --allow-origin https://portcheck.example.com"
        );
        assert_eq!(
            Platform::WindowsX86_64.start_command("null"),
            ".\\portcheck-x86_64-windows.exe serve --allow-origin null"
        );
        assert!(Platform::Container.start_command("null").ends_with(
            "docker run --rm --network host portcheck:latest serve --allow-origin null"
        ));
    }
}
