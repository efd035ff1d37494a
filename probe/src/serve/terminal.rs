//! The person at the probe's terminal decides whether a page may run the plan it proposes. The
//! page holds the token, but a page can be compromised (a script injected into the docs site);
//! the terminal cannot. So targets a page supplies are contacted only after someone typed the
//! question's own code beside the list of them: a `y` typed ahead, or left over from a question
//! that timed out, answers nothing. One question at a time; no answer within a minute is a no.

use crate::check::proxy_env::EnvProxy;
use rules::endpoint::printable;
use rules::plan::Plan;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader, Lines, Stdin};
use tokio::sync::Mutex;

const ANSWER_WITHIN: Duration = Duration::from_secs(60);

/// Lines already waiting when a question is about to be asked arrive within this; they are
/// discarded, never read as the answer.
const TYPED_AHEAD_WINDOW: Duration = Duration::from_millis(50);

/// Letters and digits a person cannot mistake for each other.
const CODE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A fresh four-character code for one question: typing it shows the person read this question.
fn code() -> Result<String, String> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 4];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| "the system random number generator failed".to_owned())?;
    Ok(bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect())
}

pub struct Terminal {
    /// `None` once standard input has closed: nobody is there to ask.
    lines: Mutex<Option<Lines<BufReader<Stdin>>>>,
}

impl Terminal {
    pub fn new() -> Terminal {
        Terminal {
            lines: Mutex::new(Some(BufReader::new(tokio::io::stdin()).lines())),
        }
    }

    /// Asks on the terminal whether `origin` may run `plan` (already validated).
    pub async fn confirm(
        &self,
        origin: &str,
        plan: &Plan,
        env_proxy: Option<&EnvProxy>,
    ) -> Result<(), String> {
        let mut lines = self.lines.lock().await;
        let Some(input) = lines.as_mut() else {
            return Err(CLOSED.into());
        };
        // Whatever was typed before this question was not an answer to it.
        let mut ahead = 0;
        loop {
            match tokio::time::timeout(TYPED_AHEAD_WINDOW, input.next_line()).await {
                Ok(Ok(Some(_))) => ahead += 1,
                Ok(Ok(None) | Err(_)) => {
                    *lines = None;
                    return Err(CLOSED.into());
                }
                Err(_) => break,
            }
        }
        if ahead > 0 {
            let _ = crate::output::print(&format!(
                "\n(ignored {ahead} line(s) typed before this question)\n"
            ));
        }
        let code = code()?;
        let _ = crate::output::print(&question(origin, plan, env_proxy, &code));
        match tokio::time::timeout(ANSWER_WITHIN, input.next_line()).await {
            Err(_) => {
                let _ = crate::output::print("\nNo answer within 60 s: not run.\n");
                Err("nobody confirmed the plan at the probe's terminal within 60 s".into())
            }
            Ok(Ok(Some(answer))) if answer.trim().eq_ignore_ascii_case(&code) => {
                let _ = crate::output::print("Confirmed.\n");
                Ok(())
            }
            Ok(Ok(Some(_))) => {
                let _ = crate::output::print("Not run.\n");
                Err("the plan was declined at the probe's terminal".into())
            }
            Ok(Ok(None) | Err(_)) => {
                *lines = None;
                Err(CLOSED.into())
            }
        }
    }
}

/// Loopback targets reach services of the machine the probe runs on, which no Palette flow
/// does from here: the question marks them so they are not confirmed in passing.
fn is_this_machine(host: &str) -> bool {
    match rules::endpoint::parse_host(host) {
        Ok(rules::endpoint::Host::Ip(ip)) => ip.to_canonical().is_loopback(),
        Ok(rules::endpoint::Host::Name(name)) => {
            name == "localhost" || name.ends_with(".localhost")
        }
        _ => false,
    }
}

const CLOSED: &str = "the probe's standard input is closed, so nobody can confirm a plan from the page: start the probe with --plan FILE instead";

/// The question, with every string the page supplied escaped: it must not be able to write
/// terminal control sequences.
fn question(origin: &str, plan: &Plan, env_proxy: Option<&EnvProxy>, code: &str) -> String {
    let asker = match origin {
        "(none)" => "A client without an Origin (not a web page)".to_owned(),
        page => format!("The page at {}", printable(page)),
    };
    let mut text = format!(
        "\n{asker} asks this probe to run {} from {}:\n",
        match plan.checks.len() {
            1 => "1 check".to_owned(),
            n => format!("{n} checks"),
        },
        plan.from.label()
    );
    for check in &plan.checks {
        text.push_str(&format!(
            "  {}:{} {}{}{}  ({})\n",
            printable(&check.host),
            check.port,
            check.kind.as_str(),
            if check.via_proxy { " via proxy" } else { "" },
            if is_this_machine(&check.host) {
                " [THIS MACHINE]"
            } else {
                ""
            },
            printable(&check.purpose)
        ));
    }
    if let Some(proxy) = &plan.proxy {
        let credentials = match env_proxy {
            Some(env) if env.credentials_for(proxy).is_some() => {
                "your HTTPS_PROXY credentials are sent to it"
            }
            Some(env) if env.has_credentials() => {
                "no credentials: it is not the proxy of your HTTPS_PROXY"
            }
            _ => "no credentials",
        };
        text.push_str(&format!("  proxy: {} ({credentials})\n", printable(proxy)));
    }
    text.push_str(&format!(
        "Run them? Type {code} and Enter to allow; anything else declines [{code}/N]: "
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_lists_every_target_and_escapes_what_the_page_wrote() {
        let plan: Plan = serde_json::from_value(serde_json::json!({
            "schema": 2, "from": "pcg", "palette-version": "4.7.9",
            "checks": [{"id": "a", "flow": "a", "host": "vcenter.corp", "port": 443,
                        "kind": "tls", "via-proxy": false, "purpose": "vCenter\u{1b}[2J"}]
        }))
        .unwrap();
        let q = question("http://127.0.0.1:8790", &plan, None, "k7m2");
        assert!(
            q.contains("The page at http://127.0.0.1:8790 asks this probe to run 1 check from"),
            "{q}"
        );
        assert!(
            q.contains("  vcenter.corp:443 tls  (vCenter\\u{1b}[2J)"),
            "{q}"
        );
        assert!(!q.contains('\u{1b}'));
        assert!(q.ends_with("Type k7m2 and Enter to allow; anything else declines [k7m2/N]: "));
    }

    #[test]
    fn loopback_targets_are_marked() {
        for host in [
            "127.0.0.1",
            "127.3.4.5",
            "::1",
            "::ffff:127.0.0.1",
            "localhost",
            "db.localhost",
        ] {
            assert!(is_this_machine(host), "{host}");
        }
        for host in ["10.0.0.1", "vcenter.corp", "fd00::1"] {
            assert!(!is_this_machine(host), "{host}");
        }
        let plan: Plan = serde_json::from_value(serde_json::json!({
            "schema": 2, "from": "pcg", "palette-version": "4.7.9",
            "checks": [{"id": "a", "flow": "a", "host": "127.0.0.1", "port": 10250,
                        "kind": "tcp", "via-proxy": false, "purpose": "p"}]
        }))
        .unwrap();
        assert!(question("http://x", &plan, None, "k7m2")
            .contains("  127.0.0.1:10250 tcp [THIS MACHINE]  (p)"));
    }

    #[test]
    fn codes_are_fresh_and_unambiguous() {
        let a = code().unwrap();
        assert_eq!(a.len(), 4);
        assert!(a.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{a}");
        let codes: std::collections::HashSet<String> = (0..50).map(|_| code().unwrap()).collect();
        assert!(codes.len() > 40, "{codes:?}");
    }

    /// #15 point 1: the question says whether the probe's credentials go to the plan's proxy.
    #[test]
    fn the_question_says_which_proxy_gets_the_credentials() {
        let plan = |proxy: &str| -> Plan {
            serde_json::from_value(serde_json::json!({
                "schema": 2, "from": "pcg", "palette-version": "4.7.9", "proxy": proxy, "checks": []
            }))
            .unwrap()
        };
        let env = EnvProxy::parse("http://u:secret@proxy.corp:3128").unwrap();
        let own = question(
            "http://x",
            &plan("http://proxy.corp:3128"),
            Some(&env),
            "k7m2",
        );
        assert!(
            own.contains(
                "  proxy: http://proxy.corp:3128 (your HTTPS_PROXY credentials are sent to it)"
            ),
            "{own}"
        );
        let other = question(
            "http://x",
            &plan("http://127.0.0.1:3129"),
            Some(&env),
            "k7m2",
        );
        assert!(
            other.contains("(no credentials: it is not the proxy of your HTTPS_PROXY)"),
            "{other}"
        );
        assert!(!own.contains("secret") && !other.contains("secret"));
    }
}
