use super::{Failure, Step};
use rules::protocol::reply::Stage;
use std::net::SocketAddr;
use std::time::Instant;

/// Resolves the host with the system resolver (as Palette's agents do); IP literals pass
/// through. The step names the configured name servers, since users ask which one answered.
pub(crate) async fn resolve(
    host: &str,
    port: u16,
    steps: &mut Vec<Step>,
) -> Result<Vec<SocketAddr>, Failure> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let started = Instant::now();
    match tokio::net::lookup_host((host, port)).await {
        Ok(found) => {
            // A name can point anywhere (DNS rebinding): addresses no Palette flow ever goes to
            // (metadata services, link-local, multicast) are not connected to, whatever the
            // plan's name.
            let (addresses, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = found.partition(|a| {
                rules::target::never_a_palette_target(&rules::endpoint::Host::Ip(a.ip())).is_none()
            });
            if addresses.is_empty() && !refused.is_empty() {
                let list: Vec<String> = refused.iter().map(|a| a.ip().to_string()).collect();
                steps.push(Step::timed(
                    Stage::Dns,
                    started,
                    false,
                    format!("{host} -> {} (refused)", list.join(", ")),
                ));
                return Err(Failure {
                    summary: format!("{host} resolves only to addresses no Palette flow uses"),
                    cause: format!(
                        "{host} resolves to {}: a metadata service, link-local, multicast or unspecified address",
                        list.join(", ")
                    ),
                    remediation: "check the DNS records of the destination; the probe does not connect there".into(),
                });
            }
            let list: Vec<String> = addresses.iter().map(|a| a.ip().to_string()).collect();
            steps.push(Step::timed(
                Stage::Dns,
                started,
                true,
                format!("{host} -> {} (resolvers: {})", list.join(", "), resolvers()),
            ));
            Ok(addresses)
        }
        Err(e) => {
            steps.push(Step::timed(
                Stage::Dns,
                started,
                false,
                format!("{host}: {e} (resolvers: {})", resolvers()),
            ));
            Err(Failure {
                summary: format!("{host} does not resolve"),
                cause: format!("the name server answered with an error or not at all: {e}"),
                remediation: "check the DNS servers this machine uses and that they resolve the name (split DNS, conditional forwarders)".into(),
            })
        }
    }
}

/// The name servers of /etc/resolv.conf, for the report.
fn resolvers() -> String {
    let servers: Vec<String> = std::fs::read_to_string("/etc/resolv.conf")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .map(|s| s.trim().to_owned())
        .take(3)
        .collect();
    if servers.is_empty() {
        "system default".to_owned()
    } else {
        servers.join(", ")
    }
}
