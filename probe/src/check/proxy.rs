//! Reaching a target through an HTTP proxy with CONNECT, as Palette's agents do.

use super::connect::classify;
use super::{dns, Failure, Step};
use rules::plan::Check;
use rules::protocol::reply::Stage;
use std::net::SocketAddr;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A proxy's reply head is a few hundred bytes; more is not a proxy we understand.
const MAX_REPLY: usize = 8 * 1024;

/// A connection to the proxy itself, and where it went (for the steps' details and errors).
pub(crate) struct Reached {
    pub stream: TcpStream,
    pub address: SocketAddr,
    /// `host:port` of the proxy as the plan names it.
    pub name: String,
}

pub(crate) async fn reach(proxy: &str, steps: &mut Vec<Step>) -> Result<Reached, Failure> {
    let endpoint = rules::endpoint::parse_endpoint(proxy).map_err(|e| Failure {
        summary: "the proxy address is not usable".into(),
        cause: e,
        remediation: "fix the proxy URL in the answers".into(),
    })?;
    let port = endpoint.port.unwrap_or(3128);
    let host = endpoint.host.to_string();
    let addresses = dns::resolve(&host, port, steps).await?;
    let stream = super::connect::tcp(&addresses, steps)
        .await
        .map_err(|f| Failure {
            summary: format!("cannot reach the proxy: {}", f.summary),
            ..f
        })?;
    let address = stream.peer_addr().unwrap_or(addresses[0]);
    Ok(Reached {
        stream,
        address,
        name: format!("{host}:{port}"),
    })
}

pub(crate) async fn tunnel(
    check: &Check,
    proxy: &str,
    auth: Option<&str>,
    steps: &mut Vec<Step>,
) -> Result<TcpStream, Failure> {
    let Reached {
        mut stream,
        address,
        name,
    } = reach(proxy, steps).await?;
    let started = Instant::now();
    let target = check.authority();
    let request = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n{}\r\n",
        authorization(auth)
    );
    let reply = exchange(&mut stream, address, &request).await?;
    let ok = (200..300).contains(&reply.code);
    steps.push(Step::timed(
        Stage::Proxy,
        started,
        ok,
        format!("CONNECT {target} via {name}: {}", reply.status_line),
    ));
    match reply.code {
        200..=299 => Ok(stream),
        407 => Err(credentials_refused(auth)),
        403 => Err(Failure {
            summary: format!("the proxy refuses CONNECT to {target}"),
            cause: reply.status_line,
            remediation: format!("allow CONNECT to {target} in the proxy's rules (for Squid: the port in SSL_ports, the domain in an allow ACL)"),
        }),
        _ => Err(Failure {
            summary: "the proxy did not open a tunnel".into(),
            cause: reply.explained_status(),
            remediation: "check that the address is an HTTP proxy that allows CONNECT".into(),
        }),
    }
}

/// The `Proxy-Authorization` header line, or nothing.
pub(crate) fn authorization(auth: Option<&str>) -> String {
    auth.map_or_else(String::new, |credentials| {
        format!("Proxy-Authorization: Basic {credentials}\r\n")
    })
}

pub(crate) fn credentials_refused(auth: Option<&str>) -> Failure {
    Failure {
        summary: "the proxy asks for credentials".into(),
        cause: "407 Proxy Authentication Required".into(),
        remediation: if auth.is_some() {
            "the credentials from the environment were refused; check them".into()
        } else {
            "set the credentials in HTTPS_PROXY (http://user:password@proxy:port) in the probe's environment".into()
        },
    }
}

/// An HTTP reply head: its status and header lines.
pub(crate) struct Reply {
    /// 0 when the answer was not HTTP.
    pub code: u16,
    pub status_line: String,
    pub head: String,
}

impl Reply {
    fn parse(head: String) -> Reply {
        // The line reaches terminals, logs and tickets: never raw.
        let status_line = rules::endpoint::printable(head.lines().next().unwrap_or_default());
        let code = status_line
            .strip_prefix("HTTP/")
            .and_then(|rest| rest.split_whitespace().nth(1))
            .and_then(|c| c.parse().ok())
            .filter(|c| (100..600).contains(c))
            .unwrap_or(0);
        Reply {
            code,
            status_line,
            head,
        }
    }

    /// Whether the proxy wrote this reply itself (Squid's `X-Squid-Error`, RFC 9209's
    /// `Proxy-Status`) rather than passing on the destination's.
    pub fn written_by_proxy(&self) -> bool {
        self.head.lines().skip(1).any(|line| {
            let name = line.split(':').next().unwrap_or_default().trim();
            name.eq_ignore_ascii_case("x-squid-error") || name.eq_ignore_ascii_case("proxy-status")
        })
    }

    /// The status line, or what came instead of one.
    pub fn explained_status(&self) -> String {
        if self.status_line.is_empty() {
            format!(
                "no HTTP answer, or a reply head longer than {} KiB",
                MAX_REPLY / 1024
            )
        } else {
            self.status_line.clone()
        }
    }
}

/// Sends a request and reads the reply head.
pub(crate) async fn exchange(
    stream: &mut TcpStream,
    address: SocketAddr,
    request: &str,
) -> Result<Reply, Failure> {
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| classify(address, &e))?;
    let head = read_head(stream).await.map_err(|e| classify(address, &e))?;
    Ok(Reply::parse(head))
}

/// Reads up to the blank line that ends the reply head, and not a byte further: what follows
/// belongs to the tunnel. A head that does not end within `MAX_REPLY` is not an HTTP reply we
/// understand, whatever its first line says.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_REPLY {
            return Ok(String::new());
        }
        if stream.read(&mut byte).await? == 0 {
            break;
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}
