use super::document::{document, Markup};
use super::{Ticket, TicketRule};

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

/// Text from the rule base or the requester, made inert: Markdown and HTML syntax is escaped,
/// a leading list marker is escaped, and line breaks cannot end a table row.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if text.starts_with(['-', '+']) || (digits > 0 && text[digits..].starts_with(['.', ')'])) {
        // The marker is one ASCII character after the digits.
        let marker = digits + 1;
        out.push_str(&text[..digits]);
        out.push('\\');
        out.push_str(&text[digits..marker]);
        return out + &esc(&text[marker..]);
    }
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn markup_in_user_text_is_inert() {
        assert_eq!(
            esc("a|b\n[x](javascript:alert(1))"),
            "a\\|b \\[x\\](javascript:alert(1))"
        );
        assert_eq!(esc("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(esc("**bold** `code`"), "\\*\\*bold\\*\\* \\`code\\`");
        assert_eq!(esc("- item"), "\\- item");
        assert_eq!(esc("1. item"), "1\\. item");
    }
}
