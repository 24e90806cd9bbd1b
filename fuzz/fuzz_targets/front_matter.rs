//! Fuzz target: see `refkit::fuzzing::front_matter`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| refkit::fuzzing::front_matter(data));
