//! Reaching a target through an HTTP proxy with CONNECT, as Palette's agents do.

use super::connect::classify;
use super::{dns, Failure, Step};
use rules::plan::Check;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A proxy's reply head is a few hundred bytes; more is not a proxy we understand.
const MAX_REPLY: usize = 8 * 1024;

pub(crate) async fn tunnel(
    check: &Check,
    proxy: &str,
    auth: Option<&str>,
    steps: &mut Vec<Step>,
) -> Result<TcpStream, Failure> {
    let endpoint = rules::endpoint::parse_endpoint(proxy).map_err(|e| Failure {
        summary: "the proxy address is not usable".into(),
        cause: e,
        remediation: "fix the proxy URL in the answers".into(),
    })?;
    let port = endpoint.port.unwrap_or(3128);
    let host = endpoint.host.to_string();
    let addresses = dns::resolve(&host, port, steps).await?;
    let mut stream = super::connect::tcp(&addresses, steps)
        .await
        .map_err(|f| Failure {
            summary: format!("cannot reach the proxy: {}", f.summary),
            ..f
        })?;
    let started = Instant::now();
    let target = check.authority();
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(credentials) = auth {
        request.push_str(&format!("Proxy-Authorization: Basic {credentials}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| classify(addresses[0], &e))?;
    let head = read_head(&mut stream)
        .await
        .map_err(|e| classify(addresses[0], &e))?;
    let status_line = head.lines().next().unwrap_or_default().to_owned();
    let code: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let ok = (200..300).contains(&code);
    steps.push(Step::timed(
        "proxy",
        started,
        ok,
        format!("CONNECT {target} via {host}:{port}: {status_line}"),
    ));
    match code {
        200..=299 => Ok(stream),
        407 => Err(Failure {
            summary: "the proxy asks for credentials".into(),
            cause: "407 Proxy Authentication Required".into(),
            remediation: if auth.is_some() {
                "the credentials from the environment were refused; check them".into()
            } else {
                "set the credentials in HTTPS_PROXY (http://user:password@proxy:port) in the probe's environment".into()
            },
        }),
        403 => Err(Failure {
            summary: format!("the proxy refuses CONNECT to {target}"),
            cause: status_line,
            remediation: format!("allow CONNECT to {target} in the proxy's rules (for Squid: the port in SSL_ports, the domain in an allow ACL)"),
        }),
        _ => Err(Failure {
            summary: "the proxy did not open a tunnel".into(),
            cause: if status_line.is_empty() { format!("no HTTP answer, or a reply head longer than {} KiB", MAX_REPLY / 1024) } else { status_line },
            remediation: "check that the address is an HTTP proxy that allows CONNECT".into(),
        }),
    }
}

/// Reads up to the blank line that ends the reply head, and not a byte further: what follows
/// belongs to the tunnel. A head that does not end within `MAX_REPLY` is not a CONNECT reply,
/// whatever its first line says.
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
