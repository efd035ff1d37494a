//! Answers in a share link or saved state: compact encoding, and lenient decoding that keeps
//! every valid field of a damaged or older link and names the rest.

use crate::answers::Answers;
use crate::context::FieldError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

/// Share-link format version; the prefix of every encoded link.
const PREFIX: &str = "v1.";

/// Links beyond this length are not ours (a full answer set encodes to about 1-2 KB).
const MAX_ENCODED: usize = 16 * 1024;

/// `v1.` + base64url of the JSON of the fields that differ from the defaults.
pub fn encode(answers: &Answers) -> String {
    let value = serde_json::to_value(answers.without_credentials()).unwrap_or(Value::Null);
    let defaults = serde_json::to_value(Answers::default()).unwrap_or(Value::Null);
    let json = strip_defaults(value, &defaults).to_string();
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
}

fn strip_defaults(value: Value, defaults: &Value) -> Value {
    match (value, defaults) {
        (Value::Object(fields), Value::Object(defaults)) => Value::Object(
            fields
                .into_iter()
                .filter_map(|(k, v)| match defaults.get(&k) {
                    Some(d) if *d == v => None,
                    Some(d @ Value::Object(_)) => Some((k, strip_defaults(v, d))),
                    _ => Some((k, v)),
                })
                .collect(),
        ),
        (value, _) => value,
    }
}

/// A link that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError(pub String);

/// Decodes a share link. Fields that cannot be read are left at their defaults and reported.
pub fn decode(link: &str) -> Result<(Answers, Vec<FieldError>), LinkError> {
    let link = link.trim();
    if link.len() > MAX_ENCODED {
        return Err(LinkError(
            "the link is far longer than any answer set; it was not read".into(),
        ));
    }
    let Some(payload) = link.strip_prefix(PREFIX) else {
        let version = link.split('.').next().unwrap_or_default();
        return Err(LinkError(
            if version.starts_with('v') && version.len() <= 4 {
                format!(
                    "this link was made by a newer or older format ({}); it cannot be read here",
                    crate::endpoint::printable(version)
                )
            } else {
                "this is not a palette-portcheck link".to_owned()
            },
        ));
    };
    let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|_| {
        LinkError("the link is damaged (not valid base64); was it cut off when copied?".into())
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        LinkError(
            "the link is damaged (its content is not text); was it cut off when copied?".into(),
        )
    })?;
    let value: Value = crate::json::parse_value(&text).map_err(|_| {
        LinkError(
            "the link is damaged (its content is not valid JSON); was it cut off when copied?"
                .into(),
        )
    })?;
    Ok(from_value_lenient(value))
}

/// Reads answers from JSON, keeping each valid field and reporting each invalid one, so one bad
/// field never loses the rest (saved state from an older version, hand-edited files).
pub fn from_value_lenient(input: Value) -> (Answers, Vec<FieldError>) {
    let mut base = serde_json::to_value(Answers::default()).unwrap_or(Value::Null);
    let mut errors = Vec::new();
    match input {
        Value::Object(fields) => merge(&mut base, &[], fields, &mut errors),
        other => errors.push(FieldError {
            field: String::new(),
            message: format!("expected an object of answers, found {}", kind(&other)),
        }),
    }
    let mut answers: Answers = serde_json::from_value(base).unwrap_or_default();
    // An older schema's answers mean the same today: carried forward, they are saved and shared
    // as the current schema. A newer one is left for `Context` to name.
    if (crate::answers::OLDEST_SCHEMA..crate::answers::SCHEMA).contains(&answers.schema) {
        answers.schema = crate::answers::SCHEMA;
    }
    (answers, errors)
}

fn merge(
    base: &mut Value,
    path: &[String],
    fields: Map<String, Value>,
    errors: &mut Vec<FieldError>,
) {
    for (key, value) in fields {
        let mut here = path.to_vec();
        here.push(key.clone());
        let nested = matches!(pointer(base, &here), Some(Value::Object(_)));
        match value {
            Value::Object(inner) if nested => merge(base, &here, inner, errors),
            value => {
                let mut candidate = base.clone();
                set(&mut candidate, &here, value);
                match serde_json::from_value::<Answers>(candidate.clone()) {
                    Ok(_) => *base = candidate,
                    Err(e) => errors.push(FieldError {
                        field: here.join("."),
                        message: e.to_string(),
                    }),
                }
            }
        }
    }
}

fn pointer<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, k| v.get(k))
}

fn set(value: &mut Value, path: &[String], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut v = value;
    for k in parents {
        match v.get_mut(k) {
            Some(next) => v = next,
            None => return,
        }
    }
    if let Value::Object(map) = v {
        map.insert(last.clone(), new);
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::{DeploymentModel, Infrastructure, ProxyKind};

    fn sample() -> Answers {
        let mut a = Answers::default();
        a.deployment = DeploymentModel::SelfHostedPalette;
        a.infrastructure = vec![Infrastructure::Vsphere, Infrastructure::Edge];
        a.proxy.kind = ProxyKind::Connect;
        a.proxy.url = "http://proxy.example.com:3128".into();
        a.endpoints.admin = vec!["10.1.0.0/24".into()];
        a
    }

    #[test]
    fn links_round_trip_and_stay_short() {
        let a = sample();
        let link = encode(&a);
        assert!(link.starts_with("v1."));
        assert!(link.len() < 300, "{} chars: {link}", link.len());
        assert_eq!(decode(&link).unwrap(), (a, Vec::new()));
        assert_eq!(encode(&Answers::default()), "v1.e30");
    }

    /// Links and saved state of schema 1 (before the PCG install, CloudStack, Nutanix and the
    /// installer and Palette-vCenter addresses) open unchanged and continue as schema 2.
    #[test]
    fn older_links_still_open() {
        let json = r#"{"schema":1,"deployment":"self-hosted-palette","infrastructure":["vsphere"],
            "endpoints":{"infrastructure-api":"vcenter.example.com"}}"#;
        let (a, errors) = decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(json))).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a.schema, crate::answers::SCHEMA);
        assert_eq!(a.endpoints.infrastructure_api, "vcenter.example.com");
        assert!(crate::evaluate(&a).is_ok());
        let newer = format!("v1.{}", URL_SAFE_NO_PAD.encode(r#"{"schema":9}"#));
        let (a, _) = decode(&newer).unwrap();
        assert_eq!(a.schema, 9, "a newer file is not silently read as ours");
    }

    #[test]
    fn a_damaged_field_is_reported_and_the_rest_kept() {
        let json = r#"{"deployment":"self-hosted-palette","infrastructure":["vsphere","mainframe"],
            "proxy":{"kind":"connect","url":"http://p.example.com:3128","colour":"red"},"ssh-access":true}"#;
        let link = format!("v1.{}", URL_SAFE_NO_PAD.encode(json));
        let (a, errors) = decode(&link).unwrap();
        assert_eq!(a.deployment, DeploymentModel::SelfHostedPalette);
        assert!(a.ssh_access);
        assert_eq!(a.proxy.url, "http://p.example.com:3128");
        assert_eq!(a.infrastructure, Answers::default().infrastructure);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["infrastructure", "proxy.colour"]);
        assert!(
            errors[0].message.contains("mainframe"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn unreadable_links_say_why() {
        assert!(decode("v2.abc")
            .unwrap_err()
            .0
            .contains("newer or older format"));
        assert!(decode("hello")
            .unwrap_err()
            .0
            .contains("not a palette-portcheck link"));
        assert!(decode("v1.@@@").unwrap_err().0.contains("not valid base64"));
        let cut = &encode(&sample())[..20];
        assert!(decode(cut).unwrap_err().0.contains("cut off"));
        assert!(decode(&"v1.".repeat(10_000))
            .unwrap_err()
            .0
            .contains("far longer"));
    }

    #[test]
    fn non_objects_are_refused_whole() {
        let (a, errors) = from_value_lenient(serde_json::json!([1, 2]));
        assert_eq!(a, Answers::default());
        assert!(errors[0].message.contains("found a list"));
    }
}
