//! Sharded builds: `refkit build --shard I/N`.
//!
//! A program too large for one CI runner is built by N runners, each building the
//! partners of one shard. A partner's shard comes from its id alone: the 64-bit
//! FNV-1a hash of the id's UTF-8 bytes, modulo N, plus one. The hash is written out
//! here (not Rust's `DefaultHasher`, whose output may change between Rust releases),
//! so a partner stays on its shard across builds and refkit versions as long as N
//! stays the same.
//!
//! Shard 1 also builds everything that belongs to no partner: the brand pages, the
//! static files, the sitemap, `robots.txt`, `_headers`, the brand images and the
//! shared share cards. The files that list every partner (`manifest/*.csv`,
//! `summary.json`, `_redirects`, the output marker) are written per shard, as a
//! partial manifest, and joined by `refkit merge`.

/// FNV-1a's 64-bit offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a's 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The shard that builds the brand pages and the project-wide files.
pub(crate) const BRAND_SHARD: u32 = 1;

/// The largest N accepted: more shards than this is more runners than a CI matrix
/// starts (GitHub Actions allows 256 jobs per matrix).
pub(crate) const MAX_SHARDS: u32 = 256;

/// One shard of N: `index` in `1..=count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    /// Shard `index` of `count`; `None` unless `1 <= index <= count <= MAX_SHARDS`.
    pub fn new(index: u32, count: u32) -> Option<Shard> {
        (index >= 1 && index <= count && count <= MAX_SHARDS).then_some(Shard { index, count })
    }

    /// Parses `I/N` (e.g. `2/4`); the error says what is accepted.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let wrong = || {
            format!(
                "`{text}` is not a shard; write I/N with 1 <= I <= N <= {MAX_SHARDS}, e.g. 2/4 for the second of four shards"
            )
        };
        let (i, n) = text.trim().split_once('/').ok_or_else(wrong)?;
        let index: u32 = i.trim().parse().map_err(|_| wrong())?;
        let count: u32 = n.trim().parse().map_err(|_| wrong())?;
        Shard::new(index, count).ok_or_else(wrong)
    }

    /// The shard's number, from 1.
    pub fn index(self) -> u32 {
        self.index
    }

    /// How many shards there are.
    pub fn count(self) -> u32 {
        self.count
    }

    /// The shard of `count` that partner `id` belongs to.
    pub fn of(id: &str, count: u32) -> Shard {
        let count = count.clamp(1, MAX_SHARDS);
        let index = (fnv1a(id.as_bytes()) % u64::from(count)) as u32 + 1;
        Shard { index, count }
    }

    /// True when partner `id` belongs to this shard.
    pub fn owns(self, id: &str) -> bool {
        Shard::of(id, self.count) == self
    }

    /// True for the shard that builds the brand pages and project-wide files.
    pub fn builds_brand(self) -> bool {
        self.index == BRAND_SHARD
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The 64-bit FNV-1a hash of `bytes`.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// What a shard's build needs to know about the whole build it is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardOf {
    /// This shard.
    pub shard: Shard,
    /// Partners of the whole build (every shard, after any `--partners` selection).
    pub partners: usize,
}

impl ShardOf {
    /// True when this shard writes what belongs to no partner.
    pub fn builds_brand(self) -> bool {
        self.shard.builds_brand()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a_as_published() {
        // The reference values of the FNV specification's test suite: a change
        // here moves partners between shards, so it must never happen.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn every_partner_lands_in_exactly_one_shard() {
        let ids: Vec<String> = (0..2_000).map(|n| format!("partner-{n:05}")).collect();
        for count in [1, 2, 3, 4, 7, 16, 100] {
            let mut sizes = vec![0usize; count as usize];
            for id in &ids {
                let owners: Vec<u32> = (1..=count)
                    .filter(|&i| Shard::new(i, count).unwrap().owns(id))
                    .collect();
                assert_eq!(owners.len(), 1, "{id} of {count} shards: {owners:?}");
                assert_eq!(Shard::of(id, count).index(), owners[0]);
                sizes[owners[0] as usize - 1] += 1;
            }
            // The hash spreads partners evenly enough for a runner's share to be
            // planned: no shard is more than 1.5 times the mean (at 20 or more each).
            let mean = ids.len() / count as usize;
            if mean >= 20 {
                assert!(
                    sizes.iter().all(|&s| s * 2 <= mean * 3 && s * 2 >= mean),
                    "{count} shards: {sizes:?}"
                );
            }
        }
    }

    #[test]
    fn a_partner_keeps_its_shard() {
        // Pinned: the demo's partners and their shards of 4, as documented.
        assert_eq!(
            Shard::of("a", 4).index(),
            (0xaf63_dc4c_8601_ec8c_u64 % 4) as u32 + 1
        );
        assert_eq!(Shard::of("anything", 1).index(), 1);
    }

    #[test]
    fn a_shard_is_i_of_n() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(
            Shard::parse(" 1 / 1 ").map(|s| s.to_string()),
            Ok("1/1".into())
        );
        for wrong in ["0/4", "5/4", "2", "a/4", "1/0", "1/257", "-1/2", ""] {
            let err = Shard::parse(wrong).unwrap_err();
            assert!(err.contains("write I/N"), "{wrong}: {err}");
        }
    }
}
