//! Where each answer the engine can name in an error (`FieldError::field`) is asked: its step,
//! the control that takes it, and the words people see beside it. The text and list controls
//! take their id, label and error path from these constants, and the blocked checklist links
//! every error to its control through `FIELDS`, so nobody reads `endpoints.pcg-nodes[0]`.
//! Native tests prove every path the engine reports is here. The ids of choice groups and
//! toggles are written here as their components derive them (`{name}-{first option}`); the
//! browser test in `tests/e2e/people.test.mjs` follows the blocked checklist's link for each
//! field the engine names and checks its control takes the focus.

use super::Step;

pub struct Field {
    pub path: &'static str,
    pub step: Step,
    /// The DOM id of the control to focus (a group's first option).
    pub id: &'static str,
    pub label: &'static str,
}

use Step::{Addresses, Edge, Gateway, Infrastructure, Proxy, SelfHosted, Version};

pub const PALETTE_VERSION: Field = field(
    "palette-version",
    Version,
    "palette-version",
    "Palette version",
);
pub const PROXY_URL: Field = field("proxy.url", Proxy, "proxy-url", "Proxy address");
pub const NO_PROXY: Field = field("proxy.no-proxy", Proxy, "no-proxy", "NO_PROXY entries");
pub const PALETTE: Field = field(
    "endpoints.palette",
    Addresses,
    "endpoint-palette",
    "Palette endpoint",
);
pub const INFRASTRUCTURE_API: Field = field(
    "endpoints.infrastructure-api",
    Addresses,
    "endpoint-infrastructure",
    "Infrastructure API (vCenter, MAAS, OpenStack)",
);
pub const PALETTE_VCENTER: Field = field(
    "endpoints.palette-vcenter",
    Addresses,
    "endpoint-palette-vcenter",
    "vCenter that hosts Palette",
);
pub const INSTALLER: Field = field(
    "endpoints.installer",
    Addresses,
    "endpoint-installer",
    "Installer host (runs the Palette CLI)",
);
pub const GRPC: Field = field(
    "endpoints.grpc",
    Addresses,
    "endpoint-grpc",
    "External gRPC endpoint (optional)",
);
pub const ADMIN: Field = field(
    "endpoints.admin",
    Addresses,
    "endpoint-admin",
    "Admin workstations",
);
pub const WORKLOAD: Field = field(
    "endpoints.workload-nodes",
    Addresses,
    "endpoint-workload",
    "Workload cluster nodes",
);
pub const PCG_NODES: Field = field(
    "endpoints.pcg-nodes",
    Addresses,
    "endpoint-pcg",
    "PCG nodes",
);
pub const MANAGEMENT: Field = field(
    "endpoints.management-plane",
    Addresses,
    "endpoint-management",
    "Self-hosted management cluster nodes",
);
pub const EDGE_HOSTS: Field = field(
    "endpoints.edge-hosts",
    Addresses,
    "endpoint-edge",
    "Edge hosts",
);
pub const REGISTRIES: Field = field(
    "endpoints.registries",
    Addresses,
    "endpoint-registries",
    "Registries",
);
pub const DNS: Field = field(
    "endpoints.dns-servers",
    Addresses,
    "endpoint-dns",
    "DNS servers used by the PCG",
);
pub const NTP: Field = field(
    "endpoints.ntp-servers",
    Addresses,
    "endpoint-ntp",
    "NTP servers used by the PCG",
);

pub const FIELDS: &[Field] = &[
    PALETTE_VERSION,
    field(
        "infrastructure",
        Infrastructure,
        "infrastructure-aws",
        "Target infrastructure",
    ),
    field("gateway", Gateway, "gateway-auto", "Gateway"),
    field(
        "pcg-install",
        Gateway,
        "pcg-install-auto",
        "How the PCG is installed",
    ),
    field("air-gapped", SelfHosted, "air-gapped", "Air-gapped"),
    field(
        "registry",
        SelfHosted,
        "registry-public",
        "Where packs and images come from",
    ),
    field(
        "edge.remote-shell",
        Edge,
        "edge-remote-shell",
        "Remote shell",
    ),
    PROXY_URL,
    NO_PROXY,
    PALETTE,
    INFRASTRUCTURE_API,
    PALETTE_VCENTER,
    INSTALLER,
    GRPC,
    ADMIN,
    WORKLOAD,
    PCG_NODES,
    MANAGEMENT,
    EDGE_HOSTS,
    REGISTRIES,
    DNS,
    NTP,
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
