mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(feature = "gui")]
    if let Some(files) = app_files() {
        if has_display() {
            return caviar::gui::run(files);
        }
        eprintln!(
            "caviar: no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is \
             set); the command line works without one:"
        );
        if !files.is_empty() {
            eprintln!("  caviar inspect FILE...   or   caviar scrub FILE... --out DIR");
            return ExitCode::from(2);
        }
    }
    cli::run()
}

/// `caviar` alone or `caviar FILE...` opens the app; a subcommand or an option (`--help`,
/// `--version`) is the command line's.
#[cfg(feature = "gui")]
fn app_files() -> Option<Vec<std::path::PathBuf>> {
    const COMMANDS: [&str; 4] = ["scrub", "inspect", "text", "help"];
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let first = args.first().map(|a| a.to_string_lossy().into_owned());
    if first
        .as_deref()
        .is_some_and(|a| COMMANDS.contains(&a) || a.starts_with('-'))
    {
        return None;
    }
    Some(args.into_iter().map(Into::into).collect())
}

/// Whether a window can be opened: on Linux and the BSDs, only with an X or Wayland display.
#[cfg(feature = "gui")]
fn has_display() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}
