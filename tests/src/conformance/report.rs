use std::fmt;

/// Per-case outcome of a suite run on one backend.
#[derive(Debug, Clone)]
pub struct Report {
    /// The backend's name as given to the run.
    pub backend: String,
    /// Names of the cases that passed.
    pub passed: Vec<&'static str>,
    /// Names of the cases that failed, with what went wrong.
    pub failed: Vec<(&'static str, String)>,
}

impl Report {
    pub(crate) fn new(backend: &str) -> Self {
        Self {
            backend: backend.into(),
            passed: Vec::new(),
            failed: Vec::new(),
        }
    }

    pub(crate) fn record(&mut self, case: &'static str, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.passed.push(case),
            Err(message) => self.failed.push((case, message)),
        }
    }

    /// Whether every case passed.
    pub fn is_success(&self) -> bool {
        self.failed.is_empty() && !self.passed.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (case, message) in &self.failed {
            writeln!(f, "  FAILED {case}: {message}")?;
        }
        write!(
            f,
            "cross-backend suite on {}: {} passed, {} failed, 0 skipped",
            self.backend,
            self.passed.len(),
            self.failed.len()
        )
    }
}
