//! `trine plugin`: one action on a store inside the `trine:store` component.

use std::path::Path;
use std::process::ExitCode;

use trine_host::plugin::{Plugin, PluginError, PluginLimits, PluginStore};

use crate::args::{PluginAction, PluginArgs};

/// The syntax a file's extension names (`.nt`, `.ttl`, …), for the plugin's `load`.
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("nt")
        .to_owned()
}

fn read(path: &Path) -> Result<String, PluginError> {
    std::fs::read_to_string(path).map_err(|e| PluginError::Guest {
        code: "io".into(),
        message: format!("cannot read {}: {e}", path.display()),
    })
}

/// One line of JSON.
macro_rules! json {
    ($($value:tt)+) => {
        format!("{}\n", serde_json::json!($($value)+))
    };
}

fn act(store: &mut PluginStore, action: PluginAction) -> Result<String, PluginError> {
    Ok(match action {
        PluginAction::Query {
            query,
            results_format,
        } => store.query(&query, results_format.as_deref())?,
        PluginAction::Update { update } => {
            let (inserted, deleted) = store.update(&update)?;
            json!({ "inserted": inserted, "deleted": deleted })
        }
        PluginAction::Load { file, format } => {
            let format = format.unwrap_or_else(|| extension(&file));
            let read = store.load(&read(&file)?, &format, None)?;
            json!({ "quads": read })
        }
        PluginAction::Dump { format } => store.dump(&format)?,
        PluginAction::Materialize { profile } => {
            let report = store.materialize(&profile)?;
            json!({
                "profile": report.profile,
                "rounds": report.rounds,
                "inferred_quads": report.inferred,
                "added": report.added,
                "removed": report.removed,
                "inconsistencies": report.inconsistencies,
            })
        }
        PluginAction::Stats => {
            let stats = store.stats()?;
            let health = store.health()?;
            json!({
                "quads": stats.quads,
                "named_graphs": stats.named_graphs,
                "reasoning": { "profile": stats.reasoning_profile, "inferred_quads": stats.inferred_quads },
                "status": health.status,
                "reasons": health.reasons,
            })
        }
    })
}

fn run_plugin(args: PluginArgs) -> Result<String, PluginError> {
    let defaults = PluginLimits::default();
    let limits = PluginLimits {
        fuel: args.fuel.unwrap_or(defaults.fuel),
        memory_bytes: args
            .memory_mib
            .map_or(defaults.memory_bytes, |mib| mib.saturating_mul(1 << 20)),
    };
    let plugin = Plugin::load(&args.component, limits)?;
    let mut store = plugin.open_store(&args.location, args.dir.as_deref())?;
    for file in &args.load {
        store.load(&read(file)?, &extension(file), None)?;
    }
    act(&mut store, args.action)
}

/// Runs the command; errors print as `error [code]: message` with exit status 1.
pub fn run(args: PluginArgs) -> ExitCode {
    match run_plugin(args) {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error [{}]: {error}", error.code());
            ExitCode::FAILURE
        }
    }
}
