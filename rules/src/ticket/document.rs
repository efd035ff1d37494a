//! The layout Markdown and Jira tickets share: title, the requester's fields, justification,
//! risk and rollback, the rules to open, optional flows not requested, what was left out and
//! what may be closed. Each markup
//! supplies its syntax and its escaping.

use super::{Ticket, TicketRule};

pub(super) trait Markup {
    /// Makes text from the rule base or the requester inert in this markup.
    fn esc(&self, text: &str) -> String;
    fn title(&self, text: &str) -> String;
    fn fields_header(&self) -> &'static str;
    fn field(&self, name: &str, value: &str) -> String;
    /// The line(s) that open a section; its text follows on the next line.
    fn section(&self, title: &str) -> String;
    fn rules_header(&self) -> &'static str;
    fn rule(&self, number: usize, rule: &TicketRule, documentation: &str) -> String;
    fn link(&self, text: &str, url: &str) -> String;
    fn list_item(&self, id: &str) -> String;
    /// A numbered note about a rule of the table, e.g. the evidence of a failed live check.
    fn rule_note(&self, number: usize, id: &str, text: &str) -> String;
}

pub(super) fn document(t: &Ticket, m: &impl Markup) -> String {
    let mut out = m.title(&t.title);
    out.push_str(m.fields_header());
    for (name, value) in t.fields() {
        out.push_str(&m.field(name, value));
    }
    for (title, text) in [
        ("Business justification", &t.justification),
        ("Risk", &t.risk_notes),
        ("Rollback", &t.rollback),
    ] {
        out.push_str(&m.section(title));
        out.push_str(&m.esc(text));
        out.push('\n');
    }
    out.push_str(&m.section("Rules to open"));
    table(&mut out, m, &t.rules);
    if t.rules.iter().any(|r| r.evidence.is_some()) {
        out.push_str(&m.section("Evidence from live checks"));
        for (i, r) in t.rules.iter().enumerate() {
            if let Some(evidence) = &r.evidence {
                out.push_str(&m.rule_note(i + 1, &r.id, evidence));
            }
        }
    }
    if !t.optional_not_requested.is_empty() {
        out.push_str(&m.section("Optional, not requested"));
        table(&mut out, m, &t.optional_not_requested);
    }
    if !t.already_open.is_empty() {
        out.push_str(&m.section("Left out: already open"));
        for id in &t.already_open {
            out.push_str(&m.list_item(id));
        }
    }
    if !t.closable.is_empty() {
        out.push_str(&m.section("May be closed: used only by older Palette versions"));
        table(&mut out, m, &t.closable);
    }
    out
}

fn table(out: &mut String, m: &impl Markup, rules: &[TicketRule]) {
    if rules.is_empty() {
        out.push_str("None.\n");
        return;
    }
    out.push_str(m.rules_header());
    for (i, r) in rules.iter().enumerate() {
        let documentation = match &r.url {
            Some(url) => m.link(&r.documentation, url),
            None => m.esc(&r.documentation),
        };
        out.push_str(&m.rule(i + 1, r, &documentation));
    }
}
