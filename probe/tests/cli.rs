//! The `portcheck` binary as a user runs it.

mod common;

use common::{app_dir, Served};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn portcheck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portcheck"))
}

#[test]
fn help_teaches_the_serve_command_with_an_example() {
    let out = portcheck().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Palette"), "{help}");
    assert!(help.contains("serve"), "{help}");
    assert!(help.contains("portcheck serve --dir dist"), "{help}");
    assert!(help.contains("loopback"), "{help}");
}

#[test]
fn serve_refuses_a_folder_without_the_built_app() {
    let out = portcheck()
        .args(["serve", "--dir", "/nonexistent/portcheck-dist"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("has no index.html"), "{err}");
    assert!(err.contains("make run"), "{err}");
}

#[test]
fn serve_refuses_a_non_loopback_address_unless_exposed() {
    let dir = app_dir("non-loopback");
    let out = portcheck()
        .args(["serve", "--bind", "0.0.0.0", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not a loopback address"), "{err}");
    assert!(err.contains("--expose"), "{err}");
}

#[test]
fn serve_rejects_bad_arguments_with_usage() {
    let out = portcheck()
        .args(["serve", "--port", "70000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--port"), "{err}");
    assert!(err.contains("70000"), "{err}");
}

#[test]
fn serve_serves_the_app_to_its_own_host_only() {
    let dir = app_dir("serve");
    let server = Served::start(&dir, &[]);

    let ok = server.get("/", &format!("127.0.0.1:{}", server.port));
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(ok.contains("<p>portcheck test page</p>"), "{ok}");

    let by_name = server.get("/", &format!("localhost:{}", server.port));
    assert!(by_name.starts_with("HTTP/1.1 200"), "{by_name}");

    // A DNS-rebinding page reaches this server under its own name: the Host header gives it away.
    let rebound = server.get("/", &format!("attacker.example:{}", server.port));
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    assert!(!rebound.contains("portcheck test page"), "{rebound}");

    let wrong_port = server.get("/", "127.0.0.1:1");
    assert!(wrong_port.starts_with("HTTP/1.1 421"), "{wrong_port}");
}

/// Runs `portcheck ARGS EXAMPLE`, the arguments ending in `--answers`.
fn with_answers(args: &[&str], example_name: &str) -> std::process::Output {
    portcheck()
        .args(args)
        .arg(example(example_name))
        .output()
        .unwrap()
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/examples")).join(name)
}

#[test]
fn checklist_prints_the_flows_of_an_answer_file() {
    let out = with_answers(&["checklist", "--answers"], "saas-vsphere-pcg.json");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("pcg-infra-api"), "{text}");
    assert!(text.contains("vcenter.dc1.example.com"), "{text}");
    assert!(text.contains("Deploy a Private Cloud Gateway"), "{text}");
}

#[test]
fn checklist_json_is_the_documented_shape() {
    let out = with_answers(
        &["checklist", "--format", "json", "--answers"],
        "self-hosted-airgap.json",
    );
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["schema"], 3);
    assert_eq!(
        json["documentation"][0]["path"],
        "docs/docs-content/architecture/networking-ports.md"
    );
    assert_eq!(json["era"], "grpc");
    let flow = json["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "mgmt-airgap-scar")
        .expect("SCAR flow");
    assert_eq!(flow["ports"], serde_json::json!(["8443"]));
    assert_eq!(
        (&flow["check"], &flow["proxiable"]),
        (&"tls".into(), &true.into())
    );
    assert_eq!(
        flow["to"]["hosts"],
        serde_json::json!([{"kind": "name", "value": "airgap.corp.internal"}])
    );
    let workload = json["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "workload-palette-api")
        .expect("workload flow");
    assert_eq!(
        workload["from"]["hosts"],
        serde_json::json!([{"kind": "placeholder", "value": "Workload cluster nodes"}]),
        "an address not given yet is a kind of end, not a spelling"
    );
    assert!(!flow["sources"].as_array().unwrap().is_empty());
    assert!(!flow["reasons"].as_array().unwrap().is_empty());
}

#[test]
fn checklist_reads_standard_input_and_renders_markdown() {
    let mut child = portcheck()
        .args(["checklist", "--format", "markdown", "--answers", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"deployment": "self-hosted-palette", "infrastructure": ["openstack"]}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Palette network checklist"), "{md}");
    assert!(md.contains("System Private Gateway"), "{md}");
    assert!(md.contains("| `mgmt-infra-api` |"), "{md}");
}

/// Nothing is assumed for a question a file leaves out that has no safe default: a file without
/// `infrastructure` is refused, never given AWS's flows.
#[test]
fn an_answer_file_without_infrastructure_is_refused() {
    let mut child = portcheck()
        .args(["checklist", "--answers", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"{}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("infrastructure: choose at least one target infrastructure"),
        "{err}"
    );
}

#[test]
fn checklist_refuses_invalid_answers_field_by_field() {
    let out = with_answers(&["checklist", "--answers"], "invalid/bad-fields.json");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no partial checklist on stdout");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("7 invalid answer(s)"), "{err}");
    assert!(
        err.contains("palette-version: '4.5' is not a semantic version"),
        "{err}"
    );
    assert!(
        err.contains("endpoints.palette: port 70000 is over 65535"),
        "{err}"
    );
    assert!(
        err.contains("proxy.no-proxy[0]: '10.0.0.0/33': prefix length 33 is over 32"),
        "{err}"
    );
    assert!(
        !err.contains("secret"),
        "credentials must not be echoed: {err}"
    );
}

#[test]
fn checklist_explains_unreadable_and_malformed_files() {
    let missing = portcheck()
        .args(["checklist", "--answers", "/nonexistent/answers.json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/answers.json")
    );

    let dir = app_dir("malformed");
    let file = dir.join("answers.json");
    std::fs::write(&file, "{\n  \"deployment\": \"saas\"\n}").unwrap();
    let out = portcheck()
        .args(["checklist", "--answers"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("is not a valid answer file"), "{err}");
    assert!(err.contains("unknown variant `saas`"), "{err}");
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn plan_lists_the_checks_from_one_place() {
    let out = with_answers(
        &["plan", "--from", "pcg", "--answers"],
        "saas-vsphere-pcg.json",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["from"], "pcg");
    let checks = plan["checks"].as_array().unwrap();
    assert!(checks
        .iter()
        .any(|c| c["id"] == "pcg-infra-api@vcenter.dc1.example.com:443" && c["kind"] == "tls"));
    assert!(plan["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["flow"] == "pcg-ntp"));
}

#[test]
fn plan_refuses_roles_without_flows_and_unknown_roles() {
    let out = with_answers(
        &["plan", "--from", "edge-host", "--answers"],
        "saas-vsphere-pcg.json",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no flow starts at 'edge-host'") && err.contains("workload, pcg"),
        "{err}"
    );

    let out = with_answers(
        &["plan", "--from", "moon", "--answers"],
        "saas-vsphere-pcg.json",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role 'moon'"));
}

#[test]
fn a_closed_output_pipe_is_not_a_crash() {
    let mut child = portcheck()
        .args(["ticket", "--format", "markdown", "--answers"])
        .arg(example("edge-local-agent-firewalld.json"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// `portcheck docs-drift`: 0 on the pages as they are, 1 with the drift in JSON when a page
/// changed, 2 naming a file that is not a mapped page.
#[test]
fn docs_drift_exits_by_what_it_found() {
    let shared =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/docs/librarium");
    let shared = std::env::var_os("PORTCHECK_SHARED").map_or(shared, |s| {
        std::path::PathBuf::from(s).join("docs/librarium")
    });
    let ports = shared.join("networking-ports@99bc9d08.md");
    let out = portcheck().arg("docs-drift").arg(&ports).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("docs-drift: 1 file, 10 table rows: every row covered, no drift"),
        "{text}"
    );

    let dir = std::env::temp_dir().join(format!("portcheck-drift-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let edited = dir.join("networking-ports.md");
    let page = std::fs::read_to_string(&ports).unwrap();
    std::fs::write(
        &edited,
        page.replacen(
            "HTTPS (tcp/6443) | OUTBOUND",
            "HTTPS (tcp/6444) | OUTBOUND",
            1,
        ),
    )
    .unwrap();
    let out = portcheck()
        .args(["docs-drift", "--format", "json"])
        .arg(&edited)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["drift"][0]["kind"], "disagrees", "{json:#}");
    assert_eq!(
        json["drift"][0]["detail"],
        "port 6444: saas-palette-workload-api open 6443"
    );
    assert_eq!(json["drift"][0]["line"], 43);

    std::fs::write(dir.join("notes.md"), "| a |\n|---|\n| b |\n").unwrap();
    for (file, error) in [
        (
            "notes.md",
            "notes.md: not a page the rule base is mapped against",
        ),
        ("missing.md", "missing.md: No such file or directory"),
    ] {
        let out = portcheck()
            .args(["docs-drift", "--format", "markdown"])
            .arg(&ports)
            .arg(dir.join(file))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(error), "{err}");
        assert!(
            out.stdout.is_empty(),
            "nothing is reported when a file cannot be read"
        );
    }
}

/// `--version` names the documentation snapshot the rule base was checked against, as the
/// checklist does.
#[test]
fn version_and_checklist_say_which_documentation_the_rules_follow() {
    let out = portcheck().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(concat!("portcheck ", env!("CARGO_PKG_VERSION")))
    );
    // The commit is this checkout's (or what make dist names), the target this build's.
    let build = lines.next().unwrap();
    let head = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    assert!(
        build.starts_with(&format!("commit {}", head.trim())),
        "{build}"
    );
    let target = build.rsplit(", built for ").next().unwrap();
    assert!(
        target.starts_with(std::env::consts::ARCH) && target.contains(std::env::consts::OS),
        "{build}"
    );
    let provenance = lines.next().unwrap();
    assert!(
        provenance.starts_with("Rules checked against Palette's documentation (spectrocloud/librarium): architecture/networking-ports.md @99bc9d08 (checked 2026-11-29); "),
        "{provenance}"
    );
    assert!(
        provenance.contains("clusters/pcg/architecture.md @4ba0040e"),
        "{provenance}"
    );
    let out = with_answers(&["checklist", "--answers"], "saas-vsphere-pcg.json");
    assert!(String::from_utf8(out.stdout).unwrap().lines().nth(1) == Some(provenance));
}
