//! Palette's fallback when HTTP/2 cannot pass: its agent tunnels gRPC through a WebSocket over
//! HTTPS with HTTP/1.1. When the handshake step found no HTTP/2, this step opens a second
//! connection, negotiates `http/1.1` and asks for a WebSocket upgrade of `/`. The upgrade
//! request is the only application data any check sends, and the socket is closed as soon as
//! the answer's head is read.

use super::{Step, Verdict};
use rules::plan::Check;
use rules::protocol::reply::Stage;
use std::time::Instant;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

/// What the fallback path looks like from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fallback {
    /// The server switched protocols: the upgrade passed end to end.
    Upgraded,
    /// The server answered the HTTP/1.1 request itself, over TLS nothing in the path could read,
    /// so nothing could have stripped the upgrade headers either. Palette's WebSocket path is
    /// not documented, so a refusal at `/` says nothing against it.
    Answered,
    /// No HTTP/1.1 answer, or one from a device that decrypts the traffic and may not pass
    /// upgrades: the fallback is not proven.
    Unproven,
}

/// Runs the upgrade over `stream`, a fresh connection by the same route as the handshake step.
/// `inspected` says whether that step found something re-signing the traffic.
pub(crate) async fn upgrade(
    check: &Check,
    stream: TcpStream,
    trust: &super::tls::Trust,
    inspected: bool,
    steps: &mut Vec<Step>,
) -> Fallback {
    let started = Instant::now();
    let (fallback, detail) = match try_upgrade(check, stream, trust).await {
        Ok(101) => (
            Fallback::Upgraded,
            "WebSocket upgrade accepted (101 Switching Protocols) over HTTP/1.1".to_owned(),
        ),
        Ok(status) if !inspected => (
            Fallback::Answered,
            format!("the server answered the HTTP/1.1 upgrade request itself ({status}) over end-to-end TLS: the path passes HTTP/1.1 upgrades"),
        ),
        Ok(status) => (
            Fallback::Unproven,
            format!("answered {status} through a device that decrypts TLS: the upgrade may be stripped on the way"),
        ),
        Err(e) => (Fallback::Unproven, e),
    };
    steps.push(Step::timed(
        Stage::Websocket,
        started,
        fallback != Fallback::Unproven,
        detail,
    ));
    fallback
}

/// The HTTP status the upgrade request got, or what went wrong before one came.
async fn try_upgrade(
    check: &Check,
    stream: TcpStream,
    trust: &super::tls::Trust,
) -> Result<u16, String> {
    let tls = super::tls::connect(check, stream, trust.recorder(false), &[b"http/1.1"])
        .await
        .map_err(|f| f.cause)?
        .map_err(|e| format!("TLS with ALPN http/1.1 failed ({e}): the server speaks only HTTP/2, or the path cut the handshake"))?;
    let request = format!("wss://{}/", check.authority())
        .into_client_request()
        .map_err(|e| format!("cannot form the upgrade request: {e}"))?;
    match tokio_tungstenite::client_async(request, tls).await {
        Ok((_socket, response)) => Ok(response.status().as_u16()),
        Err(tungstenite::Error::Http(response)) => Ok(response.status().as_u16()),
        Err(e) => Err(format!("no HTTP/1.1 answer to the upgrade request: {e}")),
    }
}

/// The verdict of a gRPC check without HTTP/2: the WebSocket fallback decides between a warning
/// and a failure.
pub(crate) fn judge(fallback: Fallback) -> (Verdict, &'static str) {
    match fallback {
        Fallback::Upgraded | Fallback::Answered => (
            Verdict::Warn,
            "no HTTP/2; the WebSocket fallback over HTTP/1.1 passes",
        ),
        Fallback::Unproven => (
            Verdict::Fail,
            "neither HTTP/2 nor the WebSocket fallback passes",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_http2_the_fallback_decides() {
        assert_eq!(judge(Fallback::Upgraded).0, Verdict::Warn);
        assert_eq!(judge(Fallback::Answered).0, Verdict::Warn);
        assert_eq!(judge(Fallback::Unproven).0, Verdict::Fail);
    }
}
