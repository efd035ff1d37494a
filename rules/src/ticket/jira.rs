use super::document::{document, Markup};
use super::{Ticket, TicketRule};

/// Jira (and Confluence) wiki markup.
pub fn render(t: &Ticket) -> String {
    document(t, &Jira)
}

struct Jira;

impl Markup for Jira {
    fn esc(&self, text: &str) -> String {
        esc(text)
    }

    fn title(&self, text: &str) -> String {
        format!("h1. {}\n\n", esc(text))
    }

    fn fields_header(&self) -> &'static str {
        "||Field||Value||\n"
    }

    fn field(&self, name: &str, value: &str) -> String {
        format!("|{name}|{}|\n", esc(value))
    }

    fn section(&self, title: &str) -> String {
        format!("\nh2. {title}\n")
    }

    fn rules_header(&self) -> &'static str {
        "||#||Source||Destination||Port/protocol||Direction||Purpose||Required||Documentation||\n"
    }

    fn rule(&self, number: usize, r: &TicketRule, documentation: &str) -> String {
        format!(
            "|{number}|{}|{}{}|{} {}|{}|{} ({})|{}|{documentation}|\n",
            esc(&r.source),
            esc(&r.destination),
            if r.via_proxy { " (via proxy)" } else { "" },
            r.ports,
            esc(&r.protocol),
            r.direction.as_str(),
            esc(&r.purpose),
            esc(&r.id),
            r.level.as_str(),
        )
    }

    fn link(&self, text: &str, url: &str) -> String {
        format!("[{}|{url}]", esc(text))
    }

    fn list_item(&self, id: &str) -> String {
        format!("* {{{{{}}}}}\n", esc(id))
    }

    fn rule_note(&self, number: usize, id: &str, text: &str) -> String {
        format!("* Rule {number} ({{{{{}}}}}): {}\n", esc(id), esc(text))
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
