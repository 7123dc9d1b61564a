//! How names are compared: the normalized form of a market or country
//! name, and close names for did-you-mean. Shared by the country table,
//! the mapping and market resolution.

/// The form names are compared in: lowercase, accents dropped (`Türkiye`
/// is `turkiye`), `&` read as `and`, apostrophes dropped and any other
/// punctuation read as a space, whitespace collapsed.
pub(super) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = true;
    for c in name.chars().flat_map(char::to_lowercase) {
        let folded = fold(c);
        let text: &str = match (c, folded) {
            (_, Some(ascii)) => ascii,
            ('&', _) => " and ",
            ('\'' | '\u{2019}' | '`', _) => "",
            _ if c.is_alphanumeric() => {
                out.push(c);
                space = false;
                continue;
            }
            _ => " ",
        };
        for b in text.chars() {
            if b == ' ' {
                if !space {
                    out.push(' ');
                    space = true;
                }
            } else {
                out.push(b);
                space = false;
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The plain letters of an accented Latin lowercase letter.
pub(super) fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ß' => "ss",
        'ś' | 'ŝ' | 'ş' | 'š' => "s",
        'ţ' | 'ť' | 'ŧ' => "t",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Up to three candidates close to `input`, closest first: within a few
/// edits (about one in four characters, at least two), or starting with
/// what was typed.
/// Close market or country names, for did-you-mean.
pub(super) fn suggest<'a>(input: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    crate::suggest::close_matches(input, candidates, 3)
        .into_iter()
        .map(str::to_owned)
        .collect()
}
