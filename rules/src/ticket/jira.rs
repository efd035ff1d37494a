use super::{Ticket, TicketRule};

/// Jira (and Confluence) wiki markup.
pub fn render(t: &Ticket) -> String {
    let mut out = format!("h1. {}\n\n", esc(&t.title));
    out.push_str("||Field||Value||\n");
    for (field, value) in t.fields() {
        out.push_str(&format!("|{field}|{}|\n", esc(value)));
    }
    out.push_str(&format!(
        "\nh2. Business justification\n{}\n\nh2. Risk\n{}\n\nh2. Rollback\n{}\n\nh2. Rules to open\n",
        esc(&t.justification),
        esc(&t.risk_notes),
        esc(&t.rollback)
    ));
    table(&mut out, &t.rules);
    if !t.already_open.is_empty() {
        out.push_str("\nh2. Left out: already open\n");
        for id in &t.already_open {
            out.push_str(&format!("* {{{{{}}}}}\n", esc(id)));
        }
    }
    if !t.closable.is_empty() {
        out.push_str("\nh2. May be closed: used only by older Palette versions\n");
        table(&mut out, &t.closable);
    }
    out
}

fn table(out: &mut String, rules: &[TicketRule]) {
    if rules.is_empty() {
        out.push_str("None.\n");
        return;
    }
    out.push_str(
        "||#||Source||Destination||Port/protocol||Direction||Purpose||Required||Documentation||\n",
    );
    for (i, r) in rules.iter().enumerate() {
        let doc = match &r.url {
            Some(url) => format!("[{}|{url}]", esc(&r.documentation)),
            None => esc(&r.documentation),
        };
        out.push_str(&format!(
            "|{}|{}|{}{}|{} {}|{}|{} ({})|{}|{}|\n",
            i + 1,
            esc(&r.source),
            esc(&r.destination),
            if r.via_proxy { " (via proxy)" } else { "" },
            r.ports,
            esc(&r.protocol),
            r.direction.as_str(),
            esc(&r.purpose),
            esc(&r.id),
            r.level.as_str(),
            doc
        ));
    }
}

/// Jira wiki gives meaning to these characters, and to `h1.`..`h6.` and `bq.` at the start of a
/// line; a backslash makes them literal. Line breaks become spaces, so only the start matters.
fn esc(text: &str) -> String {
    let block = ["h1.", "h2.", "h3.", "h4.", "h5.", "h6.", "bq."]
        .iter()
        .find(|p| text.trim_start().starts_with(*p));
    if let Some(prefix) = block {
        let rest = &text.trim_start()[prefix.len()..];
        return format!("{}\\.{}", &prefix[..prefix.len() - 1], esc(rest));
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '[' | ']' | '{' | '}' | '*' | '_' | '+' | '^' | '~' | '?' | '!' | '#'
            | '-' => {
                out.push('\\');
                out.push(c);
            }
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
    fn wiki_syntax_in_user_text_is_escaped() {
        assert_eq!(
            esc("a|b{code}[x|http://e]"),
            "a\\|b\\{code\\}\\[x\\|http://e\\]"
        );
        assert_eq!(esc("line\nbreak *bold*"), "line break \\*bold\\*");
        assert_eq!(esc("h1. big"), "h1\\. big");
    }
}
