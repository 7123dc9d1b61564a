//! `--format html`: the documents parse as HTML5 and have the structure a
//! customer reads (heading, one row per line, the total, the chart), the
//! same figures as the JSON, nothing that runs or fetches (no script, no
//! URL), and every text from a file escaped.

use std::path::Path;
use std::process::Command;

use scraper::{ElementRef, Html, Selector};

const BIN: &str = env!("CARGO_BIN_EXE_ctbill");

/// Runs ctbill on `plans` (relative to the crate) and returns its stdout;
/// the command must succeed and write nothing to stderr but warnings.
fn run(plans: &str, args: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(plans);
    let output = Command::new(BIN)
        .arg("--plans")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?}: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

fn json(plans: &str, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    serde_json::from_str(&run(plans, &args)).unwrap()
}

fn html(plans: &str, args: &[&str]) -> (String, Html) {
    let mut args = args.to_vec();
    args.extend(["--format", "html"]);
    let text = run(plans, &args);
    let doc = Html::parse_document(&text);
    (text, doc)
}

fn select<'a>(doc: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(selector).unwrap();
    doc.select(&selector).collect()
}

fn text(element: &ElementRef<'_>) -> String {
    element.text().collect::<String>().trim().to_owned()
}

/// An amount as shown ("USD 4,859.60", "1,000.00") as JSON writes it.
fn plain_amount(shown: &str) -> String {
    shown
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_uppercase())
        .trim()
        .replace(',', "")
}

/// What every document must be: HTML5 with a language, a title, one
/// `h1`, the style inline, and nothing that runs or fetches.
fn self_contained(raw: &str, doc: &Html) {
    assert!(raw.starts_with("<!DOCTYPE html>\n"), "{}", &raw[..40]);
    let root = select(doc, "html");
    assert_eq!(root.len(), 1);
    assert_eq!(root[0].value().attr("lang"), Some("en"));
    let titles = select(doc, "head > title");
    assert_eq!(titles.len(), 1);
    assert!(!text(&titles[0]).is_empty());
    assert_eq!(select(doc, "h1").len(), 1);
    assert_eq!(select(doc, "head > style").len(), 1);
    for refused in ["script", "link", "img", "iframe", "object", "embed", "base"] {
        assert!(select(doc, refused).is_empty(), "a <{refused}> element");
    }
    for element in select(doc, "*") {
        for (name, value) in element.value().attrs() {
            let value = value.to_ascii_lowercase();
            assert!(
                !["href", "src", "srcset", "action", "xlink:href"].contains(&name),
                "a {name} attribute on <{}>",
                element.value().name()
            );
            for url in ["http:", "https:", "//", "url(", "javascript:"] {
                assert!(!value.contains(url), "{name}=\"{value}\" names a URL");
            }
            assert!(!name.starts_with("on"), "an event handler: {name}");
        }
    }
    // Nowhere, not even in the style sheet or a text.
    for url in ["http://", "https://", "url(", "@import"] {
        assert!(!raw.contains(url), "the document contains {url}");
    }
}

#[test]
fn an_estimate_is_a_document_with_one_row_per_line_and_the_json_total() {
    // direct-25k (example plan: base 250.00 for 25,000 conversations, overage
    // 0.0120, fair use above 100,000 at 0.0200, markup 10%) at 30,000
    // conversations and 20,000 marketing messages to India in 2026-11, on
    // the 2026-10-01 card (India marketing 0.0118):
    //   base 250.00; overage 5,000 × 0.0120 = 60.00; fair use 0 × 0.0200 = 0.00;
    //   Meta 20,000 × 0.0118 = 236.00; markup 10% × 236.00 = 23.60;
    //   total 250.00 + 60.00 + 0.00 + 236.00 + 23.60 = 569.60.
    let args = [
        "estimate",
        "--plan",
        "direct-25k",
        "--conversations",
        "30000",
        "--meta",
        "marketing:IN=20000",
        "--month",
        "2026-11",
        "--explain",
    ];
    let (raw, doc) = html("plans", &args);
    self_contained(&raw, &doc);
    let data = json("plans", &args);
    assert_eq!(data["total"], "569.60");

    assert_eq!(text(&select(&doc, "h1")[0]), "WhatsApp Direct 25K");
    let facts: Vec<String> = select(&doc, "header dl.facts dd")
        .iter()
        .map(text)
        .collect();
    assert!(
        facts.contains(&"30,000 conversations".to_owned()),
        "{facts:?}"
    );
    assert!(facts.contains(&"2026-11".to_owned()), "{facts:?}");
    assert!(
        facts.iter().any(|f| f.len() == 10 && f.starts_with("20")),
        "the date: {facts:?}"
    );

    let rows = select(&doc, "table.items tbody tr");
    let lines = data["lines"].as_array().unwrap();
    assert_eq!(rows.len(), lines.len());
    assert_eq!(rows.len(), 5);
    for (row, line) in rows.iter().zip(lines) {
        let amount = row.select(&Selector::parse("td").unwrap()).last().unwrap();
        assert_eq!(amount.value().attr("class"), Some("num"), "right-aligned");
        assert_eq!(
            plain_amount(&text(&amount)),
            line["amount"].as_str().unwrap()
        );
    }
    let total = select(&doc, "table.items tfoot tr");
    assert_eq!(total.len(), 1);
    let cells: Vec<String> = total[0].child_elements().map(|c| text(&c)).collect();
    assert_eq!(cells[0], "Total");
    assert_eq!(cells.last().unwrap(), "USD 569.60");
    assert_eq!(
        plain_amount(cells.last().unwrap()),
        data["total"].as_str().unwrap()
    );

    // --explain: one row per line, then the total and the rounding.
    let explained = select(&doc, "table.explain tbody tr");
    assert_eq!(explained.len(), lines.len() + 2);
    let notes: Vec<String> = select(&doc, "section.notes li").iter().map(text).collect();
    assert!(
        notes.iter().any(|n| n.starts_with("Example prices")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Meta USD rate card effective 2026-10-01")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.starts_with("Rounding:")),
        "{notes:?}"
    );
    assert_eq!(select(&doc, "p.callout").len(), 1, "the example-prices box");
}

#[test]
fn a_comparison_marks_the_cheapest_and_carries_its_chart_inline() {
    // The shipped Connect ladder at 15,000 notifications: connect-10k
    // 30.00 + 5,000 × 0.0070 = 65.00, the cheapest; the other four tiers
    // cover 15,000 with their base fees (110.00, 200.00, 350.00, 800.00).
    let args = ["compare", "--sent", "15000", "--month", "2026-11"];
    let (raw, doc) = html("plans", &args);
    self_contained(&raw, &doc);
    let data = json("plans", &args);
    let plans = data["plans"].as_array().unwrap();

    assert_eq!(
        text(&select(&doc, "h1")[0]),
        "WhatsApp Connect tiers at 15,000 notifications"
    );
    let rows = select(&doc, "table.items tbody tr");
    assert_eq!(rows.len(), plans.len());
    assert_eq!(rows.len(), 5);
    let totals: Vec<String> = rows
        .iter()
        .map(|r| {
            let cells: Vec<String> = r.child_elements().map(|c| text(&c)).collect();
            format!("{} {}", cells[0], cells[cells.len() - 2])
        })
        .collect();
    assert_eq!(
        totals,
        [
            "connect-10k 65.00",
            "connect-25k 110.00",
            "connect-50k 200.00",
            "connect-100k 350.00",
            "connect-250k 800.00"
        ]
    );
    for (row, plan) in rows.iter().zip(plans) {
        let cells: Vec<String> = row.child_elements().map(|c| text(&c)).collect();
        assert_eq!(cells[0], plan["plan"].as_str().unwrap());
        assert_eq!(
            plain_amount(&cells[cells.len() - 2]),
            plan["total"].as_str().unwrap()
        );
    }
    let best = select(&doc, "table.items tbody tr.best");
    assert_eq!(best.len(), 1);
    assert_eq!(
        text(&best[0].child_elements().next().unwrap()),
        data["cheapest"].as_str().unwrap()
    );

    // The chart: inline SVG, one curve per tier, no namespace URL.
    let svgs = select(&doc, "figure.chart svg");
    assert_eq!(svgs.len(), 1);
    assert_eq!(svgs[0].value().attr("xmlns"), None);
    assert!(svgs[0].value().attr("viewBox").is_some());
    assert_eq!(select(&doc, "figure.chart polyline.series").len(), 5);
    assert_eq!(
        select(&doc, "section li").len() - select(&doc, "section.notes li").len(),
        4,
        "one break-even per pair of tiers"
    );
}

#[test]
fn a_comparison_with_a_budget_only_is_a_document_too() {
    let (raw, doc) = html(
        "plans",
        &["compare", "--budget", "500", "--product", "connect"],
    );
    self_contained(&raw, &doc);
    assert_eq!(select(&doc, "figure.chart svg").len(), 1);
    // The tiers by price, then what the budget buys on each.
    assert_eq!(select(&doc, "table.items").len(), 2);
}

#[test]
fn text_from_a_plan_file_is_shown_as_text_never_as_markup() {
    let (raw, doc) = html(
        "tests/fixtures/html-plans",
        &["estimate", "--plan", "connect-script", "--sent", "15000"],
    );
    self_contained(&raw, &doc);
    assert_eq!(text(&select(&doc, "h1")[0]), "<script>alert(1)</script>");
    assert!(raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(text(&select(&doc, "head > title")[0]).contains("<script>alert(1)</script>"));

    let name = "Tier & \"quotes\" <img src=x onerror=alert(2)>";
    let (raw, doc) = html(
        "tests/fixtures/html-plans",
        &[
            "estimate",
            "--plan",
            "connect-script-25k",
            "--sent",
            "30000",
        ],
    );
    self_contained(&raw, &doc);
    assert_eq!(text(&select(&doc, "h1")[0]), name);

    let (raw, doc) = html("tests/fixtures/html-plans", &["compare", "--sent", "15000"]);
    self_contained(&raw, &doc);
}

#[test]
fn a_bill_in_euros_names_its_minor_unit() {
    // The fixture's EUR plan: 28.00 + 5,000 × 0.0065 = 28.00 + 32.50 = 60.50.
    let (raw, doc) = html(
        "tests/fixtures/eur-plans",
        &["estimate", "--plan", "connect-eur-10k", "--sent", "15000"],
    );
    self_contained(&raw, &doc);
    let total = select(&doc, "table.items tfoot td");
    assert_eq!(text(total.last().unwrap()), "EUR 60.50");
    let notes: Vec<String> = select(&doc, "section.notes li").iter().map(text).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("to 2 decimal places (the EUR minor unit)")),
        "{notes:?}"
    );
}

#[test]
fn a_stale_rate_card_is_named_with_its_age() {
    // The newest shipped USD card took effect 2026-10-01; a bill for
    // 2027-06 is 8 months later (Meta changes rates every quarter).
    let (raw, doc) = html(
        "plans",
        &[
            "estimate",
            "--plan",
            "direct-25k",
            "--conversations",
            "30000",
            "--meta",
            "marketing:IN=20000",
            "--month",
            "2027-06",
        ],
    );
    self_contained(&raw, &doc);
    let notes: Vec<String> = select(&doc, "section.notes li").iter().map(text).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("2026-10-01, 8 months before 2027-06")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("effective 2026-10-01") && n.contains("in force in 2027-06")),
        "{notes:?}"
    );
}

#[test]
fn a_comparison_of_two_plan_versions_is_a_document_side_by_side() {
    // connect-10k now (base 30.00, 10,000 included, overage 0.0070) against
    // the revised plan in tests/fixtures/vs-revised (base 35.00, overage
    // 0.0065), 15,000 sent:
    //   base   30.00 vs 35.00  → −5.00
    //   overage 5,000 × 0.0070 = 35.00 vs 5,000 × 0.0065 = 32.50 → +2.50
    //   total  65.00 vs 67.50  → −2.50
    let args = [
        "estimate",
        "--plan",
        "connect-10k",
        "--sent",
        "15000",
        "--vs-plans",
        "tests/fixtures/vs-revised",
    ];
    let (raw, doc) = html("plans", &args);
    self_contained(&raw, &doc);
    let data = json("plans", &args);
    assert_eq!(data["total"], "65.00");
    assert_eq!(data["vs"]["total"], "67.50");
    assert_eq!(data["change"], "-2.50");
    let rows = select(&doc, "table.items tbody tr");
    assert_eq!(rows.len(), 2, "one row per line: base and overage");
    let total = select(&doc, "table.items tfoot tr");
    let cells: Vec<String> = total[0]
        .select(&Selector::parse("td, th").unwrap())
        .map(|c| text(&c))
        .collect();
    assert_eq!(plain_amount(&cells[1]), "65.00", "{cells:?}");
    assert_eq!(plain_amount(&cells[2]), "67.50", "{cells:?}");
    let change = cells[3].replace('\u{2212}', "-");
    assert_eq!(change, "-2.50", "{cells:?}");
}

/// Runs `ctbill quote FILE` with `args` on the shipped plans.
fn quote(file: &Path, args: &[&str]) -> String {
    let output = Command::new(BIN)
        .arg("--plans")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"))
        .arg("quote")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?}: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_quote_is_a_document_with_one_row_per_month_and_the_json_total() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("quotes/acme-direct-12m.toml");
    let raw = quote(&file, &["--format", "html"]);
    let doc = Html::parse_document(&raw);
    self_contained(&raw, &doc);
    let data: serde_json::Value =
        serde_json::from_str(&quote(&file, &["--format", "json"])).unwrap();
    assert_eq!(text(&select(&doc, "h1")[0]), "Quote for Acme Retail");
    let facts: Vec<String> = select(&doc, "header dl.facts dd")
        .iter()
        .map(text)
        .collect();
    for fact in ["Acme Retail", "2026-11-26", "2026-12-31"] {
        assert!(facts.contains(&fact.to_owned()), "{fact}: {facts:?}");
    }
    let months = select(&doc, "table.months tbody tr");
    assert_eq!(months.len(), 12, "one row per month");
    assert_eq!(data["months"].as_array().unwrap().len(), 12);
    let total = select(&doc, "table.months tfoot tr");
    let last = total[0]
        .select(&Selector::parse("td, th").unwrap())
        .map(|c| text(&c))
        .last()
        .unwrap();
    assert_eq!(plain_amount(&last), data["total"].as_str().unwrap());
    // Each month's row total is that month's JSON total.
    for (row, month) in months.iter().zip(data["months"].as_array().unwrap()) {
        let cells: Vec<String> = row
            .select(&Selector::parse("td, th").unwrap())
            .map(|c| text(&c))
            .collect();
        assert_eq!(cells[0], month["month"].as_str().unwrap());
        assert_eq!(
            plain_amount(cells.last().unwrap()),
            month["total"].as_str().unwrap()
        );
    }
    assert_eq!(select(&doc, "svg").len(), 1, "the monthly totals, inline");
}

#[test]
fn a_customer_named_like_markup_is_shown_as_text() {
    let dir = std::env::temp_dir().join(format!("ctbill-html-quote-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("evil.toml");
    std::fs::write(
        &file,
        "customer = \"<script>alert(1)</script>\"\nplan = \"connect-10k\"\nstart = \"2026-11\"\n\n[usage]\nsent = 15000\n",
    )
    .unwrap();
    let raw = quote(&file, &["--format", "html"]);
    let doc = Html::parse_document(&raw);
    self_contained(&raw, &doc);
    assert!(select(&doc, "script").is_empty());
    assert_eq!(
        text(&select(&doc, "h1")[0]),
        "Quote for <script>alert(1)</script>"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
