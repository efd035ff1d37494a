use super::{Ticket, TicketRule};

/// Plain text for e-mail: no markup, control characters removed.
pub fn render(t: &Ticket) -> String {
    let mut out = format!(
        "{}\n{}\n\n",
        clean(&t.title),
        "=".repeat(t.title.chars().count().min(100))
    );
    for (field, value) in t.fields() {
        out.push_str(&format!("{field:<21} {}\n", clean(value)));
    }
    out.push_str(&format!(
        "\nBusiness justification\n  {}\n\nRisk\n  {}\n\nRollback\n  {}\n\nRules to open\n",
        clean(&t.justification),
        clean(&t.risk_notes),
        clean(&t.rollback)
    ));
    list(&mut out, &t.rules);
    if t.rules.iter().any(|r| r.evidence.is_some()) {
        out.push_str("\nEvidence from live checks\n");
        for (i, r) in t.rules.iter().enumerate() {
            if let Some(evidence) = &r.evidence {
                out.push_str(&format!("{:>3}. {}: {}\n", i + 1, r.id, clean(evidence)));
            }
        }
    }
    if !t.optional_not_requested.is_empty() {
        out.push_str("\nOptional, not requested\n");
        list(&mut out, &t.optional_not_requested);
    }
    if !t.already_open.is_empty() {
        out.push_str(&format!(
            "\nLeft out (already open): {}\n",
            t.already_open.join(", ")
        ));
    }
    if !t.closable.is_empty() {
        out.push_str("\nMay be closed (used only by older Palette versions)\n");
        list(&mut out, &t.closable);
    }
    out
}

fn list(out: &mut String, rules: &[TicketRule]) {
    if rules.is_empty() {
        out.push_str("  None.\n");
    }
    for (i, r) in rules.iter().enumerate() {
        out.push_str(&format!(
            "{:>3}. {} -> {}{}\n     {} {}, {}, {}\n     {} [{}]\n     Source: {}{}\n",
            i + 1,
            clean(&r.source),
            clean(&r.destination),
            if r.via_proxy { " (via proxy)" } else { "" },
            r.ports,
            clean(&r.protocol),
            r.direction.as_str(),
            r.level.as_str(),
            clean(&r.purpose),
            r.id,
            clean(&r.documentation),
            r.url
                .as_deref()
                .map(|u| format!(" <{u}>"))
                .unwrap_or_default()
        ));
    }
}

/// Control characters could rewrite a terminal or split a line a parser reads.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
