//! The app embedded in a portal by `public/widget.js`: the portal's origin comes in the query
//! (`?embed=ORIGIN&theme=dark`), initial answers in the usual `#a=` fragment. The app then tells
//! the portal what happens (answers changed, ticket copied or downloaded) with postMessage to
//! that origin only, and takes answers and theme only from its parent window at that origin.

use leptos::prelude::*;
use rules::ticket::Format;
use rules::Answers;

/// The portal this page is embedded in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    origin: String,
}

/// The embedding portal, when this page runs in a frame and names a well-formed origin.
pub fn read() -> Option<Embed> {
    let search = window().location().search().ok()?;
    apply_theme(param(&search, "theme").as_deref());
    let origin = parse_origin(&param(&search, "embed")?)?;
    let framed = window()
        .parent()
        .ok()
        .flatten()
        .is_some_and(|p| !js_sys::Object::is(&p, &window()));
    framed.then_some(Embed { origin })
}

impl Embed {
    /// Sends `{source, v, type, ...fields}` to the portal; the browser drops it unless the parent
    /// really is at the portal's origin.
    fn post(&self, kind: &str, fields: serde_json::Value) {
        let mut message = serde_json::json!({"source": "palette-portcheck", "v": 1, "type": kind});
        if let (Some(m), serde_json::Value::Object(f)) = (message.as_object_mut(), fields) {
            m.extend(f);
        }
        let Ok(data) = js_sys::JSON::parse(&message.to_string()) else {
            return;
        };
        if let Ok(Some(parent)) = window().parent() {
            let _ = parent.post_message(&data, &self.origin);
        }
    }

    pub fn post_answers(&self, answers: &Answers) {
        let answers = serde_json::to_value(answers).unwrap_or_default();
        self.post("answers", serde_json::json!({ "answers": answers }));
    }

    /// A ticket that left the page (copied or downloaded).
    pub fn post_ticket(&self, format: Format, text: &str) {
        self.post(
            "ticket",
            serde_json::json!({"format": format.slug(), "file": format.file_name(), "text": text}),
        );
    }

    /// Takes `set-answers` and `theme` messages from the parent window at the portal's origin;
    /// everything else is ignored.
    pub fn listen(&self, answers: RwSignal<Answers>) {
        let origin = self.origin.clone();
        // Dropping the handle leaves the listener in place for the page's life; only
        // `remove` would take it off.
        let _ = window_event_listener(leptos::ev::message, move |event| {
            let from_parent = match (event.source(), window().parent()) {
                (Some(source), Ok(Some(parent))) => js_sys::Object::is(&source, &parent),
                _ => false,
            };
            if event.origin() != origin || !from_parent {
                return;
            }
            let Some(text) = js_sys::JSON::stringify(&event.data())
                .ok()
                .and_then(|s| s.as_string())
            else {
                return;
            };
            match host_message(&text) {
                Some(HostMessage::Answers(a)) => answers.set(*a),
                Some(HostMessage::Theme(theme)) => apply_theme(Some(&theme)),
                None => {}
            }
        });
    }
}

#[derive(Debug, PartialEq)]
enum HostMessage {
    Answers(Box<Answers>),
    Theme(String),
}

/// A message from the portal, read strictly: unknown shapes are ignored, answers read leniently
/// (a field this version does not know falls back to its default, as in share links).
fn host_message(text: &str) -> Option<HostMessage> {
    let value = rules::json::parse_value(text).ok()?;
    if value["source"] != "palette-portcheck-host" || value["v"] != 1 {
        return None;
    }
    match value["type"].as_str()? {
        "set-answers" => Some(HostMessage::Answers(Box::new(
            rules::share::from_value_lenient(value["answers"].clone()).0,
        ))),
        "theme" => Some(HostMessage::Theme(value["theme"].as_str()?.to_owned())),
        _ => None,
    }
}

/// `light` or `dark` forces a theme; anything else follows the system.
fn apply_theme(theme: Option<&str>) {
    let Some(root) = document().document_element() else {
        return;
    };
    match theme {
        Some(t @ ("light" | "dark")) => {
            let _ = root.set_attribute("data-theme", t);
        }
        _ => {
            let _ = root.remove_attribute("data-theme");
        }
    }
}

fn param(search: &str, name: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .and_then(|v| js_sys::decode_uri_component(v).ok())
        .and_then(|v| v.as_string())
}

/// `scheme://host[:port]` with an http(s) scheme and nothing else: what `location.origin` of the
/// portal looks like, and all postMessage needs.
fn parse_origin(text: &str) -> Option<String> {
    let (scheme, authority) = text.split_once("://")?;
    let valid = matches!(scheme, "http" | "https") && rules::pairing::plain_authority(authority);
    valid.then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_origins_are_accepted() {
        assert_eq!(
            parse_origin("https://Portal.Example.com").as_deref(),
            Some("https://portal.example.com")
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        for bad in [
            "*",
            "null",
            "portal.example.com",
            "javascript://alert(1)",
            "https://portal.example.com/path",
            "https://user@portal.example.com",
            "https://",
        ] {
            assert_eq!(parse_origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn host_messages_are_read_strictly() {
        let set = r#"{"source":"palette-portcheck-host","v":1,"type":"set-answers","answers":{"infrastructure":["vsphere"]}}"#;
        let Some(HostMessage::Answers(a)) = host_message(set) else {
            panic!("set-answers")
        };
        assert_eq!(a.infrastructure, vec![rules::Infrastructure::Vsphere]);
        assert_eq!(
            host_message(
                r#"{"source":"palette-portcheck-host","v":1,"type":"theme","theme":"dark"}"#
            ),
            Some(HostMessage::Theme("dark".into()))
        );
        for ignored in [
            r#"{"source":"someone-else","v":1,"type":"theme","theme":"dark"}"#,
            r#"{"source":"palette-portcheck-host","v":2,"type":"theme","theme":"dark"}"#,
            r#"{"source":"palette-portcheck-host","v":1,"type":"run-checks"}"#,
            "not json",
        ] {
            assert_eq!(host_message(ignored), None, "{ignored}");
        }
    }
}
