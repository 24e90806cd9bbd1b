//! Private kit addresses.
//!
//! A kit page lives at `kits/<token>/`, where the token is an HMAC-SHA256 of the
//! partner id keyed with a secret from the `REFKIT_SECRET` environment variable. The
//! address cannot be guessed from the public site, and the same secret always gives
//! the same address, so the agency can send it once.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::base::env::Environment;

/// Used when `REFKIT_SECRET` is unset: fine for previews, never for publishing.
pub(crate) const DEVELOPMENT_SECRET: &str = "refkit-development-secret-do-not-publish";

/// The secret kit tokens are derived from.
#[derive(Clone)]
pub(crate) struct Secret {
    bytes: Vec<u8>,
    development: bool,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret")
            .field("development", &self.development)
            .finish_non_exhaustive()
    }
}

impl Secret {
    /// The secret of `env` (`REFKIT_SECRET`), or the development secret when it is
    /// unset or empty.
    pub(crate) fn from_env(env: &Environment) -> Secret {
        match env.secret.as_deref() {
            Some(s) if !s.is_empty() => Secret::new(s.as_bytes()),
            _ => Secret::development(),
        }
    }

    /// A secret from bytes.
    pub(crate) fn new(bytes: &[u8]) -> Secret {
        Secret {
            bytes: bytes.to_vec(),
            development: false,
        }
    }

    /// The fixed development secret.
    pub(crate) fn development() -> Secret {
        Secret {
            bytes: DEVELOPMENT_SECRET.as_bytes().to_vec(),
            development: true,
        }
    }

    /// True when kit addresses come from the public development secret.
    pub(crate) fn is_development(&self) -> bool {
        self.development
    }

    /// The kit token of `partner_id`: 32 lowercase hex digits (128 bits).
    pub(crate) fn token(&self, partner_id: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.bytes).expect("HMAC takes keys of any length");
        mac.update(b"refkit kit token v1\0");
        mac.update(partner_id.as_bytes());
        hex(&mac.finalize().into_bytes()[..16])
    }
}

/// SHA-256 of `bytes` as lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_per_secret_and_differ_between_partners_and_secrets() {
        let a = Secret::new(b"one");
        assert_eq!(a.token("harbor"), a.token("harbor"));
        assert_eq!(a.token("harbor").len(), 32);
        assert_ne!(a.token("harbor"), a.token("harbour"));
        assert_ne!(a.token("harbor"), Secret::new(b"two").token("harbor"));
        assert!(a.token("x").bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn an_environment_without_a_secret_gives_the_development_secret() {
        assert!(Secret::from_env(&Environment::default()).is_development());
        let set = Secret::from_env(&Environment::default().with_secret("one"));
        assert!(!set.is_development());
        assert_eq!(set.token("harbor"), Secret::new(b"one").token("harbor"));
    }

    #[test]
    fn sha256_matches_a_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
