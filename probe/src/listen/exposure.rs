//! Who may reach a listening probe. Loopback unless the person says `--expose`; and only
//! requests whose Host header names this server: anything else is a DNS-rebinding attempt, a
//! public name re-pointed at 127.0.0.1 so a web page can read this server's responses (the
//! app and its pairing, or `watch`'s metrics, which map the customer's network).

use super::peer_log::PeerLog;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// Refuses an address other machines can reach without `--expose`, an unspecified one nobody
/// writes in a Host header without `--allow-host`, and `--allow-host` values that are not a
/// host and a port. `flag` is the option that named the address, for the message.
pub fn check(
    flag: &str,
    address: SocketAddr,
    expose: bool,
    allow_hosts: &[String],
) -> Result<(), String> {
    let ip = address.ip();
    if !ip.is_loopback() && !expose {
        return Err(format!(
            "{flag} {ip} is not a loopback address; add --expose if you really want other machines to reach this server"
        ));
    }
    if ip.is_unspecified() && allow_hosts.is_empty() {
        return Err(format!(
            "{flag} {ip} listens on every address, but no client writes it in the Host header: name the ones they use with --allow-host (e.g. --allow-host jumphost.corp.example:{})",
            address.port()
        ));
    }
    for host in allow_hosts {
        let valid = host.rsplit_once(':').is_some_and(|(name, port)| {
            port.parse::<u16>().is_ok()
                && rules::endpoint::parse_host(name.trim_start_matches('[').trim_end_matches(']'))
                    .is_ok()
        });
        if !valid {
            return Err(format!(
                "--allow-host {}: write a host name or address with its port, e.g. jumphost.corp.example:{}",
                rules::endpoint::printable(host),
                address.port()
            ));
        }
    }
    Ok(())
}

/// The Host values a client sends when it really means this server: the bound address
/// (`localhost` too on loopback) and the `--allow-host` values, lower-cased.
pub fn allowed_hosts(local: SocketAddr, allow_hosts: &[String]) -> Vec<String> {
    let port = local.port();
    // 0.0.0.0 and :: are nobody's address: a Host header naming them is forged.
    let mut hosts = Vec::new();
    if !local.ip().is_unspecified() {
        hosts.push(match local {
            SocketAddr::V4(a) => a.to_string(),
            SocketAddr::V6(a) => format!("[{}]:{port}", a.ip()),
        });
    }
    if local.ip().is_loopback() {
        hosts.push(format!("localhost:{port}"));
    }
    hosts.extend(allow_hosts.iter().map(|h| h.to_ascii_lowercase()));
    hosts
}

/// A listening socket, the address it got (a port 0 picks one) and the Host values to accept.
pub struct Bound {
    pub listener: tokio::net::TcpListener,
    pub local: SocketAddr,
    pub hosts: Vec<String>,
}

/// Listens on `address` (already `check`ed).
pub async fn bind(address: SocketAddr, allow_hosts: &[String]) -> Result<Bound, String> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    Ok(Bound {
        listener,
        local,
        hosts: allowed_hosts(local, allow_hosts),
    })
}

pub struct HostCheck {
    pub allowed: Vec<String>,
    pub peer_log: Arc<PeerLog>,
}

/// The middleware that answers 421 to a request whose Host is not one of `allowed`.
pub async fn check_host(
    State(check): State<Arc<HostCheck>>,
    request: Request,
    next: Next,
) -> Response {
    // One Host header only: with two, which one a proxy or the router reads is anyone's guess.
    let mut values = request.headers().get_all(header::HOST).iter();
    let host = match (values.next(), values.next()) {
        (Some(h), None) => h.to_str().ok().map(str::to_ascii_lowercase),
        _ => None,
    };
    match host {
        Some(h) if check.allowed.contains(&h) => next.run(request).await,
        _ => {
            if let Some(not_logged) = check.peer_log.admit() {
                let host = host.as_deref().map(rules::endpoint::printable);
                tracing::warn!(host = ?host, not_logged, "refused a request with an unexpected Host header");
            }
            (StatusCode::MISDIRECTED_REQUEST, "unexpected Host header\n").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_include_localhost_with_port() {
        let hosts = allowed_hosts("127.0.0.1:8790".parse().unwrap(), &[]);
        assert_eq!(hosts, vec!["127.0.0.1:8790", "localhost:8790"]);
    }

    #[test]
    fn an_unspecified_bind_address_is_never_an_allowed_host() {
        assert!(allowed_hosts("0.0.0.0:8790".parse().unwrap(), &[]).is_empty());
        assert!(allowed_hosts("[::]:8790".parse().unwrap(), &[]).is_empty());
        assert_eq!(
            allowed_hosts(
                "0.0.0.0:9469".parse().unwrap(),
                &["Jump.Example:9469".into()]
            ),
            vec!["jump.example:9469"]
        );
    }

    #[test]
    fn ipv6_loopback_host_is_bracketed() {
        let hosts = allowed_hosts("[::1]:9000".parse().unwrap(), &[]);
        assert_eq!(hosts, vec!["[::1]:9000", "localhost:9000"]);
    }

    #[test]
    fn exposure_needs_saying_and_names_the_option() {
        let lan: SocketAddr = "192.0.2.10:9469".parse().unwrap();
        let refused = check("--listen", lan, false, &[]).unwrap_err();
        assert!(
            refused.starts_with("--listen 192.0.2.10 is not a loopback address"),
            "{refused}"
        );
        assert!(check("--listen", lan, true, &[]).is_ok());
        let any: SocketAddr = "0.0.0.0:9469".parse().unwrap();
        assert!(check("--bind", any, true, &[])
            .unwrap_err()
            .contains("--allow-host"));
        let bad = check("--bind", any, true, &["\u{1b}[2Jhost".into()]).unwrap_err();
        assert!(!bad.contains('\u{1b}'), "{bad}");
    }
}
