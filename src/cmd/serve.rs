//! `refkit serve`: the preview server (see [`crate::serve`]).

use crate::base::diagnostics::Result;
use crate::base::env::Environment;
use crate::cli::ServeArgs;
use crate::serve::{parse_bind, serve, ServeOptions, WatchMode};

/// Runs `refkit serve` until Ctrl-C.
pub fn run(args: ServeArgs) -> Result<()> {
    let env = Environment::from_process();
    let image_cache = super::build::image_cache(&args.cache, &args.root.root, &env)?;
    serve(ServeOptions {
        root: args.root.root,
        bind: parse_bind(&args.bind)?,
        port: args.port,
        watch: if args.poll {
            WatchMode::Poll
        } else {
            WatchMode::Events
        },
        kits: args.kits,
        cms: args.cms,
        env,
        image_cache,
    })
}
