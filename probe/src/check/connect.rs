use super::{Failure, Step};
use rules::protocol::reply::Stage;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// How long an attempt gets before the next address is tried alongside it: RFC 8305's
/// recommended Connection Attempt Delay (Go's dialer, which Palette's agents use, waits 300 ms).
pub(crate) const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// Happy Eyeballs (RFC 8305): the addresses in alternating families, the next attempt started
/// when the last one fails or `ATTEMPT_DELAY` passes, the first to connect wins and the others
/// are dropped. A black-holed IPv6 address then costs 250 ms instead of the whole check, and is
/// not reported as a DROP on a path that works over IPv4. Every attempt is a step.
pub(crate) async fn tcp(
    addresses: &[SocketAddr],
    steps: &mut Vec<Step>,
) -> Result<TcpStream, Failure> {
    let order = interleave(addresses);
    let mut pending = order.iter().copied().enumerate();
    let mut attempts = JoinSet::new();
    let mut started_at = vec![None; order.len()];
    let mut last_error = None;
    let start = |attempts: &mut JoinSet<_>,
                 started_at: &mut Vec<Option<Instant>>,
                 (i, address): (usize, SocketAddr)| {
        started_at[i] = Some(Instant::now());
        attempts.spawn(async move { (i, TcpStream::connect(address).await) });
    };
    if let Some(first) = pending.next() {
        start(&mut attempts, &mut started_at, first);
    }
    loop {
        let next_due = tokio::time::sleep(ATTEMPT_DELAY);
        tokio::select! {
            joined = attempts.join_next() => {
                let Some(joined) = joined else { break };
                let Ok((i, outcome)) = joined else { continue };
                let began = started_at[i].unwrap_or_else(Instant::now);
                match outcome {
                    Ok(stream) => {
                        steps.push(Step::timed(Stage::Tcp, began, true, format!("connected to {}", order[i])).with_peer(order[i]));
                        for (j, when) in started_at.iter().enumerate() {
                            if let (Some(when), false) = (when, j == i) {
                                if !steps_has_outcome(steps, order[j]) {
                                    steps.push(Step::timed(Stage::Tcp, *when, false, format!("{}: no answer yet; {} answered first", order[j], order[i])).with_peer(order[j]));
                                }
                            }
                        }
                        attempts.abort_all();
                        return Ok(stream);
                    }
                    Err(e) => {
                        steps.push(Step::timed(Stage::Tcp, began, false, format!("{}: {e}", order[i])).with_peer(order[i]));
                        last_error = Some((order[i], e));
                        // A failed attempt starts the next one at once.
                        if let Some(next) = pending.next() {
                            start(&mut attempts, &mut started_at, next);
                        }
                    }
                }
            }
            () = next_due, if pending.len() > 0 => {
                if let Some(next) = pending.next() {
                    start(&mut attempts, &mut started_at, next);
                }
            }
        }
    }
    Err(match last_error {
        Some((address, e)) => classify(address, &e),
        None => Failure {
            summary: "no address to connect to".into(),
            cause: "the name resolved to no address".into(),
            remediation: "check the DNS records of the destination".into(),
        },
    })
}

/// Whether an attempt to `address` already has its step (failed attempts record their own).
fn steps_has_outcome(steps: &[Step], address: SocketAddr) -> bool {
    steps
        .iter()
        .any(|s| s.name == Stage::Tcp && s.peer == Some(address))
}

/// RFC 8305 section 4: the resolver's order, alternating address families from the first.
fn interleave(addresses: &[SocketAddr]) -> Vec<SocketAddr> {
    let Some(first) = addresses.first() else {
        return Vec::new();
    };
    let (mut same, mut other): (std::collections::VecDeque<_>, std::collections::VecDeque<_>) =
        addresses
            .iter()
            .copied()
            .partition(|a| a.is_ipv6() == first.is_ipv6());
    let mut out = Vec::with_capacity(addresses.len());
    while !same.is_empty() || !other.is_empty() {
        out.extend(same.pop_front());
        out.extend(other.pop_front());
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_alternate_from_the_first_address() {
        let a = |s: &str| s.parse::<SocketAddr>().unwrap();
        let order = interleave(&[
            a("[::1]:1"),
            a("[::2]:1"),
            a("10.0.0.1:1"),
            a("10.0.0.2:1"),
            a("[::3]:1"),
        ]);
        assert_eq!(
            order,
            [
                a("[::1]:1"),
                a("10.0.0.1:1"),
                a("[::2]:1"),
                a("10.0.0.2:1"),
                a("[::3]:1")
            ]
        );
        assert!(interleave(&[]).is_empty());
    }

    /// An address that never answers (a listener whose backlog is full stands in for a
    /// black hole on loopback) does not hold the connection up past the attempt delay.
    #[tokio::test]
    async fn a_silent_address_costs_one_attempt_delay() {
        let good = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let good_addr = good.local_addr().unwrap();
        // 192.0.2.1 (TEST-NET-1) is not routed on a test machine or answers nothing in time.
        let silent: SocketAddr = "192.0.2.1:9".parse().unwrap();
        let mut steps = Vec::new();
        let started = Instant::now();
        let stream = tcp(&[silent, good_addr], &mut steps).await;
        assert!(stream.is_ok(), "{steps:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert!(steps
            .iter()
            .any(|s| s.ok && s.detail == format!("connected to {good_addr}")));
    }
}
