//! ISO 3166-1 countries: alpha-2 and alpha-3 codes, the ISO short name,
//! official name and common name, and the everyday names people write
//! (`Turkey`, `Ivory Coast`, `UAE`, Meta's own spellings such as
//! `Swaziland`). Generated from the iso-codes package's copy of the ISO
//! 3166-1 table (`/usr/share/iso-codes/json/iso_3166-1.json`, as pycountry
//! ships it); the aliases after the ISO names were added by hand.
//!
//! Meta's country table lists only the countries it prices on their own or
//! in a "Rest of" region; every other real country is billed as "Other".
//! This list is how any name of a country becomes its ISO code, so that a
//! country bills at the same market however it is named, and how a real
//! country is told apart from a typo.

/// One country: its ISO codes and every name it is known by (ISO short
/// name first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code (`TR`).
    pub alpha2: &'static str,
    /// ISO 3166-1 alpha-3 code (`TUR`).
    pub alpha3: &'static str,
    /// ISO short name, official name, common name, then everyday aliases.
    pub names: &'static [&'static str],
}

impl Country {
    /// The ISO short name (`Türkiye`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.names[0]
    }
}

const fn c(alpha2: &'static str, alpha3: &'static str, names: &'static [&'static str]) -> Country {
    Country {
        alpha2,
        alpha3,
        names,
    }
}

/// Every ISO 3166-1 country, by alpha-2 code.
#[rustfmt::skip]
pub const COUNTRIES: &[Country] = &[
    c("AD", "AND", &["Andorra", "Principality of Andorra"]),
    c("AE", "ARE", &["United Arab Emirates", "UAE"]),
    c("AF", "AFG", &["Afghanistan", "Islamic Republic of Afghanistan"]),
    c("AG", "ATG", &["Antigua and Barbuda"]),
    c("AI", "AIA", &["Anguilla"]),
    c("AL", "ALB", &["Albania", "Republic of Albania"]),
    c("AM", "ARM", &["Armenia", "Republic of Armenia"]),
    c("AO", "AGO", &["Angola", "Republic of Angola"]),
    c("AQ", "ATA", &["Antarctica"]),
    c("AR", "ARG", &["Argentina", "Argentine Republic"]),
    c("AS", "ASM", &["American Samoa"]),
    c("AT", "AUT", &["Austria", "Republic of Austria"]),
    c("AU", "AUS", &["Australia"]),
    c("AW", "ABW", &["Aruba"]),
    c("AX", "ALA", &["Åland Islands"]),
    c("AZ", "AZE", &["Azerbaijan", "Republic of Azerbaijan"]),
    c("BA", "BIH", &["Bosnia and Herzegovina", "Republic of Bosnia and Herzegovina"]),
    c("BB", "BRB", &["Barbados"]),
    c("BD", "BGD", &["Bangladesh", "People's Republic of Bangladesh"]),
    c("BE", "BEL", &["Belgium", "Kingdom of Belgium"]),
    c("BF", "BFA", &["Burkina Faso"]),
    c("BG", "BGR", &["Bulgaria", "Republic of Bulgaria"]),
    c("BH", "BHR", &["Bahrain", "Kingdom of Bahrain"]),
    c("BI", "BDI", &["Burundi", "Republic of Burundi"]),
    c("BJ", "BEN", &["Benin", "Republic of Benin"]),
    c("BL", "BLM", &["Saint Barthélemy"]),
    c("BM", "BMU", &["Bermuda"]),
    c("BN", "BRN", &["Brunei Darussalam", "Brunei"]),
    c("BO", "BOL", &["Bolivia, Plurinational State of", "Plurinational State of Bolivia", "Bolivia"]),
    c("BQ", "BES", &["Bonaire, Sint Eustatius and Saba"]),
    c("BR", "BRA", &["Brazil", "Federative Republic of Brazil"]),
    c("BS", "BHS", &["Bahamas", "Commonwealth of the Bahamas"]),
    c("BT", "BTN", &["Bhutan", "Kingdom of Bhutan"]),
    c("BV", "BVT", &["Bouvet Island"]),
    c("BW", "BWA", &["Botswana", "Republic of Botswana"]),
    c("BY", "BLR", &["Belarus", "Republic of Belarus"]),
    c("BZ", "BLZ", &["Belize"]),
    c("CA", "CAN", &["Canada"]),
    c("CC", "CCK", &["Cocos (Keeling) Islands"]),
    c("CD", "COD", &["Congo, The Democratic Republic of the", "Democratic Republic of the Congo", "DR Congo", "Congo-Kinshasa"]),
    c("CF", "CAF", &["Central African Republic"]),
    c("CG", "COG", &["Congo", "Republic of the Congo", "Republic of the Congo (Brazzaville)", "Congo-Brazzaville"]),
    c("CH", "CHE", &["Switzerland", "Swiss Confederation"]),
    c("CI", "CIV", &["Côte d'Ivoire", "Republic of Côte d'Ivoire", "Ivory Coast"]),
    c("CK", "COK", &["Cook Islands"]),
    c("CL", "CHL", &["Chile", "Republic of Chile"]),
    c("CM", "CMR", &["Cameroon", "Republic of Cameroon"]),
    c("CN", "CHN", &["China", "People's Republic of China"]),
    c("CO", "COL", &["Colombia", "Republic of Colombia"]),
    c("CR", "CRI", &["Costa Rica", "Republic of Costa Rica"]),
    c("CU", "CUB", &["Cuba", "Republic of Cuba"]),
    c("CV", "CPV", &["Cabo Verde", "Republic of Cabo Verde", "Cape Verde"]),
    c("CW", "CUW", &["Curaçao"]),
    c("CX", "CXR", &["Christmas Island"]),
    c("CY", "CYP", &["Cyprus", "Republic of Cyprus"]),
    c("CZ", "CZE", &["Czechia", "Czech Republic"]),
    c("DE", "DEU", &["Germany", "Federal Republic of Germany"]),
    c("DJ", "DJI", &["Djibouti", "Republic of Djibouti"]),
    c("DK", "DNK", &["Denmark", "Kingdom of Denmark"]),
    c("DM", "DMA", &["Dominica", "Commonwealth of Dominica"]),
    c("DO", "DOM", &["Dominican Republic"]),
    c("DZ", "DZA", &["Algeria", "People's Democratic Republic of Algeria"]),
    c("EC", "ECU", &["Ecuador", "Republic of Ecuador"]),
    c("EE", "EST", &["Estonia", "Republic of Estonia"]),
    c("EG", "EGY", &["Egypt", "Arab Republic of Egypt"]),
    c("EH", "ESH", &["Western Sahara"]),
    c("ER", "ERI", &["Eritrea", "the State of Eritrea"]),
    c("ES", "ESP", &["Spain", "Kingdom of Spain"]),
    c("ET", "ETH", &["Ethiopia", "Federal Democratic Republic of Ethiopia"]),
    c("FI", "FIN", &["Finland", "Republic of Finland"]),
    c("FJ", "FJI", &["Fiji", "Republic of Fiji"]),
    c("FK", "FLK", &["Falkland Islands (Malvinas)", "Falkland Islands"]),
    c("FM", "FSM", &["Micronesia, Federated States of", "Federated States of Micronesia", "Micronesia"]),
    c("FO", "FRO", &["Faroe Islands"]),
    c("FR", "FRA", &["France", "French Republic"]),
    c("GA", "GAB", &["Gabon", "Gabonese Republic"]),
    c("GB", "GBR", &["United Kingdom", "United Kingdom of Great Britain and Northern Ireland", "UK", "Great Britain", "Britain"]),
    c("GD", "GRD", &["Grenada"]),
    c("GE", "GEO", &["Georgia"]),
    c("GF", "GUF", &["French Guiana"]),
    c("GG", "GGY", &["Guernsey"]),
    c("GH", "GHA", &["Ghana", "Republic of Ghana"]),
    c("GI", "GIB", &["Gibraltar"]),
    c("GL", "GRL", &["Greenland"]),
    c("GM", "GMB", &["Gambia", "Republic of the Gambia"]),
    c("GN", "GIN", &["Guinea", "Republic of Guinea"]),
    c("GP", "GLP", &["Guadeloupe"]),
    c("GQ", "GNQ", &["Equatorial Guinea", "Republic of Equatorial Guinea"]),
    c("GR", "GRC", &["Greece", "Hellenic Republic"]),
    c("GS", "SGS", &["South Georgia and the South Sandwich Islands"]),
    c("GT", "GTM", &["Guatemala", "Republic of Guatemala"]),
    c("GU", "GUM", &["Guam"]),
    c("GW", "GNB", &["Guinea-Bissau", "Republic of Guinea-Bissau"]),
    c("GY", "GUY", &["Guyana", "Republic of Guyana"]),
    c("HK", "HKG", &["Hong Kong", "Hong Kong Special Administrative Region of China"]),
    c("HM", "HMD", &["Heard Island and McDonald Islands"]),
    c("HN", "HND", &["Honduras", "Republic of Honduras"]),
    c("HR", "HRV", &["Croatia", "Republic of Croatia"]),
    c("HT", "HTI", &["Haiti", "Republic of Haiti"]),
    c("HU", "HUN", &["Hungary"]),
    c("ID", "IDN", &["Indonesia", "Republic of Indonesia"]),
    c("IE", "IRL", &["Ireland"]),
    c("IL", "ISR", &["Israel", "State of Israel"]),
    c("IM", "IMN", &["Isle of Man"]),
    c("IN", "IND", &["India", "Republic of India"]),
    c("IO", "IOT", &["British Indian Ocean Territory"]),
    c("IQ", "IRQ", &["Iraq", "Republic of Iraq"]),
    c("IR", "IRN", &["Iran, Islamic Republic of", "Islamic Republic of Iran", "Iran"]),
    c("IS", "ISL", &["Iceland", "Republic of Iceland"]),
    c("IT", "ITA", &["Italy", "Italian Republic"]),
    c("JE", "JEY", &["Jersey"]),
    c("JM", "JAM", &["Jamaica"]),
    c("JO", "JOR", &["Jordan", "Hashemite Kingdom of Jordan"]),
    c("JP", "JPN", &["Japan"]),
    c("KE", "KEN", &["Kenya", "Republic of Kenya"]),
    c("KG", "KGZ", &["Kyrgyzstan", "Kyrgyz Republic"]),
    c("KH", "KHM", &["Cambodia", "Kingdom of Cambodia"]),
    c("KI", "KIR", &["Kiribati", "Republic of Kiribati"]),
    c("KM", "COM", &["Comoros", "Union of the Comoros"]),
    c("KN", "KNA", &["Saint Kitts and Nevis"]),
    c("KP", "PRK", &["Korea, Democratic People's Republic of", "Democratic People's Republic of Korea", "North Korea"]),
    c("KR", "KOR", &["Korea, Republic of", "South Korea"]),
    c("KW", "KWT", &["Kuwait", "State of Kuwait"]),
    c("KY", "CYM", &["Cayman Islands"]),
    c("KZ", "KAZ", &["Kazakhstan", "Republic of Kazakhstan"]),
    c("LA", "LAO", &["Lao People's Democratic Republic", "Laos"]),
    c("LB", "LBN", &["Lebanon", "Lebanese Republic"]),
    c("LC", "LCA", &["Saint Lucia"]),
    c("LI", "LIE", &["Liechtenstein", "Principality of Liechtenstein"]),
    c("LK", "LKA", &["Sri Lanka", "Democratic Socialist Republic of Sri Lanka"]),
    c("LR", "LBR", &["Liberia", "Republic of Liberia"]),
    c("LS", "LSO", &["Lesotho", "Kingdom of Lesotho"]),
    c("LT", "LTU", &["Lithuania", "Republic of Lithuania"]),
    c("LU", "LUX", &["Luxembourg", "Grand Duchy of Luxembourg"]),
    c("LV", "LVA", &["Latvia", "Republic of Latvia"]),
    c("LY", "LBY", &["Libya"]),
    c("MA", "MAR", &["Morocco", "Kingdom of Morocco"]),
    c("MC", "MCO", &["Monaco", "Principality of Monaco"]),
    c("MD", "MDA", &["Moldova, Republic of", "Republic of Moldova", "Moldova"]),
    c("ME", "MNE", &["Montenegro"]),
    c("MF", "MAF", &["Saint Martin (French part)"]),
    c("MG", "MDG", &["Madagascar", "Republic of Madagascar"]),
    c("MH", "MHL", &["Marshall Islands", "Republic of the Marshall Islands"]),
    c("MK", "MKD", &["North Macedonia", "Republic of North Macedonia", "Macedonia"]),
    c("ML", "MLI", &["Mali", "Republic of Mali"]),
    c("MM", "MMR", &["Myanmar", "Republic of Myanmar", "Burma"]),
    c("MN", "MNG", &["Mongolia"]),
    c("MO", "MAC", &["Macao", "Macao Special Administrative Region of China", "Macau"]),
    c("MP", "MNP", &["Northern Mariana Islands", "Commonwealth of the Northern Mariana Islands"]),
    c("MQ", "MTQ", &["Martinique"]),
    c("MR", "MRT", &["Mauritania", "Islamic Republic of Mauritania"]),
    c("MS", "MSR", &["Montserrat"]),
    c("MT", "MLT", &["Malta", "Republic of Malta"]),
    c("MU", "MUS", &["Mauritius", "Republic of Mauritius"]),
    c("MV", "MDV", &["Maldives", "Republic of Maldives"]),
    c("MW", "MWI", &["Malawi", "Republic of Malawi"]),
    c("MX", "MEX", &["Mexico", "United Mexican States"]),
    c("MY", "MYS", &["Malaysia"]),
    c("MZ", "MOZ", &["Mozambique", "Republic of Mozambique"]),
    c("NA", "NAM", &["Namibia", "Republic of Namibia"]),
    c("NC", "NCL", &["New Caledonia"]),
    c("NE", "NER", &["Niger", "Republic of the Niger"]),
    c("NF", "NFK", &["Norfolk Island"]),
    c("NG", "NGA", &["Nigeria", "Federal Republic of Nigeria"]),
    c("NI", "NIC", &["Nicaragua", "Republic of Nicaragua"]),
    c("NL", "NLD", &["Netherlands", "Kingdom of the Netherlands", "Holland"]),
    c("NO", "NOR", &["Norway", "Kingdom of Norway"]),
    c("NP", "NPL", &["Nepal", "Federal Democratic Republic of Nepal"]),
    c("NR", "NRU", &["Nauru", "Republic of Nauru"]),
    c("NU", "NIU", &["Niue"]),
    c("NZ", "NZL", &["New Zealand"]),
    c("OM", "OMN", &["Oman", "Sultanate of Oman"]),
    c("PA", "PAN", &["Panama", "Republic of Panama"]),
    c("PE", "PER", &["Peru", "Republic of Peru"]),
    c("PF", "PYF", &["French Polynesia"]),
    c("PG", "PNG", &["Papua New Guinea", "Independent State of Papua New Guinea"]),
    c("PH", "PHL", &["Philippines", "Republic of the Philippines"]),
    c("PK", "PAK", &["Pakistan", "Islamic Republic of Pakistan"]),
    c("PL", "POL", &["Poland", "Republic of Poland"]),
    c("PM", "SPM", &["Saint Pierre and Miquelon"]),
    c("PN", "PCN", &["Pitcairn"]),
    c("PR", "PRI", &["Puerto Rico"]),
    c("PS", "PSE", &["Palestine, State of", "the State of Palestine", "Palestine"]),
    c("PT", "PRT", &["Portugal", "Portuguese Republic"]),
    c("PW", "PLW", &["Palau", "Republic of Palau"]),
    c("PY", "PRY", &["Paraguay", "Republic of Paraguay"]),
    c("QA", "QAT", &["Qatar", "State of Qatar"]),
    c("RE", "REU", &["Réunion"]),
    c("RO", "ROU", &["Romania"]),
    c("RS", "SRB", &["Serbia", "Republic of Serbia"]),
    c("RU", "RUS", &["Russian Federation", "Russia"]),
    c("RW", "RWA", &["Rwanda", "Rwandese Republic"]),
    c("SA", "SAU", &["Saudi Arabia", "Kingdom of Saudi Arabia"]),
    c("SB", "SLB", &["Solomon Islands"]),
    c("SC", "SYC", &["Seychelles", "Republic of Seychelles"]),
    c("SD", "SDN", &["Sudan", "Republic of the Sudan"]),
    c("SE", "SWE", &["Sweden", "Kingdom of Sweden"]),
    c("SG", "SGP", &["Singapore", "Republic of Singapore"]),
    c("SH", "SHN", &["Saint Helena, Ascension and Tristan da Cunha"]),
    c("SI", "SVN", &["Slovenia", "Republic of Slovenia"]),
    c("SJ", "SJM", &["Svalbard and Jan Mayen"]),
    c("SK", "SVK", &["Slovakia", "Slovak Republic"]),
    c("SL", "SLE", &["Sierra Leone", "Republic of Sierra Leone"]),
    c("SM", "SMR", &["San Marino", "Republic of San Marino"]),
    c("SN", "SEN", &["Senegal", "Republic of Senegal"]),
    c("SO", "SOM", &["Somalia", "Federal Republic of Somalia"]),
    c("SR", "SUR", &["Suriname", "Republic of Suriname"]),
    c("SS", "SSD", &["South Sudan", "Republic of South Sudan"]),
    c("ST", "STP", &["Sao Tome and Principe", "Democratic Republic of Sao Tome and Principe"]),
    c("SV", "SLV", &["El Salvador", "Republic of El Salvador"]),
    c("SX", "SXM", &["Sint Maarten (Dutch part)"]),
    c("SY", "SYR", &["Syrian Arab Republic", "Syria"]),
    c("SZ", "SWZ", &["Eswatini", "Kingdom of Eswatini", "Swaziland"]),
    c("TC", "TCA", &["Turks and Caicos Islands"]),
    c("TD", "TCD", &["Chad", "Republic of Chad"]),
    c("TF", "ATF", &["French Southern Territories"]),
    c("TG", "TGO", &["Togo", "Togolese Republic"]),
    c("TH", "THA", &["Thailand", "Kingdom of Thailand"]),
    c("TJ", "TJK", &["Tajikistan", "Republic of Tajikistan"]),
    c("TK", "TKL", &["Tokelau"]),
    c("TL", "TLS", &["Timor-Leste", "Democratic Republic of Timor-Leste", "East Timor"]),
    c("TM", "TKM", &["Turkmenistan"]),
    c("TN", "TUN", &["Tunisia", "Republic of Tunisia"]),
    c("TO", "TON", &["Tonga", "Kingdom of Tonga"]),
    c("TR", "TUR", &["Türkiye", "Republic of Türkiye", "Turkey"]),
    c("TT", "TTO", &["Trinidad and Tobago", "Republic of Trinidad and Tobago"]),
    c("TV", "TUV", &["Tuvalu"]),
    c("TW", "TWN", &["Taiwan, Province of China", "Taiwan"]),
    c("TZ", "TZA", &["Tanzania, United Republic of", "United Republic of Tanzania", "Tanzania"]),
    c("UA", "UKR", &["Ukraine"]),
    c("UG", "UGA", &["Uganda", "Republic of Uganda"]),
    c("UM", "UMI", &["United States Minor Outlying Islands"]),
    c("US", "USA", &["United States", "United States of America", "USA", "America"]),
    c("UY", "URY", &["Uruguay", "Eastern Republic of Uruguay"]),
    c("UZ", "UZB", &["Uzbekistan", "Republic of Uzbekistan"]),
    c("VA", "VAT", &["Holy See (Vatican City State)", "Vatican", "Vatican City"]),
    c("VC", "VCT", &["Saint Vincent and the Grenadines"]),
    c("VE", "VEN", &["Venezuela, Bolivarian Republic of", "Bolivarian Republic of Venezuela", "Venezuela"]),
    c("VG", "VGB", &["Virgin Islands, British", "British Virgin Islands"]),
    c("VI", "VIR", &["Virgin Islands, U.S.", "Virgin Islands of the United States"]),
    c("VN", "VNM", &["Viet Nam", "Socialist Republic of Viet Nam", "Vietnam"]),
    c("VU", "VUT", &["Vanuatu", "Republic of Vanuatu"]),
    c("WF", "WLF", &["Wallis and Futuna"]),
    c("WS", "WSM", &["Samoa", "Independent State of Samoa"]),
    c("YE", "YEM", &["Yemen", "Republic of Yemen"]),
    c("YT", "MYT", &["Mayotte"]),
    c("ZA", "ZAF", &["South Africa", "Republic of South Africa"]),
    c("ZM", "ZMB", &["Zambia", "Republic of Zambia"]),
    c("ZW", "ZWE", &["Zimbabwe", "Republic of Zimbabwe"]),
];

/// The country a code (alpha-2 or alpha-3) or any of its names stands for,
/// ignoring case, accents, punctuation and spacing.
#[must_use]
pub fn find(text: &str) -> Option<&'static Country> {
    let input = text.trim();
    if (input.len() == 2 || input.len() == 3) && input.bytes().all(|b| b.is_ascii_alphabetic()) {
        let by_code = COUNTRIES
            .iter()
            .find(|c| c.alpha2.eq_ignore_ascii_case(input) || c.alpha3.eq_ignore_ascii_case(input));
        if by_code.is_some() {
            return by_code;
        }
    }
    let wanted = super::names::normalize(input);
    COUNTRIES
        .iter()
        .find(|c| c.names.iter().any(|n| super::names::normalize(n) == wanted))
}

/// The country with this alpha-2 code.
#[must_use]
pub fn by_alpha2(code: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|c| c.alpha2.eq_ignore_ascii_case(code))
}
