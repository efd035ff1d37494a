//! The probe's own proxy, from `HTTPS_PROXY`: the one place its credentials may go. A plan
//! names a proxy too (the page's answers), but a page can name any address, so credentials are
//! sent only when the plan's proxy is this very proxy (same host and port), and the question at
//! the terminal says which.

use base64::Engine;

#[derive(Clone)]
pub struct EnvProxy {
    /// Lower case, IPv6 without brackets.
    host: String,
    port: u16,
    /// `user:password`, percent-decoded and base64-encoded for `Basic`; never printed.
    basic: Option<String>,
}

impl std::fmt::Debug for EnvProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The credentials stay out of every debug print.
        write!(f, "EnvProxy({}:{})", self.host, self.port)
    }
}

impl EnvProxy {
    /// `HTTPS_PROXY` (or `https_proxy`). An unusable value is an error that never repeats the
    /// credentials in it.
    pub fn from_env() -> Result<Option<EnvProxy>, String> {
        match std::env::var("HTTPS_PROXY").or_else(|_| std::env::var("https_proxy")) {
            Ok(value) if !value.trim().is_empty() => EnvProxy::parse(&value).map(Some),
            _ => Ok(None),
        }
    }

    pub fn parse(value: &str) -> Result<EnvProxy, String> {
        let value = value.trim();
        // Go's proxy settings, which Palette's agents use, read `proxy:3128` as `http://proxy:3128`.
        let value = if value.contains("://") {
            value.to_owned()
        } else {
            format!("http://{value}")
        };
        let url = url::Url::parse(&value).map_err(|e| {
            format!("HTTPS_PROXY is not a URL like http://user:password@proxy:3128 ({e})")
        })?;
        match url.scheme() {
            "http" => {}
            "https" => {
                return Err("HTTPS_PROXY is an https:// proxy: this probe speaks to proxies in plain HTTP (what it tunnels stays TLS); give the proxy's http:// address".into())
            }
            other => {
                return Err(format!(
                    "HTTPS_PROXY has the scheme {}: give the proxy's http:// address",
                    rules::endpoint::printable(other)
                ))
            }
        }
        let host = url
            .host_str()
            .ok_or("HTTPS_PROXY names no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let port = url.port_or_known_default().unwrap_or(80);
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| {
                    "HTTPS_PROXY's user or password is not UTF-8 once percent-decoded".to_owned()
                })
        };
        let basic = if url.username().is_empty() && url.password().is_none() {
            None
        } else {
            let user = decode(url.username())?;
            let password = decode(url.password().unwrap_or_default())?;
            Some(base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
        };
        Ok(EnvProxy { host, port, basic })
    }

    /// Whether a plan's proxy (`http://host:port` or `host:port`) is this proxy.
    pub fn is(&self, plan_proxy: &str) -> bool {
        rules::endpoint::parse_endpoint(plan_proxy).is_ok_and(|e| {
            e.port == Some(self.port)
                && e.host
                    .to_string()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .eq_ignore_ascii_case(&self.host)
        })
    }

    /// The `Basic` credentials, only for this proxy.
    pub fn credentials_for(&self, plan_proxy: &str) -> Option<&str> {
        self.basic.as_deref().filter(|_| self.is(plan_proxy))
    }

    /// The credentials a plan's checks may send: those of `env` when the plan's proxy is it.
    pub fn credentials_for_plan(
        env: Option<&EnvProxy>,
        plan: &rules::plan::Plan,
    ) -> Option<String> {
        env.zip(plan.proxy.as_deref())
            .and_then(|(env, proxy)| env.credentials_for(proxy))
            .map(str::to_owned)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn has_credentials(&self) -> bool {
        self.basic.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user_password: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(user_password)
    }

    #[test]
    fn credentials_are_percent_decoded_and_bound_to_their_proxy() {
        let p = EnvProxy::parse("http://us%65r:p%40ss%3Aw0rd@Proxy.Corp.Example:3128").unwrap();
        assert_eq!(
            p.credentials_for("http://proxy.corp.example:3128"),
            Some(basic("user:p@ss:w0rd").as_str())
        );
        assert_eq!(
            p.credentials_for("proxy.corp.example:3128"),
            Some(basic("user:p@ss:w0rd").as_str())
        );
        for other in [
            "http://proxy.corp.example:8080",
            "http://evil.example:3128",
            "http://127.0.0.1:3128",
            "http://proxy.corp.example",
        ] {
            assert_eq!(p.credentials_for(other), None, "{other}");
        }
    }

    #[test]
    fn ipv6_and_default_ports_match_as_written() {
        let p = EnvProxy::parse("http://u:p@[fd00::1]:3128").unwrap();
        assert!(p.is("http://[fd00::1]:3128"));
        let p = EnvProxy::parse("http://proxy.example").unwrap();
        assert_eq!(p.port(), 80);
        assert!(!p.has_credentials());
        let bare = EnvProxy::parse("u:p@proxy.example:3128").unwrap();
        assert!(bare.is("http://proxy.example:3128") && bare.has_credentials());
    }

    #[test]
    fn unusable_values_are_refused_without_repeating_the_password() {
        for (value, says) in [
            ("https://u:secret@proxy:3128", "https:// proxy"),
            ("socks5://u:secret@proxy:1080", "scheme socks5"),
            ("http://u:secret@proxy:99999", "not a URL"),
        ] {
            let err = EnvProxy::parse(value).unwrap_err();
            assert!(err.contains(says), "{value}: {err}");
            assert!(!err.contains("secret"), "{err}");
        }
        let p = EnvProxy::parse("http://u:secret@proxy:3128").unwrap();
        assert!(!format!("{p:?}").contains("secret"));
    }
}
