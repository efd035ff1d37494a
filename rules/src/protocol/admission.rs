//! `GET /v1/admission`: why the probe may have refused a page's WebSocket handshake. Browsers
//! do not say: a stale token, an origin the probe does not accept and a full probe look alike.
//! The probe answers this request, readably (CORS), only to pages whose origin it accepts; so a
//! page that cannot read it knows its origin is refused, and one that can learns whether every
//! session slot is taken. It carries nothing a page of an accepted origin could not learn by
//! connecting, and nothing at all for other pages.

use serde::{Deserialize, Serialize};

pub const PATH: &str = "/v1/admission";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Admission {
    pub v: u32,
    /// Every session slot (`--max-connections`) is taken.
    pub busy: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_round_trips_and_refuses_what_it_does_not_know() {
        let a = Admission { v: 1, busy: true };
        let text = serde_json::to_string(&a).unwrap();
        assert_eq!(text, r#"{"v":1,"busy":true}"#);
        assert_eq!(serde_json::from_str::<Admission>(&text).unwrap(), a);
        assert!(serde_json::from_str::<Admission>(r#"{"v":1,"busy":false,"token":"x"}"#).is_err());
    }
}
