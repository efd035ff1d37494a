//! The WebSocket handshake gate: who may open a session. Checked before the upgrade, so a
//! refused page never gets a socket. See ../shared/design/probe-security.md, section 6.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The subprotocol the app asks for and the probe echoes.
pub const PROTOCOL: &str = "portcheck.v1";
/// The token travels as a second subprotocol: browsers cannot set other headers on a WebSocket,
/// and a query string would end up in logs and history.
pub const TOKEN_PREFIX: &str = "portcheck.token.";

pub struct Gate {
    token: String,
    origins: Vec<String>,
    allow_null: bool,
    max_connections: usize,
    open: Arc<AtomicUsize>,
}

/// Why a handshake was refused, for the response and the audit line (never the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Origin,
    Token,
    Busy,
}

impl Refusal {
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::Origin => StatusCode::FORBIDDEN,
            Refusal::Token => StatusCode::UNAUTHORIZED,
            Refusal::Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            Refusal::Origin => "origin not allowed",
            Refusal::Token => "missing or wrong token",
            Refusal::Busy => "too many connections",
        }
    }
}

/// Holds one connection slot until dropped; it moves into the session it admits.
pub struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Gate {
    /// `own` are the probe's own origins; `extra` come from --allow-origin.
    pub fn new(
        token: String,
        own: Vec<String>,
        extra: &[String],
        max_connections: usize,
    ) -> Result<Gate, String> {
        let mut origins = Vec::new();
        for o in &own {
            origins.push(normalize(o).ok_or_else(|| format!("{o} is not an origin"))?);
        }
        let mut allow_null = false;
        for o in extra {
            if o == "null" {
                allow_null = true;
            } else {
                origins.push(normalize(o).ok_or_else(|| {
                    format!("--allow-origin {o}: write an origin as scheme://host[:port], e.g. https://docs.example.com")
                })?);
            }
        }
        Ok(Gate {
            token,
            origins,
            allow_null,
            max_connections,
            open: Arc::new(AtomicUsize::new(0)),
        })
    }

    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.origins
            .iter()
            .map(String::as_str)
            .chain(self.allow_null.then_some("null"))
    }

    /// The page's origin when this probe accepts it: `Ok(None)` without an Origin header,
    /// `Ok(Some(origin))` for one accepted origin, exactly as sent.
    pub fn origin<'h>(&self, headers: &'h HeaderMap) -> Result<Option<&'h HeaderValue>, Refusal> {
        let origins: Vec<&HeaderValue> = headers.get_all(header::ORIGIN).iter().collect();
        match origins.as_slice() {
            [] => Ok(None),
            [origin] if *origin == "null" && self.allow_null => Ok(Some(origin)),
            [origin]
                if serialized_origin(origin)
                    .is_some_and(|o| self.origins.iter().any(|allowed| allowed == o)) =>
            {
                Ok(Some(origin))
            }
            _ => Err(Refusal::Origin),
        }
    }

    /// Whether every session slot is taken.
    pub fn busy(&self) -> bool {
        self.open.load(Ordering::SeqCst) >= self.max_connections
    }

    /// Origin, then token, then a free slot. A missing Origin (a command-line client) is
    /// accepted: the token is what every client must prove.
    pub fn admit(&self, headers: &HeaderMap) -> Result<Slot, Refusal> {
        self.origin(headers)?;
        let offered = headers
            .get_all(header::SEC_WEBSOCKET_PROTOCOL)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|p| p.trim().strip_prefix(TOKEN_PREFIX))
            .any(|t| constant_time_eq(t.as_bytes(), self.token.as_bytes()));
        if !offered {
            return Err(Refusal::Token);
        }
        let previous = self.open.fetch_add(1, Ordering::SeqCst);
        if previous >= self.max_connections {
            self.open.fetch_sub(1, Ordering::SeqCst);
            return Err(Refusal::Busy);
        }
        Ok(Slot(self.open.clone()))
    }
}

/// An origin as a person writes it for --allow-origin (any case, a default port, a trailing
/// slash), in the serialized form browsers send; `None` when it is not an origin at all.
fn normalize(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin.trim()).ok()?;
    let bare = url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    let serialized = url.origin().ascii_serialization();
    (bare && matches!(url.scheme(), "http" | "https")).then_some(serialized)
}

/// An Origin header as browsers write it: exactly the ASCII serialization of an origin
/// (RFC 6454), so `http://host:port//`, `http://host:port:80`, upper case or a byte outside
/// ASCII are not origins, and are refused rather than read as something else or as none.
fn serialized_origin(value: &HeaderValue) -> Option<&str> {
    let text = value.to_str().ok()?;
    let url = url::Url::parse(text).ok()?;
    (url.origin().ascii_serialization() == text).then_some(text)
}

/// Compares without an early exit (`subtle`), so timing does not reveal how much of a guess was
/// right. The token's length is public (every token is 43 characters).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

/// A 256-bit random token, URL-safe.
pub fn new_token() -> Result<String, String> {
    use base64::Engine;
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| "the system random number generator failed".to_owned())?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(extra: &[&str]) -> Gate {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        Gate::new(
            "secret-token".into(),
            vec!["http://127.0.0.1:8790".into()],
            &extra,
            1,
        )
        .unwrap()
    }

    fn headers(origin: Option<&str>, protocols: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        h.insert(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_str(protocols).unwrap(),
        );
        h
    }

    const GOOD: &str = "portcheck.v1, portcheck.token.secret-token";

    #[test]
    fn origins_match_exactly_after_normalisation() {
        let g = gate(&["https://docs.example.com"]);
        assert!(g
            .admit(&headers(Some("https://docs.example.com"), GOOD))
            .is_ok());
        let loose = gate(&["HTTPS://DOCS.EXAMPLE.COM:443/"]);
        assert!(
            loose
                .admit(&headers(Some("https://docs.example.com"), GOOD))
                .is_ok(),
            "--allow-origin may be written loosely"
        );
        for bad in [
            "HTTPS://DOCS.EXAMPLE.COM",
            "https://docs.example.com:443",
            "https://docs.example.com/",
            "https://docs.example.com.evil.net",
            "http://docs.example.com",
            "https://evil.example",
            "null",
            "file://",
            "https://docs.example.com:8443",
        ] {
            assert_eq!(
                g.admit(&headers(Some(bad), GOOD)).err(),
                Some(Refusal::Origin),
                "{bad}"
            );
        }
    }

    #[test]
    fn null_origin_only_when_allowed_and_never_without_token() {
        let g = gate(&["null"]);
        assert!(g.admit(&headers(Some("null"), GOOD)).is_ok());
        assert_eq!(
            g.admit(&headers(Some("null"), "portcheck.v1")).err(),
            Some(Refusal::Token)
        );
    }

    #[test]
    fn tokens_must_match_exactly() {
        let g = gate(&[]);
        for bad in [
            "portcheck.v1",
            "portcheck.v1, portcheck.token.secret-tokeN",
            "portcheck.token.secret-token-",
            "portcheck.token.secret",
        ] {
            assert_eq!(
                g.admit(&headers(None, bad)).err(),
                Some(Refusal::Token),
                "{bad}"
            );
        }
        assert!(
            g.admit(&headers(None, GOOD)).is_ok(),
            "a command-line client without Origin"
        );
    }

    #[test]
    fn connections_are_counted_and_released() {
        let g = gate(&[]);
        let first = g.admit(&headers(None, GOOD)).unwrap();
        assert_eq!(g.admit(&headers(None, GOOD)).err(), Some(Refusal::Busy));
        drop(first);
        assert!(g.admit(&headers(None, GOOD)).is_ok());
    }

    #[test]
    fn bad_allow_origin_values_are_refused() {
        let e = Gate::new("t".into(), Vec::new(), &["docs.example.com".into()], 1)
            .err()
            .unwrap();
        assert!(e.contains("scheme://host"), "{e}");
    }

    #[test]
    fn tokens_are_random_and_256_bits() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }
}
