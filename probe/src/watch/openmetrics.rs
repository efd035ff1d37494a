//! The OpenMetrics text format (the exposition Prometheus asks for first), written by hand:
//! `watch` exposes a handful of gauge families, and the Rust client library it would come from
//! writes label values unescaped (prometheus/client_rust#151), while ours carry text from
//! certificates and check results that anyone can choose. One quote in an issuer's name would
//! make Prometheus reject the whole scrape, and with it every flow's result.

use std::fmt::Write;

/// The Content-Type of an exposition.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Kinds of metric family `watch` writes.
#[derive(Clone, Copy)]
pub enum Type {
    Gauge,
    /// Its sample is `NAME_total`.
    Counter,
    /// Its sample is `NAME_info`, always 1: the labels are the information.
    Info,
}

/// An exposition being written: families in order, each a header and its samples, then `# EOF`.
pub struct Exposition {
    out: String,
}

impl Exposition {
    pub fn with_capacity(bytes: usize) -> Exposition {
        Exposition {
            out: String::with_capacity(bytes),
        }
    }

    /// Starts a family. `name` is a metric name of ours; `help` is one line of our own text.
    pub fn family(&mut self, name: &str, kind: Type, help: &str) {
        debug_assert!(valid_name(name), "{name}");
        debug_assert!(!help.contains(['\\', '\n']), "{help}");
        let kind_name = match kind {
            Type::Gauge => "gauge",
            Type::Counter => "counter",
            Type::Info => "info",
        };
        let _ = writeln!(self.out, "# TYPE {name} {kind_name}");
        // A unit, when named, must end the family's name; ours are all seconds.
        if name.ends_with("_seconds") {
            let _ = writeln!(self.out, "# UNIT {name} seconds");
        }
        let _ = writeln!(self.out, "# HELP {name} {help}");
    }

    /// A sample line. `labels` is what `Labels` wrote (escaped), or empty; `suffix` is the
    /// sample's suffix for its family's type (`_total`, `_info`) or empty.
    pub fn sample(&mut self, name: &str, suffix: &str, labels: &str, value: f64) {
        self.out.push_str(name);
        self.out.push_str(suffix);
        if !labels.is_empty() {
            self.out.push('{');
            self.out.push_str(labels);
            self.out.push('}');
        }
        self.out.push(' ');
        write_number(&mut self.out, value);
        self.out.push('\n');
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("# EOF\n");
        self.out
    }
}

/// A label set, written once and reused on every sample.
#[derive(Default, Clone)]
pub struct Labels(String);

impl Labels {
    /// Adds `name="value"`. `name` is ours; `value` may be anyone's text: `shown` makes it
    /// printable, then the format's own three escapes apply.
    pub fn with(mut self, name: &str, value: &str) -> Labels {
        debug_assert!(valid_name(name), "{name}");
        if !self.0.is_empty() {
            self.0.push(',');
        }
        self.0.push_str(name);
        self.0.push_str("=\"");
        for c in shown(value).chars() {
            match c {
                '\\' => self.0.push_str("\\\\"),
                '"' => self.0.push_str("\\\""),
                '\n' => self.0.push_str("\\n"),
                c => self.0.push(c),
            }
        }
        self.0.push('"');
        self
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text as a label shows it: as it is when every character prints as itself and it is not too
/// long, else escaped as reports escape it (`rules::endpoint::printable`: control, bidi and
/// invisible characters, and a cap on length). Quotes and backslashes alone do not count: the
/// format escapes those its own way, and text a report already escaped (a certificate's
/// issuer) must read the same in Prometheus, not escaped twice.
fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    let plain = value.chars().count() <= MAX_SHOWN
        && value
            .chars()
            .all(|c| matches!(c, '"' | '\'' | '\\') || c.escape_debug().count() == 1);
    if plain {
        std::borrow::Cow::Borrowed(value)
    } else {
        std::borrow::Cow::Owned(rules::endpoint::printable(value))
    }
}

/// The longest label value written as it is; `printable` caps longer ones.
const MAX_SHOWN: usize = 200;

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Integers without a fraction, others as Rust writes them (never an exponent, which
/// OpenMetrics allows but people reading `curl` output should not have to decode).
fn write_number(out: &mut String, value: f64) {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        let _ = write!(out, "{}", value as i64);
    } else {
        let _ = write!(out, "{value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_samples_and_eof_are_written_as_the_format_says() {
        let mut e = Exposition::with_capacity(0);
        e.family("portcheck_cycles", Type::Counter, "Runs of the plan.");
        e.sample("portcheck_cycles", "_total", "", 3.0);
        e.family("portcheck_check_duration_seconds", Type::Gauge, "Time.");
        let labels = Labels::default()
            .with("site", "dc1")
            .with("check", "a@b:443");
        e.sample(
            "portcheck_check_duration_seconds",
            "",
            labels.as_str(),
            0.25,
        );
        assert_eq!(
            e.finish(),
            "# TYPE portcheck_cycles counter\n# HELP portcheck_cycles Runs of the plan.\nportcheck_cycles_total 3\n\
             # TYPE portcheck_check_duration_seconds gauge\n# UNIT portcheck_check_duration_seconds seconds\n\
             # HELP portcheck_check_duration_seconds Time.\n\
             portcheck_check_duration_seconds{site=\"dc1\",check=\"a@b:443\"} 0.25\n# EOF\n"
        );
    }

    #[test]
    fn hostile_label_values_stay_inside_their_quotes_and_print_harmlessly() {
        let hostile = "CN=Evil\" } 1\nportcheck_check_success{x=\"\\ \u{1b}[2J\u{202e}gnp";
        let labels = Labels::default().with("issuer", hostile);
        let text = labels.as_str();
        // One line; the value ends at the only unescaped quote, the last character.
        assert!(!text.contains(['\n', '\u{1b}', '\u{202e}']), "{text}");
        let value = &text["issuer=\"".len()..];
        let mut escaped = false;
        for (i, c) in value.char_indices() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => assert_eq!(i, value.len() - 1, "{text}"),
                _ => {}
            }
        }
        assert!(value.ends_with('"') && !escaped);
    }

    #[test]
    fn printable_text_is_written_as_it_is_so_escaped_text_is_not_escaped_twice() {
        // A certificate's issuer as the report carries it: already escaped once.
        let reported = rules::endpoint::printable("CN=Evil \"CA\" \u{1b}[31m");
        let labels = Labels::default().with("issuer", &reported);
        assert_eq!(
            labels.as_str(),
            r#"issuer="CN=Evil \\\"CA\\\" \\u{1b}[31m""#
        );
        let flow = Labels::default().with("flow", "workload-palette-saas");
        assert_eq!(flow.as_str(), r#"flow="workload-palette-saas""#);
    }

    #[test]
    fn long_label_values_are_capped() {
        let labels = Labels::default().with("issuer", &"A".repeat(100_000));
        assert!(labels.as_str().len() < 300, "{}", labels.as_str().len());
    }

    #[test]
    fn numbers_are_plain() {
        let mut out = String::new();
        for v in [0.0, 1.0, 1_795_000_000.0, 0.001, 12.5] {
            write_number(&mut out, v);
            out.push(' ');
        }
        assert_eq!(out, "0 1 1795000000 0.001 12.5 ");
    }
}
