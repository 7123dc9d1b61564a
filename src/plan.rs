//! Plans: what a customer buys. A [`Plan`] is validated data; it is built by
//! the loader (`load.rs`) and priced by the engine (`bill.rs`).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::money::Currency;

/// The three offerings of the vendor's pricing page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Product {
    /// No add-on: campaigns and journeys cannot be sent.
    Free,
    /// WhatsApp Connect: base fee with included notifications, plus overage.
    Connect,
    /// WhatsApp Direct: platform fee per conversation tier, plus Meta's
    /// charges passed through with a service markup.
    Direct,
}

impl Product {
    /// Every product, in the order the pricing page lists them.
    pub const ALL: [Product; 3] = [Product::Free, Product::Connect, Product::Direct];

    /// The name used in plan files and on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Product::Free => "free",
            Product::Connect => "connect",
            Product::Direct => "direct",
        }
    }

    /// The product's name for people: "WhatsApp Connect", "WhatsApp
    /// Direct", "Free".
    #[must_use]
    pub fn display_name(self) -> &'static str {
        match self {
            Product::Free => "Free",
            Product::Connect => "WhatsApp Connect",
            Product::Direct => "WhatsApp Direct",
        }
    }

    /// What the product counts, or `None` for the free plan.
    #[must_use]
    pub fn unit(self) -> Option<Unit> {
        match self {
            Product::Free => None,
            Product::Connect => Some(Unit::Notifications),
            Product::Direct => Some(Unit::Conversations),
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Product {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Product::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                format!("`{text}` is not a product; expected one of: free, connect, direct")
            })
    }
}

/// What a plan counts: Connect bills notifications sent, Direct bills
/// conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Notifications sent through an external provider (`--sent`).
    Notifications,
    /// Conversations through CleverTap's own WhatsApp API (`--conversations`).
    Conversations,
}

impl Unit {
    /// Plural noun for bills and tables.
    #[must_use]
    pub fn plural(self) -> &'static str {
        match self {
            Unit::Notifications => "notifications",
            Unit::Conversations => "conversations",
        }
    }

    /// Singular noun, for a count of one.
    #[must_use]
    pub fn singular(self) -> &'static str {
        match self {
            Unit::Notifications => "notification",
            Unit::Conversations => "conversation",
        }
    }

    /// `15,000 notifications`, `1 conversation`.
    #[must_use]
    pub fn count_text(self, count: u64) -> String {
        let noun = if count == 1 {
            self.singular()
        } else {
            self.plural()
        };
        format!("{} {noun}", crate::money::group_count(count))
    }

    /// The batch column that gives this count.
    #[must_use]
    pub fn column(self) -> &'static str {
        match self {
            Unit::Notifications => "sent",
            Unit::Conversations => "conversations",
        }
    }
}

/// Units above `limit` are billed at `rate` instead of the overage rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FairUse {
    /// The last unit billed at the consumption overage rate.
    pub limit: u64,
    /// Price per unit above `limit`.
    pub rate: Decimal,
}

/// Every key a `[[plan]]` table may hold, in the order the docs list them:
/// what the loader accepts and the columns of the plans listing (CSV).
pub const PLAN_KEYS: [&str; 11] = [
    "id",
    "name",
    "product",
    "currency",
    "base_fee",
    "included",
    "overage_rate",
    "fair_use_limit",
    "fair_use_rate",
    "markup_percent",
    "example",
];

/// One priced tier, as validated from a plan file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Unique id: lowercase letters, digits and `-`.
    pub id: String,
    /// Human name for bills.
    pub name: String,
    /// Which offering this is.
    pub product: Product,
    /// Currency of every amount in the plan.
    pub currency: Currency,
    /// Monthly fee, covering `included` units.
    pub base_fee: Decimal,
    /// Units covered by the base fee.
    pub included: u64,
    /// Price per unit above `included` (the consumption overage for Direct).
    pub overage_rate: Decimal,
    /// Direct only: the fair-usage band above the consumption overage.
    pub fair_use: Option<FairUse>,
    /// Direct only: the service markup over Meta's charges, in percent.
    pub markup_percent: Option<Decimal>,
    /// Whether the prices are examples rather than a contract (`example =
    /// true` in the plan file): every bill on the plan says so.
    pub example: bool,
    /// Where the plan was defined, `file:line`, for messages.
    pub origin: String,
}

impl Plan {
    /// What the plan counts, or `None` for a free plan.
    #[must_use]
    pub fn unit(&self) -> Option<Unit> {
        self.product.unit()
    }

    /// The priced bands above the included units, in order: the overage
    /// band (up to the fair-use limit when there is one), then the fair-use
    /// band. This is the one statement of the plans' piecewise structure;
    /// the engine, the integer batch path, the tier advice and the chart
    /// all read it from here.
    #[must_use]
    pub fn bands(&self) -> [Option<Band>; 2] {
        let overage = Band {
            kind: BandKind::Overage,
            after: self.included,
            up_to: self.fair_use.as_ref().map(|f| f.limit.max(self.included)),
            rate: self.overage_rate,
        };
        let fair_use = self.fair_use.as_ref().map(|f| Band {
            kind: BandKind::FairUse,
            after: f.limit,
            up_to: None,
            rate: f.rate,
        });
        [Some(overage), fair_use]
    }
}

/// Which overage a band bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandKind {
    /// Units above `included`: the (consumption) overage.
    Overage,
    /// Units above the fair-use limit.
    FairUse,
}

/// Units numbered `after + 1 ..= up_to` (no upper end when `up_to` is
/// `None`), each billed at `rate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    /// Which overage this is.
    pub kind: BandKind,
    /// The last unit before the band.
    pub after: u64,
    /// The last unit in the band, if it ends.
    pub up_to: Option<u64>,
    /// Price per unit in the band.
    pub rate: Decimal,
}

impl Band {
    /// How many of the first `count` units fall in the band.
    #[must_use]
    pub fn units(&self, count: u64) -> u64 {
        self.up_to
            .map_or(count, |end| count.min(end))
            .saturating_sub(self.after)
    }
}

/// Checks a plan id: lowercase ASCII letters, digits and single `-` between
/// them, starting with a letter or digit.
///
/// # Errors
///
/// Returns what is wrong with the id, in words.
pub fn validate_id(id: &str) -> Result<(), String> {
    let ok_chars = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if id.is_empty() || !ok_chars || id.starts_with('-') || id.ends_with('-') || id.contains("--") {
        return Err(format!(
            "plan id `{id}` must be lowercase letters, digits and single '-' between them, e.g. connect-10k"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_ids_are_lowercase_words_joined_by_dashes() {
        for good in ["connect-10k", "direct-25k", "free", "a1"] {
            assert!(validate_id(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Connect-10k",
            "connect_10k",
            "-x",
            "x-",
            "a--b",
            "ün",
            "a b",
        ] {
            assert!(validate_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bands_split_units_above_the_quota() {
        let mut plan = Plan {
            id: "direct-25k".into(),
            name: "d".into(),
            product: Product::Direct,
            currency: Currency::from_code("USD").unwrap(),
            base_fee: Decimal::ZERO,
            included: 25_000,
            overage_rate: Decimal::ONE,
            fair_use: Some(FairUse {
                limit: 100_000,
                rate: Decimal::TWO,
            }),
            markup_percent: None,
            example: false,
            origin: String::new(),
        };
        let [Some(overage), Some(fair)] = plan.bands() else {
            panic!("two bands")
        };
        // 130,000 units: 25,001..=100,000 are overage (75,000), 100,001.. fair use (30,000).
        assert_eq!(
            (overage.units(130_000), fair.units(130_000)),
            (75_000, 30_000)
        );
        assert_eq!((overage.units(25_000), fair.units(25_000)), (0, 0));
        assert_eq!((overage.units(25_001), fair.units(100_000)), (1, 0));
        plan.fair_use = None;
        let [Some(open), None] = plan.bands() else {
            panic!("one band")
        };
        assert_eq!(open.units(u64::MAX), u64::MAX - 25_000);
    }

    #[test]
    fn products_parse_case_insensitively() {
        assert_eq!("Direct".parse::<Product>(), Ok(Product::Direct));
        assert!("premium".parse::<Product>().is_err());
        assert_eq!(Product::Connect.unit(), Some(Unit::Notifications));
        assert_eq!(Product::Free.unit(), None);
    }
}
