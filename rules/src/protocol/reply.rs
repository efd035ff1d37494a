//! The probe's messages: one type for both ends. The probe writes `Reply<&CheckResult>` (its
//! result with every step); the app reads `Reply` (`Reply<LiveResult>`, the fields it shows:
//! serde skips the rest). The app's side is hostile input, since any process can listen on the
//! probe's port: the version is checked first, unknown messages are refused, and strings are
//! cut to a sane length.

use crate::plan::{Check, Skipped};
use crate::Role;
use serde::{Deserialize, Serialize};

/// No probe sends a longer summary or cause than this; more is cut.
const MAX_TEXT: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Reply<R = LiveResult> {
    /// The probe's plan: where it runs (none yet), its checks and what it cannot check.
    Hello {
        v: u32,
        from: Option<Role>,
        checks: Vec<Check>,
        #[serde(default)]
        skipped: Vec<Skipped>,
    },
    Result {
        v: u32,
        result: R,
    },
    Done {
        v: u32,
        passed: usize,
        warned: usize,
        failed: usize,
    },
    Error {
        v: u32,
        message: String,
    },
}

impl<R> Reply<R> {
    pub fn hello(plan: Option<&crate::plan::Plan>) -> Reply<R> {
        Reply::Hello {
            v: super::VERSION,
            from: plan.map(|p| p.from),
            checks: plan.map_or_else(Vec::new, |p| p.checks.clone()),
            skipped: plan.map_or_else(Vec::new, |p| p.skipped.clone()),
        }
    }

    pub fn error(message: impl Into<String>) -> Reply<R> {
        Reply::Error {
            v: super::VERSION,
            message: message.into(),
        }
    }
}

impl<R: Serialize> Reply<R> {
    pub fn to_json(&self) -> String {
        crate::json::to_string(self)
    }
}

/// A check's verdict, as the probe writes it (`pass`, `warn`, `fail`) and the app reads it; worse
/// verdicts order after better ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    /// Works, but not the way Palette prefers (e.g. no HTTP/2: gRPC falls back to WebSocket).
    Warn,
    Fail,
}

impl Verdict {
    /// `PASS`, `WARN`, `FAIL`: the verdict as reports and tables print it.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "passed",
            Verdict::Warn => "warning",
            Verdict::Fail => "failed",
        }
    }
}

/// The stages of a check, in the order it goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Dns,
    Proxy,
    Tcp,
    Tls,
    Http,
    Websocket,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Dns => "dns",
            Stage::Proxy => "proxy",
            Stage::Tcp => "tcp",
            Stage::Tls => "tls",
            Stage::Http => "http",
            Stage::Websocket => "websocket",
        }
    }
}

/// One finished check: what the app shows of it. The probe's own result carries it whole
/// (flattened) beside its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LiveResult {
    pub id: String,
    pub flow: String,
    pub verdict: Verdict,
    #[serde(default)]
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// The stage whose failure ended a failed check: a name that does not resolve is a DNS
    /// problem, never evidence for a firewall rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_at: Option<Stage>,
}

/// A message from the probe, as the app reads it.
pub fn parse(text: &str) -> Result<Reply, String> {
    let value =
        crate::json::parse_value(text).map_err(|_| "the probe sent something that is not JSON")?;
    if value["v"] != super::VERSION {
        return Err(
            "the probe speaks another protocol version: update the probe or the page".into(),
        );
    }
    let reply: Reply = serde_json::from_value(value)
        .map_err(|_| "the probe sent a message this page does not know")?;
    Ok(match reply {
        Reply::Hello {
            checks, skipped, ..
        } if checks.len() > crate::plan::MAX_CHECKS || skipped.len() > crate::plan::MAX_CHECKS => {
            return Err("the probe sent a plan larger than any plan holds".into())
        }
        Reply::Result { v, result } => Reply::Result {
            v,
            result: LiveResult {
                id: cut(&result.id),
                flow: cut(&result.flow),
                summary: cut(&result.summary),
                cause: result.cause.as_deref().map(cut),
                remediation: result.remediation.as_deref().map(cut),
                ..result
            },
        },
        Reply::Error { v, message } => Reply::Error {
            v,
            message: cut(&message),
        },
        other => other,
    })
}

fn cut(text: &str) -> String {
    text.chars().take(MAX_TEXT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &str) -> Check {
        serde_json::from_value(serde_json::json!({"id": id, "flow": "f", "host": "h",
            "port": 443, "kind": "tls", "via-proxy": false, "purpose": "p"}))
        .unwrap()
    }

    /// What one end writes the other reads: the same type on both sides.
    #[test]
    fn what_the_probe_writes_the_app_reads() {
        let plan: crate::plan::Plan = serde_json::from_value(serde_json::json!({
            "schema": 2, "from": "pcg", "palette-version": "4.7.9",
            "checks": [serde_json::to_value(check("a@h:443")).unwrap()],
            "skipped": [{"flow": "g", "reason": "a range"}]
        }))
        .unwrap();
        let result = LiveResult {
            id: "a@h:443".into(),
            flow: "f".into(),
            verdict: Verdict::Warn,
            summary: "s".into(),
            cause: Some("c".into()),
            remediation: None,
            failed_at: Some(Stage::Tls),
        };
        for reply in [
            Reply::hello(Some(&plan)),
            Reply::hello(None),
            Reply::Result {
                v: 1,
                result: result.clone(),
            },
            Reply::Done {
                v: 1,
                passed: 1,
                warned: 2,
                failed: 3,
            },
            Reply::error("nope"),
        ] {
            assert_eq!(parse(&reply.to_json()), Ok(reply));
        }
    }

    #[test]
    fn probe_messages_are_read_and_bounded() {
        assert_eq!(
            parse(r#"{"v":1,"type":"hello","from":null,"checks":[]}"#),
            Ok(Reply::hello(None))
        );
        // The probe's result has steps and more; the app keeps what it shows, cut to size.
        let long = "x".repeat(10_000);
        let r = parse(&format!(
            r#"{{"v":1,"type":"result","result":{{"id":"a","flow":"f","host":"h","port":1,"verdict":"fail","summary":"{long}","cause":"c","steps":[{{"name":"tcp"}}],"millis":3}}}}"#
        ))
        .unwrap();
        let Reply::Result { result: r, .. } = r else {
            panic!("{r:?}")
        };
        assert_eq!(
            (r.verdict, r.summary.len(), r.remediation),
            (Verdict::Fail, MAX_TEXT, None)
        );
        let Ok(Reply::Error { message, .. }) =
            parse(&format!(r#"{{"v":1,"type":"error","message":"{long}"}}"#))
        else {
            panic!()
        };
        assert_eq!(message.len(), MAX_TEXT);
    }

    #[test]
    fn verdicts_read_back_as_the_probe_writes_them() {
        for verdict in [Verdict::Pass, Verdict::Warn, Verdict::Fail] {
            let written = serde_json::to_string(&verdict).unwrap();
            let message = format!(
                r#"{{"v":1,"type":"result","result":{{"id":"a","flow":"f","verdict":{written}}}}}"#
            );
            let Ok(Reply::Result { result, .. }) = parse(&message) else {
                panic!("{message}")
            };
            assert_eq!(result.verdict, verdict);
        }
    }

    #[test]
    fn strange_messages_are_errors_not_panics() {
        for text in [
            "",
            "[",
            r#"{"v":2,"type":"hello"}"#,
            r#"{"v":1,"type":"shell"}"#,
            r#"{"v":1,"type":"result","result":{"id":"a","flow":"f","verdict":"maybe"}}"#,
            r#"{"v":1,"type":"result","result":{"flow":"f","verdict":"pass"}}"#,
            r#"{"v":1,"type":"result"}"#,
            r#"{"v":1,"type":"hello","from":"moon","checks":[]}"#,
            r#"{"v":1,"type":"done","passed":-1,"warned":0,"failed":0}"#,
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        let many = serde_json::to_string(&vec![check("x"); crate::plan::MAX_CHECKS + 1]).unwrap();
        let oversized = format!(r#"{{"v":1,"type":"hello","from":null,"checks":{many}}}"#);
        assert!(
            parse(&oversized).is_err(),
            "a hello over the plan limit is refused"
        );
    }
}
