use super::{group_title, groups, level_text};
use crate::checklist::Checklist;

/// Plain text for terminals and e-mail.
pub fn text(checklist: &Checklist) -> String {
    let mut out = format!(
        "Palette {} ({}), gateway: {}\n{}\n",
        checklist.palette_version,
        checklist.era.label(),
        checklist.gateway.label(),
        checklist.provenance()
    );
    for f in &checklist.findings {
        out.push_str(&format!(
            "\n[{}] {}\n  {}\n",
            f.severity.name(),
            f.title,
            f.text
        ));
    }
    for (role, flows) in groups(checklist) {
        out.push_str(&format!("\n{}\n", group_title(role)));
        for f in flows {
            out.push_str(&format!(
                "  {:<34} {} -> {}  {}  {} [{}]{}\n      {}\n",
                f.id,
                f.from.hosts_text(),
                f.to.hosts_text(),
                f.ports_text(),
                f.protocol,
                level_text(f),
                if f.via_proxy { " via proxy" } else { "" },
                f.purpose
            ));
            for d in f.decisions.iter() {
                out.push_str(&format!(
                    "      ! {}: {} {}\n",
                    d.contradiction, d.decision, d.why
                ));
            }
        }
    }
    out
}
