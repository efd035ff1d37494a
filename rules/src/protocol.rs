//! The app's messages to the probe over the WebSocket (probe/PROTOCOL.md): JSON text with a
//! version, every field checked. Here rather than in the probe because both ends speak it, and
//! because it parses hostile input: it is fuzzed (rules/fuzz).

use serde::Deserialize;

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
                if ids.len() > crate::plan::MAX_CHECKS || ids.iter().any(|i| i.len() > MAX_ID) {
                    return Err("too many or too long check ids".into());
                }
            }
            Ok(Request::Run(ids))
        }
        ("hello", Some(_)) => Err("hello takes no ids".into()),
        (other, _) => Err(format!(
            "unknown message type '{}'",
            crate::endpoint::printable(other)
        )),
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
