//! Making outside text inert in the markup languages this project writes: XML (SVG, JUnit,
//! HTML) and Markdown. Every writer of those formats escapes through here.

/// Text for XML and HTML, in elements and quoted attributes: the five characters with meaning
/// escaped, control characters (which XML 1.0 cannot hold) as spaces; line breaks and tabs
/// stay.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text from the rule base or the requester, made inert: Markdown and HTML syntax is escaped,
/// a leading list marker is escaped, and line breaks cannot end a table row.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if text.starts_with(['-', '+']) || (digits > 0 && text[digits..].starts_with(['.', ')'])) {
        // The marker is one ASCII character after the digits.
        let marker = digits + 1;
        out.push_str(&text[..digits]);
        out.push('\\');
        out.push_str(&text[digits..marker]);
        return out + &markdown(&text[marker..]);
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
    use super::*;

    #[test]
    fn markup_in_user_text_is_inert() {
        assert_eq!(
            markdown("a|b\n[x](javascript:alert(1))"),
            "a\\|b \\[x\\](javascript:alert(1))"
        );
        assert_eq!(markdown("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(markdown("**bold** `code`"), "\\*\\*bold\\*\\* \\`code\\`");
        assert_eq!(markdown("- item"), "\\- item");
        assert_eq!(markdown("1. item"), "1\\. item");
    }

    #[test]
    fn xml_text_is_inert_and_well_formed() {
        assert_eq!(
            xml("<a href=\"x\">&'\u{1b}\n"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos; \n"
        );
    }
}
