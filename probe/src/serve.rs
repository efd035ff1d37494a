use crate::cli::ServeArgs;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use tower_http::services::ServeDir;

pub fn run(args: ServeArgs) -> ExitCode {
    if let Err(message) = check_args(&args) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn check_args(args: &ServeArgs) -> Result<(), String> {
    if !args.bind.is_loopback() && !args.expose {
        return Err(format!(
            "--bind {} is not a loopback address; add --expose if you really want other machines to reach this server",
            args.bind
        ));
    }
    if !args.dir.join("index.html").is_file() {
        return Err(format!(
            "{} has no index.html: build the app first (`make run` does), or point --dir at the built app",
            args.dir.display()
        ));
    }
    Ok(())
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.bind, args.port))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let hosts = Arc::new(allowed_hosts(local));
    let app = Router::new()
        .fallback_service(ServeDir::new(&args.dir))
        .layer(middleware::from_fn_with_state(hosts, check_host));

    let url = match local {
        SocketAddr::V4(a) => format!("http://{a}/"),
        SocketAddr::V6(a) => format!("http://[{}]:{}/", a.ip(), a.port()),
    };
    tracing::info!(address = %local, dir = %args.dir.display(), "listening");
    println!("portcheck is serving the app. Open {url}");

    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server stopped: {e}"))
}

/// The Host values a browser sends when it really means this server. Anything else is a
/// DNS-rebinding attempt: a public name re-pointed at 127.0.0.1 to read this server's responses.
fn allowed_hosts(local: SocketAddr) -> Vec<String> {
    let port = local.port();
    let mut hosts = vec![match local {
        SocketAddr::V4(a) => a.to_string(),
        SocketAddr::V6(a) => format!("[{}]:{port}", a.ip()),
    }];
    if local.ip().is_loopback() {
        hosts.push(format!("localhost:{port}"));
    }
    hosts
}

async fn check_host(
    State(allowed): State<Arc<Vec<String>>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    match host {
        Some(h) if allowed.contains(&h) => next.run(request).await,
        _ => {
            tracing::warn!(host = ?host, "refused a request with an unexpected Host header");
            (StatusCode::MISDIRECTED_REQUEST, "unexpected Host header\n").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_include_localhost_with_port() {
        let hosts = allowed_hosts("127.0.0.1:8790".parse().unwrap());
        assert_eq!(hosts, vec!["127.0.0.1:8790", "localhost:8790"]);
    }

    #[test]
    fn ipv6_loopback_host_is_bracketed() {
        let hosts = allowed_hosts("[::1]:9000".parse().unwrap());
        assert_eq!(hosts, vec!["[::1]:9000", "localhost:9000"]);
    }
}
