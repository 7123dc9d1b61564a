//! Meta's pricing categories: marketing, utility, authentication,
//! authentication-international and service.

use std::fmt;
use std::str::FromStr;

/// A pricing category of Meta's per-message model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Marketing templates.
    Marketing,
    /// Utility templates (volume tiers apply).
    Utility,
    /// Authentication templates (volume tiers apply).
    Authentication,
    /// Authentication templates at the authentication-international rate
    /// (volume tiers apply where Meta publishes them).
    AuthenticationInternational,
    /// Service (non-template) messages, charged only on cards that price them.
    Service,
}

impl Category {
    /// Every category, in the column order of Meta's rates file.
    pub const ALL: [Self; 5] = [
        Self::Marketing,
        Self::Utility,
        Self::Authentication,
        Self::AuthenticationInternational,
        Self::Service,
    ];

    /// The kebab-case name used on the command line and in output.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Marketing => "marketing",
            Self::Utility => "utility",
            Self::Authentication => "authentication",
            Self::AuthenticationInternational => "authentication-international",
            Self::Service => "service",
        }
    }

    /// Whether Meta publishes volume tiers for this category: utility and
    /// authentication, and authentication-international (Meta's tiers file
    /// has a block for it). Marketing and service are never tiered.
    #[must_use]
    pub fn has_volume_tiers(self) -> bool {
        matches!(
            self,
            Self::Utility | Self::Authentication | Self::AuthenticationInternational
        )
    }

    pub(super) fn index(self) -> usize {
        match self {
            Self::Marketing => 0,
            Self::Utility => 1,
            Self::Authentication => 2,
            Self::AuthenticationInternational => 3,
            Self::Service => 4,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown category name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a Meta pricing category; use one of marketing, utility, authentication, authentication-international, service"
)]
pub struct UnknownCategory(pub String);

impl FromStr for Category {
    type Err = UnknownCategory;

    /// Case-insensitive; `-`, `_` and spaces are interchangeable, and
    /// `auth`, `auth-intl` and `authentication-intl` are accepted as short
    /// forms.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let key: String = text
            .trim()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match key.as_str() {
            "marketing" => Ok(Self::Marketing),
            "utility" => Ok(Self::Utility),
            "authentication" | "auth" => Ok(Self::Authentication),
            "authenticationinternational"
            | "authintl"
            | "authinternational"
            | "authenticationintl" => Ok(Self::AuthenticationInternational),
            "service" => Ok(Self::Service),
            _ => Err(UnknownCategory(text.to_owned())),
        }
    }
}
