//! Loading plan files: where they come from (a directory or the copy
//! embedded in the binary) and how strict TOML becomes validated [`Plan`]s.
//!
//! Amounts keep exactly the digits written. The TOML is read through
//! `toml`'s span-keeping document layer ([`toml::de::DeTable`]), which hands
//! over the raw text of every number, so `overage_rate = 0.0070` is the
//! decimal `0.0070`, never the float `0.007`. Every problem is reported with
//! `file:line:column`; loading collects all of them rather than stopping at
//! the first.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::money::Currency;
use crate::plan::{self, FairUse, Plan, Product};
use crate::tomlread::{self, Field};

pub use crate::error::Problem;

/// Where plans and rate cards come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A directory: `*.toml` plan files, and Meta's CSV files and Excel
    /// workbooks (rate cards, the market mapping) in `meta/` or beside the
    /// plans (see [`is_card_file`]).
    Dir(PathBuf),
    /// The copy of the shipped `plans/` compiled into the binary.
    Embedded,
}

impl Source {
    /// Picks the source: `--plans DIR` or `CTBILL_PLANS` (already folded
    /// into `explicit` by the command line), else `./plans` when it exists,
    /// else the embedded plans.
    #[must_use]
    pub fn resolve(explicit: Option<PathBuf>) -> Self {
        match explicit {
            Some(dir) => Source::Dir(dir),
            None if Path::new("plans").is_dir() => Source::Dir(PathBuf::from("plans")),
            None => Source::Embedded,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Dir(dir) => write!(f, "{}", dir.display()),
            Source::Embedded => f.write_str("the plans built into ctbill"),
        }
    }
}

/// The text of one input file and the name it is reported under.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to the user (`plans/connect.toml`, or `<built-in>/...`).
    pub label: String,
    /// The file's contents.
    pub text: Cow<'static, str>,
    /// The contents of a rate-card file that is not UTF-8 text (an Excel
    /// workbook, or a broken file for the card parser to name); `text` is
    /// empty then.
    pub raw: Option<Cow<'static, [u8]>>,
}

impl SourceFile {
    /// The contents as bytes, text or not.
    #[must_use]
    pub fn contents(&self) -> &[u8] {
        self.raw.as_deref().unwrap_or(self.text.as_bytes())
    }
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_plans.rs"));
}

/// Plan files and rate-card files read from a source, not yet parsed.
#[derive(Debug, Clone, Default)]
pub struct SourceFiles {
    /// `*.toml` plan files, sorted by name.
    pub plans: Vec<SourceFile>,
    /// Rate cards and market mappings beside the plans and in `meta/`
    /// (see [`is_card_file`]), sorted by name.
    pub cards: Vec<SourceFile>,
}

impl SourceFiles {
    /// Reads every plan and rate-card file of `source`.
    ///
    /// # Errors
    ///
    /// A directory that cannot be read, or a file in it that is not UTF-8.
    pub fn read(source: &Source) -> Result<Self, Vec<Problem>> {
        match source {
            Source::Embedded => Ok(Self::embedded()),
            Source::Dir(dir) => Self::read_dir(dir),
        }
    }

    /// The files compiled into the binary.
    #[must_use]
    pub fn embedded() -> Self {
        let file = |&(name, text): &(&str, &'static str)| SourceFile {
            label: format!("<built-in>/{name}"),
            text: Cow::Borrowed(text),
            raw: None,
        };
        let workbook = |&(name, bytes): &(&str, &'static [u8])| SourceFile {
            label: format!("<built-in>/{name}"),
            text: Cow::Borrowed(""),
            raw: Some(Cow::Borrowed(bytes)),
        };
        let mut cards: Vec<SourceFile> = embedded::CARDS.iter().map(file).collect();
        cards.extend(embedded::WORKBOOKS.iter().map(workbook));
        cards.sort_by(|a, b| a.label.cmp(&b.label));
        Self {
            plans: embedded::PLANS.iter().map(file).collect(),
            cards,
        }
    }

    fn read_dir(dir: &Path) -> Result<Self, Vec<Problem>> {
        let plans = read_matching(dir, false)?;
        if plans.is_empty() {
            return Err(vec![Problem::file(
                &dir.display().to_string(),
                "no plan files here; a plans directory holds one or more `*.toml` files with [[plan]] tables",
            )]);
        }
        // Meta's files may sit in `meta/` or beside the plans.
        let mut cards = read_matching(dir, true)?;
        let meta = dir.join("meta");
        if meta.is_dir() {
            cards.extend(read_matching(&meta, true)?);
        }
        Ok(Self { plans, cards })
    }
}

/// Whether a file is read as a rate card: a name ending in `.csv`, `.xlsx`,
/// `.xlsm`, `.xlsb` or `.xls`, in any case (Meta's links serve workbooks
/// named `.csv`). Which of CSV or workbook it is is told from its content
/// ([`crate::meta::is_workbook`]), never from its name. Excel's lock files
/// (`~$USD.xlsx`, present while the workbook is open in Excel) are skipped.
#[must_use]
pub fn is_card_file(path: &Path) -> bool {
    const EXTENSIONS: [&str; 5] = ["csv", "xlsx", "xlsm", "xlsb", "xls"];
    let lock = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("~$"));
    !lock
        && path
            .extension()
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Reads `*.toml` plan files, or with `cards` the rate-card files
/// ([`is_card_file`]), which may be workbooks rather than text.
fn read_matching(dir: &Path, cards: bool) -> Result<Vec<SourceFile>, Vec<Problem>> {
    let label = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|err| {
        vec![Problem::file(
            &label,
            format!("cannot read the plans directory: {err}"),
        )]
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            if cards {
                is_card_file(p)
            } else {
                p.extension().is_some_and(|e| e == "toml")
            }
        })
        .collect();
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    let mut problems = Vec::new();
    for path in paths {
        let label = path.display().to_string();
        // A name that matches but leads to no file (a dangling or looping
        // symbolic link) is reported, never skipped: the plans or cards it
        // was meant to hold would silently be missing. A directory that
        // happens to end in `.toml` or `.csv` is not a file to read.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => continue,
            Err(err) => {
                let link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
                let what = if link {
                    "is a symbolic link that leads to no readable file (dangling or looping)"
                } else {
                    "cannot be read"
                };
                problems.push(Problem::file(
                    &label,
                    format!("{what}: {err}; point it at a file or remove it"),
                ));
                continue;
            }
        }
        match std::fs::read(&path).map(|bytes| {
            if cards && crate::meta::is_workbook(&bytes) {
                Err(bytes)
            } else {
                String::from_utf8(bytes).map_err(std::string::FromUtf8Error::into_bytes)
            }
        }) {
            Ok(Ok(text)) => files.push(SourceFile {
                label,
                text: Cow::Owned(text),
                raw: None,
            }),
            // The card parser tells a workbook from a broken file.
            Ok(Err(bytes)) if cards => files.push(SourceFile {
                label,
                text: Cow::Borrowed(""),
                raw: Some(Cow::Owned(bytes)),
            }),
            Ok(Err(_)) => problems.push(Problem::file(&label, "is not UTF-8 text")),
            Err(err) => problems.push(Problem::file(&label, format!("cannot read: {err}"))),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

/// Parses and checks every plan file; duplicate ids across files are
/// reported naming both places.
///
/// # Errors
///
/// Every problem found in every file.
pub fn parse_plans(files: &[SourceFile]) -> Result<Vec<Plan>, Vec<Problem>> {
    let mut plans: Vec<Plan> = Vec::new();
    let mut problems = Vec::new();
    let mut first_seen: HashMap<String, String> = HashMap::new();
    for file in files {
        let (found, mut bad) = parse_plan_file(&file.label, &file.text);
        problems.append(&mut bad);
        for plan in found {
            if let Some(first) = first_seen.get(&plan.id) {
                // `origin` is `{label}:{line}:{column}`; the label may itself hold ':'.
                let position = plan
                    .origin
                    .strip_prefix(file.label.as_str())
                    .unwrap_or_default();
                let mut numbers = position.split(':').filter_map(|n| n.parse().ok());
                problems.push(Problem {
                    file: file.label.clone(),
                    line: numbers.next().unwrap_or(0),
                    column: numbers.next().unwrap_or(0),
                    message: format!(
                        "duplicate plan id `{}`: already defined at {first}; plan ids must be unique across all plan files",
                        plan.id
                    ),
                });
            } else {
                first_seen.insert(plan.id.clone(), plan.origin.clone());
                plans.push(plan);
            }
        }
    }
    if problems.is_empty() {
        Ok(plans)
    } else {
        Err(problems)
    }
}

/// Parses one plan file: its plans and its problems (both may be non-empty).
#[must_use]
pub fn parse_plan_file(label: &str, text: &str) -> (Vec<Plan>, Vec<Problem>) {
    let document = match tomlread::document(label, text) {
        Ok(document) => document,
        Err(problem) => return (Vec::new(), vec![problem]),
    };
    let mut reader = Reader {
        read: tomlread::Reader::new(label, text),
    };
    let mut plans = Vec::new();
    let root = document.get_ref();
    for key in root.keys() {
        if key.get_ref() != "plan" {
            reader.read.problem(
                key.span(),
                format!(
                    "unknown key `{}`; a plan file holds only [[plan]] tables",
                    key.get_ref()
                ),
            );
        }
    }
    match root.get("plan").map(|v| (v.span(), v.get_ref())) {
        None => reader.read.problem(
            0..0,
            "no [[plan]] tables; each plan file defines one or more plans",
        ),
        Some((_, DeValue::Array(tables))) => {
            for table in &**tables {
                match table.get_ref() {
                    DeValue::Table(fields) => {
                        if let Some(plan) = reader.plan(fields, table.span()) {
                            plans.push(plan);
                        }
                    }
                    _ => reader.read.problem(
                        table.span(),
                        "each `plan` entry must be a table: write [[plan]]",
                    ),
                }
            }
        }
        Some((span, _)) => reader.read.problem(
            span,
            "`plan` must be an array of tables: write [[plan]] before each plan",
        ),
    }
    (plans, reader.read.into_problems())
}

pub use crate::plan::PLAN_KEYS;

/// The keys that price a plan: every key after `currency`, up to `example`.
const PRICE_KEYS: &[&str] = PLAN_KEYS.split_at(4).1.split_at(6).0;

/// The keys of [`PRICE_KEYS`] that hold a count of units; the others hold
/// amounts or percentages.
const COUNT_KEYS: [&str; 2] = ["included", "fair_use_limit"];

/// Walks one plan file's TOML tree, collecting problems with their spans.
struct Reader<'a> {
    read: tomlread::Reader<'a>,
}

/// Where a plan's missing keys are reported.
const IN_PLAN: Option<&str> = Some("this [[plan]]");

impl Reader<'_> {
    fn plan(&mut self, fields: &DeTable<'_>, span: Range<usize>) -> Option<Plan> {
        let before = self.read.problem_count();
        self.read.unknown_keys(fields, &PLAN_KEYS, None);
        let get = |key: &str| fields.get(key);
        let id = self
            .need(get("id"), "id", &span)
            .and_then(|v| self.read.string(v, "id"));
        if let Some((id, id_span)) = &id {
            if let Err(message) = plan::validate_id(id) {
                self.read.problem(id_span.clone(), message);
            }
        }
        let product = self
            .need(get("product"), "product", &span)
            .and_then(|v| self.read.string(v, "product"))
            .and_then(|(text, s)| {
                text.parse::<Product>()
                    .map_err(|m| self.read.problem(s, m))
                    .ok()
            });
        let name = get("name")
            .and_then(|v| self.read.string(v, "name"))
            .map(|(n, _)| n);
        let currency = if product == Some(Product::Free) {
            get("currency")
        } else {
            self.need(get("currency"), "currency", &span)
        };
        let currency = currency.and_then(|v| self.read.string(v, "currency"));
        let currency = currency.and_then(|(code, s)| {
            Currency::from_code(&code)
                .ok_or_else(|| {
                    format!(
                        "unknown currency `{}`; use an ISO 4217 code such as USD, EUR, INR or JPY",
                        crate::shown::shown(&code)
                    )
                })
                .map_err(|m| self.read.problem(s, m))
                .ok()
        });
        let product = product?;
        let paid = product != Product::Free;
        let not_for =
            |key: &str, only: &str| format!("`{key}` does not apply to a {product} plan; {only}");
        if !paid {
            self.free_template_keys(fields);
        }
        let example = self.read.boolean(get("example"), "example");
        if product == Product::Connect {
            for key in ["fair_use_limit", "fair_use_rate", "markup_percent"] {
                if let Some(v) = get(key) {
                    self.read
                        .problem(v.span(), not_for(key, "it is only for direct plans"));
                }
            }
        }
        let base_fee = if paid {
            self.amount(get("base_fee"), "base_fee", &span)
        } else {
            Some(Decimal::ZERO)
        };
        let included = if paid {
            self.need(get("included"), "included", &span)
                .and_then(|v| self.count(v, "included"))
        } else {
            Some(0)
        };
        let overage_rate = if paid {
            self.amount(get("overage_rate"), "overage_rate", &span)
        } else {
            Some(Decimal::ZERO)
        };
        let (fair_use, markup_percent) = if product == Product::Direct {
            self.direct_fields(fields, &span, included)
        } else {
            (None, None)
        };
        if self.read.problem_count() > before {
            return None;
        }
        let (id, _) = id?;
        Some(Plan {
            name: name.unwrap_or_else(|| id.clone()),
            id,
            product,
            currency: currency.or_else(|| Currency::from_code("USD"))?,
            base_fee: base_fee?,
            included: included?,
            overage_rate: overage_rate?,
            fair_use,
            markup_percent,
            example: example?,
            origin: self.read.location(span.start),
        })
    }

    /// A free plan has no prices, but a template copied from a paid plan
    /// may keep the price keys: each is accepted with a zero value only.
    fn free_template_keys(&mut self, fields: &DeTable<'_>) {
        let no_span = 0..0;
        for &key in PRICE_KEYS {
            let Some(value) = fields.get(key) else {
                continue;
            };
            let zero = if COUNT_KEYS.contains(&key) {
                self.count(value, key).map(|n| n == 0)
            } else {
                self.amount(Some(value), key, &no_span).map(|a| a.is_zero())
            };
            if zero == Some(false) {
                self.read.problem(
                    value.span(),
                    format!(
                        "`{key}` does not apply to a free plan; a free plan has no prices: \
                         write `{key} = 0` or leave it out, or make the plan connect or direct"
                    ),
                );
            }
        }
    }

    /// The fair-use band and the markup of a Direct plan.
    fn direct_fields(
        &mut self,
        fields: &DeTable<'_>,
        span: &Range<usize>,
        included: Option<u64>,
    ) -> (Option<FairUse>, Option<Decimal>) {
        let get = |key: &str| fields.get(key);
        let markup_percent = self.amount(get("markup_percent"), "markup_percent", span);
        let limit = get("fair_use_limit").and_then(|v| self.count(v, "fair_use_limit"));
        let rate = get("fair_use_rate")
            .and_then(|_| self.amount(get("fair_use_rate"), "fair_use_rate", span));
        match (get("fair_use_limit"), get("fair_use_rate")) {
            (Some(_), None) => self.read.problem(
                span.clone(),
                "`fair_use_limit` is set but `fair_use_rate` is missing; set both or neither",
            ),
            (None, Some(v)) => self.read.problem(
                v.span(),
                "`fair_use_rate` is set but `fair_use_limit` is missing; set both or neither",
            ),
            _ => {}
        }
        if let (Some(limit), Some(included), Some(v)) = (limit, included, get("fair_use_limit")) {
            if limit < included {
                self.read.problem(
                    v.span(),
                    format!(
                        "`fair_use_limit` ({limit}) is below `included` ({included}); the fair-use band starts above the included units"
                    ),
                );
            }
        }
        let fair_use = limit.zip(rate).map(|(limit, rate)| FairUse { limit, rate });
        (fair_use, markup_percent)
    }

    /// The value of a key this [[plan]] must have; when absent, it is
    /// reported missing with an example value.
    fn need<'v, 'i>(
        &mut self,
        value: Field<'v, 'i>,
        key: &str,
        table: &Range<usize>,
    ) -> Field<'v, 'i> {
        if value.is_none() {
            let example = match key {
                "id" => "\"connect-10k\"",
                "product" => "\"connect\"",
                "currency" => "\"USD\"",
                "base_fee" => "\"30.00\"",
                "markup_percent" => "\"10\"",
                "overage_rate" | "fair_use_rate" => "\"0.0070\"",
                "included" | "fair_use_limit" => "10000",
                _ => "\"...\"",
            };
            self.read.missing(table, key, IN_PLAN, example);
        }
        value
    }

    /// A money amount or percentage this [[plan]] must have: a quoted or
    /// bare number, exactly as written, not negative.
    fn amount(&mut self, value: Field<'_, '_>, key: &str, table: &Range<usize>) -> Option<Decimal> {
        let value = self.need(value, key, table)?;
        self.read
            .amount(value, key, "a decimal amount, e.g. \"0.0070\" or 30.00")
    }

    /// A whole, non-negative count of units.
    fn count(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<u64> {
        self.read
            .count(value, key, "a whole number of units, e.g. 10000")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_one(text: &str) -> Result<Vec<Plan>, Vec<String>> {
        let (plans, problems) = parse_plan_file("t.toml", text);
        if problems.is_empty() {
            Ok(plans)
        } else {
            Err(problems.iter().map(ToString::to_string).collect())
        }
    }

    const CONNECT: &str = r#"[[plan]]
id = "connect-10k"
name = "WhatsApp Connect 10K"
product = "connect"
currency = "USD"
base_fee = 30.00
included = 10_000
overage_rate = 0.0070
"#;

    #[test]
    fn bare_numbers_keep_the_digits_written() {
        let plans = load_one(CONNECT).unwrap();
        let plan = &plans[0];
        assert_eq!(plan.overage_rate.to_string(), "0.0070");
        assert_eq!(plan.base_fee.to_string(), "30.00");
        assert_eq!(plan.included, 10_000);
        assert_eq!(plan.origin, "t.toml:1:1");
    }

    #[test]
    fn a_plus_sign_on_a_count_is_valid_toml_and_accepted() {
        // `+10000` is a valid TOML integer (TOML 1.0, "Integer"): 10,000.
        let text = CONNECT.replace("included = 10_000", "included = +10000");
        assert_eq!(load_one(&text).unwrap()[0].included, 10_000);
        let text = CONNECT.replace("included = 10_000", "included = -0");
        assert_eq!(load_one(&text).unwrap()[0].included, 0);
        let text = CONNECT.replace("included = 10_000", "included = -5");
        let errors = load_one(&text).unwrap_err();
        assert!(errors[0].contains("`-5` is negative"), "{errors:?}");
    }

    #[test]
    fn quoted_amounts_are_exact_too() {
        let text = CONNECT.replace("0.0070", "\"0.00700000000000000000000001\"");
        let plans = load_one(&text).unwrap();
        assert_eq!(
            plans[0].overage_rate.to_string(),
            "0.00700000000000000000000001"
        );
    }

    #[test]
    fn long_bare_floats_are_not_cut_to_f64_precision() {
        // f64 keeps about 17 significant digits; this has 20.
        let text = CONNECT.replace("0.0070", "0.12345678901234567891");
        let plans = load_one(&text).unwrap();
        assert_eq!(plans[0].overage_rate.to_string(), "0.12345678901234567891");
    }

    #[test]
    fn problems_carry_line_and_column() {
        let text = CONNECT.replace("overage_rate = 0.0070", "overage_rte = 0.0070");
        let errors = load_one(&text).unwrap_err();
        assert!(
            errors.iter().any(|e| e.starts_with(
                "t.toml:8:1: unknown key `overage_rte`; did you mean `overage_rate`?"
            )),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("t.toml:1:1: missing `overage_rate`")),
            "{errors:?}"
        );
    }

    #[test]
    fn unknown_keys_and_negative_amounts_are_quoted_safely() {
        // A quoted key may hold any character: the ESC is escaped, never
        // sent to the terminal.
        let text = format!("{CONNECT}\"base\\u001bfee\" = 1\n");
        let errors = load_one(&text).unwrap_err();
        assert!(
            errors[0].starts_with("t.toml:9:1: unknown key `base\\u{1b}fee`; "),
            "{errors:?}"
        );
        // A negative amount of 72 characters (a sign, 70 zeros and a 1) is
        // cut to its first 60 characters: the sign and 59 zeros.
        let long = format!("-{}1", "0".repeat(70));
        let text = CONNECT.replace("base_fee = 30.00", &format!("base_fee = \"{long}\""));
        let errors = load_one(&text).unwrap_err();
        let cut = format!("-{}… (72 characters)", "0".repeat(59));
        assert_eq!(
            errors,
            [format!(
                "t.toml:6:12: `base_fee` is negative ({cut}); amounts are zero or more"
            )]
        );
    }

    #[test]
    fn rejects_negative_amounts_bad_currency_and_bad_ids() {
        let text = CONNECT
            .replace("30.00", "-30.00")
            .replace("\"USD\"", "\"XYZ\"")
            .replace("connect-10k", "Connect 10k");
        let errors = load_one(&text).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors[0].starts_with("t.toml:2:6: plan id `Connect 10k` must be lowercase"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("t.toml:5:12: unknown currency `XYZ`"),
            "{errors:?}"
        );
        assert!(
            errors[2].starts_with("t.toml:6:12: `base_fee` is negative (-30.00)"),
            "{errors:?}"
        );
    }

    #[test]
    fn direct_fair_use_limit_must_not_be_below_included() {
        let text = r#"[[plan]]
id = "direct-25k"
product = "direct"
currency = "USD"
base_fee = "500"
included = 25000
overage_rate = "0.02"
fair_use_limit = 20000
fair_use_rate = "0.05"
markup_percent = "10"
"#;
        let errors = load_one(text).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .starts_with("t.toml:8:18: `fair_use_limit` (20000) is below `included` (25000)"),
            "{errors:?}"
        );
    }

    #[test]
    fn connect_plans_cannot_carry_direct_fields() {
        let text = format!("{CONNECT}markup_percent = \"10\"\n");
        let errors = load_one(&text).unwrap_err();
        assert!(
            errors[0].contains("`markup_percent` does not apply to a connect plan"),
            "{errors:?}"
        );
    }

    #[test]
    fn example_is_an_optional_boolean() {
        assert!(!load_one(CONNECT).unwrap()[0].example);
        let marked = format!("{CONNECT}example = true\n");
        assert!(load_one(&marked).unwrap()[0].example);
        let unmarked = format!("{CONNECT}example = false\n");
        assert!(!load_one(&unmarked).unwrap()[0].example);
        let errors = load_one(&format!("{CONNECT}example = \"yes\"\n")).unwrap_err();
        assert_eq!(
            errors,
            ["t.toml:9:11: `example` must be true or false, without quotes, e.g. `example = true`"]
        );
    }

    #[test]
    fn a_free_plan_takes_price_keys_at_zero_only() {
        // A template copied from a paid Direct plan, every price at zero.
        let template = r#"[[plan]]
id = "free"
product = "free"
currency = "USD"
base_fee = "0.00"
included = 0
overage_rate = 0
fair_use_limit = "0"
fair_use_rate = 0.0
markup_percent = "0"
"#;
        let plans = load_one(template).unwrap();
        assert_eq!(plans[0].product, Product::Free);
        assert_eq!(plans[0].unit(), None);
        // Any other value is an error where it is written.
        let priced = template
            .replace("included = 0", "included = 10")
            .replace("markup_percent = \"0\"", "markup_percent = \"10\"");
        let errors = load_one(&priced).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("t.toml:6:12: `included` does not apply to a free plan; a free plan has no prices: write `included = 0`"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("t.toml:10:18: `markup_percent` does not apply to a free plan"),
            "{errors:?}"
        );
        // Bad values are still reported as such.
        let negative = template.replace("base_fee = \"0.00\"", "base_fee = \"-1\"");
        let errors = load_one(&negative).unwrap_err();
        assert!(
            errors[0].contains("`base_fee` is negative (-1)"),
            "{errors:?}"
        );
    }

    #[test]
    fn syntax_errors_are_located() {
        let errors = load_one("[[plan]]\nid = \"x\n").unwrap_err();
        assert!(errors[0].starts_with("t.toml:2:"), "{errors:?}");
        assert!(errors[0].contains("invalid TOML"), "{errors:?}");
    }

    #[test]
    fn duplicate_ids_name_both_files() {
        let files = vec![
            SourceFile {
                label: "a.toml".into(),
                text: CONNECT.into(),
                raw: None,
            },
            SourceFile {
                label: "b.toml".into(),
                text: format!("\n{CONNECT}").into(),
                raw: None,
            },
        ];
        let errors = parse_plans(&files).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "b.toml:2:1: duplicate plan id `connect-10k`: already defined at a.toml:1:1; plan ids must be unique across all plan files"
        );
    }
}
