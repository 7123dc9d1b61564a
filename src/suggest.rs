//! Did-you-mean suggestions for plan ids, plan-file keys, Meta categories,
//! markets and countries: the one place that decides what counts as close.

/// Lowercase with runs of whitespace made one space: the form compared.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Up to `most` candidates close to `typed`, closest first: within an edit
/// distance of a quarter of its length (at least 2), or starting with it
/// when it has 3 characters or more. Case and spacing are ignored.
pub fn close_matches<'a>(
    typed: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    most: usize,
) -> Vec<&'a str> {
    let wanted = fold(typed);
    let limit = (wanted.chars().count() / 4).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let folded = fold(candidate);
            let distance = strsim::levenshtein(&wanted, &folded);
            let prefix = wanted.chars().count() >= 3 && folded.starts_with(&wanted);
            (distance <= limit || prefix).then_some((distance, candidate))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    let mut out: Vec<&str> = Vec::with_capacity(most);
    for (_, candidate) in scored {
        if out.len() == most {
            break;
        }
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

/// The one candidate closest to `typed`, when one is close enough.
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    close_matches(typed, candidates, 1).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::{close_matches, closest};

    #[test]
    fn suggests_near_misses_only() {
        let ids = ["connect-10k", "connect-25k", "direct-25k"];
        assert_eq!(closest("conect-10k", ids), Some("connect-10k"));
        assert_eq!(closest("Direct-25K", ids), Some("direct-25k"));
        assert_eq!(closest("direct-25", ids), Some("direct-25k"));
        assert_eq!(closest("banana", ids), None);
    }

    #[test]
    fn lists_the_closest_first() {
        let markets = [
            "India",
            "Indonesia",
            "Israel",
            "Italy",
            "Rest of Latin America",
        ];
        assert_eq!(close_matches("Indai", markets, 3), ["India"]);
        assert_eq!(
            close_matches("rest of latn america", markets, 3),
            ["Rest of Latin America"]
        );
        assert_eq!(close_matches("ind", markets, 3), ["India", "Indonesia"]);
    }
}
