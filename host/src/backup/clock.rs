//! Wall-clock times as the manifest and the health report write them: RFC 3339 in UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch (0 for a clock set before it).
pub fn unix_ms(time: SystemTime) -> u64 {
    u64::try_from(
        time.duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_millis(),
    )
    .unwrap_or(u64::MAX)
}

/// `2026-12-01T08:05:51.123Z` for a time in milliseconds since the epoch.
pub fn rfc3339(unix_ms: u64) -> String {
    let (date, h, m, s, ms) = split(unix_ms);
    format!("{date}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

/// `20261201T080551.123Z`: sortable as text and safe in a file name on every platform.
pub fn compact(unix_ms: u64) -> String {
    let (date, h, m, s, ms) = split(unix_ms);
    format!("{}T{h:02}{m:02}{s:02}.{ms:03}Z", date.replace('-', ""))
}

fn split(unix_ms: u64) -> (String, u64, u64, u64, u64) {
    let ms = unix_ms % 1000;
    let seconds = unix_ms / 1000;
    let days = seconds / 86_400;
    let of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
        ms,
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm,
/// restricted to dates after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        // 2000-02-29T12:34:56.789Z, a leap day.
        assert_eq!(rfc3339(951_827_696_789), "2000-02-29T12:34:56.789Z");
        assert_eq!(compact(951_827_696_789), "20000229T123456.789Z");
        assert_eq!(rfc3339(1_798_761_599_000), "2026-12-31T23:59:59.000Z");
    }
}
