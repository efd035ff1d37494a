use super::Ticket;

/// One row per flow, RFC 4180, for ServiceNow-style imports. The last column says what to do with
/// it: `open`, `not requested` (an optional flow left out), `close` (used only by older
/// Palette versions) or `already open` (the requester says so: only its id is known).
pub fn render(t: &Ticket) -> String {
    let mut out = String::from(
        "id,source,destination,ports,protocol,direction,purpose,required,via_proxy,documentation,url,ticket,action\r\n",
    );
    let rows = t
        .rules
        .iter()
        .map(|r| (r, "open"))
        .chain(
            t.optional_not_requested
                .iter()
                .map(|r| (r, "not requested")),
        )
        .chain(t.closable.iter().map(|r| (r, "close")));
    for (r, action) in rows {
        let fields = [
            r.id.as_str(),
            &r.source,
            &r.destination,
            &r.ports,
            &r.protocol,
            r.direction.as_str(),
            &r.purpose,
            r.level.as_str(),
            if r.via_proxy { "yes" } else { "no" },
            &r.documentation,
            r.url.as_deref().unwrap_or(""),
            &t.title,
            action,
        ];
        let row: Vec<String> = fields.iter().map(|f| field(f)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    for id in &t.already_open {
        let mut row = vec![field(id)];
        row.extend(std::iter::repeat_n(String::new(), 10));
        row.extend([field(&t.title), "already open".to_owned()]);
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Quotes a field when needed, and defuses spreadsheet formulas: a cell that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe.
fn field(value: &str) -> String {
    let defused = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn formulas_are_defused_and_specials_quoted() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-cmd"), "'-cmd");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("plain"), "plain");
    }
}
