//! Named, seeded random streams: every draw in fleetsim comes from here.
//!
//! A draw is keyed by (scenario seed, replication, stream name, device, counter). The key is
//! hashed into the state of a small SplitMix64 generator, so a device's draws do not depend on
//! the order in which devices are visited, on the thread count, or on what other mechanisms
//! draw: adding a mechanism adds a stream and leaves every other stream's numbers unchanged,
//! which is also what gives policy comparisons common random numbers.
//!
//! This is a bottom-layer module: the simulation, the liability pass and the statistics (the
//! bootstrap of paired comparisons) all draw from it, and it imports none of them. It declares
//! the liability's and the statistics' streams; each of the simulation's is declared in the file
//! that draws from it (`sim/harm.rs`, `sim/lifecycle.rs`, `sim/mechanisms/*.rs`), and
//! `experiment::all_streams` lists them all.

use rand::SeedableRng;
use rand_xoshiro::SplitMix64;

/// A stream's identity: the FNV-1a hash of its name, fixed at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stream(pub u64);

impl Stream {
    /// The stream called `name`.
    pub const fn named(name: &str) -> Self {
        let bytes = name.as_bytes();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut i = 0;
        while i < bytes.len() {
            h ^= bytes[i] as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
            i += 1;
        }
        Self(h)
    }
}

/// The liability pass's and the statistics' stream names. The simulation's are declared beside
/// the systems that draw from them; a unit test and `tests/architecture.rs` check that every name
/// in `src/` is used once and every key is distinct, over the full list `experiment::all_streams`.
pub mod streams {
    use super::Stream;
    /// Liability: awareness and claim delays of a damages claim.
    pub const CLAIM: Stream = Stream::named("claim");
    /// Liability: whether the victim proves a breach of duty.
    pub const PROOF: Stream = Stream::named("proof");
    /// Liability: whether an incident draws a fine (one stream per fine rule, offset by its
    /// index).
    pub const FINE: Stream = Stream::named("fine");
    /// Liability: whether a recall reaches a device and when it fixes it (offset by the rule's
    /// index).
    pub const RECALL: Stream = Stream::named("recall");
    /// Statistics: the replications each bootstrap resample of a paired comparison picks
    /// (keyed by the resample's index in place of the replication, and the pick's number).
    pub const BOOTSTRAP: Stream = Stream::named("bootstrap");
}

/// The streams named in this module, with their names (the simulation's are added to them in
/// `experiment::all_streams`).
pub const ALL_STREAMS: &[(&str, Stream)] = &[
    ("claim", streams::CLAIM),
    ("proof", streams::PROOF),
    ("fine", streams::FINE),
    ("recall", streams::RECALL),
    ("bootstrap", streams::BOOTSTRAP),
];

/// The SplitMix64 finaliser: a bijective mix of 64 bits.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The random streams of one replication of one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streams {
    base: u64,
}

impl Streams {
    /// Streams for replication `replication` of a scenario seeded with `seed`.
    pub fn new(seed: u64, replication: u32) -> Self {
        Self {
            base: mix(mix(seed ^ 0x6a09_e667_f3bc_c908) ^ u64::from(replication)),
        }
    }

    /// The generator for draw number `counter` of `device` in `stream`.
    #[inline]
    pub fn rng(&self, stream: Stream, device: u32, counter: u64) -> SplitMix64 {
        let key = mix(mix(mix(self.base ^ stream.0) ^ u64::from(device)) ^ counter);
        SplitMix64::seed_from_u64(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_distinct_and_reproducible() {
        let s = Streams::new(7, 3);
        let a = s.rng(streams::CLAIM, 10, 0).next_u64();
        assert_eq!(a, Streams::new(7, 3).rng(streams::CLAIM, 10, 0).next_u64());
        assert_ne!(a, s.rng(streams::PROOF, 10, 0).next_u64());
        assert_ne!(a, s.rng(streams::CLAIM, 11, 0).next_u64());
        assert_ne!(a, s.rng(streams::CLAIM, 10, 1).next_u64());
        assert_ne!(a, Streams::new(7, 4).rng(streams::CLAIM, 10, 0).next_u64());
        assert_ne!(a, Streams::new(8, 3).rng(streams::CLAIM, 10, 0).next_u64());
    }

    #[test]
    fn stream_keys_are_distinct_and_match_their_names() {
        for (i, (a, ka)) in ALL_STREAMS.iter().enumerate() {
            assert_eq!(*ka, Stream::named(a), "{a}");
            for (b, kb) in &ALL_STREAMS[i + 1..] {
                assert_ne!(a, b);
                assert_ne!(ka, kb, "streams {a} and {b} share a key");
            }
        }
        // A few keys pinned (FNV-1a of the name): a changed key changes every draw of its stream,
        // and so every result of every scenario that uses it. (The simulation's `wear_out` is
        // pinned in `sim::mechanisms`, and the full list counted in `experiment`.)
        assert_eq!(streams::CLAIM.0, 0xd0f4_6795_2fae_e3cf);
        assert_eq!(streams::RECALL.0, 0xaeef_a200_0246_66d0);
        assert_eq!(ALL_STREAMS.len(), 5);
    }

    #[test]
    fn uniform_bits_have_the_right_mean() {
        // Mean of 2^-64 · x over many keyed draws: 0.5 ± 4 SE with SE = sqrt(1/12 / n).
        let s = Streams::new(1, 0);
        let n = 200_000u32;
        let mean: f64 = (0..n)
            .map(|d| s.rng(streams::PROOF, d, 0).next_u64() as f64 / 2f64.powi(64))
            .sum::<f64>()
            / f64::from(n);
        let se = (1.0 / 12.0 / f64::from(n)).sqrt();
        assert!((mean - 0.5).abs() < 4.0 * se, "mean {mean}");
    }
}
