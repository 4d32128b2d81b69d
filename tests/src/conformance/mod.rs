//! The cross-backend conformance suite: one set of cases that every [`KvBackend`] must pass.
//!
//! ```
//! use trine_core::kv::MemoryBackend;
//! use trine_tests::conformance::{self, Reopen};
//!
//! let report = conformance::run("memory", || MemoryBackend::new(), Reopen::Keep);
//! println!("{report}");
//! assert!(report.is_success(), "{report}");
//! ```

mod cases;
mod interrupted_cases;
mod intersect_cases;
mod kv_cases;
mod layout_cases;
mod model;
mod optional_cases;
mod plan_cache_cases;
mod range_cases;
mod reasoning_cases;
mod report;
mod sparql_cases;
mod statistics_cases;
mod update_cases;

use std::panic::{AssertUnwindSafe, catch_unwind};

pub use report::Report;
use trine_core::kv::KvBackend;

/// How a case gets "the same store, reopened" from a backend.
pub enum Reopen<B> {
    /// The backend keeps its data in the object itself (memory): reopening builds a new
    /// `Store` on the same backend object.
    Keep,
    /// Closes the backend (drops it) and opens its storage again.
    With(Box<dyn Fn(B) -> B>),
}

impl<B> Reopen<B> {
    /// Reopens with `f`, which receives the closed backend and returns it opened again.
    pub fn with(f: impl Fn(B) -> B + 'static) -> Self {
        Self::With(Box::new(f))
    }

    pub(crate) fn apply(&self, backend: B) -> B {
        match self {
            Self::Keep => backend,
            Self::With(f) => f(backend),
        }
    }
}

/// What a case gets: fresh backends, and a way to reopen one.
pub struct Harness<'a, B> {
    create: &'a dyn Fn() -> B,
    reopen: &'a Reopen<B>,
}

impl<B> Harness<'_, B> {
    /// A new, empty backend.
    pub fn create(&self) -> B {
        (self.create)()
    }

    /// The same storage, closed and opened again.
    pub fn reopen(&self, backend: B) -> B {
        self.reopen.apply(backend)
    }
}

/// A case's verdict: `Err` holds what went wrong.
pub type CaseResult = Result<(), String>;

type Case<B> = (&'static str, fn(&Harness<'_, B>) -> CaseResult);

/// Runs every case on backends from `create` and reports per case.
///
/// A panicking case counts as failed; the suite goes on.
pub fn run<B: KvBackend + 'static>(
    name: &str,
    create: impl Fn() -> B,
    reopen: Reopen<B>,
) -> Report {
    let harness = Harness {
        create: &create,
        reopen: &reopen,
    };
    let mut report = Report::new(name);
    let all: Vec<Case<B>> = kv_cases::cases()
        .into_iter()
        .chain(cases::cases())
        .chain(interrupted_cases::cases())
        .chain(layout_cases::cases())
        .chain(sparql_cases::cases())
        .chain(intersect_cases::cases())
        .chain(range_cases::cases())
        .chain(plan_cache_cases::cases())
        .chain(optional_cases::cases())
        .chain(statistics_cases::cases())
        .chain(update_cases::cases())
        .chain(reasoning_cases::cases())
        .collect();
    for (case, test) in all {
        let outcome = catch_unwind(AssertUnwindSafe(|| test(&harness)))
            .unwrap_or_else(|panic| Err(panic_message(&panic)));
        report.record(case, outcome);
    }
    report
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        format!("panicked: {message}")
    } else if let Some(message) = panic.downcast_ref::<String>() {
        format!("panicked: {message}")
    } else {
        "panicked".into()
    }
}

/// A task for [`in_parallel`].
pub(crate) type Task<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// Runs `tasks` on threads of their own and returns their results in order (`Err` for a task
/// that panicked). WebAssembly has no threads: there they run one after another, which still
/// checks each task's work, if not their interleaving.
pub(crate) fn in_parallel<'a, T: Send + 'a>(tasks: Vec<Task<'a, T>>) -> Vec<Result<T, String>> {
    #[cfg(not(target_family = "wasm"))]
    {
        std::thread::scope(|scope| {
            let handles: Vec<_> = tasks.into_iter().map(|task| scope.spawn(task)).collect();
            handles
                .into_iter()
                .map(|handle| handle.join().map_err(|panic| panic_message(&panic)))
                .collect()
        })
    }
    #[cfg(target_family = "wasm")]
    {
        tasks.into_iter().map(|task| Ok(task())).collect()
    }
}

/// Turns any displayable error into a case failure with context.
pub(crate) trait Context<T> {
    fn context(self, what: &str) -> Result<T, String>;
}

impl<T, E: std::fmt::Display> Context<T> for Result<T, E> {
    fn context(self, what: &str) -> Result<T, String> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

/// Fails the case with a message unless `condition` holds.
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(format!($($message)+));
        }
    };
}
pub(crate) use ensure;

/// `http://example.com/{name}`.
pub(crate) fn ex(name: &str) -> oxrdf::NamedNode {
    oxrdf::NamedNode::new_unchecked(format!("http://example.com/{name}"))
}

/// Fails the case unless every storage invariant of `store` holds.
pub(crate) fn check_valid<B: KvBackend>(store: &trine_core::Store<B>) -> CaseResult {
    let report = store.validate().context("validate")?;
    ensure!(report.is_ok(), "invariants broken: {:?}", report.problems);
    Ok(())
}

/// Every quad of `store`, written out and sorted, so stores compare by what they hold.
pub(crate) fn sorted_quads<B: KvBackend>(
    store: &trine_core::Store<B>,
) -> Result<Vec<String>, String> {
    Ok(sorted_strings(
        &store
            .quads_for_pattern(None, None, None, None)
            .context("quads")?,
    ))
}

/// `quads` written out and sorted, to compare with [`sorted_quads`].
pub(crate) fn sorted_strings<'q>(quads: impl IntoIterator<Item = &'q oxrdf::Quad>) -> Vec<String> {
    let mut strings: Vec<String> = quads.into_iter().map(ToString::to_string).collect();
    strings.sort();
    strings
}
