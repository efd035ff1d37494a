use super::{group_title, groups, level_text};
use crate::checklist::Checklist;

/// A Markdown report: findings first, then one table per group of flows.
pub fn markdown(checklist: &Checklist) -> String {
    let mut out = String::new();
    out.push_str("# Palette network checklist\n\n");
    out.push_str(&format!(
        "Palette {} ({}), gateway: {}.\n\n{}.\n\n",
        checklist.palette_version,
        checklist.era.label(),
        checklist.gateway.label(),
        cell(&checklist.provenance())
    ));
    if !checklist.findings.is_empty() {
        out.push_str("## Findings\n\n");
        for f in &checklist.findings {
            out.push_str(&format!(
                "- **{}** ({}): {}\n",
                cell(&f.title),
                f.severity.name(),
                cell(&f.text)
            ));
        }
        out.push('\n');
    }
    for (role, flows) in groups(checklist) {
        out.push_str(&format!("## {}\n\n", group_title(role)));
        out.push_str("| id | from | to | port | protocol | level | purpose | source |\n");
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for f in flows {
            let source = f
                .sources
                .first()
                .map(|s| format!("{} › {}", s.doc, s.section))
                .unwrap_or_default();
            let proxy = if f.via_proxy { " (via proxy)" } else { "" };
            out.push_str(&format!(
                "| `{}` | {} | {}{} | {} | {} | {} | {} | {} |\n",
                f.id,
                cell(&f.from.hosts_text()),
                cell(&f.to.hosts_text()),
                proxy,
                f.ports_text(),
                cell(&f.protocol),
                level_text(f),
                cell(&f.purpose),
                cell(&source)
            ));
        }
        out.push('\n');
    }
    let inconsistent: Vec<_> = checklist
        .flows
        .iter()
        .filter(|f| f.is_documented_inconsistency())
        .collect();
    if !inconsistent.is_empty() {
        out.push_str("## Documented inconsistencies\n\n");
        for f in inconsistent {
            for d in f.decisions.iter() {
                out.push_str(&format!(
                    "- `{}` ({}): {} {}\n",
                    f.id,
                    d.contradiction,
                    cell(&d.decision),
                    cell(&d.why)
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// Table cells cannot hold pipes or line breaks, and user text must not inject markup.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}
