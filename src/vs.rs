//! Pricing the same usage a second time, to compare with (`--vs-month`,
//! `--vs-plans`): under another month's Meta rate cards, or on the plans
//! and rate cards of another directory. The catalog of that directory is
//! loaded once per run and reused for every bill.

use crate::bill::Bill;
use crate::calendar::Month;
use crate::catalog::{self, Catalog};
use crate::error::Error;
use crate::plan::Plan;
use crate::usage::Usage;

/// What the second pricing is done under.
pub enum VsPricing {
    /// The same plans, the Meta rate cards in force in this month (the
    /// vs bill's billing month).
    Month(Month),
    /// The same month, the plans and rate cards of another directory.
    Plans {
        /// The other directory's catalog.
        catalog: Box<Catalog>,
        /// The directory as given, for messages.
        dir: String,
    },
}

impl std::fmt::Debug for VsPricing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

impl VsPricing {
    /// What the vs bill is priced under, for headings and summaries:
    /// "month 2026-07" or "plans in old-plans".
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            VsPricing::Month(month) => format!("month {month}"),
            VsPricing::Plans { dir, .. } => format!("plans in {dir}"),
        }
    }

    /// The flag and value, for messages: `--vs-month 2026-07`.
    #[must_use]
    pub fn flag(&self) -> String {
        match self {
            VsPricing::Month(month) => format!("--vs-month {month}"),
            VsPricing::Plans { dir, .. } => format!("--vs-plans {dir}"),
        }
    }

    /// The plan to price on: `plan` itself, or the plan of the same id in
    /// the other directory (in the same currency).
    ///
    /// # Errors
    ///
    /// No plan of that id in the other directory, or one in another
    /// currency (the two totals could not be compared).
    pub fn plan<'a>(&'a self, plan: &'a Plan) -> Result<&'a Plan, String> {
        match self {
            VsPricing::Month(_) => Ok(plan),
            VsPricing::Plans { catalog, dir } => {
                let other = catalog.plan(&plan.id).map_err(|_| {
                    format!(
                        "--vs-plans {dir}: no plan `{}` there to compare with; give a directory that defines it (`ctbill --plans {dir} plans` lists its plans)",
                        plan.id
                    )
                })?;
                if other.currency == plan.currency {
                    Ok(other)
                } else {
                    Err(format!(
                        "--vs-plans {dir}: plan `{}` bills in {} there and in {} here; the totals cannot be compared",
                        plan.id, other.currency, plan.currency
                    ))
                }
            }
        }
    }

    /// Prices `usage` (priced on `plan` in `catalog` for the bill itself)
    /// the second time.
    ///
    /// # Errors
    ///
    /// As [`VsPricing::plan`], and any pricing error of the second bill
    /// (as the engine words it).
    pub fn price<'a>(
        &'a self,
        catalog: &'a Catalog,
        plan: &'a Plan,
        usage: &Usage,
    ) -> Result<Bill<'a>, VsError> {
        let other = self.plan(plan).map_err(VsError::Plan)?;
        let result = match self {
            VsPricing::Month(month) => {
                let usage = Usage {
                    month: *month,
                    ..usage.clone()
                };
                catalog::price(catalog, other, &usage)
            }
            VsPricing::Plans { catalog, .. } => catalog::price(catalog, other, usage),
        };
        result.map_err(VsError::Price)
    }
}

/// Why the second pricing failed.
#[derive(Debug)]
pub enum VsError {
    /// No such plan there (the message names the flag and directory).
    Plan(String),
    /// The engine's error.
    Price(Error),
}
