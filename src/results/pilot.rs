//! The pilot verdict: whether pilot partners convert better than the rest with
//! enough data to say so, and whether they take longer to decide.
//!
//! Rates get 95 % Wilson score intervals, which stay inside 0…1 and behave with the
//! handfuls of customers a pilot has; their difference gets Newcombe's interval built
//! from the two Wilson intervals (his method 10); time to decide is compared with the
//! Mann–Whitney rank test (normal approximation, ties corrected), which assumes
//! nothing of the days' distribution. The README ("The pilot verdict") states each
//! formula; the unit tests check them against values worked out by hand.

use serde::Serialize;

/// The normal quantile of a two-sided 95 % interval.
pub(crate) const Z95: f64 = 1.959_963_984_540_054;

/// A rate with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Rate {
    /// Successes (customers).
    pub(crate) hits: u64,
    /// Trials (clicks).
    pub(crate) trials: u64,
    /// hits / trials.
    pub(crate) value: f64,
    /// Lower end of the Wilson interval.
    pub(crate) low: f64,
    /// Upper end.
    pub(crate) high: f64,
}

/// `hits` out of `trials` with its Wilson score interval; `None` without trials.
pub(crate) fn wilson(hits: u64, trials: u64) -> Option<Rate> {
    if trials == 0 || hits > trials {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let (x, n) = (hits as f64, trials as f64);
    let p = x / n;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Rate {
        hits,
        trials,
        value: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// A difference of two rates with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Difference {
    /// a − b.
    pub(crate) value: f64,
    /// Lower end of Newcombe's interval.
    pub(crate) low: f64,
    /// Upper end.
    pub(crate) high: f64,
}

/// `a − b` with Newcombe's hybrid score interval (method 10).
pub(crate) fn difference(a: &Rate, b: &Rate) -> Difference {
    let d = a.value - b.value;
    Difference {
        value: d,
        low: d - ((a.value - a.low).powi(2) + (b.high - b.value).powi(2)).sqrt(),
        high: d + ((a.high - a.value).powi(2) + (b.value - b.low).powi(2)).sqrt(),
    }
}

/// The Mann–Whitney rank test of two samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct RankTest {
    /// U of the first sample: how often one of its values beats one of the second's
    /// (ties count a half).
    pub(crate) u: f64,
    /// The standard normal statistic, with continuity correction.
    pub(crate) z: f64,
    /// Two-sided p-value.
    pub(crate) p: f64,
}

/// Compares `a` with `b`; `None` when either is empty or every value is equal.
pub(crate) fn rank_test(a: &[i64], b: &[i64]) -> Option<RankTest> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut all: Vec<(i64, bool)> = a
        .iter()
        .map(|&v| (v, true))
        .chain(b.iter().map(|&v| (v, false)))
        .collect();
    all.sort_unstable();
    #[allow(clippy::cast_precision_loss)]
    let total = all.len() as f64;
    let (mut rank_sum, mut ties) = (0.0, 0.0);
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        #[allow(clippy::cast_precision_loss)]
        let (average, t) = ((i + j + 1) as f64 / 2.0, (j - i) as f64);
        ties += t * t * t - t;
        rank_sum += average * all[i..j].iter().filter(|(_, first)| *first).count() as f64;
        i = j;
    }
    #[allow(clippy::cast_precision_loss)]
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let u = rank_sum - n1 * (n1 + 1.0) / 2.0;
    let mean = n1 * n2 / 2.0;
    let variance = n1 * n2 / 12.0 * ((total + 1.0) - ties / (total * (total - 1.0)));
    if variance <= 0.0 {
        return None;
    }
    let shift = (u - mean).abs() - 0.5;
    let z = shift.max(0.0) / variance.sqrt() * (u - mean).signum();
    Some(RankTest {
        u,
        z,
        p: (2.0 * (1.0 - normal_cdf(z.abs()))).clamp(0.0, 1.0),
    })
}

/// Φ(x), the standard normal distribution function (Abramowitz and Stegun 7.1.26,
/// error below 1.5 · 10⁻⁷).
pub(crate) fn normal_cdf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-(x * x) / 2.0).exp();
    if x >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// How the pilot compares, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Outcome {
    /// The difference's interval is above zero.
    Better,
    /// Below zero.
    Worse,
    /// It holds zero.
    Unclear,
}

/// The pilot against the rest in one market.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Verdict {
    /// Click to customer of the pilot partners.
    pub(crate) pilot: Rate,
    /// Of the rest.
    pub(crate) rest: Rate,
    /// pilot − rest.
    pub(crate) difference: Difference,
    /// Better, worse or not distinguishable.
    pub(crate) outcome: Outcome,
    /// When unclear: about how many more customers (in both groups together, at
    /// today's rates and click shares) would make a difference of today's size show
    /// at 95 % with 80 % power; `None` when the rates are equal.
    pub(crate) more_customers: Option<u64>,
    /// Time to decide, pilot against rest.
    pub(crate) decide: Option<RankTest>,
}

/// The verdict for pilot (`pilot_hits` customers of `pilot_clicks`) against the rest,
/// with each group's days to decide; `None` when a group has no clicks.
pub(crate) fn verdict(
    (pilot_hits, pilot_clicks): (u64, u64),
    (rest_hits, rest_clicks): (u64, u64),
    pilot_days: &[i64],
    rest_days: &[i64],
) -> Option<Verdict> {
    let pilot = wilson(pilot_hits, pilot_clicks)?;
    let rest = wilson(rest_hits, rest_clicks)?;
    let difference = difference(&pilot, &rest);
    let outcome = if difference.low > 0.0 {
        Outcome::Better
    } else if difference.high < 0.0 {
        Outcome::Worse
    } else {
        Outcome::Unclear
    };
    let more_customers = (outcome == Outcome::Unclear)
        .then(|| more_customers(&pilot, &rest))
        .flatten();
    Some(Verdict {
        pilot,
        rest,
        difference,
        outcome,
        more_customers,
        decide: rank_test(pilot_days, rest_days),
    })
}

/// The normal quantile of 80 % power.
const Z80: f64 = 0.841_621_233_572_914_3;

/// Customers still to come before today's difference would show: the clicks each
/// group needs for a two-proportion test (95 %, power 80 %) at today's rates, with
/// the groups' clicks in today's ratio, times each rate, less the customers there are.
fn more_customers(pilot: &Rate, rest: &Rate) -> Option<u64> {
    let d = (pilot.value - rest.value).abs();
    if d == 0.0 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let k = rest.trials as f64 / pilot.trials as f64;
    let spread = pilot.value * (1.0 - pilot.value) + rest.value * (1.0 - rest.value) / k;
    let pilot_clicks = (Z95 + Z80).powi(2) * spread / (d * d);
    let customers = pilot_clicks * pilot.value + pilot_clicks * k * rest.value;
    #[allow(clippy::cast_precision_loss)]
    let have = (pilot.hits + rest.hits) as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some((customers - have).max(1.0).ceil() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 5e-6, "{a} is not {b}");
    }

    #[test]
    fn wilson_intervals_match_hand_computed_values() {
        // 5 of 50: p = 0.1, z² = 3.8414588; centre = (0.1 + 0.0384146) / 1.0768292
        // = 0.1285399; half = 1.9599640 / 1.0768292 · √(0.0018 + 0.0003841) = 0.0850632.
        let r = wilson(5, 50).unwrap();
        close(r.low, 0.043_475_8);
        close(r.high, 0.213_602_3);
        // 0 of 10 stays at 0 below: [0, 0.2775328].
        let r = wilson(0, 10).unwrap();
        close(r.low, 0.0);
        close(r.high, 0.277_532_8);
        assert!(wilson(1, 0).is_none());
    }

    #[test]
    fn the_difference_interval_is_newcombes_from_the_two_wilson_intervals() {
        // 11/82 against 82/1200 (the report's pilot against the rest).
        let a = wilson(11, 82).unwrap();
        let b = wilson(82, 1200).unwrap();
        let d = difference(&a, &b);
        // Wilson: 11/82 in [0.0765869, 0.2244501], 82/1200 in [0.0553913, 0.0840303].
        close(d.value, 0.065_813_0);
        // L = d − √((0.1341463 − 0.0765869)² + (0.0840303 − 0.0683333)²)
        close(d.low, 0.006_151_6);
        // U = d + √((0.2244501 − 0.1341463)² + (0.0683333 − 0.0553913)²)
        close(d.high, 0.157_039_5);
    }

    #[test]
    fn the_rank_test_matches_a_hand_computed_u_and_p() {
        // Pilot 10, 14, 20 against rest 5, 7, 9, 12: ranks of the pilot 4, 6, 7 → R =
        // 17, U = 17 − 6 = 11; mean 6, variance 3·4/12·8 = 8; z = (5 − 0.5)/√8 =
        // 1.5909903; p = 2(1 − Φ(1.5909903)) = 0.1116118.
        let t = rank_test(&[10, 14, 20], &[5, 7, 9, 12]).unwrap();
        close(t.u, 11.0);
        close(t.z, 1.590_990_3);
        assert!((t.p - 0.111_611_8).abs() < 1e-5, "{}", t.p);
        // Ties share their ranks and shrink the variance: 1, 2, 2 against 2, 3 ranks
        // 1, 3, 3 (the three 2s share 2, 3, 4): R = 7, U = 7 − 6 = 1.
        let t = rank_test(&[1, 2, 2], &[2, 3]).unwrap();
        close(t.u, 1.0);
        assert!(rank_test(&[], &[1]).is_none());
        assert!(rank_test(&[4, 4], &[4]).is_none());
    }

    #[test]
    fn a_verdict_says_better_worse_or_how_many_more_customers_would_tell() {
        let v = verdict((11, 82), (82, 1200), &[], &[]).unwrap();
        assert_eq!(v.outcome, Outcome::Better);
        assert_eq!(v.more_customers, None);
        let v = verdict((3, 82), (82, 1200), &[], &[]).unwrap();
        assert_eq!(v.outcome, Outcome::Unclear);
        // d = 0.0683333 − 0.0365854 = 0.0317480; k = 1200 / 82 = 14.6341463; spread =
        // 0.0352469 + 0.0043504 = 0.0395972; pilot clicks needed = (1.9599640 +
        // 0.8416212)² · spread / d² = 308.35, customers at today's rates = 308.35 ·
        // 0.0365854 + 308.35 · 14.6341463 · 0.0683333 = 319.63, less the 85 there are:
        // 235 more.
        assert_eq!(v.more_customers, Some(235));
        let v = verdict((1, 1000), (82, 1200), &[], &[]).unwrap();
        assert_eq!(v.outcome, Outcome::Worse);
    }

    #[test]
    fn the_normal_distribution_function_is_accurate() {
        close(normal_cdf(0.0), 0.5);
        close(normal_cdf(1.959_964), 0.975);
        close(normal_cdf(-1.0), 0.158_655_3);
    }
}
