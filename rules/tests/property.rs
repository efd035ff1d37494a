//! Property: any answers either evaluate to a checklist or come back as field errors; the engine
//! never panics, and a checklist it returns is internally consistent.

use portcheck_rules::answers::*;
use portcheck_rules::{evaluate, Level};
use proptest::prelude::*;
use std::collections::HashSet;

fn one_of<T: Clone + std::fmt::Debug + 'static>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

/// Strings that are sometimes valid addresses and often hostile ones.
fn address() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("10.0.0.0/8".to_owned()),
        Just("vcenter.example.com".to_owned()),
        Just("http://maas.example.com:5240/MAAS".to_owned()),
        Just("[fd00::1]:443".to_owned()),
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(/[0-9]{1,3})?(:[0-9]{1,6})?",
        "[a-z_\\-.]{0,20}(:[0-9a-z]{0,6})?",
        any::<String>(),
    ]
}

fn addresses() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(address(), 0..3)
}

fn version() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,3}",
        Just("4.0.0".to_owned()),
        Just("3.4.114".to_owned()),
        any::<String>(),
    ]
}

prop_compose! {
    fn answers()(
        deployment in one_of(&DeploymentModel::ALL),
        palette_version in version(),
        infrastructure in proptest::sample::subsequence(Infrastructure::ALL.to_vec(), 0..4),
        firewall_between in any::<bool>(),
        gateway in one_of(&[GatewayChoice::Auto, GatewayChoice::Pcg, GatewayChoice::SystemPrivateGateway]),
        pcg_install in one_of(&[PcgInstall::Auto, PcgInstall::PaletteCli, PcgInstall::ExistingKubernetes]),
        proxy_kind in one_of(&[ProxyKind::None, ProxyKind::Connect, ProxyKind::SslBump]),
        proxy_url in address(),
        no_proxy in addresses(),
        air_gapped in any::<bool>(),
        install in one_of(&[SelfHostedInstall::PaletteCli, SelfHostedInstall::Helm, SelfHostedInstall::ManagementAppliance]),
        registry in one_of(&[RegistrySource::Public, RegistrySource::AirgapSupportVm, RegistrySource::Own]),
        edge in (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        ssh_access in any::<bool>(),
        (palette, infra_api, palette_vcenter, grpc) in (address(), address(), address(), address()),
        installer in addresses(),
        (admin, workload, pcg, mgmt) in (addresses(), addresses(), addresses(), addresses()),
        (edge_hosts, registries) in (addresses(), addresses()),
    ) -> Answers {
        Answers {
            schema: SCHEMA,
            deployment,
            palette_version,
            infrastructure,
            firewall_between,
            gateway,
            pcg_install,
            proxy: Proxy { kind: proxy_kind, url: proxy_url, no_proxy },
            air_gapped,
            self_hosted_install: install,
            registry,
            edge: EdgeOptions {
                management: if edge.0 { EdgeManagement::Central } else { EdgeManagement::Local },
                local_ui: edge.1,
                remote_shell: edge.2,
                local_registry: edge.3,
                agent_mode_firewalld: edge.4,
            },
            ssh_access,
            endpoints: Endpoints {
                palette,
                infrastructure_api: infra_api,
                palette_vcenter,
                installer,
                grpc,
                admin,
                workload_nodes: workload,
                pcg_nodes: pcg,
                management_plane: mgmt,
                edge_hosts,
                registries,
                dns_servers: Vec::new(),
                ntp_servers: Vec::new(),
            },
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn evaluates_or_names_the_bad_fields(a in answers()) {
        match evaluate(&a) {
            Ok(checklist) => {
                let mut ids = HashSet::new();
                for f in &checklist.flows {
                    prop_assert!(ids.insert(f.id.clone()), "flow {} twice", f.id);
                    prop_assert!(!f.sources.is_empty(), "flow {} unsourced", f.id);
                    prop_assert!(!f.to.hosts.is_empty() && !f.from.hosts.is_empty());
                    if f.level == Level::Deprecated {
                        prop_assert!(checklist.era == portcheck_rules::version::Era::Grpc);
                    }
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert!(!e.field.is_empty() && !e.message.is_empty());
                    prop_assert!(!e.message.chars().any(|c| c.is_control()), "{:?}", e.message);
                }
            }
        }
    }

    #[test]
    fn answer_files_round_trip(a in answers()) {
        let json = serde_json::to_string(&a).unwrap();
        prop_assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), a);
    }
}

/// Whether `text` names the flow `id` as a whole word (not as part of a longer id).
fn names(text: &str, id: &str) -> bool {
    let edge =
        |c: Option<char>| c.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    text.match_indices(id).any(|(at, _)| {
        edge(text[..at].chars().next_back()) && edge(text[at + id.len()..].chars().next())
    })
}

/// For every answer set the questionnaire can produce, optional flows requested or not, and every
/// output format: each flow of the checklist is a rule of the output or a note that names it.
#[test]
fn every_format_names_every_flow_for_the_whole_answer_space() {
    use portcheck_rules::ticket::{build, FirewallMode, Format, TicketInfo};
    let saas = &portcheck_rules::catalog().unwrap().saas_ips;
    let mut checked = 0;
    // Many answer sets give the same checklist (and so the same outputs): each is checked once.
    let mut seen = HashSet::new();
    for answers in portcheck_rules::space::discrete_answer_space() {
        let Ok(checklist) = evaluate(&answers) else {
            continue;
        };
        let key = (
            checklist
                .flows
                .iter()
                .map(|f| (f.id.clone(), f.level, f.via_proxy))
                .collect::<Vec<_>>(),
            checklist.proxy.is_some(),
            answers.deployment,
            answers.registry,
        );
        if !seen.insert(key) {
            continue;
        }
        for (include_optional, firewall_mode) in
            [(false, FirewallMode::Router), (true, FirewallMode::Host)]
        {
            let info = TicketInfo {
                include_optional,
                firewall_mode,
                ..TicketInfo::default()
            };
            let ticket = build(&checklist, &answers, &info);
            for format in Format::ALL {
                let mut out = format.render(&ticket, saas);
                if format == Format::Jira {
                    // Jira markup escapes the hyphens of ids.
                    out = out.replace("\\-", "-");
                }
                for flow in &checklist.flows {
                    assert!(
                        names(&out, &flow.id),
                        "{} does not name {} for {}",
                        format.slug(),
                        flow.id,
                        serde_json::to_string(&answers).unwrap()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} outputs checked");
}
