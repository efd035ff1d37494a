use super::document::{document, Markup};
use super::{Ticket, TicketRule};
use crate::markup::markdown as esc;

pub fn render(t: &Ticket) -> String {
    document(t, &Markdown)
}

struct Markdown;

impl Markup for Markdown {
    fn esc(&self, text: &str) -> String {
        esc(text)
    }

    fn title(&self, text: &str) -> String {
        format!("# {}\n\n", esc(text))
    }

    fn fields_header(&self) -> &'static str {
        "| field | value |\n|---|---|\n"
    }

    fn field(&self, name: &str, value: &str) -> String {
        format!("| {name} | {} |\n", esc(value))
    }

    fn section(&self, title: &str) -> String {
        format!("\n## {title}\n\n")
    }

    fn rules_header(&self) -> &'static str {
        "| # | source | destination | port/protocol | direction | purpose | required | documentation |\n|---|---|---|---|---|---|---|---|\n"
    }

    fn rule(&self, number: usize, r: &TicketRule, documentation: &str) -> String {
        format!(
            "| {number} | {} | {}{} | {} {} | {} | {} (`{}`) | {} | {documentation} |\n",
            esc(&r.source),
            esc(&r.destination),
            if r.via_proxy { " (via proxy)" } else { "" },
            r.ports,
            esc(&r.protocol),
            r.direction.as_str(),
            esc(&r.purpose),
            r.id,
            r.level.as_str(),
        )
    }

    fn link(&self, text: &str, url: &str) -> String {
        format!("[{}]({url})", esc(text))
    }

    fn list_item(&self, id: &str) -> String {
        format!("- `{}`\n", esc(id))
    }

    fn rule_note(&self, number: usize, id: &str, text: &str) -> String {
        format!("- Rule {number} (`{}`): {}\n", esc(id), esc(text))
    }
}
