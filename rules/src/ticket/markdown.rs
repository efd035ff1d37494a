use super::{Ticket, TicketRule};

pub fn render(t: &Ticket) -> String {
    let mut out = format!("# {}\n\n", esc(&t.title));
    out.push_str("| field | value |\n|---|---|\n");
    for (field, value) in t.fields() {
        out.push_str(&format!("| {field} | {} |\n", esc(value)));
    }
    out.push_str(&format!(
        "\n## Business justification\n\n{}\n\n## Risk\n\n{}\n\n## Rollback\n\n{}\n\n## Rules to open\n\n",
        esc(&t.justification),
        esc(&t.risk_notes),
        esc(&t.rollback)
    ));
    table(&mut out, &t.rules);
    if !t.already_open.is_empty() {
        out.push_str("\n## Left out: already open\n\n");
        for id in &t.already_open {
            out.push_str(&format!("- `{}`\n", esc(id)));
        }
    }
    if !t.closable.is_empty() {
        out.push_str("\n## May be closed: used only by older Palette versions\n\n");
        table(&mut out, &t.closable);
    }
    out
}

fn table(out: &mut String, rules: &[TicketRule]) {
    if rules.is_empty() {
        out.push_str("None.\n");
        return;
    }
    out.push_str("| # | source | destination | port/protocol | direction | purpose | required | documentation |\n");
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for (i, r) in rules.iter().enumerate() {
        let doc = match &r.url {
            Some(url) => format!("[{}]({url})", esc(&r.documentation)),
            None => esc(&r.documentation),
        };
        out.push_str(&format!(
            "| {} | {} | {}{} | {} {} | {} | {} (`{}`) | {} | {} |\n",
            i + 1,
            esc(&r.source),
            esc(&r.destination),
            if r.via_proxy { " (via proxy)" } else { "" },
            r.ports,
            esc(&r.protocol),
            r.direction.as_str(),
            esc(&r.purpose),
            r.id,
            r.level.as_str(),
            doc
        ));
    }
}

/// Text from the rule base or the requester, made inert: Markdown and HTML syntax is escaped,
/// a leading list marker is escaped, and line breaks cannot end a table row.
fn esc(text: &str) -> String {
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
