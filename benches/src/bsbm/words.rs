//! Word lists, text and dates for the BSBM generator's literals.
//!
//! The lists are our own; texts are random words, which is all BSBM's queries need of them
//! (they sort and filter on labels, dates and numbers, never on meaning).

use crate::rng::Rng;

/// Words for labels, comments, titles and review texts.
const WORDS: &[&str] = &[
    "able", "acid", "actor", "agile", "amber", "anchor", "angle", "apple", "arch", "arrow",
    "atlas", "audio", "autumn", "badge", "baker", "balance", "bamboo", "basin", "beacon", "berry",
    "blade", "bloom", "board", "bold", "border", "bottle", "brave", "breeze", "brick", "bridge",
    "bright", "bronze", "brush", "cabin", "cable", "camera", "candle", "canvas", "carbon", "cargo",
    "cedar", "chalk", "charm", "chess", "circle", "clay", "clever", "cliff", "cloud", "coast",
    "cobalt", "comet", "compact", "copper", "coral", "cotton", "crane", "crisp", "crystal",
    "curve", "dawn", "delta", "desert", "diamond", "dome", "dragon", "drift", "eagle", "echo",
    "elegant", "ember", "engine", "fable", "falcon", "feather", "fern", "fiber", "field", "flame",
    "flint", "forest", "fossil", "frame", "frost", "garden", "gentle", "glacier", "globe",
    "granite", "gravel", "harbor", "hazel", "helix", "honey", "horizon", "island", "ivory", "jade",
    "jungle", "kernel", "lantern", "laser", "lemon", "linen", "lotus", "marble", "meadow", "metal",
    "mirror", "motion", "nectar", "noble", "ocean", "olive", "orbit", "pebble", "pepper", "pixel",
    "plasma", "prism", "quartz", "quiet", "radiant", "river", "saddle", "silver", "timber",
    "velvet",
];

const FIRST_NAMES: &[&str] = &[
    "Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kara",
    "Luis", "Mira", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
    "Wen", "Yara",
];

const LAST_NAMES: &[&str] = &[
    "Abbott", "Berger", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Quispe", "Rossi",
    "Schmidt", "Tanaka", "Urban", "Varga", "Weber", "Zhang",
];

/// Country codes; the IRIs are `http://downlode.org/rdf/iso-3166/countries#CODE` as in BSBM.
pub const COUNTRIES: [&str; 10] = ["US", "GB", "DE", "FR", "JP", "CN", "RU", "ES", "AT", "KR"];

/// Review languages; English is listed five times because most reviews are English (Q8
/// filters on it).
pub const LANGUAGES: [&str; 10] = ["en", "en", "en", "en", "en", "de", "fr", "es", "ja", "zh"];

/// `count` random words separated by spaces, appended to `out`.
pub fn words(rng: &mut Rng, count: u64, out: &mut String) {
    for i in 0..count {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick(WORDS));
    }
}

/// A fresh string of `lo..=hi` random words.
pub fn text(rng: &mut Rng, lo: u64, hi: u64) -> String {
    let count = rng.range(lo, hi);
    let mut out = String::with_capacity(count as usize * 7);
    words(rng, count, &mut out);
    out
}

/// A person's name: a first and a last name.
pub fn person_name(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

/// 40 random hexadecimal digits, the shape of `foaf:mbox_sha1sum`; no query reads it as a hash,
/// so no SHA-1 is computed.
pub fn sha1_like(rng: &mut Rng) -> String {
    let (a, b, c) = (rng.next_u64(), rng.next_u64(), rng.next_u64() >> 32);
    format!("{a:016x}{b:016x}{c:08x}")
}

/// Days since 1970-01-01 of BSBM's fixed "current date", 2008-06-20, which offers' validity
/// and review dates are placed around; fixed, because the output may not depend on the clock.
pub const TODAY: i64 = days_from_civil(2008, 6, 20);

/// `YYYY-MM-DD` for `days` since 1970-01-01.
pub fn date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDT00:00:00`, the lexical form of an `xsd:dateTime` at midnight.
pub fn date_time(days: i64) -> String {
    format!("{}T00:00:00", date(days))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's era arithmetic).
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12; // March = 0, so the leap day ends the year.
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::{TODAY, civil_from_days, date, date_time, days_from_civil, sha1_like};
    use crate::rng::Rng;

    #[test]
    fn calendar_round_trips() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(date(TODAY), "2008-06-20");
        assert_eq!(date(days_from_civil(2008, 2, 29)), "2008-02-29");
        assert_eq!(date_time(TODAY - 20), "2008-05-31T00:00:00");
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn mbox_has_forty_hex_digits() {
        let value = sha1_like(&mut Rng::new(1));
        assert_eq!(value.len(), 40);
        assert!(value.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
