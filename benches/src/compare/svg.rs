//! A hand-written SVG bar chart of the median latencies: one panel per dataset, one band per
//! query, one horizontal bar per engine, on a logarithmic axis (latencies span five orders of
//! magnitude, which a linear axis would flatten into a few visible bars).

use std::fmt::Write as _;

use super::report::DatasetReport;

const WIDTH: f64 = 960.0;
const LABEL: f64 = 90.0;
const RIGHT: f64 = 30.0;
const BAR: f64 = 7.0;
const BAND_GAP: f64 = 8.0;
const PANEL_HEADER: f64 = 46.0;
const COLOURS: [&str; 6] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The chart as an SVG document.
#[must_use]
pub fn chart(reports: &[DatasetReport]) -> String {
    let mut engines: Vec<String> = Vec::new();
    for report in reports {
        for run in &report.runs {
            if !engines.contains(&run.engine) {
                engines.push(run.engine.clone());
            }
        }
    }
    let values: Vec<f64> = reports
        .iter()
        .flat_map(|report| {
            report.groups().into_iter().flat_map(move |group| {
                report
                    .runs
                    .iter()
                    .filter_map(move |run| report.median_ms(run, &group))
            })
        })
        .filter(|v| *v > 0.0)
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(0.0, f64::max);
    let (low_exp, high_exp) = if values.is_empty() {
        (-1, 1)
    } else {
        let low_exp = low.log10().floor() as i32;
        (low_exp, (high.log10().ceil() as i32).max(low_exp + 1))
    };
    let plot = WIDTH - LABEL - RIGHT;
    let x = |v: f64| {
        let position = (v.log10() - f64::from(low_exp)) / f64::from(high_exp - low_exp);
        LABEL + position.clamp(0.0, 1.0) * plot
    };
    let band = BAR * engines.len() as f64 + BAND_GAP;
    let mut body = String::new();
    let mut top = 30.0;
    // Legend: one swatch per engine.
    for (i, engine) in engines.iter().enumerate() {
        let left = LABEL + i as f64 * 170.0;
        let _ = write!(
            body,
            r#"<rect x="{left}" y="10" width="12" height="12" fill="{}"/><text x="{}" y="20">{}</text>"#,
            COLOURS[i % COLOURS.len()],
            left + 16.0,
            escape(engine)
        );
    }
    for report in reports {
        let groups = report.groups();
        let height = band * groups.len() as f64;
        let _ = write!(
            body,
            r#"<text x="4" y="{}" font-weight="bold">{} — median latency, ms (log scale)</text>"#,
            top + 18.0,
            escape(&report.dataset.name)
        );
        let plot_top = top + PANEL_HEADER;
        for exp in low_exp..=high_exp {
            let gx = x(10f64.powi(exp));
            let label = if exp >= 0 {
                format!("{}", 10u64.pow(exp.unsigned_abs()))
            } else {
                format!("{:.*}", exp.unsigned_abs() as usize, 10f64.powi(exp))
            };
            let _ = write!(
                body,
                r##"<line x1="{gx:.1}" y1="{:.1}" x2="{gx:.1}" y2="{:.1}" stroke="#ccc"/><text x="{gx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{label}</text>"##,
                plot_top - 4.0,
                plot_top + height,
                plot_top - 8.0
            );
        }
        for (g, group) in groups.iter().enumerate() {
            let band_top = plot_top + g as f64 * band;
            let _ = write!(
                body,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                LABEL - 6.0,
                band_top + band / 2.0,
                escape(group)
            );
            for (e, engine) in engines.iter().enumerate() {
                let Some(run) = report.runs.iter().find(|r| &r.engine == engine) else {
                    continue;
                };
                let Some(value) = report.median_ms(run, group) else {
                    continue;
                };
                let width = (x(value.max(f64::MIN_POSITIVE)) - LABEL).max(1.0);
                let _ = write!(
                    body,
                    r#"<rect x="{LABEL}" y="{:.1}" width="{width:.1}" height="{}" fill="{}"><title>{} {}: {value:.3} ms</title></rect>"#,
                    band_top + e as f64 * BAR,
                    BAR - 1.0,
                    COLOURS[e % COLOURS.len()],
                    escape(engine),
                    escape(group)
                );
            }
        }
        top = plot_top + height + 20.0;
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{top:.0}" font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/>{body}</svg>
"#
    )
}
