//! JSON in and out through `serde_json::Value` only. Every pair of (type, serde backend) is
//! compiled separately; routing all reading through `Value` and all writing through `Value`
//! compiles each type's serde code once, which keeps the wasm bundle markedly smaller. The cost,
//! one intermediate tree, is negligible for documents of a few kilobytes.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(parse_value(text)?)
}

pub fn parse_value(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text)
}

pub fn to_string<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

pub fn to_string_pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Answers;

    #[test]
    fn round_trips_and_keeps_error_messages() {
        let a = Answers::default();
        assert_eq!(parse::<Answers>(&to_string(&a)).unwrap(), a);
        let err = parse::<Answers>(r#"{"deploymnet": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `deploymnet`"), "{err}");
        assert!(parse::<Answers>("{")
            .unwrap_err()
            .to_string()
            .contains("EOF"));
    }
}
