//! `portcheck kube`: the manifests pass the Kubernetes schemas of three minor versions, strict
//! (kubernetes-validate, offline), and the pods meet the "restricted" Pod Security Standard,
//! checked field by field as the standard lists them.

mod common;

use common::validators::validators_python;
use serde_json::Value;
use std::process::Command;

fn portcheck(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(args)
        .output()
        .unwrap()
}

/// A plan from an example environment, in a file.
fn plan() -> std::path::PathBuf {
    let answers = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rules/examples/saas-vsphere-pcg.json"
    );
    let out = portcheck(&["plan", "--answers", answers, "--from", "pcg"]);
    assert!(out.status.success());
    // A file per call: the tests run at once, and one must never read another's half-written.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "portcheck-kube-plan-{}-{n}.json",
        std::process::id()
    ));
    std::fs::write(&path, out.stdout).unwrap();
    path
}

/// The manifests for these options, validated; the documents as JSON.
fn manifests(extra: &[&str]) -> (String, Vec<Value>) {
    let plan = plan();
    let mut args = vec![
        "kube",
        "--plan",
        plan.to_str().unwrap(),
        "--image",
        "registry.example.com/portcheck:0.1.0",
    ];
    args.extend(extra);
    let out = portcheck(&args);
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::env::temp_dir().join(format!(
        "portcheck-kube-{}-{}.yaml",
        std::process::id(),
        extra.join("_").replace('/', "_")
    ));
    std::fs::write(&file, &yaml).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/validate/outputs.py");
    let out = Command::new(validators_python())
        .args([script, "kube-manifests"])
        .arg(&file)
        .output()
        .expect("the validators' Python (scripts/setup installs it)");
    assert!(
        out.status.success(),
        "kubernetes-validate refused:\n{}\n{yaml}",
        String::from_utf8_lossy(&out.stderr)
    );
    (yaml, serde_json::from_slice(&out.stdout).unwrap())
}

fn kind<'d>(documents: &'d [Value], kind: &str) -> &'d Value {
    documents
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

/// The restricted profile (kubernetes.io/docs/concepts/security/pod-security-standards), each
/// control on its field, plus what the issue asks beyond it: a read-only root filesystem, no
/// service-account token, resource limits.
fn assert_restricted(pod: &Value, host_network: bool) {
    for namespace in ["hostPID", "hostIPC"] {
        assert!(pod.get(namespace).is_none_or(|v| v == false), "{namespace}");
    }
    assert_eq!(
        pod.get("hostNetwork").is_some_and(|v| v == true),
        host_network
    );
    assert_eq!(pod["automountServiceAccountToken"], false);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert!(pod["securityContext"]["runAsUser"].as_u64().unwrap() > 0);
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    assert!(pod["securityContext"].get("sysctls").is_none());
    for volume in pod["volumes"].as_array().unwrap() {
        let kinds: Vec<&String> = volume
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| *k != "name")
            .collect();
        assert_eq!(
            kinds,
            ["configMap"],
            "only volume types the profile allows: {volume}"
        );
    }
    let containers = pod["containers"].as_array().unwrap();
    assert!(pod.get("initContainers").is_none() && pod.get("ephemeralContainers").is_none());
    for c in containers {
        let sc = &c["securityContext"];
        assert!(sc.get("privileged").is_none_or(|v| v == false));
        assert_eq!(sc["allowPrivilegeEscalation"], false);
        assert_eq!(sc["readOnlyRootFilesystem"], true);
        assert_eq!(sc["capabilities"]["drop"], serde_json::json!(["ALL"]));
        assert!(sc["capabilities"].get("add").is_none());
        assert!(sc.get("procMount").is_none() && sc.get("seLinuxOptions").is_none());
        assert!(c.get("ports").is_none_or(|ports| ports
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p.get("hostPort").is_none())));
        for limit in ["cpu", "memory"] {
            assert!(
                c["resources"]["limits"].get(limit).is_some(),
                "{limit} limit"
            );
        }
        // Each report is labelled with its node.
        let command: Vec<&str> = c["command"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(
            command.windows(2).any(|w| w == ["--site", "$(NODE_NAME)"]),
            "{command:?}"
        );
        assert_eq!(
            c["env"][0]["valueFrom"]["fieldRef"]["fieldPath"],
            "spec.nodeName"
        );
    }
}

#[test]
fn a_daemonset_on_every_node_meets_the_restricted_profile() {
    let (yaml, documents) = manifests(&["--node-selector", "node-role.kubernetes.io/worker="]);
    assert!(yaml.contains("# Collect: kubectl logs -n portcheck -l app.kubernetes.io/name=portcheck --tail=-1 | portcheck merge -"), "{yaml}");
    let namespace = kind(&documents, "Namespace");
    assert_eq!(
        namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted"
    );
    // The plan in the ConfigMap is the plan, and the pods read it where the ConfigMap is mounted.
    let config = kind(&documents, "ConfigMap");
    let plan: Value = serde_json::from_str(config["data"]["plan.json"].as_str().unwrap()).unwrap();
    assert_eq!(plan["from"], "pcg");
    let daemonset = kind(&documents, "DaemonSet");
    let pod = &daemonset["spec"]["template"]["spec"];
    assert_restricted(pod, false);
    assert_eq!(pod["nodeSelector"]["node-role.kubernetes.io/worker"], "");
    let command = &pod["containers"][0]["command"];
    assert!(
        command.as_array().unwrap().contains(&Value::from("--hold")),
        "DaemonSet pods wait: {command}"
    );
    assert_eq!(
        pod["containers"][0]["volumeMounts"][0]["mountPath"],
        "/etc/portcheck"
    );
}

#[test]
fn an_indexed_job_runs_the_plan_once_per_pod() {
    let (_, documents) = manifests(&[
        "--mode",
        "job",
        "--completions",
        "3",
        "--namespace",
        "portcheck-dc1",
    ]);
    let job = kind(&documents, "Job");
    assert_eq!(job["metadata"]["namespace"], "portcheck-dc1");
    assert_eq!(job["spec"]["completionMode"], "Indexed");
    assert_eq!(job["spec"]["completions"], 3);
    let pod = &job["spec"]["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    assert_restricted(pod, false);
    assert!(!pod["containers"][0]["command"]
        .as_array()
        .unwrap()
        .contains(&Value::from("--hold")));
}

/// The host network is outside the restricted (and the baseline) profile: the namespace then
/// cannot enforce it, and the file says so; every other control still holds.
#[test]
fn the_host_network_is_offered_and_its_cost_said() {
    let (yaml, documents) = manifests(&["--host-network"]);
    let namespace = kind(&documents, "Namespace");
    assert_eq!(
        namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "privileged"
    );
    assert_eq!(
        namespace["metadata"]["labels"]["pod-security.kubernetes.io/warn"],
        "restricted"
    );
    assert!(yaml.contains("host network"), "{yaml}");
    assert_restricted(
        &kind(&documents, "DaemonSet")["spec"]["template"]["spec"],
        true,
    );
}

#[test]
fn unusable_options_are_refused_clearly() {
    let plan = plan();
    for (args, says) in [
        (vec!["--namespace", "Bad_Name"], "--namespace"),
        (vec!["--node-selector", "no-equals-sign"], "key=value"),
        (
            vec!["--node-selector", "bad\u{1b}[2J\u{202e}"],
            "bad\\u{1b}[2J",
        ),
    ] {
        let mut all = vec!["kube", "--plan", plan.to_str().unwrap(), "--image", "x"];
        all.extend(args);
        let out = portcheck(&all);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{202e}'),
            "{err:?}"
        );
    }
    let out = portcheck(&["kube", "--plan", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "--image is required");
}
