//! The fleetsim binary: parses the command line, dispatches to its subcommand ([`commands`]),
//! turns the outcome into the exit code. What it prints lives in [`console`].

mod cli;
mod commands;
mod console;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use fleetsim::{output, studies};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // SIGINT and SIGTERM remove the temporary folders of a run in progress before exiting.
    if let Err(e) = output::staging::remove_on_termination() {
        eprintln!(
            "warning: cannot handle SIGINT and SIGTERM ({e}); an interrupted run leaves its temporary folder until the next run into the same folder"
        );
    }
    match dispatch(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {}", chain_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, leaving out a cause whose text the message already
/// carries (the library's errors name their I/O source in their own message).
fn chain_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}

/// Runs a command; `Ok(false)` when some scenario failed but the others went on.
fn dispatch(cli: Cli) -> anyhow::Result<bool> {
    match cli.command {
        Command::Schema => commands::schema(),
        Command::Check { paths } => Ok(commands::check(&paths)),
        Command::Run(args) => commands::run(args),
        Command::Compare {
            scenario,
            policies,
            policy_files,
            study,
        } => commands::study(&study, policy_files, |o, bar| {
            studies::compare_file(&scenario, &policies, o, bar)
        }),
        Command::Sweep {
            scenario,
            params,
            study,
        } => commands::study(&study, Vec::new(), |o, bar| {
            studies::sweep_file(&scenario, &params, o, bar)
        }),
        Command::Sensitivity {
            scenario,
            params,
            policy_files,
            study,
        } => commands::study(&study, policy_files, |o, bar| {
            studies::sensitivity_file(&scenario, &params, o, bar)
        }),
        Command::Report { dir, perspective } => commands::report(&dir, perspective),
    }
}
