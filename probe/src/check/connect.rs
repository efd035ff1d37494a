use super::{Failure, Step};
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Instant;
use tokio::net::TcpStream;

/// Connects to the first address that accepts; the failure of the last one explains the rest.
pub(crate) async fn tcp(
    addresses: &[SocketAddr],
    steps: &mut Vec<Step>,
) -> Result<TcpStream, Failure> {
    let mut last = None;
    for address in addresses {
        let started = Instant::now();
        match TcpStream::connect(address).await {
            Ok(stream) => {
                steps.push(Step::timed(
                    "tcp",
                    started,
                    true,
                    format!("connected to {address}"),
                ));
                return Ok(stream);
            }
            Err(e) => {
                steps.push(Step::timed(
                    "tcp",
                    started,
                    false,
                    format!("{address}: {e}"),
                ));
                last = Some((*address, e));
            }
        }
    }
    Err(match last {
        Some((address, e)) => classify(address, &e),
        None => Failure {
            summary: "no address to connect to".into(),
            cause: "the name resolved to no address".into(),
            remediation: "check the DNS records of the destination".into(),
        },
    })
}

/// Refused, unreachable and timed out mean different things to a network engineer.
pub(crate) fn classify(address: SocketAddr, e: &std::io::Error) -> Failure {
    match e.kind() {
        ErrorKind::ConnectionRefused => Failure {
            summary: format!("{address} refused the connection"),
            cause: "the host answered with a reset: nothing listens on the port, or a firewall rejects the connection".into(),
            remediation: "check that the service runs on this port, and that no firewall REJECT rule applies".into(),
        },
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => Failure {
            summary: format!("{address} is unreachable"),
            cause: format!("a router or this host has no route to it ({e})"),
            remediation: "check routing and the firewall between this host and the destination".into(),
        },
        ErrorKind::TimedOut => Failure {
            summary: format!("{address} did not answer"),
            cause: "the connection attempt timed out: packets are dropped on the way (firewall DROP) or the host is down".into(),
            remediation: "open the flow in the firewall, or check that the destination is up".into(),
        },
        _ => Failure {
            summary: format!("cannot connect to {address}"),
            cause: e.to_string(),
            remediation: "check the network path to the destination".into(),
        },
    }
}
