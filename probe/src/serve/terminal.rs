//! The person at the probe's terminal decides whether a page may run the plan it proposes. The
//! page holds the token, but a page can be compromised (a script injected into the docs site);
//! the terminal cannot. So targets a page supplies are contacted only after someone typed the
//! question's own code beside the list of them: a `y` typed ahead, or left over from a question
//! that timed out, answers nothing. One question at a time; no answer within a minute is a no.

use crate::check::proxy_env::EnvProxy;
use rules::endpoint::printable;
use rules::plan::{Check, Plan};
use rules::target::{self, PortFit};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader, Lines, Stdin};
use tokio::sync::Mutex;

const ANSWER_WITHIN: Duration = Duration::from_secs(60);

/// Lines already waiting when a question is about to be asked arrive within this; they are
/// discarded, never read as the answer.
const TYPED_AHEAD_WINDOW: Duration = Duration::from_millis(50);

/// How often a page may run a plan the person allowed before it must ask again (per session).
pub const RUNS_PER_CONFIRMATION: usize = 3;

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

const CLOSED: &str = "the probe's standard input is closed, so nobody can confirm a plan from the page: start the probe with --plan FILE instead";

/// Plans up to this size are listed check by check, with purposes; larger ones by destination.
const LISTED_ONE_BY_ONE: usize = 20;

/// The question, with every string the page supplied escaped: it must not be able to write
/// terminal control sequences. Targets that deserve a second look (`rules::target`) are marked
/// and come first; a large plan is summarised by destination so none of them hides at line 283.
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
    let mut lines: Vec<(bool, String)> = if plan.checks.len() <= LISTED_ONE_BY_ONE {
        plan.checks
            .iter()
            .map(|check| {
                let marks = marks(&check.host, std::slice::from_ref(check));
                let line = format!(
                    "  {} {}{}{}  ({})",
                    target::shown_authority(&check.host, check.port),
                    check.kind.as_str(),
                    if check.via_proxy { " via proxy" } else { "" },
                    marks,
                    printable(&check.purpose)
                );
                (!marks.is_empty(), line)
            })
            .collect()
    } else {
        by_destination(plan)
    };
    // Marked lines first; otherwise the plan's order.
    lines.sort_by_key(|(marked, _)| !marked);
    let marked = lines.iter().filter(|(m, _)| *m).count();
    if plan.checks.len() > LISTED_ONE_BY_ONE {
        text.push_str(&format!("  {} destinations:\n", lines.len()));
    }
    for (_, line) in &lines {
        text.push_str(line);
        text.push('\n');
    }
    if marked > 0 {
        text.push_str(&format!(
            "  {marked} of them marked [...]: look at those before you allow the plan.\n"
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
        "Allowed, the page may run them {RUNS_PER_CONFIRMATION} times in this session, then it must ask again.\n"
    ));
    text.push_str(&format!(
        "Run them? Type {code} and Enter to allow; anything else declines [{code}/N]: "
    ));
    text
}

/// One line per destination host: its ports and kinds, and the marks of any of its checks.
fn by_destination(plan: &Plan) -> Vec<(bool, String)> {
    let mut hosts: Vec<&str> = Vec::new();
    for check in &plan.checks {
        if !hosts.contains(&check.host.as_str()) {
            hosts.push(&check.host);
        }
    }
    hosts
        .into_iter()
        .map(|host| {
            let checks: Vec<Check> = plan
                .checks
                .iter()
                .filter(|c| c.host == host)
                .cloned()
                .collect();
            let mut ports: Vec<String> = Vec::new();
            for c in &checks {
                let port = format!(
                    "{} {}{}",
                    c.port,
                    c.kind.as_str(),
                    if c.via_proxy { " via proxy" } else { "" }
                );
                if !ports.contains(&port) {
                    ports.push(port);
                }
            }
            let marks = marks(host, &checks);
            let line = format!(
                "  {}{marks}: {} ({})",
                rules::target::shown(host),
                ports.join(", "),
                match checks.len() {
                    1 => "1 check".to_owned(),
                    n => format!("{n} checks"),
                }
            );
            (!marks.is_empty(), line)
        })
        .collect()
}

/// ` [MARK] [MARK]` for a host and its checks, or nothing.
fn marks(host: &str, checks: &[Check]) -> String {
    let mut marks = Vec::new();
    if let Some(mark) = rules::endpoint::parse_host(host)
        .ok()
        .and_then(|h| target::class(&h).mark())
    {
        marks.push(mark.to_owned());
    }
    for check in checks {
        let mark = match target::port_fit(&check.flow, check.port) {
            PortFit::InRule => continue,
            PortFit::OutsideRule(ports) => format!(
                "PORT {} NOT IN ITS RULE ({}: {ports})",
                check.port,
                printable(&check.flow)
            ),
            PortFit::UnknownFlow => format!("UNKNOWN FLOW {}", printable(&check.flow)),
        };
        if !marks.contains(&mark) {
            marks.push(mark);
        }
    }
    marks.iter().map(|m| format!(" [{m}]")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_lists_every_target_and_escapes_what_the_page_wrote() {
        let plan: Plan = serde_json::from_value(serde_json::json!({
            "schema": 2, "from": "pcg", "palette-version": "4.7.9",
            "checks": [{"id": "a", "flow": "workload-vcenter", "host": "vcenter.corp", "port": 443,
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
        assert!(!q.contains("marked [...]"), "nothing to mark: {q}");
        assert!(q.ends_with("Type k7m2 and Enter to allow; anything else declines [k7m2/N]: "));
    }

    fn plan_of(checks: Vec<serde_json::Value>) -> Plan {
        serde_json::from_value(serde_json::json!({
            "schema": 2, "from": "pcg", "palette-version": "4.7.9", "checks": checks
        }))
        .unwrap()
    }

    fn check(flow: &str, host: &str, port: u16) -> serde_json::Value {
        serde_json::json!({"id": format!("{flow}@{host}:{port}"), "flow": flow, "host": host,
            "port": port, "kind": "tcp", "via-proxy": false, "purpose": "p"})
    }

    /// #15 point 5: what deserves a second look is marked, and comes first.
    #[test]
    fn targets_to_look_at_twice_are_marked_and_come_first() {
        let plan = plan_of(vec![
            check("workload-vcenter", "vcenter.corp", 443),
            check("edge-fw-kubelet", "127.0.0.1", 10250),
            check("workload-vcenter", "10.1.2.3", 443),
            check("workload-vcenter", "vcenter2.corp", 22),
            check("made-up", "vcenter3.corp", 443),
            check("workload-vcenter", "::ffff:127.0.0.1", 443),
        ]);
        let q = question("http://x", &plan, None, "k7m2");
        let lines: Vec<&str> = q.lines().collect();
        assert_eq!(
            &lines[2..8],
            [
                "  127.0.0.1:10250 tcp [THIS MACHINE]  (p)",
                "  10.1.2.3:443 tcp [PRIVATE NETWORK]  (p)",
                "  vcenter2.corp:22 tcp [PORT 22 NOT IN ITS RULE (workload-vcenter: 443)]  (p)",
                "  vcenter3.corp:443 tcp [UNKNOWN FLOW made-up]  (p)",
                "  127.0.0.1:443 (written [::ffff:127.0.0.1]:443) tcp [THIS MACHINE]  (p)",
                "  vcenter.corp:443 tcp  (p)",
            ],
            "{q}"
        );
        assert!(q.contains("  5 of them marked [...]"), "{q}");
        assert!(q.contains("may run them 3 times in this session"), "{q}");
    }

    /// #15 point 5: a plan of hundreds of checks is put as one line per destination, the
    /// marked ones first, every host shown so it can be judged.
    #[test]
    fn a_large_plan_is_summarised_by_destination() {
        let long = format!("{}.{}.evil.example", "a".repeat(63), "b".repeat(63));
        let mut checks: Vec<serde_json::Value> = (0..540)
            .map(|i| {
                check(
                    "workload-palette-api",
                    &format!("h{}.example.com", i % 9),
                    443,
                )
            })
            .enumerate()
            .map(|(i, mut c)| {
                c["id"] = serde_json::json!(format!("c{i}"));
                c
            })
            .collect();
        checks.insert(283, check("workload-vcenter", "192.168.0.10", 443));
        checks.push(check("workload-palette-api", &long, 443));
        checks.push(check("workload-palette-api", "xn--80ak6aa92e.com", 443));
        let q = question("http://x", &plan_of(checks), None, "k7m2");
        assert!(q.lines().count() < 25, "{q}");
        assert!(
            q.contains("  12 destinations:\n  192.168.0.10 [PRIVATE NETWORK]: 443 tcp (1 check)\n"),
            "{q}"
        );
        assert!(q.contains("  h0.example.com: 443 tcp (60 checks)"), "{q}");
        assert!(q.contains(".evil.example: 443 tcp (1 check)"), "{q}");
        assert!(
            q.contains("  аррӏе.com (xn--80ak6aa92e.com): 443 tcp (1 check)"),
            "{q}"
        );
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
