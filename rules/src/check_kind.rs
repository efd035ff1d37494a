//! How a flow is proven by connecting: the rule data names it per rule, the plan carries it to
//! the probe, the probe runs it. One type for all three so nothing re-reads the protocol text.

use serde::{Deserialize, Serialize};

/// How far a check goes. Each includes DNS (for names) and the TCP connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// A TCP connection is accepted.
    Tcp,
    /// A TLS handshake completes; the chain is reported and checked for inspection.
    Tls,
    /// TLS with ALPN `h2` for gRPC, and the WebSocket-over-HTTP/1.1 fallback.
    Grpc,
    /// A plain HTTP request is answered; through a proxy it is sent in absolute form, as HTTP
    /// clients do, never tunnelled with CONNECT (which proxies refuse for port 80).
    Http,
}

impl CheckKind {
    /// The spelling in rule data and plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Tcp => "tcp",
            CheckKind::Tls => "tls",
            CheckKind::Grpc => "grpc",
            CheckKind::Http => "http",
        }
    }

    /// Whether an HTTP proxy can carry it: HTTP itself, and what runs over TLS (CONNECT). A
    /// bare TCP protocol (SSH, NATS, etcd) never goes through one.
    pub fn proxiable(self) -> bool {
        !matches!(self, CheckKind::Tcp)
    }
}
