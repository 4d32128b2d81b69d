//! EXPLAIN ANALYZE's measurements: rows, runs and time per operator while a query runs.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use super::ops::RowIter;
use crate::sparql::algebra::PlanNode;
use crate::sparql::plan::Actual;

#[derive(Debug, Default, Clone, Copy)]
struct Measured {
    rows: u64,
    loops: u64,
    nanos: u64,
}

/// Measurements by plan node (its address; the plan does not move while it runs), kept only
/// once [`start`](Self::start) asked for them.
#[derive(Debug, Default)]
pub(crate) struct Profile(RefCell<Option<FxHashMap<usize, Measured>>>);

impl Profile {
    /// Measures every operator evaluated from now on.
    pub(crate) fn start(&self) {
        *self.0.borrow_mut() = Some(FxHashMap::default());
    }

    pub(crate) fn is_on(&self) -> bool {
        self.0.borrow().is_some()
    }

    /// What was measured at `node`, if it ran as an operator of its own.
    pub(crate) fn actual(&self, node: &PlanNode) -> Option<Actual> {
        let measured = *self.0.borrow().as_ref()?.get(&key(node))?;
        Some(Actual {
            rows: measured.rows,
            loops: measured.loops,
            time_ms: cfg!(not(target_family = "wasm")).then(|| measured.nanos as f64 / 1e6),
        })
    }

    /// `rows`, counted (and timed, where there is a clock) for `node`.
    pub(crate) fn measure<'c>(&'c self, node: &PlanNode, rows: RowIter<'c>) -> RowIter<'c> {
        Box::new(Measuring {
            profile: self,
            key: key(node),
            inner: rows,
            measured: Measured::default(),
        })
    }
}

fn key(node: &PlanNode) -> usize {
    std::ptr::from_ref(node) as usize
}

/// One run of an operator; what it measured is added to the profile when the run ends.
struct Measuring<'c> {
    profile: &'c Profile,
    key: usize,
    inner: RowIter<'c>,
    measured: Measured,
}

impl Iterator for Measuring<'_> {
    type Item = <RowIter<'static> as Iterator>::Item;

    fn next(&mut self) -> Option<Self::Item> {
        #[cfg(not(target_family = "wasm"))]
        let started = std::time::Instant::now();
        let item = self.inner.next();
        #[cfg(not(target_family = "wasm"))]
        {
            self.measured.nanos += u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        }
        if matches!(item, Some(Ok(_))) {
            self.measured.rows += 1;
        }
        item
    }
}

impl Drop for Measuring<'_> {
    fn drop(&mut self) {
        if let Some(map) = self.profile.0.borrow_mut().as_mut() {
            let total = map.entry(self.key).or_default();
            total.rows += self.measured.rows;
            total.loops += 1;
            total.nanos += self.measured.nanos;
        }
    }
}
