//! The pairing link a probe prints (`http://127.0.0.1:PORT/#t=TOKEN`, or the fragment
//! `#probe=http://127.0.0.1:PORT&t=TOKEN` for any page): where its WebSocket is and the token
//! that opens it. Pasted by the user or found in this page's own address, so it is
//! read strictly: a plain http origin and a token of exactly the shape the probe makes.

/// A probe to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    /// `ws://HOST:PORT/v1/ws`.
    pub socket_url: String,
    /// The probe's origin, for messages (`http://HOST:PORT`).
    pub origin: String,
    pub token: String,
}

/// The probe's token: 32 random bytes in unpadded base64url.
const TOKEN_LEN: usize = 43;

/// Reads a pasted link, or a bare `#t=TOKEN` fragment when `page_origin` (this page's own
/// `http://` origin, if the probe serves it) tells where the probe is.
pub fn parse(link: &str, page_origin: Option<&str>) -> Result<Pairing, String> {
    let link = link.trim();
    let (base, fragment) = link
        .split_once('#')
        .ok_or("the link has no #t=… part: copy the whole line the probe printed")?;
    let param = |name: &str| {
        fragment
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    };
    let token =
        param("t").ok_or("the link has no token (#t=…): copy the whole line the probe printed")?;
    if token.len() != TOKEN_LEN
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(
            "the token in the link is damaged: copy the whole line the probe printed".into(),
        );
    }
    // `#probe=http://127.0.0.1:PORT&t=…` pairs any page with the probe at that address.
    let base = param("probe").unwrap_or(base);
    let origin = if base.is_empty() {
        page_origin
            .filter(|o| o.starts_with("http://"))
            .ok_or("a bare #t=… needs the page the probe serves; paste the whole link instead")?
            .to_owned()
    } else {
        origin_of(base)?
    };
    Ok(Pairing {
        socket_url: format!("ws://{}/v1/ws", &origin["http://".len()..]),
        origin,
        token: token.to_owned(),
    })
}

/// `http://host:port` of a link, refusing anything with a path, user or query of its own: a
/// probe's link has none, so they would only be there to mislead.
fn origin_of(base: &str) -> Result<String, String> {
    let rest = base
        .strip_prefix("http://")
        .ok_or("the link must start with http:// (the probe serves plain HTTP on this machine)")?;
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if !plain_authority(authority) {
        return Err("the link is not a probe address (http://HOST:PORT/#t=…)".into());
    }
    Ok(format!("http://{}", authority.to_ascii_lowercase()))
}

/// `host[:port]` as an origin holds it (a name, an IPv4 or a bracketed IPv6 address) and
/// nothing else: no user, path, query or fragment that could make a link mean another place.
pub fn plain_authority(authority: &str) -> bool {
    !authority.is_empty()
        && authority.len() <= 260
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0";

    #[test]
    fn the_printed_link_and_a_bare_fragment_pair() {
        let p = parse(&format!("  http://127.0.0.1:8790/#t={TOKEN}\n"), None).unwrap();
        assert_eq!(p.socket_url, "ws://127.0.0.1:8790/v1/ws");
        assert_eq!(p.origin, "http://127.0.0.1:8790");
        assert_eq!(p.token, TOKEN);
        let here = parse(&format!("#t={TOKEN}"), Some("http://localhost:9000")).unwrap();
        assert_eq!(here.socket_url, "ws://localhost:9000/v1/ws");
        let v6 = parse(&format!("http://[::1]:8790/#t={TOKEN}"), None).unwrap();
        assert_eq!(v6.socket_url, "ws://[::1]:8790/v1/ws");
        // A hosted page (or the offline file) paired by the fragment the probe prints for it.
        let hosted = parse(
            &format!("#probe=http://127.0.0.1:8790&t={TOKEN}"),
            Some("https://docs.example.com"),
        )
        .unwrap();
        assert_eq!(hosted.socket_url, "ws://127.0.0.1:8790/v1/ws");
        let pasted = parse(
            &format!("https://docs.example.com/portcheck/#probe=http://127.0.0.1:8790&t={TOKEN}"),
            None,
        )
        .unwrap();
        assert_eq!(pasted.origin, "http://127.0.0.1:8790");
    }

    #[test]
    fn damaged_or_foreign_links_are_refused_with_the_reason() {
        let cases = [
            ("http://127.0.0.1:8790/", "no #t="),
            ("http://127.0.0.1:8790/#a=v1.xyz", "no token"),
            ("http://127.0.0.1:8790/#t=short", "damaged"),
            (
                &format!("http://127.0.0.1:8790/#t={TOKEN}x") as &str,
                "damaged",
            ),
            (&format!("https://probe.example/#t={TOKEN}"), "http://"),
            (
                &format!("http://evil.example/path/#t={TOKEN}"),
                "not a probe address",
            ),
            (
                &format!("http://user@127.0.0.1:1/#t={TOKEN}"),
                "not a probe address",
            ),
            (&format!("#t={TOKEN}"), "needs the page the probe serves"),
            (&format!("#probe=https://evil.example&t={TOKEN}"), "http://"),
        ];
        for (link, reason) in cases {
            let e = parse(link, None).unwrap_err();
            assert!(e.contains(reason), "{link}: {e}");
        }
        assert!(parse(&format!("#t={TOKEN}"), Some("https://docs.example")).is_err());
    }
}
