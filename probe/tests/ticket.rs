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

/// The iptables script reads an address list only in its plain forms: the other spellings
/// iptables would also take (127.1, 0x7f.0.0.1, a leading zero) mean something else than they
/// seem, and a word of hex digits would be looked up as a name.
#[test]
fn iptables_script_takes_plain_addresses_only() {
    let script = ticket("saas-vsphere-pcg.json", "iptables");
    let print = |value: &str| {
        Command::new("sh")
            .args(["-c", &script, "palette.sh", "--print"])
            .env("VCENTER_DC1_EXAMPLE_COM", value)
            .output()
            .unwrap()
    };
    for bad in [
        "127.1",
        "0x7f.0.0.1",
        "010.1.1.1",
        "10.9.9.300",
        "cafe",
        "10.0.0.0/33",
        "::1/129",
        "fe80::1%eth0",
        "10.1.2.3,vcenter.dc1.example.com",
    ] {
        let out = print(bad);
        assert_eq!(out.status.code(), Some(2), "{bad} was taken");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("in its plain form"),
            "{bad}"
        );
        assert!(
            out.stdout.is_empty(),
            "{bad}: nothing printed for iptables-restore"
        );
    }
    for good in [
        "10.1.2.3",
        "10.9.9.0/24,2001:db8::/64",
        "2001:db8::5",
        "::ffff:10.1.2.3",
        "64:ff9b::10.1.2.3",
        "::1",
        "FD00:50::11/128",
        "2001:db8:0:0:1:0:0:1",
    ] {
        let out = print(good);
        assert!(
            out.status.success(),
            "{good}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
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
            "cilium",
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
    for (format, bad, reason) in [
        ("aws-cli", r#"{"groups": {"pcg": {"egress": [{"IpProtocol": "tcp", "FromPort": "443", "ToPort": 443}], "ingress": []}}}"#, "Invalid type"),
        ("aws-network-firewall", r#"{"inputs": [{"RuleGroupName": "x", "Type": "STATEFUL", "Capacity": 10, "RuleGroup": {"RulesSource": {"RulesSourceList": {"Targets": ["a.example"], "TargetTypes": ["SNI"], "GeneratedRulesType": "ALLOWLIST"}}}}]}"#, "is not one of"),
        ("terraform", "resource \"aws_vpc_security_group_egress_rule\" \"x\" {\n  security_group_id = \"sg\"\n  description = \"x\"\n  cidr_ipv4 = \"10.0.0.0/8\"\n  ip_protocol = \"tcp\"\n}\n", "from_port must be a number"),
        ("network-policy", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\nspec:\n  podSelector: {}\n  egress:\n    - ports:\n        - protocol: TCP\n          port: 443\n          endport: 444\n", "endport"),
        // EC2 refuses the same permission twice, and a description outside its characters.
        ("aws-cli", r#"{"groups": {"pcg": {"egress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "192.0.2.1/32", "Description": "a"}]}, {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "192.0.2.1/32", "Description": "b"}]}], "ingress": []}}}"#, "the same permission twice"),
        ("aws-cli", r#"{"groups": {"pcg": {"egress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "192.0.2.1/32", "Description": "caf\u00e9"}]}], "ingress": []}}}"#, "breaks EC2's constraints"),
        // Cilium: a misspelt peer (the schema alone would let it through), then a name that is not one.
        ("cilium", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: x\nspec:\n  endpointSelector: {}\n  egress:\n    - toFQDN:\n        - matchName: a.example\n", "Object literal may only specify known properties"),
        ("cilium", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: x\nspec:\n  endpointSelector: {}\n  egress:\n    - toFQDNs:\n        - matchName: \"a example\"\n", "must match pattern"),
    ] {
        let (ok, err) = validate(format, bad);
        assert!(!ok, "{format}: the validator accepted a broken output");
        assert!(err.contains(reason), "{format}: refused, but not for {reason:?}:\n{err}");
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
            "#!/bin/sh\nout=$('{}' \"$@\" 2>&1)\ncase $out in *\"Please run 'az login'\"*) echo \"$*\" >> '{}'; exit 0 ;; esac\nprintf 'az %s\\n%s\\n' \"$*\" \"$out\" >&2\nexit 1\n",
            az.display(),
            dir.join("accepted").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shim, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    // A dual-stack site: both families at each end, so each flow needs a rule per family.
    let dual_stack = dir.join("dual-stack.json");
    let mut answers: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example("saas-vsphere-pcg.json")).unwrap())
            .unwrap();
    for (list, v6) in [
        ("admin", "2001:db8:1::/64"),
        ("workload-nodes", "fd00:20::/48"),
        ("pcg-nodes", "fd00:20:5::/64"),
        ("dns-servers", "fd00::53"),
    ] {
        answers["endpoints"][list]
            .as_array_mut()
            .unwrap()
            .push(v6.into());
    }
    std::fs::write(&dual_stack, answers.to_string()).unwrap();
    for answers in [
        example("saas-vsphere-pcg.json"),
        example("edge-local-agent-firewalld.json"),
        dual_stack,
    ] {
        let env = answers.file_name().unwrap().to_string_lossy().into_owned();
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
            .arg(&answers)
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
        // Every variable the script demands (NSG names), and each address list, in its family.
        for line in script.lines().filter(|l| l.starts_with(": \"${NSG_")) {
            let var: String = line[5..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            run.env(var, "palette-nsg");
        }
        for var in address_variables(&script) {
            let value = if var.ends_with("_V4") {
                "192.0.2.0/24 198.51.100.7"
            } else {
                "2001:db8::/64"
            };
            run.env(var, value);
        }
        let result = run.output().unwrap();
        assert!(
            result.status.success(),
            "{env}: az refused a command:\n{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let accepted = std::fs::read_to_string(dir.join("accepted")).unwrap_or_default();
        assert_eq!(
            accepted.lines().count(),
            script
                .lines()
                .filter(|l| l.trim_start().starts_with("az "))
                .count(),
            "{env}: every command was run and accepted"
        );
        // Azure refuses a rule whose prefixes mix IPv4 and IPv6: each command has one family.
        for command in accepted.lines() {
            let words: Vec<&str> = command.split(' ').collect();
            let prefixes: Vec<&str> = words
                .iter()
                .enumerate()
                .filter(|(_, w)| w.ends_with("-address-prefixes"))
                .flat_map(|(i, _)| words[i + 1..].iter().take_while(|w| !w.starts_with("--")))
                .copied()
                .collect();
            assert!(!prefixes.is_empty(), "{env}: {command}");
            let v6 = prefixes.iter().filter(|p| p.contains(':')).count();
            assert!(
                v6 == 0 || v6 == prefixes.len(),
                "{env}: one rule mixes IPv4 and IPv6: {command}"
            );
        }
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

/// A stand-in for Compute Engine's firewalls API on loopback (tests/validate/compute_api.py): it
/// refuses what the API documents it refuses and records each Firewall it accepts.
struct ComputeApi {
    server: std::process::Child,
    records: PathBuf,
    endpoint: String,
}

impl ComputeApi {
    fn start(dir: &std::path::Path) -> Self {
        let records = dir.join("firewalls.jsonl");
        let mut server = Command::new(validators_python())
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../tests/validate/compute_api.py"
            ))
            .arg(&records)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the Compute API stand-in starts");
        let mut port = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(server.stdout.take().unwrap()),
            &mut port,
        )
        .unwrap();
        let endpoint = format!("http://127.0.0.1:{}/compute/v1/", port.trim());
        ComputeApi {
            server,
            records,
            endpoint,
        }
    }

    /// The Firewall resources gcloud sent and the stand-in accepted, in order.
    fn firewalls(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.records)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// `gcloud` as a user with no Google account runs it, offline: its own empty configuration,
    /// a dummy token, this stand-in for the Compute API and no proxy.
    fn gcloud_env(&self, command: &mut Command, dir: &std::path::Path) {
        let token = dir.join("token");
        std::fs::write(&token, "dummy-token\n").unwrap();
        for proxy in [
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
        ] {
            command.env_remove(proxy);
        }
        command
            .env("CLOUDSDK_CONFIG", dir.join("gcloud-config"))
            .env("CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", token)
            .env("CLOUDSDK_CORE_PROJECT", "palette-test")
            .env("CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE", &self.endpoint)
            .env("CLOUDSDK_CORE_DISABLE_PROMPTS", "1")
            .env("CLOUDSDK_CORE_CHECK_GCE_METADATA", "false")
            .env("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true")
            .env("CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK", "true");
    }
}

impl Drop for ComputeApi {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The Google Cloud CLI, which the machine image carries (Google's google-cloud-cli package; no
/// registry here has it).
fn gcloud() -> PathBuf {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("gcloud"))
        .find(|candidate| candidate.is_file())
        .expect("gcloud is not on PATH: the machine image's google-cloud-cli package provides it")
}

/// The address variables of a GCP or Azure script (`NAME_V4="${NAME_V4-}"`), for the user to fill.
fn address_variables(script: &str) -> Vec<String> {
    script
        .lines()
        .filter_map(|line| line.split_once("=\"${").map(|(name, _)| name))
        .filter(|name| name.ends_with("_V4") || name.ends_with("_V6"))
        .map(str::to_owned)
        .collect()
}

/// Runs a GCP script through the real gcloud against the Compute API stand-in, the address
/// variables filled in or not; returns the script, its run and the firewalls Google would hold.
fn run_gcp_script(
    env: &str,
    fill_addresses: bool,
) -> (String, std::process::Output, Vec<serde_json::Value>) {
    let dir = std::env::temp_dir().join(format!(
        "portcheck-gcloud-{}-{env}-{fill_addresses}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let api = ComputeApi::start(&dir);
    let script = {
        let out = portcheck()
            .args([
                "ticket",
                "--format",
                "gcp",
                "--include",
                "optional",
                "--answers",
            ])
            .arg(example(env))
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let mut run = Command::new("sh");
    run.arg("-c").arg(&script).env("NETWORK", "palette-vpc");
    api.gcloud_env(&mut run, &dir);
    let gcloud_dir = gcloud().parent().unwrap().to_path_buf();
    run.env("PATH", format!("{}:/usr/bin:/bin", gcloud_dir.display()));
    for var in address_variables(&script) {
        run.env_remove(&var);
        if fill_addresses {
            let value = if var.ends_with("_V4") {
                "198.51.100.0/24,203.0.113.7/32"
            } else {
                "2001:db8:1::/64"
            };
            run.env(var, value);
        }
    }
    let output = run.output().unwrap();
    let firewalls = api.firewalls();
    drop(api);
    let _ = std::fs::remove_dir_all(&dir);
    (script, output, firewalls)
}

/// The GCP script run for real: the Google Cloud CLI parses every command (flags and their
/// values) and sends each Firewall, as it would to Google, to a stand-in for the Compute API on
/// loopback that holds it to the API's documented constraints. What arrives is compared with the
/// checklist: every command arrives; each firewall opens its flow's protocol and ports and nothing
/// else, on the side of the flow that is the user's (tags from the one `whose side` rule), in one
/// address family, with the flow's own addresses; no required or optional flow's address is left
/// out, and no deprecated flow is opened.
#[test]
fn gcp_script_sends_the_checklist_flows_through_the_real_gcloud() {
    // Each gcloud command takes about a second to start: the two environments run side by side.
    let runs: Vec<_> = std::thread::scope(|threads| {
        ["saas-vsphere-pcg.json", "edge-local-agent-firewalld.json"]
            .map(|env| threads.spawn(move || (env, run_gcp_script(env, true))))
            .map(|run| run.join().unwrap())
    })
    .into();
    for (env, (script, output, firewalls)) in runs {
        assert!(
            output.status.success(),
            "{env}: the script failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            firewalls.len(),
            script
                .matches("gcloud compute firewall-rules create ")
                .count(),
            "{env}: every command reaches the API"
        );
        let checklist: serde_json::Value = serde_json::from_slice(
            &portcheck()
                .args(["checklist", "--format", "json", "--answers"])
                .arg(example(env))
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        let flows = checklist["flows"].as_array().unwrap();
        let mut names = std::collections::BTreeSet::new();
        let mut priorities = std::collections::BTreeSet::new();
        let mut opened: std::collections::BTreeMap<(String, String), Vec<String>> =
            Default::default();
        for firewall in &firewalls {
            let name = firewall["name"].as_str().unwrap();
            assert!(names.insert(name.to_owned()), "{env}: {name} twice");
            assert!(priorities.insert(firewall["priority"].as_u64().unwrap()));
            let id = firewall["description"].as_str().unwrap();
            let flow = flows.iter().find(|f| f["id"] == id).unwrap_or_else(|| {
                panic!("{env}: {name} opens {id}, which is not in the checklist")
            });
            assert_ne!(
                flow["level"], "deprecated",
                "{env}: {name} opens a deprecated flow"
            );
            // ICMP over IPv6 is ICMPv6, protocol 58.
            let protocol = if flow["transport"] == "icmp" && name.ends_with("-v6") {
                serde_json::json!("58")
            } else {
                flow["transport"].clone()
            };
            let mut allowed = serde_json::json!({"IPProtocol": protocol});
            if !flow["ports"].as_array().unwrap().is_empty() {
                allowed["ports"] = flow["ports"].clone();
            }
            assert_eq!(
                firewall["allowed"],
                serde_json::json!([allowed]),
                "{env}: {name}"
            );
            let direction = firewall["direction"].as_str().unwrap();
            let (ranges, other, own_end) = match direction {
                "EGRESS" => ("destinationRanges", "sourceRanges", "from"),
                "INGRESS" => ("sourceRanges", "destinationRanges", "to"),
                _ => panic!("{env}: {name}: {direction}"),
            };
            // An empty list would be no restriction at all: every address.
            let ranges: Vec<String> = firewall[ranges]
                .as_array()
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| panic!("{env}: {name} has no {ranges}"))
                .iter()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect();
            assert!(firewall[other].is_null(), "{env}: {name} has {other}");
            let family = if name.ends_with("-v6") { ':' } else { '.' };
            assert!(
                name.ends_with(&format!(
                    "-{}-v{}",
                    direction.to_lowercase(),
                    if family == ':' { 6 } else { 4 }
                )),
                "{env}: {name}"
            );
            assert!(
                ranges.iter().all(|r| r.contains(family)),
                "{env}: {name} mixes address families: {ranges:?}"
            );
            assert_eq!(
                firewall["targetTags"],
                serde_json::json!([format!(
                    "palette-{}",
                    flow[own_end]["role"].as_str().unwrap()
                )]),
                "{env}: {name}"
            );
            opened
                .entry((id.to_owned(), direction.to_owned()))
                .or_default()
                .extend(ranges);
        }
        // The far end's own addresses, each in the rules of its flow and direction.
        for ((id, direction), ranges) in &opened {
            let flow = flows.iter().find(|f| f["id"] == id.as_str()).unwrap();
            let far_end = if direction == "EGRESS" { "to" } else { "from" };
            for host in flow[far_end]["hosts"].as_array().unwrap() {
                let value = host["value"].as_str().unwrap();
                let range = match host["kind"].as_str().unwrap() {
                    "net" => value.to_owned(),
                    "ip" if value.contains(':') => format!("{value}/128"),
                    "ip" => format!("{value}/32"),
                    _ => continue,
                };
                assert!(
                    ranges.contains(&range),
                    "{env}: {id} {direction} lacks {range}: {ranges:?}"
                );
            }
        }
        for flow in flows.iter().filter(|f| f["level"] != "deprecated") {
            let id = flow["id"].as_str().unwrap();
            assert!(
                opened.keys().any(|(opened_id, _)| opened_id == id)
                    || script.lines().any(|l| l.starts_with(&format!("# [{id}]"))),
                "{env}: {id} is neither opened nor named"
            );
        }
    }
}

/// Addresses left unfilled: the commands that need them are skipped, and no command reaches the
/// API with an empty range list, which Google would read as every address.
#[test]
fn gcp_script_with_addresses_unfilled_opens_nothing_to_everyone() {
    let (script, output, firewalls) = run_gcp_script("saas-vsphere-pcg.json", false);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!firewalls.is_empty());
    let commands = script
        .matches("gcloud compute firewall-rules create ")
        .count();
    assert!(firewalls.len() < commands);
    // What was passed over is said, with what to set.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("skipped pp-workload-vcenter-egress-v4: set VCENTER_DC1_EXAMPLE_COM_V4\n"),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("skipped ")).count(),
        commands - firewalls.len()
    );
    for firewall in &firewalls {
        let field = if firewall["direction"] == "EGRESS" {
            "destinationRanges"
        } else {
            "sourceRanges"
        };
        assert!(
            firewall[field].as_array().is_some_and(|r| !r.is_empty()),
            "{} has no {field}",
            firewall["name"]
        );
    }
}

/// gcloud and the stand-in are real checks: gcloud refuses a value it does not know, and the
/// stand-in refuses a rule that mixes address families, as Google documents.
#[test]
fn gcloud_and_the_compute_api_stand_in_refuse_bad_rules() {
    let dir =
        std::env::temp_dir().join(format!("portcheck-gcloud-refusals-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let api = ComputeApi::start(&dir);
    for (flags, refusal) in [
        (
            "--direction=SIDEWAYS --destination-ranges=10.0.0.0/8",
            "Invalid choice: 'SIDEWAYS'",
        ),
        (
            "--direction=INGRESS --source-ranges=10.0.0.0/8,2001:db8::/64",
            "IPv4 and IPv6 ranges in one rule",
        ),
        (
            "--direction=INGRESS --source-ranges=10.0.0.1/8",
            "is not a CIDR range",
        ),
    ] {
        let mut command = Command::new(gcloud());
        command
            .args([
                "compute",
                "firewall-rules",
                "create",
                "pp-x",
                "--network=n",
                "--action=ALLOW",
                "--rules=tcp:443",
            ])
            .args(flags.split(' '));
        api.gcloud_env(&mut command, &dir);
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{flags}: accepted");
        assert!(stderr.contains(refusal), "{flags}:\n{stderr}");
    }
    assert!(api.firewalls().is_empty());
    drop(api);
    let _ = std::fs::remove_dir_all(&dir);
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
