//! `portcheck merge`: many check reports as one fleet report (`rules::report::Fleet`), for
//! terminals, Markdown and scripts. Reports come from anywhere (files mailed in, `kubectl logs`
//! of a fleet), so each is read on its own: a damaged one is named and skipped, never merged.

use crate::cli::{MergeArgs, MergeFormat};
use rules::endpoint::printable;
use rules::protocol::reply::Verdict;
use rules::report::{Fleet, Merger, Report};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: MergeArgs) -> ExitCode {
    let mut merger = Merger::default();
    let (read, damaged) =
        read_reports(&args.reports, |source, report| merger.add(&source, &report));
    if read == 0 {
        eprintln!(
            "error: no report could be read{}",
            if damaged > 0 { " (see above)" } else { "" }
        );
        return ExitCode::from(2);
    }
    let fleet = merger.finish();
    let out = match args.format {
        MergeFormat::Text => text(&fleet, damaged),
        MergeFormat::Markdown => markdown(&fleet, damaged),
        MergeFormat::Json => rules::json::to_string_pretty(&fleet) + "\n",
        MergeFormat::Html => html(&fleet, damaged),
    };
    match crate::output::print(&out) {
        code if code == ExitCode::SUCCESS => ExitCode::from(u8::from(fleet.required_failed())),
        failed => failed,
    }
}

/// Hands every report these files and streams hold to `each`, named after its source, one at
/// a time; says how many were read and how many were damaged (each named on stderr and
/// skipped).
pub fn read_reports(
    paths: &[std::path::PathBuf],
    mut each: impl FnMut(String, Report),
) -> (usize, usize) {
    let (mut read, mut damaged) = (0, 0);
    for path in paths {
        match read_file(path) {
            Ok(text) => {
                rules::report::read_stream(&text, &path.display().to_string(), |item| match item {
                    Ok((source, report)) => {
                        read += 1;
                        each(source, report);
                    }
                    Err(problem) => {
                        damaged += 1;
                        eprintln!("warning: {problem}; skipped");
                    }
                });
            }
            Err(problem) => {
                damaged += 1;
                eprintln!("warning: {problem}; skipped");
            }
        }
    }
    (read, damaged)
}

fn read_file(path: &Path) -> Result<String, String> {
    let shown = printable(&path.display().to_string());
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin()
            .take(rules::report::MAX_STREAM_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| {
            f.take(rules::report::MAX_STREAM_BYTES + 1)
                .read_to_end(&mut bytes)
        })
    };
    read.map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > rules::report::MAX_STREAM_BYTES {
        return Err(format!("{shown} is larger than 256 MiB"));
    }
    String::from_utf8(bytes).map_err(|_| format!("{shown} is not UTF-8 text"))
}

fn headline(fleet: &Fleet, damaged: usize) -> String {
    let failing = fleet
        .rows
        .iter()
        .filter(|r| r.worst() == Some(Verdict::Fail))
        .count();
    format!(
        "Fleet report: {} reports, {} flows, {} of them failing somewhere{}",
        fleet.places.len(),
        fleet.rows.len(),
        failing,
        if damaged > 0 {
            format!("; {damaged} damaged report(s) skipped")
        } else {
            String::new()
        }
    )
}

fn plans_note(fleet: &Fleet) -> Option<String> {
    (fleet.plans.len() > 1).then(|| {
        let short: Vec<String> = fleet
            .plans
            .iter()
            .map(|d| printable(&d.chars().take("sha256:".len() + 12).collect::<String>()))
            .collect();
        format!(
            "Reports of {} different plans ({}) merged by flow id: a flow missing at a place was not in its plan.",
            fleet.plans.len(),
            short.join(", ")
        )
    })
}

fn text(fleet: &Fleet, damaged: usize) -> String {
    let mut out = headline(fleet, damaged) + "\n";
    if let Some(note) = plans_note(fleet) {
        out.push_str(&format!("{note}\n"));
    }
    for row in &fleet.rows {
        let Some(worst) = row.worst() else { continue };
        let seen = row.cells.iter().flatten().count();
        out.push_str(&format!(
            "\n{} {} ({}): checked at {seen} of {} places: {} failed, {} warned, {} passed\n",
            worst.mark(),
            printable(&row.flow),
            if row.optional { "optional" } else { "required" },
            fleet.places.len(),
            row.count(Verdict::Fail),
            row.count(Verdict::Warn),
            row.count(Verdict::Pass),
        ));
        for (i, c) in row.not_passed() {
            out.push_str(&format!(
                "    {} {}: {}\n",
                c.verdict.mark(),
                printable(&fleet.places[i].name),
                printable(c.why.as_deref().unwrap_or(""))
            ));
        }
    }
    out
}

/// Table cells and list items: escaped like the terminal, then inert as Markdown (and as the
/// HTML Markdown may carry).
fn cell(text: &str) -> String {
    rules::markup::markdown(&printable(text))
}

fn markdown(fleet: &Fleet, damaged: usize) -> String {
    let mut out = format!("# {}\n\n", headline(fleet, damaged));
    if let Some(note) = plans_note(fleet) {
        out.push_str(&format!("{note}\n\n"));
    }
    let needed = |optional: bool| if optional { "optional" } else { "required" };
    if fleet.places.len() <= Fleet::MATRIX_MAX {
        out.push_str("| flow | needed |");
        for i in 0..fleet.places.len() {
            out.push_str(&format!(" {} |", cell(&fleet.places[i].name)));
        }
        out.push_str("\n|---|---|");
        out.push_str(&"---|".repeat(fleet.places.len()));
        out.push('\n');
        for row in &fleet.rows {
            out.push_str(&format!(
                "| {} | {} |",
                cell(&row.flow),
                needed(row.optional)
            ));
            for c in &row.cells {
                out.push_str(&format!(
                    " {} |",
                    c.as_ref().map_or("–", |c| c.verdict.mark())
                ));
            }
            out.push('\n');
        }
    } else {
        out.push_str("| flow | needed | failed | warned | passed |\n|---|---|---:|---:|---:|\n");
        for row in &fleet.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&row.flow),
                needed(row.optional),
                row.count(Verdict::Fail),
                row.count(Verdict::Warn),
                row.count(Verdict::Pass)
            ));
        }
    }
    let mut why = String::new();
    for (row, place, c) in fleet.not_passed() {
        why.push_str(&format!(
            "- {} {} at {}: {}\n",
            c.verdict.mark(),
            cell(&row.flow),
            cell(&place.name),
            cell(c.why.as_deref().unwrap_or(""))
        ));
    }
    if !why.is_empty() {
        out.push_str(&format!("\n## Why\n\n{why}"));
    }
    out
}

/// Text for HTML: escaped like the terminal, then inert as XML.
fn html_text(text: &str) -> String {
    rules::markup::xml(&printable(text))
}

/// One self-contained page to mail: no script, no fetch, its style inline; readable in light
/// and dark, and printed.
fn html(fleet: &Fleet, damaged: usize) -> String {
    let title = html_text(&headline(fleet, damaged));
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>Palette port check: fleet report</title>\n<style>{HTML_STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    if let Some(note) = plans_note(fleet) {
        out.push_str(&format!("<p>{}</p>\n", html_text(&note)));
    }
    let needed = |optional: bool| if optional { "optional" } else { "required" };
    let matrix = fleet.places.len() <= Fleet::MATRIX_MAX;
    out.push_str("<table>\n<thead><tr><th scope=\"col\">Flow</th><th scope=\"col\">Needed</th>");
    if matrix {
        for place in &fleet.places {
            out.push_str(&format!(
                "<th scope=\"col\">{}</th>",
                html_text(&place.name)
            ));
        }
    } else {
        out.push_str("<th scope=\"col\">Failed</th><th scope=\"col\">Warned</th><th scope=\"col\">Passed</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &fleet.rows {
        out.push_str(&format!(
            "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td>",
            html_text(&row.flow),
            needed(row.optional)
        ));
        if matrix {
            for c in &row.cells {
                match c {
                    Some(c) => out.push_str(&format!(
                        "<td class=\"{}\">{}</td>",
                        c.verdict.mark().to_lowercase(),
                        c.verdict.mark()
                    )),
                    None => out.push_str("<td>–</td>"),
                }
            }
        } else {
            for v in [Verdict::Fail, Verdict::Warn, Verdict::Pass] {
                out.push_str(&format!("<td>{}</td>", row.count(v)));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    let mut why = String::new();
    for (row, place, c) in fleet.not_passed() {
        why.push_str(&format!(
            "<li><strong class=\"{}\">{}</strong> <code>{}</code> at {}: {}</li>\n",
            c.verdict.mark().to_lowercase(),
            c.verdict.mark(),
            html_text(&row.flow),
            html_text(&place.name),
            html_text(c.why.as_deref().unwrap_or(""))
        ));
    }
    if !why.is_empty() {
        out.push_str(&format!("<h2>Why</h2>\n<ul>\n{why}</ul>\n"));
    }
    out.push_str("</body>\n</html>\n");
    out
}

const HTML_STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;line-height:1.4}\
table{border-collapse:collapse}th,td{border:1px solid #94a3b8;padding:.25rem .5rem;text-align:left}\
.fail{color:#b91c1c;font-weight:700}.warn{color:#b45309;font-weight:700}.pass{color:#15803d}\
@media (prefers-color-scheme:dark){body{background:#0f172a;color:#f1f5f9}.fail{color:#fca5a5}.warn{color:#fcd34d}.pass{color:#86efac}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_break_the_table_or_carry_markup() {
        assert_eq!(
            cell("a|b <script> `x`\u{1b}[2J"),
            "a\\|b &lt;script&gt; \\`x\\`\\\\u{1b}\\[2J"
        );
    }
}
