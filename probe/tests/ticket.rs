//! `portcheck ticket` as a user runs it, with its firewall outputs checked by the real tools:
//! `nft -c -f`, `iptables-restore --test` and `sh -n` (all installed by scripts/setup).

mod common;

use common::validators::validators_python;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn portcheck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portcheck"))
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/examples")).join(name)
}

const ENVIRONMENTS: [&str; 5] = [
    "saas-vsphere-pcg.json",
    "saas-eks-vsphere-ssl-bump.json",
    "self-hosted-vsphere-spg.json",
    "self-hosted-airgap.json",
    "edge-local-agent-firewalld.json",
];

fn ticket(env: &str, format: &str) -> String {
    let out = portcheck()
        .args(["ticket", "--format", format, "--answers"])
        .arg(example(env))
        .arg("--info")
        .arg(example("ticket-info/dc1.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{env} {format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a checker with the text on standard input; returns its exit status and stderr.
fn check_with(program: &str, args: &[&str], input: &str) -> (bool, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} is not installed (scripts/setup installs it): {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn nftables_output_passes_nft_check() {
    for env in ENVIRONMENTS {
        let (ok, err) = check_with("nft", &["-c", "-f", "-"], &ticket(env, "nftables"));
        assert!(ok, "{env}: nft -c rejected the ruleset:\n{err}");
    }
    // The checker is real: it refuses what is wrong.
    let (ok, _) = check_with(
        "nft",
        &["-c", "-f", "-"],
        "table inet t { chain c { ip saddr 10.0.0.0/33 accept } }",
    );
    assert!(!ok);
}

#[test]
fn iptables_script_passes_its_own_iptables_restore_test() {
    for env in ENVIRONMENTS {
        let script = ticket(env, "iptables");
        let (ok, err) = check_with("sh", &["-n"], &script);
        assert!(ok, "{env}: sh -n:\n{err}");
        // `--test` feeds the rules to iptables-restore --test: nothing is changed.
        let (ok, err) = check_with("sh", &["-s", "--", "--test"], &script);
        assert!(
            ok,
            "{env}: iptables-restore --test rejected the rules:\n{err}"
        );
    }
    let (ok, _) = check_with(
        "iptables-restore",
        &["--test"],
        "*filter\n-A FORWARD -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n",
    );
    assert!(!ok);
}

#[test]
fn shell_outputs_are_valid_sh() {
    for env in ENVIRONMENTS {
        for format in ["azure", "gcp"] {
            let script = ticket(env, format);
            assert!(script.starts_with("#!/bin/sh\n"));
            let (ok, err) = check_with("sh", &["-n"], &script);
            assert!(ok, "{env} {format}: sh -n:\n{err}");
        }
    }
}

/// The validators of tests/validate/outputs.py: the vendors' own request models and parsers.
fn validate(format: &str, text: &str) -> (bool, String) {
    let python = validators_python();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/validate/outputs.py");
    let file = std::env::temp_dir().join(format!(
        "portcheck-validate-{}-{format}",
        std::process::id()
    ));
    std::fs::write(&file, text).unwrap();
    let out = Command::new(&python)
        .args([script, format])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (scripts/setup installs the validators)",
                python.display()
            )
        });
    let _ = std::fs::remove_file(&file);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cloud_and_kubernetes_outputs_pass_the_vendors_own_models() {
    for env in ENVIRONMENTS {
        for format in [
            "aws-cli",
            "aws-network-firewall",
            "terraform",
            "network-policy",
        ] {
            for optional in [false, true] {
                let mut args = vec!["ticket", "--format", format, "--answers"];
                let path = example(env);
                args.push(path.to_str().unwrap());
                if optional {
                    args.extend(["--include", "optional"]);
                }
                let out = portcheck().args(&args).output().unwrap();
                assert!(out.status.success());
                let (ok, err) = validate(format, &String::from_utf8(out.stdout).unwrap());
                assert!(ok, "{env} {format} (optional: {optional}):\n{err}");
            }
        }
    }
    // The validators are real: each refuses what the vendor would.
    for (format, bad) in [
        ("aws-cli", r#"{"groups": {"pcg": {"egress": [{"IpProtocol": "tcp", "FromPort": "443", "ToPort": 443}], "ingress": []}}}"#),
        ("aws-network-firewall", r#"{"input": {"RuleGroupName": "x", "Type": "STATEFUL", "Capacity": 10, "RuleGroup": {"RulesSource": {"RulesSourceList": {"Targets": ["a.example"], "TargetTypes": ["SNI"], "GeneratedRulesType": "ALLOWLIST"}}}}}"#),
        ("terraform", "resource \"aws_vpc_security_group_egress_rule\" \"x\" {\n  security_group_id = \"sg\"\n  description = \"x\"\n  cidr_ipv4 = \"10.0.0.0/8\"\n  ip_protocol = \"tcp\"\n}\n"),
        ("network-policy", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\nspec:\n  podSelector: {}\n  egress:\n    - ports:\n        - protocol: TCP\n          port: 443\n          endport: 444\n"),
    ] {
        let (ok, err) = validate(format, bad);
        assert!(!ok, "{format}: the validator accepted a broken output");
        assert!(!err.is_empty(), "{format}");
    }
}

/// The Azure script run for real against the Azure CLI (PyPI's azure-cli, installed by
/// scripts/setup): every `az` command it holds is parsed by `az` itself, which checks each flag and
/// each enumerated value (protocol, direction, access) before it asks for a login. A shim stands in
/// for `az` on PATH and counts a command whose arguments were accepted, that is one that stops
/// at the login, as passed.
#[test]
fn azure_script_commands_are_accepted_by_the_real_azure_cli() {
    let python = validators_python();
    let az = python.with_file_name("az");
    assert!(
        az.exists(),
        "{} is missing (scripts/setup installs it)",
        az.display()
    );
    let dir = std::env::temp_dir().join(format!("portcheck-az-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("config")).unwrap();
    let shim = dir.join("az");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\nout=$('{}' \"$@\" 2>&1)\ncase $out in *\"Please run 'az login'\"*) echo accepted >> '{}'; exit 0 ;; esac\nprintf 'az %s\\n%s\\n' \"$*\" \"$out\" >&2\nexit 1\n",
            az.display(),
            dir.join("accepted").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shim, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    for env in ["saas-vsphere-pcg.json", "edge-local-agent-firewalld.json"] {
        let _ = std::fs::remove_file(dir.join("accepted"));
        let out = portcheck()
            .args([
                "ticket",
                "--format",
                "azure",
                "--include",
                "optional",
                "--answers",
            ])
            .arg(example(env))
            .output()
            .unwrap();
        let script = String::from_utf8(out.stdout).unwrap();
        let mut run = Command::new("sh");
        run.arg("-c")
            .arg(&script)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    dir.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("AZURE_CONFIG_DIR", dir.join("config"))
            .env("AZURE_CORE_COLLECT_TELEMETRY", "false")
            .env("RESOURCE_GROUP", "palette-rg");
        // Every variable the script demands: NSG names, and address lists to fill in.
        for line in script.lines().filter(|l| l.starts_with(": \"${")) {
            let var: String = line[5..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let value = if var.starts_with("NSG_") {
                "palette-nsg"
            } else {
                "192.0.2.0/24 2001:db8::/64"
            };
            run.env(var, value);
        }
        let result = run.output().unwrap();
        assert!(
            result.status.success(),
            "{env}: az refused a command:\n{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let accepted = std::fs::read_to_string(dir.join("accepted"))
            .unwrap_or_default()
            .lines()
            .count();
        assert_eq!(
            accepted,
            script.lines().filter(|l| l.starts_with("az ")).count(),
            "{env}"
        );
    }
    // The CLI is real: a wrong value is refused.
    let out = Command::new(&shim)
        .args([
            "network",
            "nsg",
            "rule",
            "create",
            "--resource-group",
            "rg",
            "--nsg-name",
            "n",
            "--name",
            "x",
            "--priority",
            "100",
            "--protocol",
            "Sctp",
        ])
        .env("AZURE_CONFIG_DIR", dir.join("config"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a valid value for '--protocol'"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn azure_script_stops_when_a_variable_is_unset() {
    let script = ticket("saas-vsphere-pcg.json", "azure");
    let out = Command::new("sh")
        .args(["-c", &script])
        .env_remove("RESOURCE_GROUP")
        .output()
        .unwrap();
    assert!(!out.status.success(), "ran without RESOURCE_GROUP");
    assert!(String::from_utf8_lossy(&out.stderr).contains("set RESOURCE_GROUP"));
}

#[test]
fn unknown_formats_and_bad_info_files_are_refused_clearly() {
    let out = portcheck()
        .args(["ticket", "--format", "pdf", "--answers"])
        .arg(example("saas-aws-defaults.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unknown format 'pdf'") && err.contains("nftables"),
        "{err}"
    );

    let out = portcheck()
        .args(["ticket", "--answers"])
        .arg(example("saas-aws-defaults.json"))
        .arg("--info")
        .arg(example("saas-aws-defaults.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("is not a valid ticket info file") && err.contains("unknown field"),
        "{err}"
    );

    // The firewall choices: a mode or level that does not exist is refused with the ones that do.
    for (args, expected) in [
        (
            ["--mode", "sideways"],
            "unknown firewall mode 'sideways'; choose router or host",
        ),
        (["--include", "everything"], "possible values: optional"),
    ] {
        let out = portcheck()
            .args(["ticket", "--format", "iptables", "--answers"])
            .arg(example("saas-aws-defaults.json"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}
