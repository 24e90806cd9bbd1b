//! Fuzz target: see `refkit::fuzzing::registry`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| refkit::fuzzing::registry(data));
