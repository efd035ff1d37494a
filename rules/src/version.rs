//! Palette versions and the protocol eras they fall in.

use serde::{Deserialize, Serialize};

/// The newest Palette version the rule base's sources mention; the questionnaire's default.
pub const LATEST_DOCUMENTED: &str = "4.10.0";

/// Palette 4.0.0 replaced NATS on tcp/4222 with gRPC over HTTPS on 443 ("Network Communication
/// and Ports", gRPC/NATS tabs caution box).
pub const GRPC_SINCE: semver::Version = semver::Version::new(4, 0, 0);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Era {
    /// Before 4.0.0: agents talk to Palette over NATS on tcp/4222.
    Nats,
    /// 4.0.0 and later: gRPC over HTTP/2 on 443, with a WebSocket fallback.
    Grpc,
}

impl Era {
    pub fn of(version: &semver::Version) -> Era {
        if *version < GRPC_SINCE {
            Era::Nats
        } else {
            Era::Grpc
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Era::Nats => "NATS era (before 4.0.0)",
            Era::Grpc => "gRPC era (4.0.0 and later)",
        }
    }
}

/// Parses a Palette version as strict semver, with an error a user can act on.
pub fn parse(text: &str) -> Result<semver::Version, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("enter the Palette version, e.g. 4.7.9".to_owned());
    }
    let bare = trimmed.strip_prefix('v').unwrap_or(trimmed);
    semver::Version::parse(bare).map_err(|e| {
        format!("'{trimmed}' is not a semantic version like 4.7.9 (MAJOR.MINOR.PATCH): {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_before_four_are_nats_era() {
        assert_eq!(Era::of(&parse("3.4.114").unwrap()), Era::Nats);
        assert_eq!(Era::of(&parse("4.0.0-rc.1").unwrap()), Era::Nats);
        assert_eq!(Era::of(&parse("4.0.0").unwrap()), Era::Grpc);
        assert_eq!(Era::of(&parse("v4.6.12").unwrap()), Era::Grpc);
    }

    #[test]
    fn non_semver_versions_are_refused_with_an_example() {
        for bad in ["4.5", "latest", "4.x.0", "04.1.0", ""] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("4.7.9"), "{bad}: {err}");
        }
    }
}
