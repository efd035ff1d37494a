//! A plain HTTP check: the destination answers an HTTP request. Through the proxy the request
//! goes in absolute form (`HEAD http://host:port/`), the way HTTP clients use a proxy for plain
//! HTTP; a CONNECT tunnel to port 80 or 8080 is what proxies refuse by default.

use super::proxy::{self, Reply};
use super::{Failure, Step};
use rules::plan::Check;
use rules::protocol::reply::Stage;
use rules::protocol::reply::Verdict;
use std::time::Instant;
use tokio::net::TcpStream;

/// Asks the already connected destination for its root.
pub(crate) async fn direct(
    check: &Check,
    mut stream: TcpStream,
    steps: &mut Vec<Step>,
) -> Result<(Verdict, String), Failure> {
    let started = Instant::now();
    let address = stream
        .peer_addr()
        .unwrap_or_else(|_| ([0, 0, 0, 0], check.port).into());
    let request = request_head("/", &check.authority(), "");
    let reply = proxy::exchange(&mut stream, address, &request).await?;
    let ok = reply.code != 0;
    steps.push(Step::timed(
        Stage::Http,
        started,
        ok,
        format!("HEAD /: {}", reply.explained_status()),
    ));
    if ok {
        Ok((Verdict::Pass, format!("HTTP answered {}", reply.code)))
    } else {
        Err(not_http(&reply))
    }
}

/// Asks the proxy to fetch the destination's root: the proxy's own errors fail the check, any
/// answer of the destination passes it.
pub(crate) async fn via_proxy(
    check: &Check,
    proxy_url: &str,
    auth: Option<&str>,
    steps: &mut Vec<Step>,
) -> Result<(Verdict, String), Failure> {
    let mut reached = proxy::reach(proxy_url, steps).await?;
    let started = Instant::now();
    let target = format!("http://{}/", check.authority());
    let request = request_head(&target, &check.authority(), &proxy::authorization(auth));
    let reply = proxy::exchange(&mut reached.stream, reached.address, &request).await?;
    let refused = reply.code == 0 || reply.code == 407 || reply.written_by_proxy();
    steps.push(Step::timed(
        Stage::Proxy,
        started,
        !refused,
        format!(
            "HEAD {target} via {}: {}",
            reached.name,
            reply.explained_status()
        ),
    ));
    match reply.code {
        0 => Err(not_http(&reply)),
        407 => Err(proxy::credentials_refused(auth)),
        code if reply.written_by_proxy() => Err(Failure {
            summary: format!("the proxy did not fetch {target}"),
            cause: format!(
                "the proxy answered {code} itself: {}",
                reply.explained_status()
            ),
            remediation: format!(
                "allow {} in the proxy's rules, and check that the proxy can reach it",
                check.authority()
            ),
        }),
        code => Ok((
            Verdict::Pass,
            format!("HTTP answered {code} through the proxy"),
        )),
    }
}

fn request_head(target: &str, authority: &str, extra: &str) -> String {
    format!(
        "HEAD {target} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: palette-portcheck/{}\r\n{extra}Connection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    )
}

fn not_http(reply: &Reply) -> Failure {
    Failure {
        summary: "the connection was accepted, but the answer is not HTTP".into(),
        cause: reply.explained_status(),
        remediation: "check that the service on this port speaks plain HTTP (not HTTPS), and that no middlebox answers in its place".into(),
    }
}
