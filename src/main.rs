//! The `refkit` binary: parse arguments, run the command, print the error once.

use std::process::ExitCode;

use clap::Parser;
use refkit::cli::{Cli, Command};
use refkit::cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Merge(args) => cmd::merge::run(args),
        Command::Deploy(args) => cmd::deploy::run(args),
        Command::Cms(args) => cmd::cms::run(args),
        Command::Translations(args) => cmd::translations::run(args),
        Command::New(command) => cmd::new::run(command),
        Command::Init(args) => cmd::init::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // An error whose findings were already printed (check's report) has
            // nothing more to say; the exit code says it failed.
            if !matches!(&err, refkit::Error::Content(found) if found.is_empty()) {
                eprintln!("{err}");
            }
            ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
        }
    }
}
