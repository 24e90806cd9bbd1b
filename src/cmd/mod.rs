//! One file per command: each turns its parsed arguments into calls to the pipeline
//! and prints what a person needs to see.

pub mod build;
pub mod check;
pub mod cms;
pub mod deploy;
pub mod init;
pub mod merge;
pub mod new;
pub mod serve;
pub mod translations;
