//! The probe's messages as the app reads them: hostile input, since any process can listen on
//! the probe's port. Strings are cut to a sane length, unknown messages refused.

use crate::Role;
use serde_json::Value;

/// No probe sends a longer summary or cause than this; more is cut.
const MAX_TEXT: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromProbe {
    /// The probe's plan: where it runs (none yet) and its check ids.
    Hello {
        from: Option<Role>,
        checks: Vec<String>,
    },
    Result(LiveResult),
    Done,
    Error(String),
}

/// A check's verdict, as the probe writes it (`pass`, `warn`, `fail`) and the app reads it; worse
/// verdicts order after better ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    /// Works, but not the way Palette prefers (e.g. no HTTP/2: gRPC falls back to WebSocket).
    Warn,
    Fail,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "passed",
            Verdict::Warn => "warning",
            Verdict::Fail => "failed",
        }
    }
}

/// One finished check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveResult {
    pub id: String,
    pub flow: String,
    pub verdict: Verdict,
    pub summary: String,
    pub cause: Option<String>,
    pub remediation: Option<String>,
}

pub fn parse(text: &str) -> Result<FromProbe, String> {
    let value =
        crate::json::parse_value(text).map_err(|_| "the probe sent something that is not JSON")?;
    if value["v"] != 1 {
        return Err(
            "the probe speaks another protocol version: update the probe or the page".into(),
        );
    }
    match value["type"].as_str() {
        Some("hello") => Ok(FromProbe::Hello {
            from: value["from"].as_str().and_then(|r| r.parse().ok()),
            checks: value["checks"]
                .as_array()
                .map(|a| a.iter().filter_map(|c| c["id"].as_str()).map(cut).collect())
                .unwrap_or_default(),
        }),
        Some("result") => result(&value["result"]).map(FromProbe::Result),
        Some("done") => Ok(FromProbe::Done),
        Some("error") => Ok(FromProbe::Error(cut(value["message"]
            .as_str()
            .unwrap_or("the probe refused the request")))),
        _ => Err("the probe sent a message this page does not know".into()),
    }
}

fn result(r: &Value) -> Result<LiveResult, String> {
    let text = |key: &str| r[key].as_str().map(cut);
    let verdict = match r["verdict"].as_str() {
        Some("pass") => Verdict::Pass,
        Some("warn") => Verdict::Warn,
        Some("fail") => Verdict::Fail,
        _ => return Err("the probe sent a result without a verdict".into()),
    };
    Ok(LiveResult {
        id: text("id").ok_or("the probe sent a result without an id")?,
        flow: text("flow").ok_or("the probe sent a result without a flow")?,
        verdict,
        summary: text("summary").unwrap_or_default(),
        cause: text("cause"),
        remediation: text("remediation"),
    })
}

fn cut(text: &str) -> String {
    text.chars().take(MAX_TEXT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_messages_are_read_and_bounded() {
        assert_eq!(
            parse(
                r#"{"v":1,"type":"hello","from":"pcg","checks":[{"id":"a@h:443"}],"skipped":[]}"#
            ),
            Ok(FromProbe::Hello {
                from: Some(Role::Pcg),
                checks: vec!["a@h:443".into()]
            })
        );
        assert_eq!(
            parse(r#"{"v":1,"type":"hello","from":null,"checks":[],"skipped":[]}"#),
            Ok(FromProbe::Hello {
                from: None,
                checks: vec![]
            })
        );
        let long = "x".repeat(10_000);
        let r = parse(&format!(
            r#"{{"v":1,"type":"result","result":{{"id":"a","flow":"f","verdict":"fail","summary":"{long}","cause":"c","steps":[]}}}}"#
        ))
        .unwrap();
        let FromProbe::Result(r) = r else {
            panic!("{r:?}")
        };
        assert_eq!(
            (r.verdict, r.summary.len(), r.remediation),
            (Verdict::Fail, MAX_TEXT, None)
        );
        assert_eq!(
            parse(r#"{"v":1,"type":"done","passed":1}"#),
            Ok(FromProbe::Done)
        );
        assert_eq!(
            parse(r#"{"v":1,"type":"error","message":"nope"}"#),
            Ok(FromProbe::Error("nope".into()))
        );
    }

    #[test]
    fn verdicts_read_back_as_the_probe_writes_them() {
        for verdict in [Verdict::Pass, Verdict::Warn, Verdict::Fail] {
            let written = serde_json::to_string(&verdict).unwrap();
            let message = format!(
                r#"{{"v":1,"type":"result","result":{{"id":"a","flow":"f","verdict":{written}}}}}"#
            );
            let Ok(FromProbe::Result(r)) = parse(&message) else {
                panic!("{message}")
            };
            assert_eq!(r.verdict, verdict);
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
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
