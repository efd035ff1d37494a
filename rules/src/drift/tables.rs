//! Table rows out of the documentation formats the rule base is checked against: Markdown
//! sources of Palette's documentation (pipe tables under `#` headings, front matter skipped,
//! MDX indentation allowed), and the rendered page snapshots and plain-text copies among the
//! seeds. A row keeps where it was (line, heading, table number) so a report can point at it.

/// One table row, with its column names when the format has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRow {
    /// 1-based line in the file.
    pub line: usize,
    /// The headings above the table, outermost first, joined by ` > ` (levels 2 and below).
    pub heading: String,
    /// 1-based number of the table in the file.
    pub table: usize,
    /// The header's cells; empty when the format gives whole rows only.
    pub columns: Vec<String>,
    /// The row's cells; one cell holding the whole row when the format has no cells.
    pub cells: Vec<String>,
}

impl DocRow {
    /// The cell under a column whose name is one of `names` (case-insensitive).
    pub fn cell(&self, names: &[&str]) -> Option<&str> {
        let at = self
            .columns
            .iter()
            .position(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))?;
        self.cells.get(at).map(String::as_str)
    }

    /// The whole row as one line of text, cells joined by spaces.
    pub fn text(&self) -> String {
        normalize(&self.cells.join(" "))
    }
}

/// Columns that say where and how a flow goes rather than which flow a row is: a row whose
/// port or direction changed is the same row, disagreeing.
pub(crate) const LOCATION_COLUMNS: [&str; 6] = [
    "port",
    "ports",
    "direction",
    "source",
    "destination",
    "region",
];

impl DocRow {
    /// What identifies the row within its table: every cell but the location columns (the
    /// domain, the IP address, the purpose). Whole-row formats use the whole row.
    pub fn key(&self) -> String {
        if self.columns.is_empty() {
            return self.text();
        }
        let kept: Vec<&str> = self
            .cells
            .iter()
            .zip(&self.columns)
            .filter(|(_, column)| {
                !LOCATION_COLUMNS
                    .iter()
                    .any(|l| column.eq_ignore_ascii_case(l))
            })
            .map(|(cell, _)| cell.as_str())
            .collect();
        normalize(&kept.join(" "))
    }
}

/// Collapses whitespace and drops Markdown emphasis, so a reformatted table is the same table.
pub fn normalize(text: &str) -> String {
    text.replace("**", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every table row of a document, in whichever format it is.
pub fn rows(text: &str) -> Vec<DocRow> {
    if text.trim_start().starts_with("# Page snapshot") {
        snapshot_rows(text)
    } else if text.lines().any(|l| l.trim_start().starts_with('|')) {
        markdown_rows(text)
    } else {
        plain_rows(text)
    }
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim();
    let inner = inner.strip_prefix('|').unwrap_or(inner);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(normalize).collect()
}

fn is_separator(cells: &[String]) -> bool {
    cells.iter().all(|c| {
        let c = c.trim_matches(':');
        !c.is_empty() && c.chars().all(|ch| ch == '-')
    })
}

fn markdown_rows(text: &str) -> Vec<DocRow> {
    let mut rows = Vec::new();
    let mut headings: Vec<(usize, String)> = Vec::new();
    let mut table = 0;
    let mut columns: Option<Vec<String>> = None;
    let mut in_front_matter = false;
    let mut in_fence = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if index == 0 && trimmed == "---" {
            in_front_matter = true;
            continue;
        }
        if in_front_matter {
            in_front_matter = trimmed != "---";
            continue;
        }
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if let Some(level) = heading_level(trimmed) {
            headings.retain(|(l, _)| *l < level);
            headings.push((level, normalize(trimmed[level..].trim())));
            columns = None;
            continue;
        }
        if !trimmed.starts_with('|') {
            columns = None;
            continue;
        }
        let row = cells(trimmed);
        match &columns {
            None => {
                table += 1;
                columns = Some(row);
            }
            Some(_) if is_separator(&row) => {}
            Some(header) => rows.push(DocRow {
                line: index + 1,
                heading: heading_path(&headings),
                table,
                columns: header.clone(),
                cells: row,
            }),
        }
    }
    rows
}

/// `## Title` -> 2; the page title (level 1) comes from front matter and is not a section.
fn heading_level(line: &str) -> Option<usize> {
    let level = line.chars().take_while(|c| *c == '#').count();
    (level > 0 && line[level..].starts_with(' ')).then_some(level)
}

fn heading_path(headings: &[(usize, String)]) -> String {
    let names: Vec<&str> = headings
        .iter()
        .filter(|(level, _)| *level >= 2)
        .map(|(_, name)| name.as_str())
        .collect();
    names.join(" > ")
}

/// An accessibility snapshot of a rendered page: `- heading "..." [level=N]`, `- table`, and
/// `- row "..."` lines, the first row of a table being its header.
fn snapshot_rows(text: &str) -> Vec<DocRow> {
    let mut rows = Vec::new();
    let mut headings: Vec<(usize, String)> = Vec::new();
    let mut table = 0;
    let mut header_next = false;
    for (index, line) in text.lines().enumerate() {
        let s = line.trim();
        if let Some(rest) = s.strip_prefix("- heading \"") {
            let (name, tail) = rest.split_once('"').unwrap_or((rest, ""));
            let level = tail
                .split("[level=")
                .nth(1)
                .and_then(|l| l.split(']').next())
                .and_then(|l| l.parse().ok())
                .unwrap_or(2);
            // Rendered headings end with their anchor link's text.
            let name = name.split("Direct link to").next().unwrap_or(name);
            headings.retain(|(l, _)| *l < level);
            headings.push((level, normalize(name)));
        } else if s.starts_with("- table") {
            table += 1;
            header_next = true;
        } else if let Some(rest) = s.strip_prefix("- row \"") {
            let row = rest.rsplit_once('"').map_or(rest, |(r, _)| r);
            if std::mem::take(&mut header_next) {
                continue;
            }
            rows.push(DocRow {
                line: index + 1,
                heading: heading_path(&headings),
                table,
                columns: Vec::new(),
                cells: vec![normalize(row)],
            });
        }
    }
    rows
}

/// The plain-text copy of the NATS-era ports page: a `PortDirectionPurpose` line starts a table
/// (the line two above it names it), and rows begin with the protocol and its port.
fn plain_rows(text: &str) -> Vec<DocRow> {
    let lines: Vec<&str> = text.lines().collect();
    let mut rows = Vec::new();
    let mut table = 0;
    let mut heading = String::new();
    for (index, line) in lines.iter().enumerate() {
        if line.trim() == "PortDirectionPurpose" {
            table += 1;
            heading = index
                .checked_sub(2)
                .map(|i| normalize(lines[i]))
                .unwrap_or_default();
        } else if table > 0
            && ["HTTPS (tcp/", "NATS (tcp/", "SSH (tcp/"]
                .iter()
                .any(|p| line.starts_with(p))
        {
            rows.push(DocRow {
                line: index + 1,
                heading: heading.clone(),
                table,
                columns: Vec::new(),
                cells: vec![normalize(line)],
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_tables_keep_their_headings_and_columns() {
        let text = "---\ntitle: \"x\"\n| not | a table |\n---\n\n## Ports\n\n### Management Platform\n\n| **Port** | **Direction** | **Purpose** |\n| :--- | :--- | :--- |\n| HTTPS (tcp/443) | INBOUND | Browser  access |\n\n## Domains\n\n  | Domain | Ports |\n  | --- | --- |\n  | api.example.com | 443, 4222 |\n";
        let rows = rows(text);
        assert_eq!(rows.len(), 2, "{rows:#?}");
        assert_eq!(rows[0].heading, "Ports > Management Platform");
        assert_eq!(rows[0].cell(&["direction"]), Some("INBOUND"));
        assert_eq!(rows[0].key(), "Browser access");
        assert_eq!((rows[0].line, rows[0].table), (12, 1));
        assert_eq!(rows[1].heading, "Domains");
        assert_eq!(rows[1].key(), "api.example.com");
        assert_eq!(rows[1].cell(&["ports"]), Some("443, 4222"));
    }

    #[test]
    fn snapshots_and_plain_text_give_whole_rows() {
        let snapshot = "# Page snapshot\n- heading \"Network PortsDirect link to Network Ports\" [level=2]\n- heading \"WorkloadDirect link to Workload\" [level=3]\n- table [ref=e1]:\n  - row \"Port Direction Purpose\" [ref=e2]:\n  - row \"HTTPS (tcp/443) OUTBOUND API\" [ref=e3]:\n";
        let rows = rows(snapshot);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].heading, "Network Ports > Workload");
        assert_eq!(rows[0].key(), "HTTPS (tcp/443) OUTBOUND API");
        let plain =
            "Workload Cluster\n\nPortDirectionPurpose\nNATS (tcp/4222)OUTBOUNDAgent\nnot a row\n";
        let rows = super::rows(plain);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].heading.as_str(), rows[0].line),
            ("Workload Cluster", 4)
        );
    }
}
