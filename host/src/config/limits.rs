//! [`Limits`]: how much load the server takes before it answers 503 or 429.

use super::Preset;
use crate::HostError;

/// Admission limits of the HTTP server. Both answer at once when exceeded, never queue.
///
/// ```
/// use trine_host::Config;
///
/// let mut config = Config::default();
/// config.limits.max_concurrent_queries = Some(4);
/// config.limits.requests_per_second_per_ip = Some(50);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Limits {
    /// Most queries (and Graph Store reads) running at once; one more is answered
    /// `503 Service Unavailable` with `Retry-After`. `None` for no limit.
    pub max_concurrent_queries: Option<usize>,
    /// Most requests per second one client IP address may send, with bursts of as many; more
    /// are answered `429 Too Many Requests` with `Retry-After`. `None` for no limit.
    pub requests_per_second_per_ip: Option<u32>,
}

impl Limits {
    /// The limits of a preset: production presets cap concurrent queries (so a burst of heavy
    /// queries cannot take every worker thread and all memory); none limits request rates,
    /// which is usually a reverse proxy's job.
    pub(super) fn for_preset(preset: Preset) -> Self {
        let max_concurrent_queries = match preset {
            Preset::ProductionHighMemory => Some(64),
            Preset::ProductionLowMemory => Some(8),
            Preset::Development | Preset::BulkLoad => None,
        };
        Self {
            max_concurrent_queries,
            requests_per_second_per_ip: None,
        }
    }

    /// Applies `TRINE_MAX_CONCURRENT_QUERIES` and `TRINE_RATE_LIMIT_PER_IP` (0 for no limit)
    /// from `get`.
    pub(super) fn apply_vars<'a>(
        &mut self,
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<(), HostError> {
        if let Some(value) = get("TRINE_MAX_CONCURRENT_QUERIES") {
            let n: usize = parse("TRINE_MAX_CONCURRENT_QUERIES", value)?;
            self.max_concurrent_queries = (n > 0).then_some(n);
        }
        if let Some(value) = get("TRINE_RATE_LIMIT_PER_IP") {
            let n: u32 = parse("TRINE_RATE_LIMIT_PER_IP", value)?;
            self.requests_per_second_per_ip = (n > 0).then_some(n);
        }
        Ok(())
    }
}

fn parse<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, HostError> {
    value
        .parse()
        .map_err(|_| HostError::Config(format!("{name}: {value:?} is not a valid number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_apply() -> Result<(), HostError> {
        let mut limits = Limits::for_preset(Preset::ProductionLowMemory);
        assert_eq!(limits.max_concurrent_queries, Some(8));
        let vars = [
            ("TRINE_MAX_CONCURRENT_QUERIES", "0"),
            ("TRINE_RATE_LIMIT_PER_IP", "20"),
        ];
        limits.apply_vars(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))?;
        assert_eq!(limits.max_concurrent_queries, None);
        assert_eq!(limits.requests_per_second_per_ip, Some(20));
        let bad = limits.apply_vars(|name| (name == "TRINE_RATE_LIMIT_PER_IP").then_some("fast"));
        assert!(matches!(bad, Err(HostError::Config(m)) if m.contains("TRINE_RATE_LIMIT_PER_IP")));
        Ok(())
    }
}
