//! The drift report for a terminal, for a Markdown review, and (via serde) as JSON. Row text
//! comes from documentation files, so it is escaped for each medium.

use super::{Kind, Report};
use crate::endpoint::printable;

fn counts(report: &Report) -> String {
    let rows: usize = report.files.iter().map(|f| f.rows).sum();
    let mut parts = Vec::new();
    for kind in [Kind::Uncovered, Kind::Disagrees, Kind::Moved, Kind::Removed] {
        let n = report.drift.iter().filter(|i| i.kind == kind).count();
        if n > 0 {
            parts.push(format!("{n} {}", kind.label()));
        }
    }
    let files = report.files.len();
    let summary = if parts.is_empty() {
        "every row covered, no drift".to_owned()
    } else {
        parts.join(", ")
    };
    format!(
        "{files} file{}, {rows} table rows: {summary}",
        if files == 1 { "" } else { "s" }
    )
}

pub fn text(report: &Report) -> String {
    let mut out = format!("docs-drift: {}\n", counts(report));
    for f in &report.files {
        out.push_str(&format!(
            "  {} = {} ({} rows)\n",
            printable(&f.file),
            f.path,
            f.rows
        ));
    }
    for item in &report.drift {
        let at = item.line.map_or_else(
            || printable(&item.file),
            |l| format!("{}:{l}", printable(&item.file)),
        );
        let heading = if item.heading.is_empty() {
            String::new()
        } else {
            format!(" [{}]", printable(&item.heading))
        };
        out.push_str(&format!(
            "\n{at}: {}{heading}\n  row: {}\n  {}\n",
            item.kind.label(),
            printable(&item.row),
            printable(&item.detail)
        ));
        if !item.rules.is_empty() {
            out.push_str(&format!("  rules: {}\n", item.rules.join(", ")));
        }
    }
    out
}

pub fn markdown(report: &Report) -> String {
    let esc = crate::markup::markdown;
    let mut out = format!("# Documentation drift\n\n{}\n\n", esc(&counts(report)));
    out.push_str("| File | Page in the documentation | Rows |\n|---|---|---|\n");
    for f in &report.files {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            esc(&f.file),
            esc(&f.path),
            f.rows
        ));
    }
    if report.drift.is_empty() {
        return out;
    }
    out.push_str(
        "\n| Where | Drift | Heading | Row | Rules | Detail |\n|---|---|---|---|---|---|\n",
    );
    for item in &report.drift {
        let at = item
            .line
            .map_or_else(|| esc(&item.file), |l| format!("{}:{l}", esc(&item.file)));
        out.push_str(&format!(
            "| {at} | {} | {} | {} | {} | {} |\n",
            item.kind.label(),
            esc(&item.heading),
            esc(&item.row),
            esc(&item.rules.join(", ")),
            esc(&item.detail)
        ));
    }
    out
}
