//! The TLS handshake: what the server presents, whether it is trusted, and whether something in
//! the path re-signs it. Only the handshake happens: no application data is ever sent.

use super::{Failure, Step, Verdict};
use rules::plan::{Check, CheckKind};
use rules::protocol::reply::Stage;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Serialize;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use x509_parser::extensions::GeneralName;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TlsReport {
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpn: Option<String>,
    /// The chain as the server sent it, leaf first.
    pub chain: Vec<CertInfo>,
    /// Verified against the system's trust store plus any `--ca` bundle.
    pub trusted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_error: Option<String>,
    /// For public destinations: verified against the public web PKI alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ca: Option<bool>,
    /// Cause and remediation of a warning, for the check's result.
    #[serde(skip)]
    pub warning: Option<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub sans: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    /// `not_after` in seconds since the epoch, for `watch`'s expiry metric.
    #[serde(skip)]
    pub not_after_unix: i64,
    pub sha256: String,
}

/// The two trust stores a check judges a chain by, built once per run.
pub struct Trust {
    local: Arc<WebPkiServerVerifier>,
    public: Arc<WebPkiServerVerifier>,
}

impl Trust {
    /// The system's trust store plus `extra` (`--ca`), and the public web PKI. Problems reading
    /// the system store are returned as warnings to show, never swallowed: without the local
    /// CAs, a destination signed by one would be misjudged. An empty store (a minimal container)
    /// falls back to the public web PKI, and says so.
    pub fn new(extra: &[CertificateDer<'static>]) -> Result<(Trust, Vec<String>), String> {
        let mut warnings = Vec::new();
        let mut local = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        for e in native.errors.iter().take(5) {
            warnings.push(format!(
                "the system trust store could not be read fully: {e}"
            ));
        }
        let (added, ignored) = local.add_parsable_certificates(native.certs);
        if ignored > 0 {
            warnings.push(format!(
                "{ignored} certificate(s) of the system trust store are not usable and were left out"
            ));
        }
        for cert in extra {
            local
                .add(cert.clone())
                .map_err(|e| format!("a --ca certificate is not usable: {e}"))?;
        }
        let public = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if local.is_empty() {
            warnings.push(
                "the system trust store holds no certificates (install ca-certificates, or give --ca FILE): certificates are judged by the public web PKI alone, so a local CA, such as an inspecting proxy's, is reported as untrusted".to_owned(),
            );
            local = public.clone();
        } else if added == 0 && !extra.is_empty() {
            warnings.push(
                "the system trust store is empty: only the --ca certificates are trusted besides the public web PKI's judgement".to_owned(),
            );
        }
        let build = |roots: RootCertStore| {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|e| format!("cannot build a certificate verifier: {e}"))
        };
        Ok((
            Trust {
                local: build(local)?,
                public: build(public)?,
            },
            warnings,
        ))
    }
}

impl Trust {
    /// A verifier that lets the handshake finish and records what it would have decided; a
    /// second connection to a server the handshake step already judged ignores the record.
    /// `judge_public` also judges by the public web PKI: only the first handshake with a public
    /// destination needs that answer, and it costs a second chain build.
    pub(crate) fn recorder(&self, judge_public: bool) -> Arc<Recorder> {
        Arc::new(Recorder {
            local: self.local.clone(),
            public: judge_public.then(|| self.public.clone()),
            seen: Mutex::new(Seen::default()),
        })
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

#[derive(Debug, Default)]
struct Seen {
    chain: Vec<CertificateDer<'static>>,
    local: Option<Result<(), rustls::Error>>,
    public: Option<Result<(), rustls::Error>>,
}

/// Lets the handshake finish whatever the certificate, and records what it would have decided:
/// the report needs the chain even (especially) when it is not trusted.
#[derive(Debug)]
pub(crate) struct Recorder {
    local: Arc<WebPkiServerVerifier>,
    public: Option<Arc<WebPkiServerVerifier>>,
    seen: Mutex<Seen>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let local =
            self.local
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        let public = self.public.as_ref().map(|public| {
            public
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
                .map(|_| ())
        });
        if let Ok(mut seen) = self.seen.lock() {
            seen.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
            seen.local = Some(local.map(|_| ()));
            seen.public = public;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.local.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.local.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.local.supported_verify_schemes()
    }
}

pub(crate) async fn handshake(
    check: &Check,
    stream: TcpStream,
    trust: &Trust,
    steps: &mut Vec<Step>,
) -> Result<(Verdict, String), Failure> {
    let started = Instant::now();
    let recorder = trust.recorder(check.public);
    let connected = connect(check, stream, recorder.clone(), &[b"h2", b"http/1.1"]).await?;
    let tls = match connected {
        Ok(tls) => tls,
        Err(e) => {
            steps.push(Step::timed(Stage::Tls, started, false, e.to_string()));
            return Err(Failure {
                summary: "the TLS handshake failed".into(),
                cause: format!("{e}: the server does not speak TLS on this port, or something in the path cut the handshake"),
                remediation: "check that the port serves HTTPS, and that no device in the path blocks or rewrites TLS".into(),
            });
        }
    };
    let (_, connection) = tls.get_ref();
    let version = connection
        .protocol_version()
        .map_or("unknown".to_owned(), |v| format!("{v:?}").replace('_', "."));
    let alpn = connection
        .alpn_protocol()
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let seen = std::mem::take(
        &mut *recorder
            .seen
            .lock()
            .map_err(|_| internal("TLS state".into()))?,
    );
    drop(tls);

    let chain: Vec<CertInfo> = seen.chain.iter().filter_map(|c| describe(c)).collect();
    let local = seen
        .local
        .unwrap_or(Err(rustls::Error::NoCertificatesPresented));
    let public_ok = seen.public.as_ref().map(Result::is_ok);
    let mut report = TlsReport {
        version: version.replace("TLSv", "TLS "),
        alpn: alpn.clone(),
        chain,
        trusted: local.is_ok(),
        trust_error: local.as_ref().err().map(ToString::to_string),
        public_ca: check.public.then_some(public_ok.unwrap_or(false)),
        warning: None,
    };
    let issuer = report
        .chain
        .first()
        .map(|c| c.issuer.clone())
        .unwrap_or_default();
    let outcome = judge(check, &report, &local, public_ok.unwrap_or(false), &issuer);
    if let Ok((Verdict::Warn, _)) = &outcome {
        report.warning = Some(warning(check, &report, &issuer));
    }
    let detail = format!(
        "{}, ALPN {}, issuer {issuer}",
        report.version,
        alpn.as_deref().unwrap_or("none")
    );
    let mut step = Step::timed(Stage::Tls, started, outcome.is_ok(), detail);
    step.tls = Some(report);
    steps.push(step);
    outcome
}

/// A TLS client that offers `alpn` and lets `verifier` judge (and record) the certificate.
pub(crate) async fn connect(
    check: &Check,
    stream: TcpStream,
    verifier: Arc<dyn ServerCertVerifier>,
    alpn: &[&[u8]],
) -> Result<std::io::Result<TlsStream<TcpStream>>, Failure> {
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| internal(format!("TLS set-up: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let name = ServerName::try_from(check.host.clone())
        .map_err(|e| internal(format!("{}: {e}", check.host)))?;
    Ok(TlsConnector::from(Arc::new(config))
        .connect(name, stream)
        .await)
}

fn judge(
    check: &Check,
    report: &TlsReport,
    local: &Result<(), rustls::Error>,
    public_ok: bool,
    issuer: &str,
) -> Result<(Verdict, String), Failure> {
    if let Err(e) = local {
        return Err(untrusted(check, e, issuer, report));
    }
    if check.public && !public_ok {
        return Ok((
            Verdict::Warn,
            format!("trusted only through a local CA ({issuer}): TLS inspection"),
        ));
    }
    if check.kind == CheckKind::Grpc && report.alpn.as_deref() != Some("h2") {
        return Ok((Verdict::Warn, format!("{} without HTTP/2", report.version)));
    }
    Ok((
        Verdict::Pass,
        format!(
            "{}, ALPN {}, certificate trusted",
            report.version,
            report.alpn.as_deref().unwrap_or("none")
        ),
    ))
}

fn warning(check: &Check, report: &TlsReport, issuer: &str) -> (String, String) {
    if check.public && report.public_ca == Some(false) {
        (
            format!("the certificate chains to a local CA ({issuer}), not a public one: a proxy or firewall in the path decrypts and re-signs TLS (SSL bump)"),
            "exempt the Palette endpoints from TLS inspection (tunnel them with plain CONNECT); otherwise distribute the inspecting CA to Palette components".into(),
        )
    } else {
        (
            "HTTP/2 was not negotiated (no ALPN h2): gRPC cannot run; the Palette agent falls back to WebSocket over HTTP/1.1 after up to ten attempts".into(),
            "let HTTP/2 through: disable TLS inspection for this destination or use a proxy that supports HTTP/2".into(),
        )
    }
}

fn untrusted(check: &Check, e: &rustls::Error, issuer: &str, report: &TlsReport) -> Failure {
    use rustls::{CertificateError, Error};
    let sans = report
        .chain
        .first()
        .map(|c| c.sans.join(", "))
        .unwrap_or_default();
    let self_signed =
        report.chain.len() == 1 && report.chain.first().is_some_and(|c| c.subject == c.issuer);
    let (cause, remediation) = match e {
        // webpki reports a lone self-signed certificate in several ways; the fact is what helps.
        _ if self_signed && !matches!(e, Error::InvalidCertificate(CertificateError::Expired | CertificateError::ExpiredContext { .. })) => (
            format!("the certificate is self-signed ({issuer}): this machine does not trust it"),
            "give the server a certificate from a CA you trust, or pass this certificate with --ca".to_owned(),
        ),
        Error::InvalidCertificate(CertificateError::Expired | CertificateError::ExpiredContext { .. }) => (
            format!("the certificate expired (valid until {})", report.chain.first().map_or("?", |c| c.not_after.as_str())),
            "renew the server certificate".to_owned(),
        ),
        Error::InvalidCertificate(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }) => (
            format!("the certificate is for other names ({sans}), not {}", check.host),
            "use the name the certificate was issued for, or reissue it with this name".to_owned(),
        ),
        Error::InvalidCertificate(CertificateError::UnknownIssuer) if check.public => (
            format!("the chain is signed by {issuer}, which this machine does not trust; for an internet destination that usually means TLS inspection"),
            "exempt the destination from TLS inspection, or pass the inspecting CA with --ca to confirm".to_owned(),
        ),
        Error::InvalidCertificate(CertificateError::UnknownIssuer) => (
            format!("the chain is signed by {issuer}, which this machine does not trust (self-signed, a private CA, or a missing intermediate)"),
            "give the CA bundle with --ca, or have the server send its full chain".to_owned(),
        ),
        other => (format!("the certificate is not valid: {other}"), "check the server certificate".to_owned()),
    };
    Failure {
        summary: "the certificate is not trusted".into(),
        cause,
        remediation,
    }
}

fn internal(message: String) -> Failure {
    Failure {
        summary: "the check could not run".into(),
        cause: message,
        remediation: "report this as a bug in palette-portcheck".into(),
    }
}

fn describe(der: &CertificateDer<'_>) -> Option<CertInfo> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let sans: Vec<String> = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|ext| ext.value.general_names.iter().map(san).collect())
        .unwrap_or_default();
    let digest = ring::digest::digest(&ring::digest::SHA256, der.as_ref());
    // Names in a certificate are whatever its maker wrote: escaped before they reach a
    // terminal, a report or a ticket.
    let clean = |text: String| rules::endpoint::printable(&text);
    Some(CertInfo {
        subject: clean(cert.subject().to_string()),
        issuer: clean(cert.issuer().to_string()),
        sans: sans.into_iter().map(clean).collect(),
        not_before: cert.validity().not_before.to_string(),
        not_after: cert.validity().not_after.to_string(),
        not_after_unix: cert.validity().not_after.timestamp(),
        sha256: fingerprint(digest.as_ref()),
    })
}

/// A subject alternative name as `openssl x509 -text` prints it (`DNS:`, `IP Address:`), so
/// it can be compared with what a network team sees in their own tools.
fn san(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::DNSName(dns) => format!("DNS:{dns}"),
        GeneralName::IPAddress(bytes) => match <[u8; 4]>::try_from(*bytes) {
            Ok(v4) => format!("IP Address:{}", Ipv4Addr::from(v4)),
            Err(_) => match <[u8; 16]>::try_from(*bytes) {
                Ok(v6) => format!("IP Address:{}", Ipv6Addr::from(v6)),
                Err(_) => format!("IP Address:<{} bytes>", bytes.len()),
            },
        },
        GeneralName::RFC822Name(mail) => format!("email:{mail}"),
        GeneralName::URI(uri) => format!("URI:{uri}"),
        other => other.to_string(),
    }
}

/// Colon-separated upper-case hex, the form browsers and `openssl x509 -fingerprint` show.
fn fingerprint(digest: &[u8]) -> String {
    let mut out = String::with_capacity(digest.len() * 3);
    for (i, byte) in digest.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{byte:02X}");
    }
    out
}
