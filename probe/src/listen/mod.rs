//! The probe's HTTP listeners (`serve`, `watch`): who may reach them (`exposure`), how often
//! what strangers cause is logged (`peer_log`), and the accept loop, with the bounds
//! `axum::serve` leaves open: a cap on open HTTP connections, a deadline for a request head to
//! arrive (slowloris), and a cap on its size.

pub mod exposure;
pub mod peer_log;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Open HTTP connections at once; a browser opens six per origin.
pub const MAX_CONNECTIONS: usize = 64;
/// A request head must arrive in full within this.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Read buffer, and so the largest request head; hyper answers 431 beyond it.
pub const MAX_HEAD: usize = 16 * 1024;

pub async fn serve(
    listener: TcpListener,
    app: Router,
    peer_log: Arc<peer_log::PeerLog>,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let limit = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of file descriptors or a connection reset before accept: keep serving.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let Ok(permit) = limit.clone().try_acquire_owned() else {
            if let Some(not_logged) = peer_log.admit() {
                tracing::warn!(target: "audit", event = "connection", accepted = false, reason = "too many open connections", %peer, not_logged);
            }
            drop(stream);
            continue;
        };
        let service =
            app.clone()
                .map_request(move |request: hyper::Request<hyper::body::Incoming>| {
                    let mut request = request.map(axum::body::Body::new);
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request
                });
        let connection = builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .with_upgrades();
        tokio::spawn(async move {
            // A client that goes away mid-request is its own business.
            let _ = connection.await;
            drop(permit);
        });
    }
}
