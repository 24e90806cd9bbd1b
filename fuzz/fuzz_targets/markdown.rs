//! Fuzz target: see `refkit::fuzzing::markdown`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| refkit::fuzzing::markdown(data));
