//! Fuzz target: see `refkit::fuzzing::links`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| refkit::fuzzing::links(data));
