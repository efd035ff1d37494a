//! The WebSocket protocol between the app and the probe: JSON text frames with a version.
//! Documented in probe/PROTOCOL.md; every field of a client message is checked.

use crate::check::CheckResult;
use rules::plan::{Check, Plan, Skipped};
use serde::{Deserialize, Serialize};

pub const VERSION: u32 = 1;
/// Longer ids than this are not ids of any plan.
const MAX_ID: usize = 512;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    v: u32,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    ids: Option<Vec<String>>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    Hello,
    /// Run these checks of the plan, or all of them.
    Run(Option<Vec<String>>),
}

pub fn parse(text: &str) -> Result<Request, String> {
    let envelope: Envelope =
        serde_json::from_str(text).map_err(|e| format!("not a valid message: {e}"))?;
    if envelope.v != VERSION {
        return Err(format!(
            "protocol version {} is not supported; this probe speaks {VERSION}",
            envelope.v
        ));
    }
    match (envelope.kind.as_str(), envelope.ids) {
        ("hello", None) => Ok(Request::Hello),
        ("run", ids) => {
            if let Some(ids) = &ids {
                if ids.len() > rules::plan::MAX_CHECKS || ids.iter().any(|i| i.len() > MAX_ID) {
                    return Err("too many or too long check ids".into());
                }
            }
            Ok(Request::Run(ids))
        }
        ("hello", Some(_)) => Err("hello takes no ids".into()),
        (other, _) => Err(format!(
            "unknown message type '{}'",
            rules::endpoint::printable(other)
        )),
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Reply<'a> {
    Hello {
        v: u32,
        from: Option<rules::Role>,
        checks: &'a [Check],
        skipped: &'a [Skipped],
    },
    Result {
        v: u32,
        result: &'a CheckResult,
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

impl Reply<'_> {
    pub fn hello(plan: Option<&Plan>) -> Reply<'_> {
        Reply::Hello {
            v: VERSION,
            from: plan.map(|p| p.from),
            checks: plan.map_or(&[], |p| p.checks.as_slice()),
            skipped: plan.map_or(&[], |p| p.skipped.as_slice()),
        }
    }

    pub fn error(message: impl Into<String>) -> Reply<'static> {
        Reply::Error {
            v: VERSION,
            message: message.into(),
        }
    }

    pub fn to_json(&self) -> String {
        rules::json::to_string(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_checked_strictly() {
        assert_eq!(parse(r#"{"v":1,"type":"hello"}"#), Ok(Request::Hello));
        assert_eq!(parse(r#"{"v":1,"type":"run"}"#), Ok(Request::Run(None)));
        assert_eq!(
            parse(r#"{"v":1,"type":"run","ids":["a"]}"#),
            Ok(Request::Run(Some(vec!["a".into()])))
        );
        assert!(parse(r#"{"v":2,"type":"hello"}"#)
            .unwrap_err()
            .contains("version 2"));
        assert!(parse(r#"{"v":1,"type":"run","host":"10.0.0.1"}"#)
            .unwrap_err()
            .contains("unknown field `host`"));
        assert!(parse(r#"{"v":1,"type":"shell"}"#)
            .unwrap_err()
            .contains("unknown message type"));
        assert!(parse(r#"{"v":-1,"type":"run"}"#).is_err());
        assert!(
            parse(&"[".repeat(10_000)).is_err(),
            "deep nesting is refused, not a crash"
        );
        let many = format!(
            r#"{{"v":1,"type":"run","ids":[{}]}}"#,
            vec!["\"x\""; 1001].join(",")
        );
        assert!(parse(&many).unwrap_err().contains("too many"));
    }
}
