//! Did-you-mean suggestions for plan ids, keys, markets and the like.

/// The candidate closest to `typed`, when it is close enough to be a likely
/// typo (Jaro-Winkler similarity of at least 0.8, case-insensitive).
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&typed, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_misses_only() {
        let ids = ["connect-10k", "connect-25k", "direct-25k"];
        assert_eq!(closest("conect-10k", ids), Some("connect-10k"));
        assert_eq!(closest("Direct-25K", ids), Some("direct-25k"));
        assert_eq!(closest("banana", ids), None);
    }
}
