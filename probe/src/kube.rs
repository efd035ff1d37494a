//! `portcheck kube`: the manifests that run a plan from every node of an existing cluster (a
//! DaemonSet) or as an indexed Job, on Kubernetes' own engine. The pods meet the "restricted"
//! Pod Security Standard (the namespace enforces it), hold no service-account token, and each
//! report is labelled with its node, so `kubectl logs ... | portcheck merge -` gives the
//! fleet report.

use crate::cli::{KubeArgs, KubeMode};
use serde_json::{json, Value};
use std::process::ExitCode;

/// The plan's mount point in the pod.
const PLAN_DIR: &str = "/etc/portcheck";
/// The user the pod runs as: not root, and no user of the image (a scratch image has none).
const USER: u64 = 65532;

pub fn run(args: KubeArgs) -> ExitCode {
    let plan = match crate::check_command::read_plan(&args.plan, &args.allow_ports, None) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match manifests(&args, &plan) {
        Ok(yaml) => crate::output::print(&yaml),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The YAML stream: namespace, plan, workload, with the command that collects the results.
fn manifests(args: &KubeArgs, plan: &rules::plan::Plan) -> Result<String, String> {
    let name = "portcheck";
    let namespace = dns_label(&args.namespace, "--namespace")?;
    let labels =
        json!({"app.kubernetes.io/name": name, "app.kubernetes.io/component": plan.from.slug()});
    let mut selector = serde_json::Map::new();
    for pair in &args.node_selector {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            format!(
                "--node-selector {}: write it as key=value",
                rules::endpoint::printable(pair)
            )
        })?;
        selector.insert(
            key.trim().to_owned(),
            Value::String(value.trim().to_owned()),
        );
    }
    let plan_json = serde_json::to_string_pretty(plan).map_err(|e| e.to_string())?;
    let mut command = vec![
        "portcheck".to_owned(),
        "check".into(),
        "--plan".into(),
        format!("{PLAN_DIR}/plan.json"),
        "--format".into(),
        "json".into(),
        // Kubernetes expands $(NODE_NAME) from the env below: each report names its node.
        "--site".into(),
        "$(NODE_NAME)".into(),
    ];
    for port in &args.allow_ports {
        command.extend(["--allow-port".to_owned(), port.to_string()]);
    }
    if args.mode == KubeMode::Daemonset {
        // A DaemonSet's pods must not exit: the report stays in the log, the pod waits.
        command.push("--hold".into());
    }
    let mut pod_spec = json!({
        "automountServiceAccountToken": false,
        "enableServiceLinks": false,
        "securityContext": {
            "runAsNonRoot": true,
            "runAsUser": USER,
            "runAsGroup": USER,
            "seccompProfile": {"type": "RuntimeDefault"}
        },
        "containers": [{
            "name": name,
            "image": args.image,
            "imagePullPolicy": "IfNotPresent",
            "command": command,
            "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
            "securityContext": {
                "allowPrivilegeEscalation": false,
                "readOnlyRootFilesystem": true,
                "runAsNonRoot": true,
                "capabilities": {"drop": ["ALL"]}
            },
            "resources": {
                "requests": {"cpu": "50m", "memory": "32Mi"},
                "limits": {"cpu": "500m", "memory": "128Mi"}
            },
            "volumeMounts": [{"name": "plan", "mountPath": PLAN_DIR, "readOnly": true}]
        }],
        "volumes": [{"name": "plan", "configMap": {"name": format!("{name}-plan")}}]
    });
    if !selector.is_empty() {
        pod_spec["nodeSelector"] = Value::Object(selector);
    }
    if args.host_network {
        // The node's own addresses and routes: what the node itself can reach.
        pod_spec["hostNetwork"] = json!(true);
        pod_spec["dnsPolicy"] = json!("ClusterFirstWithHostNet");
    }
    let workload = match args.mode {
        KubeMode::Daemonset => json!({
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {
                "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                "template": {"metadata": {"labels": labels}, "spec": pod_spec}
            }
        }),
        KubeMode::Job => {
            pod_spec["restartPolicy"] = json!("Never");
            let count = args.completions;
            json!({
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": name, "namespace": namespace, "labels": labels},
                "spec": {
                    "completionMode": "Indexed",
                    "completions": count,
                    "parallelism": count,
                    "backoffLimit": 0,
                    "ttlSecondsAfterFinished": 86400,
                    "template": {"metadata": {"labels": labels}, "spec": pod_spec}
                }
            })
        }
    };
    let documents = [
        json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": namespace, "labels": pod_security(args.host_network)}
        }),
        json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": format!("{name}-plan"), "namespace": namespace, "labels": labels},
            "data": {"plan.json": plan_json}
        }),
        workload,
    ];
    let mut out = format!(
        "# portcheck: the plan's {} checks from {}, run as a {} in namespace {namespace}.\n{}\
         # Apply:   kubectl apply -f THIS_FILE\n\
         # Collect: kubectl logs -n {namespace} -l app.kubernetes.io/name={name} --tail=-1 | portcheck merge -\n\
         # Remove:  kubectl delete namespace {namespace}\n",
        plan.checks.len(),
        plan.from.label(),
        match args.mode {
            KubeMode::Daemonset => "DaemonSet (one pod per node)",
            KubeMode::Job => "indexed Job",
        },
        if args.host_network {
            "# The host network is outside the restricted and baseline Pod Security Standards: the\n\
             # namespace allows it (and warns of the rest of the restricted profile, which the pods meet).\n"
        } else {
            ""
        },
    );
    for document in &documents {
        out.push_str("---\n");
        yaml(document, 0, &mut out);
    }
    Ok(out)
}

/// The namespace's Pod Security admission labels: "restricted" enforced, unless the pods use
/// the host network, which no profile but "privileged" admits.
fn pod_security(host_network: bool) -> Value {
    if host_network {
        json!({
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "latest"
        })
    } else {
        json!({
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest"
        })
    }
}

/// A namespace name: an RFC 1123 label, as Kubernetes requires.
fn dns_label(text: &str, what: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.len() <= 63
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    if ok {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{what} '{}' is not a Kubernetes name: lower-case letters, digits and '-', at most 63",
            rules::endpoint::printable(text)
        ))
    }
}

/// Block-style YAML for a JSON value. Every string value is written double-quoted with JSON's
/// escapes, which YAML reads the same way (or, when it has several lines of plain text, as a
/// literal block): no value can turn into another type or into structure, whatever it holds.
/// Keys are bare only when they cannot be read as anything but a string.
fn yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push_str(&format!("{pad}{}:", key(k)));
                inline_or_block(v, indent, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                out.push_str(&format!("{pad}-"));
                match v {
                    Value::Object(map) if !map.is_empty() => {
                        // The first key on the dash's line, the rest aligned under it.
                        let mut first = String::new();
                        yaml(v, indent + 2, &mut first);
                        out.push_str(&format!(" {}", &first[indent + 2..]));
                    }
                    _ => inline_or_block(v, indent, out),
                }
            }
        }
        scalar => out.push_str(&format!("{pad}{scalar}\n")),
    }
}

fn key(k: &str) -> String {
    let plain = k.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && !matches!(
            k.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        k.to_owned()
    } else {
        Value::String(k.to_owned()).to_string()
    }
}

fn inline_or_block(v: &Value, indent: usize, out: &mut String) {
    match v {
        // Several lines of plain text (a plan file): a literal block, as written.
        Value::String(text)
            if text.contains('\n')
                && !text.starts_with([' ', '\n'])
                && !text.ends_with(['\n', ' '])
                && !text.chars().any(|c| c.is_control() && c != '\n') =>
        {
            out.push_str(" |-\n");
            let pad = " ".repeat(indent + 2);
            for line in text.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("{pad}{line}\n"));
                }
            }
        }
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            yaml(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            yaml(v, indent + 2, out);
        }
        Value::Object(_) => out.push_str(" {}\n"),
        Value::Array(_) => out.push_str(" []\n"),
        scalar => out.push_str(&format!(" {scalar}\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_writes_strings_quoted_and_nests_by_indentation() {
        let mut out = String::new();
        yaml(
            &json!({"a": {"b": ["x: y", 1, {"c": true, "d": []}], "e": "line\nbreak", "yes": "x\u{1b}\n"}}),
            0,
            &mut out,
        );
        assert_eq!(
            out,
            "a:\n  b:\n    - \"x: y\"\n    - 1\n    - c: true\n      d: []\n  e: |-\n    line\n    break\n  \"yes\": \"x\\u001b\\n\"\n"
        );
    }

    #[test]
    fn namespaces_must_be_kubernetes_names() {
        assert!(dns_label("portcheck-dc1", "--namespace").is_ok());
        for bad in [
            "",
            "Portcheck",
            "-x",
            "x-",
            "a_b",
            &"a".repeat(64),
            "x\u{1b}",
        ] {
            assert!(dns_label(bad, "--namespace").is_err(), "{bad:?}");
        }
    }
}
