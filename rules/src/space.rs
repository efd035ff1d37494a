//! The whole discrete answer space, as the questionnaire asks it: dependent questions vary only
//! where they are asked (gateway questions for data-centre targets, self-hosted questions for
//! self-hosted deployments, Edge options for Edge). Used by exhaustive tests and benchmarks.

use crate::answers::*;

/// One version per era is enough: within an era only `version-at-least` conditions differ.
const VERSIONS: [&str; 3] = ["3.4.114", "4.6.11", crate::version::LATEST_DOCUMENTED];

pub fn discrete_answer_space() -> Vec<Answers> {
    let mut all = Vec::new();
    for deployment in DeploymentModel::ALL {
        for version in VERSIONS {
            for proxy in [ProxyKind::None, ProxyKind::Connect, ProxyKind::SslBump] {
                for ssh_access in [false, true] {
                    for infra in Infrastructure::ALL {
                        let base = Answers {
                            deployment,
                            palette_version: version.to_owned(),
                            infrastructure: vec![infra],
                            proxy: Proxy {
                                kind: proxy,
                                url: match proxy {
                                    ProxyKind::None => String::new(),
                                    _ => "http://proxy.example.com:3128".to_owned(),
                                },
                                no_proxy: Vec::new(),
                            },
                            ssh_access,
                            ..Answers::default()
                        };
                        for a in with_gateway(base) {
                            for a in with_self_hosted(a) {
                                all.extend(with_edge(a));
                            }
                        }
                    }
                }
            }
        }
    }
    all
}

fn with_gateway(a: Answers) -> Vec<Answers> {
    if !a.infrastructure.iter().any(|i| i.needs_gateway()) {
        return vec![a];
    }
    let mut out = Vec::new();
    for firewall_between in [false, true] {
        for gateway in [
            GatewayChoice::Auto,
            GatewayChoice::Pcg,
            GatewayChoice::SystemPrivateGateway,
        ] {
            for pcg_install in [
                PcgInstall::Auto,
                PcgInstall::PaletteCli,
                PcgInstall::ExistingKubernetes,
            ] {
                out.push(Answers {
                    firewall_between,
                    gateway,
                    pcg_install,
                    ..a.clone()
                });
            }
        }
    }
    out
}

fn with_self_hosted(a: Answers) -> Vec<Answers> {
    if !a.deployment.is_self_hosted() {
        return vec![a];
    }
    let mut out = Vec::new();
    for air_gapped in [false, true] {
        for install in [
            SelfHostedInstall::PaletteCli,
            SelfHostedInstall::Helm,
            SelfHostedInstall::ManagementAppliance,
        ] {
            for registry in [
                RegistrySource::Public,
                RegistrySource::AirgapSupportVm,
                RegistrySource::Own,
            ] {
                out.push(Answers {
                    air_gapped,
                    self_hosted_install: install,
                    registry,
                    ..a.clone()
                });
            }
        }
    }
    out
}

fn with_edge(a: Answers) -> Vec<Answers> {
    if !a.infrastructure.contains(&Infrastructure::Edge) {
        return vec![a];
    }
    (0u8..32)
        .map(|bits| Answers {
            edge: EdgeOptions {
                management: if bits & 1 == 0 {
                    EdgeManagement::Central
                } else {
                    EdgeManagement::Local
                },
                local_ui: bits & 2 != 0,
                remote_shell: bits & 4 != 0,
                local_registry: bits & 8 != 0,
                agent_mode_firewalld: bits & 16 != 0,
            },
            ..a.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate;

    #[test]
    fn every_combination_evaluates_or_is_refused_with_reasons() {
        let space = discrete_answer_space();
        assert!(space.len() > 20_000, "{}", space.len());
        let (mut ok, mut refused) = (0, 0);
        for a in &space {
            match evaluate(a) {
                Ok(c) => {
                    ok += 1;
                    assert!(!c.flows.is_empty(), "{a:?} gave no flows");
                }
                Err(errors) => {
                    refused += 1;
                    assert!(!errors.is_empty());
                }
            }
        }
        // The documented exclusions (SaaS + System Private Gateway, SPG across a firewall,
        // air-gap with public registries, remote shell on old versions) must not swallow the space.
        assert!(ok > refused, "ok {ok}, refused {refused}");
    }
}
