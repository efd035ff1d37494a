//! Where each answer the engine can name in an error (`FieldError::field`) is asked: its step,
//! the control that takes it, and the words people see beside it. The blocked checklist links
//! every error to its control through this table, so nobody reads `endpoints.pcg-nodes[0]`.
//! Native tests prove every path the engine reports is here; the browser tests prove every
//! control is on its step.

use super::Step;

pub struct Field {
    pub path: &'static str,
    pub step: Step,
    /// The DOM id of the control to focus (a group's first option).
    pub id: &'static str,
    pub label: &'static str,
}

pub const FIELDS: &[Field] = &[
    field(
        "palette-version",
        Step::Version,
        "palette-version",
        "Palette version",
    ),
    field(
        "infrastructure",
        Step::Infrastructure,
        "infrastructure-aws",
        "Target infrastructure",
    ),
    field("gateway", Step::Gateway, "gateway-auto", "Gateway"),
    field(
        "pcg-install",
        Step::Gateway,
        "pcg-install-auto",
        "How the PCG is installed",
    ),
    field("air-gapped", Step::SelfHosted, "air-gapped", "Air-gapped"),
    field(
        "registry",
        Step::SelfHosted,
        "registry-public",
        "Where packs and images come from",
    ),
    field(
        "edge.remote-shell",
        Step::Edge,
        "edge-remote-shell",
        "Remote shell",
    ),
    field("proxy.url", Step::Proxy, "proxy-url", "Proxy URL"),
    field("proxy.no-proxy", Step::Proxy, "no-proxy", "NO_PROXY"),
    field(
        "endpoints.palette",
        Step::Addresses,
        "endpoint-palette",
        "Palette endpoint",
    ),
    field(
        "endpoints.infrastructure-api",
        Step::Addresses,
        "endpoint-infrastructure",
        "Infrastructure API",
    ),
    field(
        "endpoints.palette-vcenter",
        Step::Addresses,
        "endpoint-palette-vcenter",
        "vCenter that hosts Palette",
    ),
    field(
        "endpoints.installer",
        Step::Addresses,
        "endpoint-installer",
        "Installer host",
    ),
    field(
        "endpoints.grpc",
        Step::Addresses,
        "endpoint-grpc",
        "External gRPC endpoint",
    ),
    field(
        "endpoints.admin",
        Step::Addresses,
        "endpoint-admin",
        "Admin workstations",
    ),
    field(
        "endpoints.workload-nodes",
        Step::Addresses,
        "endpoint-workload",
        "Workload cluster nodes",
    ),
    field(
        "endpoints.pcg-nodes",
        Step::Addresses,
        "endpoint-pcg",
        "PCG nodes",
    ),
    field(
        "endpoints.management-plane",
        Step::Addresses,
        "endpoint-management",
        "Management plane",
    ),
    field(
        "endpoints.edge-hosts",
        Step::Addresses,
        "endpoint-edge",
        "Edge hosts",
    ),
    field(
        "endpoints.registries",
        Step::Addresses,
        "endpoint-registries",
        "Registries",
    ),
    field(
        "endpoints.dns-servers",
        Step::Addresses,
        "endpoint-dns",
        "DNS servers",
    ),
    field(
        "endpoints.ntp-servers",
        Step::Addresses,
        "endpoint-ntp",
        "NTP servers",
    ),
];

const fn field(path: &'static str, step: Step, id: &'static str, label: &'static str) -> Field {
    Field {
        path,
        step,
        id,
        label,
    }
}

/// The field an error path names, and the line for an entry of a list (`endpoints.admin[1]` is
/// line 2 of Admin workstations).
pub fn locate(path: &str) -> Option<(&'static Field, Option<usize>)> {
    let (base, line) = match path.strip_suffix(']').and_then(|p| p.split_once('[')) {
        Some((base, index)) => (base, Some(index.parse::<usize>().ok()? + 1)),
        None => (path, None),
    };
    FIELDS.iter().find(|f| f.path == base).map(|f| (f, line))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::answers::{GatewayChoice, PcgInstall, ProxyKind, RegistrySource};
    use rules::context::Context;
    use rules::{Answers, DeploymentModel, Infrastructure};

    fn errors(answers: &Answers) -> Vec<String> {
        match Context::new(answers) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| e.field).collect(),
        }
    }

    /// Every answer made wrong at once: each error the engine reports leads to a control.
    #[test]
    fn every_error_the_engine_reports_has_a_field() {
        let bad = "not a host!";
        let mut a = Answers {
            palette_version: "banana".into(),
            ..Answers::default()
        };
        a.proxy.kind = ProxyKind::Connect;
        a.proxy.url = "ftp://proxy".into();
        a.proxy.no_proxy = vec![bad.into()];
        a.edge.remote_shell = true;
        // Every address answer, whatever fields there are: a bad single value, a bad line 2.
        let mut endpoints = serde_json::to_value(&a.endpoints).unwrap();
        for value in endpoints.as_object_mut().unwrap().values_mut() {
            *value = match value {
                serde_json::Value::Array(_) => serde_json::json!(["10.0.0.1", bad]),
                _ => serde_json::json!(bad),
            };
        }
        a.endpoints = serde_json::from_value(endpoints).unwrap();
        let mut seen: Vec<String> = errors(&a);
        a.palette_version = rules::version::LATEST_DOCUMENTED.into();
        a.infrastructure = Vec::new();
        seen.extend(errors(&a));
        let mut b = Answers {
            deployment: DeploymentModel::MultiTenantSaas,
            infrastructure: vec![Infrastructure::Vsphere],
            gateway: GatewayChoice::SystemPrivateGateway,
            air_gapped: true,
            registry: RegistrySource::Public,
            ..Answers::default()
        };
        seen.extend(errors(&b));
        b.infrastructure = vec![Infrastructure::Nutanix];
        b.pcg_install = PcgInstall::PaletteCli;
        seen.extend(errors(&b));
        for path in &seen {
            assert!(locate(path).is_some(), "{path} has no field in FIELDS");
        }
        for expected in [
            "palette-version",
            "infrastructure",
            "proxy.url",
            "endpoints.admin[1]",
            "air-gapped",
            "pcg-install",
        ] {
            assert!(
                seen.iter().any(|p| p == expected),
                "{expected} not reported: {seen:?}"
            );
        }
        assert_eq!(
            locate("endpoints.pcg-nodes[0]").map(|(f, line)| (f.label, line)),
            Some(("PCG nodes", Some(1)))
        );
    }
}
