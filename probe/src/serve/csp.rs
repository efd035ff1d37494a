//! The Content-Security-Policy of the pages `serve` hands out. The page holds the probe's token
//! and talks to a process that opens sockets, so it may run only its own scripts: Trunk's inline
//! loader by its hash, the rest from this origin; it may connect only here and be framed by no one.

use base64::Engine;

/// The policy for the app in `index_html`, served on `hosts` (`127.0.0.1:PORT` and friends).
pub fn policy(index_html: &str, hosts: &[String]) -> String {
    let scripts: String = inline_scripts(index_html)
        .map(|body| {
            let digest = ring::digest::digest(&ring::digest::SHA256, body.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
            )
        })
        .collect();
    // `data:` images: the topology's PNG download draws the SVG through one (inert: an image
    // cannot run script or reach the network).
    // `'self'` covers ws: to the same host and port only in CSP level 3 browsers; the explicit
    // addresses keep older ones working.
    let sockets: String = hosts.iter().map(|h| format!(" ws://{h}/v1/ws")).collect();
    format!(
        "default-src 'none'; script-src 'self'{scripts} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{sockets}; frame-ancestors 'none'; base-uri 'none'; \
         form-action 'none'"
    )
}

/// The text of every `<script>` element without a `src`, as the browser hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || loop {
        let open = find_ignore_case(rest, "<script")?;
        let after = &rest[open + "<script".len()..];
        let tag_end = after.find('>')?;
        let attributes = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let close = find_ignore_case(body, "</script")?;
        rest = &body[close..];
        if !has_src(attributes) {
            return Some(&body[..close]);
        }
    })
}

fn has_src(attributes: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace())
        .any(|a| a.len() >= 3 && a[..3].eq_ignore_ascii_case("src") && a[3..].starts_with('='))
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head><script type=\"module\">\nimport init from '/app.js';\nawait init();\n</script>\
        <link rel=modulepreload href=/app.js><SCRIPT src=\"/other.js\"></SCRIPT></head>\
        <body><script>performance.mark('x')</script></body></html>";

    #[test]
    fn hashes_each_inline_script_exactly_as_written() {
        let policy = policy(PAGE, &["127.0.0.1:4000".into(), "localhost:4000".into()]);
        // printf "\nimport init from '/app.js';\nawait init();\n" | openssl dgst -sha256 -binary | base64
        assert!(
            policy.contains("'sha256-mStLiw5ufhC4Rn65S+yuobFT1L6YIq0IsINW02YqTpc='"),
            "{policy}"
        );
        // printf "performance.mark('x')" | openssl dgst -sha256 -binary | base64
        assert!(
            policy.contains("'sha256-NBmn7fgTSc5u0aczOhV8xQk9dVi/K6FXIbWuXeebcIk='"),
            "{policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
    }

    #[test]
    fn allows_only_this_server_and_no_framing() {
        let policy = policy(PAGE, &["127.0.0.1:4000".into(), "localhost:4000".into()]);
        assert!(policy.starts_with("default-src 'none';"));
        assert!(policy
            .contains("connect-src 'self' ws://127.0.0.1:4000/v1/ws ws://localhost:4000/v1/ws;"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!policy.contains("'unsafe-eval'"));
    }

    #[test]
    fn a_page_without_inline_scripts_gets_no_hashes() {
        assert!(!policy("<p>plain</p><script src=/a.js></script>", &[]).contains("sha256"));
        assert!(!policy("<script>never closed", &[]).contains("sha256"));
    }
}
