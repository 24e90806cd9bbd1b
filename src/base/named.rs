//! Unit enums spelled with the words of one table.
//!
//! Some of refkit's enums are written by people as words (a partner's stage `pilot`,
//! its tier `large`). Each such enum keeps its words in one table; this module reads
//! and writes them through serde from that table, exactly as
//! `#[derive(Deserialize, Serialize)]` with `rename_all` would (the same input
//! accepted, the same error messages), so no attribute spells the words a second time.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, EnumAccess, Unexpected, VariantAccess, Visitor};
use serde::{Deserializer, Serializer};

/// A unit enum whose variants are spelled by a table of words. Implement it with
/// [`named_enum!`](crate::named_enum), which also gives the type its serde impls.
pub(crate) trait Named: Copy + 'static {
    /// The type's name in serde messages (`Stage`).
    const TYPE: &'static str;
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    /// The word of each variant, in the order of [`Named::ALL`].
    const NAMES: &'static [&'static str];

    /// The variant's position in [`Named::ALL`].
    fn index(self) -> usize;

    /// The word of this variant.
    fn name(self) -> &'static str {
        Self::NAMES[self.index()]
    }

    /// The variant spelled `word`, if any (serde reads words through the same table).
    #[cfg(test)]
    fn parse(word: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == word)
            .map(|i| Self::ALL[i])
    }
}

/// Implements [`Named`], `Serialize` and `Deserialize` for a unit enum from one table
/// of its variants and their words, listed in declaration order.
#[macro_export]
#[doc(hidden)]
macro_rules! named_enum {
    ($t:ident { $($variant:ident => $word:literal),* $(,)? }) => {
        impl $crate::base::named::Named for $t {
            const TYPE: &'static str = stringify!($t);
            const ALL: &'static [$t] = &[$($t::$variant),*];
            const NAMES: &'static [&'static str] = &[$($word),*];

            fn index(self) -> usize {
                self as usize
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                $crate::base::named::serialize(*self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> std::result::Result<$t, D::Error> {
                $crate::base::named::deserialize(deserializer)
            }
        }
    };
}

/// Writes `value` as serde's derive would: a unit variant with its word.
pub(crate) fn serialize<T: Named, S: Serializer>(
    value: T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let index = u32::try_from(value.index()).unwrap_or(u32::MAX);
    serializer.serialize_unit_variant(T::TYPE, index, value.name())
}

/// Reads a `T` as serde's derive would: an enum whose variant is given by its word
/// (or its index), with serde's own "unknown variant … expected one of …" error.
pub(crate) fn deserialize<'de, T: Named, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_enum(T::TYPE, T::NAMES, EnumVisitor(PhantomData))
}

struct EnumVisitor<T>(PhantomData<T>);

impl<'de, T: Named> Visitor<'de> for EnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", T::TYPE)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<T, A::Error> {
        let (index, variant) = data.variant_seed(VariantIndex(T::NAMES))?;
        variant.unit_variant()?;
        Ok(T::ALL[index])
    }
}

/// Reads a variant identifier into its index in the table.
struct VariantIndex(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for VariantIndex {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for VariantIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<usize, E> {
        match usize::try_from(value) {
            Ok(i) if i < self.0.len() => Ok(i),
            _ => Err(E::invalid_value(
                Unexpected::Unsigned(value),
                &format!("variant index 0 <= i < {}", self.0.len()).as_str(),
            )),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|n| *n == value)
            .ok_or_else(|| E::unknown_variant(value, self.0))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<usize, E> {
        match self.0.iter().position(|n| n.as_bytes() == value) {
            Some(i) => Ok(i),
            None => Err(E::unknown_variant(&String::from_utf8_lossy(value), self.0)),
        }
    }
}
