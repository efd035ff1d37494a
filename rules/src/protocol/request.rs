//! The app's messages to the probe: JSON text with a version, every field checked on the way in.

use crate::plan::Plan;
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
    #[serde(default)]
    plan: Option<Plan>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    Hello,
    /// Run these checks of the plan, or all of them.
    Run(Option<Vec<String>>),
    /// The page's plan for where the probe runs. The probe runs it only once the person at the
    /// probe's terminal has confirmed its targets, and never if it was started with a plan.
    Propose(Box<Plan>),
}

/// The message as the app sends it.
pub fn encode(request: &Request) -> String {
    let message = match request {
        Request::Hello => serde_json::json!({"v": VERSION, "type": "hello"}),
        Request::Run(None) => serde_json::json!({"v": VERSION, "type": "run"}),
        Request::Run(Some(ids)) => serde_json::json!({"v": VERSION, "type": "run", "ids": ids}),
        Request::Propose(plan) => {
            let plan = serde_json::to_value(plan.as_ref()).unwrap_or_default();
            serde_json::json!({"v": VERSION, "type": "propose", "plan": plan})
        }
    };
    message.to_string()
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
    match (envelope.kind.as_str(), envelope.ids, envelope.plan) {
        ("hello", None, None) => Ok(Request::Hello),
        ("propose", None, Some(plan)) => Ok(Request::Propose(Box::new(plan))),
        ("propose", Some(_), Some(_)) => Err("propose takes no ids".into()),
        ("propose", _, None) => Err("propose needs a plan".into()),
        (_, _, Some(_)) => Err("only propose takes a plan".into()),
        ("run", ids, None) => {
            if let Some(ids) = &ids {
                if ids.len() > crate::plan::MAX_CHECKS || ids.iter().any(|i| i.len() > MAX_ID) {
                    return Err("too many or too long check ids".into());
                }
            }
            Ok(Request::Run(ids))
        }
        ("hello", Some(_), None) => Err("hello takes no ids".into()),
        (other, _, _) => Err(format!(
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
        let plan = r#"{"schema":2,"from":"pcg","palette-version":"4.7.9","checks":[]}"#;
        assert!(matches!(
            parse(&format!(r#"{{"v":1,"type":"propose","plan":{plan}}}"#)),
            Ok(Request::Propose(p)) if p.from == crate::Role::Pcg
        ));
        assert_eq!(
            parse(r#"{"v":1,"type":"propose"}"#).unwrap_err(),
            "propose needs a plan"
        );
        assert_eq!(
            parse(&format!(r#"{{"v":1,"type":"run","plan":{plan}}}"#)).unwrap_err(),
            "only propose takes a plan"
        );
        assert!(parse(r#"{"v":1,"type":"propose","plan":{"schema":1}}"#)
            .unwrap_err()
            .contains("missing field"));
        let plan: crate::plan::Plan = serde_json::from_str(plan).unwrap();
        for request in [
            Request::Hello,
            Request::Run(None),
            Request::Run(Some(vec!["a@h:443".into()])),
            Request::Propose(Box::new(plan)),
        ] {
            assert_eq!(
                parse(&encode(&request)),
                Ok(request),
                "what the app sends, the probe reads"
            );
        }
        let many = format!(
            r#"{{"v":1,"type":"run","ids":[{}]}}"#,
            vec!["\"x\""; 1001].join(",")
        );
        assert!(parse(&many).unwrap_err().contains("too many"));
    }
}
