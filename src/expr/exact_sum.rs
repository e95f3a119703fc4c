//! Exact, order-independent summation of `f64` values with removal.
//!
//! [`ExactSum`] is a fixed-point "superaccumulator": every finite double is an integer
//! multiple of 2⁻¹⁰⁷⁴ (the smallest subnormal), so the exact sum of any multiset of
//! finite doubles is an integer in those units. It is held in [`LIMBS`] signed 64-bit
//! limbs of 32 significant bits each (limb `j` weighs 2^(32·j) units), enough for the
//! whole exponent range plus 64 bits of growth. Because the state is the exact sum,
//! adding and subtracting are exact and commute: the result depends only on the
//! multiset of values currently held, never on the order of operations.
//!
//! * **Add/subtract** (a few ns): the 53-bit significand is split at a 32-bit boundary
//!   into two parts that are added to two neighbouring limbs. No carry is propagated;
//!   each limb has 31 bits of headroom above its 32-bit payload, and a part is below
//!   2⁵³, so carries are propagated only every `CARRY_EVERY` operations.
//! * **Only the touched limbs are stored**: a window `base..base + len` that grows
//!   as values of other magnitudes arrive (inline for up to four limbs, which covers
//!   data of similar magnitude). The top limb keeps the sign instead of spreading it
//!   upwards (as two's complement would), so normalising and reading cost a few limbs,
//!   not 68, and an accumulator is a few words rather than half a kilobyte — it sits
//!   in every group's state, so its size is cache traffic on every event.
//! * **Reading** ([`ExactSum::value`], [`ExactSum::mean`]): a copy is normalised
//!   (carries propagated, sign taken out) and rounded to nearest, ties to even. The mean
//!   divides the exact sum by `n` by long division over only the few limbs that decide
//!   the rounding, so it is correctly rounded too (and cannot overflow where the sum
//!   would).
//! * **Infinities and NaN** are counted, not added, so removing them works:
//!   the sum is NaN if any NaN is held or both +∞ and −∞ are held, else ±∞ if one of
//!   them is held, else the rounded exact finite sum (which may itself round to ±∞).
//! * An exact zero sum is `+0.0` (also for `{-0.0}`): signed zeros cannot be told apart
//!   by an exact sum, and a fixed choice keeps the result order-independent.
//!
//! Serialised (checkpoints) as sign and magnitude limbs of the normalised sum, trimmed,
//! so a round trip is exact and equal sums serialise identically.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

/// Number of limbs. Finite doubles reach 2¹⁰²⁴ = 2²⁰⁹⁸ units (limb 65); two more limbs
/// absorb the growth of summing up to 2⁶⁴ values of maximal magnitude.
pub const LIMBS: usize = 68;

/// Payload bits per limb.
const BITS: u32 = 32;
const MASK: i64 = (1 << BITS) - 1;

/// Operations between carry propagations. A normalised limb is in `[-2³², 2³²)`, and
/// every operation changes one limb by less than 2⁵³, so 1020 operations keep each
/// limb below 2³² + 1020·2⁵³ < 2⁶³ − 2³² in magnitude.
const CARRY_EVERY: u32 = 1020;

/// Bit pattern of +∞.
const INF_BITS: u64 = 0x7ff0_0000_0000_0000;

/// Exact running sum of doubles; see the module documentation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(into = "ExactSumRepr", from = "ExactSumRepr")]
pub struct ExactSum {
    /// Limbs `base..base + win.len()`; limb `j` weighs 2^(32·j − 1074). Not normalised
    /// between carry propagations; every limb outside the window is zero. Empty when
    /// nothing finite was ever added.
    win: SmallVec<[i64; 4]>,
    base: u8,
    /// Operations since the last carry propagation.
    pending: u32,
    pos_inf: u64,
    neg_inf: u64,
    nan: u64,
}

impl Default for ExactSum {
    fn default() -> Self {
        ExactSum::new()
    }
}

impl PartialEq for ExactSum {
    /// Equal when the held multisets have the same exact sum and special-value counts.
    fn eq(&self, other: &ExactSum) -> bool {
        self.pos_inf == other.pos_inf
            && self.neg_inf == other.neg_inf
            && self.nan == other.nan
            && self.magnitude() == other.magnitude()
    }
}

/// A normalised copy: sign and magnitude, every limb in `[0, 2³²)` (but see
/// [`round_ratio`] for the top limb). Only the window of limbs that can be non-zero
/// is copied (a few for data of similar magnitude), not all [`LIMBS`]: reading a sum
/// is on the hot path of every average.
struct Magnitude {
    negative: bool,
    /// Limb index of `limbs[0]`; limbs outside the window are zero.
    base: usize,
    limbs: SmallVec<[i64; 8]>,
}

impl PartialEq for Magnitude {
    /// The same number: the window is bookkeeping, and zero has no sign.
    fn eq(&self, other: &Magnitude) -> bool {
        self.trimmed() == other.trimmed() && (self.negative == other.negative || self.is_zero())
    }
}

impl Magnitude {
    fn zero() -> Magnitude {
        Magnitude {
            negative: false,
            base: 0,
            limbs: SmallVec::new(),
        }
    }
    /// Limb `j` (by global index).
    #[inline]
    fn limb(&self, j: usize) -> i64 {
        j.checked_sub(self.base)
            .and_then(|k| self.limbs.get(k))
            .copied()
            .unwrap_or(0)
    }
    /// Global index of the highest non-zero limb.
    fn top(&self) -> Option<usize> {
        self.limbs
            .iter()
            .rposition(|&l| l != 0)
            .map(|k| k + self.base)
    }
    /// The non-zero span: the index of its lowest limb and its limbs.
    fn trimmed(&self) -> (usize, &[i64]) {
        match (self.limbs.iter().position(|&l| l != 0), self.top()) {
            (Some(first), Some(top)) => (self.base + first, &self.limbs[first..=top - self.base]),
            _ => (0, &[]),
        }
    }
    fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&l| l == 0)
    }
}

impl ExactSum {
    pub fn new() -> ExactSum {
        ExactSum {
            win: SmallVec::new(),
            base: 0,
            pending: 0,
            pos_inf: 0,
            neg_inf: 0,
            nan: 0,
        }
    }

    /// Adds `x` exactly.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.apply(x, false);
    }

    /// Subtracts `x` exactly (undoes an earlier `add(x)`; NaN and ±∞ are uncounted).
    #[inline]
    pub fn sub(&mut self, x: f64) {
        self.apply(x, true);
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.win.clear();
        self.base = 0;
        self.pending = 0;
        self.pos_inf = 0;
        self.neg_inf = 0;
        self.nan = 0;
    }

    #[inline]
    fn apply(&mut self, x: f64, subtract: bool) {
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as usize;
        let frac = bits & ((1 << 52) - 1);
        if biased == 0x7ff {
            self.special(x, subtract);
            return;
        }
        // Subnormals have no hidden bit and the same unit as the smallest normals.
        let (mant, offset) = if biased == 0 {
            (frac, 0)
        } else {
            (frac | (1 << 52), biased - 1)
        };
        if mant == 0 {
            return;
        }
        let idx = offset / BITS as usize;
        let shift = (offset % BITS as usize) as u32;
        // Low part: the bits of mant·2^shift below the limb boundary (bits shifted out
        // of the u64 belong to the high part). High part: the rest, below 2⁵³.
        let lo = ((mant << shift) & MASK as u64) as i64;
        let hi = (mant >> (BITS - shift)) as i64;
        // offset ≤ 2045, so idx ≤ 63 and idx + 1 < LIMBS.
        let negative = (bits >> 63 == 1) != subtract;
        let k = self.cover(idx);
        if negative {
            self.win[k] -= lo;
            self.win[k + 1] -= hi;
        } else {
            self.win[k] += lo;
            self.win[k + 1] += hi;
        }
        self.pending += 1;
        if self.pending >= CARRY_EVERY {
            self.carry();
            self.pending = 0;
        }
    }

    /// Grows the window to hold limbs `idx` and `idx + 1`; returns `idx`'s position.
    #[inline]
    fn cover(&mut self, idx: usize) -> usize {
        let base = usize::from(self.base);
        if self.win.is_empty() {
            self.base = idx as u8;
            self.win.extend_from_slice(&[0, 0]);
            return 0;
        }
        if idx < base {
            self.win.insert_many(0, std::iter::repeat_n(0, base - idx));
            self.base = idx as u8;
        }
        let k = idx - usize::from(self.base);
        if k + 2 > self.win.len() {
            self.win.resize(k + 2, 0);
        }
        k
    }

    /// Propagates carries (the value is unchanged) and drops zero limbs above the top.
    fn carry(&mut self) {
        if self.win.is_empty() {
            return;
        }
        let top = self.win.len() - 1;
        // Room for the carries out of the top limb (below 2⁶³: at most two limbs up).
        let room = (LIMBS - usize::from(self.base)).min(self.win.len() + 2);
        self.win.resize(room, 0);
        let top = normalize(&mut self.win, 0, top);
        self.win.truncate(top + 1);
    }

    #[cold]
    fn special(&mut self, x: f64, subtract: bool) {
        let counter = if x.is_nan() {
            &mut self.nan
        } else if x > 0.0 {
            &mut self.pos_inf
        } else {
            &mut self.neg_inf
        };
        // Saturating: removing a value never added must not panic.
        *counter = if subtract {
            counter.saturating_sub(1)
        } else {
            counter.saturating_add(1)
        };
    }

    /// The non-finite result, if NaN or an infinity is held.
    fn special_value(&self) -> Option<f64> {
        if self.nan > 0 || (self.pos_inf > 0 && self.neg_inf > 0) {
            Some(f64::NAN)
        } else if self.pos_inf > 0 {
            Some(f64::INFINITY)
        } else if self.neg_inf > 0 {
            Some(f64::NEG_INFINITY)
        } else {
            None
        }
    }

    /// Sign and magnitude of the finite part, normalised, on a copy of the touched
    /// limbs.
    fn magnitude(&self) -> Magnitude {
        if self.win.is_empty() {
            return Magnitude::zero();
        }
        let lo = usize::from(self.base);
        let hi = lo + self.win.len() - 1;
        // Carries out of a limb below 2⁶³ reach at most two limbs up.
        let end = (hi + 2).min(LIMBS - 1);
        let mut limbs: SmallVec<[i64; 8]> = SmallVec::from_slice(&self.win);
        limbs.resize(end - lo + 1, 0);
        let mut top = normalize(&mut limbs, 0, hi - lo);
        let negative = limbs[top] < 0;
        if negative {
            for l in limbs[..=top].iter_mut() {
                *l = -*l;
            }
            top = normalize(&mut limbs, 0, top);
        }
        limbs.truncate(top + 1);
        Magnitude {
            negative,
            base: lo,
            limbs,
        }
    }

    /// Whether the held finite values sum to exactly zero and no NaN/∞ is held.
    pub fn is_zero(&self) -> bool {
        self.special_value().is_none() && self.magnitude().is_zero()
    }

    /// The exact sum, correctly rounded (to nearest, ties to even).
    pub fn value(&self) -> f64 {
        self.mean(1)
    }

    /// The exact sum divided by `n`, correctly rounded; NaN for `n == 0`.
    pub fn mean(&self, n: u64) -> f64 {
        if n == 0 {
            return f64::NAN;
        }
        if let Some(s) = self.special_value() {
            return s;
        }
        round_ratio(&self.magnitude(), n)
    }
}

/// `sum / n` correctly rounded to f64 (to nearest, ties to even); NaN for `n == 0`.
/// Used for the average of integers, whose exact sum fits an `i128`.
pub fn ratio_i128(sum: i128, n: u64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let m = sum.unsigned_abs();
    // Place m·2¹⁰⁷⁴ units into limbs: 1074 = 33·32 + 18; m < 2¹²⁸ needs five limbs
    // (the low 14 bits in limb 33, the remaining < 2¹¹⁴ in limbs 34..38).
    let mut limbs: SmallVec<[i64; 8]> = SmallVec::from_elem(0, 5);
    limbs[0] = ((m << 18) & MASK as u128) as i64;
    let rest = m >> (BITS - 18);
    for (k, limb) in limbs[1..5].iter_mut().enumerate() {
        *limb = ((rest >> (BITS as usize * k)) & MASK as u128) as i64;
    }
    let mag = Magnitude {
        negative: sum < 0,
        base: 33,
        limbs,
    };
    round_ratio(&mag, n)
}

/// Propagates carries through `lo..=hi` so limbs `lo..hi` are in `[0, 2³²)` and the
/// top one in `[-2³², 2³²)` (it keeps the sign; the range grows upwards while the top
/// limb is too large, except at the last limb). Returns the new `hi`. The represented
/// value is unchanged; limbs above the returned `hi` stay zero.
fn normalize(limbs: &mut [i64], lo: usize, mut hi: usize) -> usize {
    let mut c = 0i64;
    for l in limbs[lo..hi].iter_mut() {
        let v = *l + c;
        c = v >> BITS; // arithmetic shift: floor division, so negative carries work
        *l = v & MASK;
    }
    limbs[hi] += c;
    while hi + 1 < limbs.len() && !(-(1 << BITS)..(1 << BITS)).contains(&limbs[hi]) {
        let v = limbs[hi];
        limbs[hi] = v & MASK;
        hi += 1;
        limbs[hi] += v >> BITS;
    }
    hi
}

/// Rounds `(mag·2⁻¹⁰⁷⁴) / n` to f64 (`n > 0`) and applies the sign.
fn round_ratio(mag: &Magnitude, n: u64) -> f64 {
    let sign = |v: f64| if mag.negative { -v } else { v };
    let Some(top) = mag.top() else {
        return 0.0;
    };
    // Every limb is below 2³² except possibly the last one (LIMBS − 1), which the u128
    // window below cannot take. If it is ≥ 2³², the sum is ≥ 2²¹⁷⁶ units = 2¹¹⁰²,
    // still ≥ 2¹⁰³⁸ after dividing by any n < 2⁶⁴: infinite either way. (Unreachable
    // in practice: it takes more than 2⁷⁰ maximal doubles.)
    if mag.limb(top) >= 1 << BITS {
        return sign(f64::INFINITY);
    }
    // Long division from the top limb down, keeping four quotient limbs from the first
    // non-zero one (≥ 97 significant bits: 53 for the result, one rounding bit, and the
    // rest only matter as "non-zero"). Everything below is summarised as sticky.
    let n128 = u128::from(n);
    let mut rem: u128 = 0;
    let mut q: u128 = 0;
    let mut taken = 0;
    let mut low = 0usize; // limb index of q's least significant limb
    for j in (0..=top).rev() {
        let cur = (rem << BITS) | mag.limb(j) as u128;
        let (d, r) = if n == 1 {
            (cur, 0)
        } else if n <= u64::from(u32::MAX) {
            // rem < n < 2³², so cur < 2⁶⁴: a machine division, not a 128-bit one.
            let (c, n) = (cur as u64, n);
            (u128::from(c / n), u128::from(c % n))
        } else {
            (cur / n128, cur % n128)
        };
        rem = r;
        if taken > 0 || d != 0 {
            q = (q << BITS) | d;
            taken += 1;
        }
        low = j;
        if taken == 4 {
            break;
        }
    }
    let (frac_half, frac_sticky) = if low == 0 {
        // q is the integer part in units; the remainder is the exact fraction rem/n.
        let twice = rem * 2;
        (twice >= n128, rem != 0 && twice != n128)
    } else {
        // q has ≥ 97 bits, so the rounding bit lies inside q; the rest is sticky only.
        let below = rem != 0 || (mag.base..low).any(|j| mag.limb(j) != 0);
        (false, below)
    };
    let bits = round_bits(q, low as u32 * BITS, frac_half, frac_sticky);
    sign(f64::from_bits(bits))
}

/// Bit pattern of the non-negative double nearest to `(q + f)·2^(shift − 1074)`, where
/// the fraction `f ∈ [0, 1)` is described by `half` (f ≥ ½) and `sticky` (f ∉ {0, ½}).
/// When `shift > 0`, `q` must have more than 54 bits.
fn round_bits(q: u128, shift: u32, half: bool, sticky: bool) -> u64 {
    let width = 128 - q.leading_zeros();
    if width + shift <= 53 {
        // Exact in units of 2⁻¹⁰⁷⁴: a double whose significand is q at the lowest
        // exponent has exactly q as its bit pattern (subnormal, or normal with biased
        // exponent 1 when bit 52 is set); rounding up to 2⁵³ is still valid.
        let mant = q as u64;
        let up = half && (sticky || mant & 1 == 1);
        return mant + u64::from(up);
    }
    let s = width - 53;
    let mant = (q >> s) as u64;
    let rest = q & ((1u128 << s) - 1);
    let half_bit = 1u128 << (s - 1);
    let round_half = rest & half_bit != 0;
    let round_sticky = rest & (half_bit - 1) != 0 || half || sticky;
    let up = round_half && (round_sticky || mant & 1 == 1);
    // value = mant·2^(e − 1074) with bit 52 of mant set: the bit pattern is e·2⁵² + mant
    // (the hidden bit adds one to the exponent field). A carry of the rounding into
    // bit 53 bumps the exponent field the same way.
    let e = u64::from(s + shift);
    if e >= 2046 {
        return INF_BITS;
    }
    ((e << 52) + mant + u64::from(up)).min(INF_BITS)
}

/// Serialised form: sign and trimmed magnitude limbs of the normalised sum.
#[derive(Serialize, Deserialize)]
struct ExactSumRepr {
    negative: bool,
    magnitude: Vec<u32>,
    pos_inf: u64,
    neg_inf: u64,
    nan: u64,
}

impl From<ExactSum> for ExactSumRepr {
    fn from(s: ExactSum) -> ExactSumRepr {
        let mag = s.magnitude();
        let len = mag.top().map_or(0, |t| t + 1);
        ExactSumRepr {
            negative: mag.negative && len > 0,
            // Normalised magnitude limbs are in [0, 2³²) (see `round_ratio` for the
            // unreachable exception, which would be truncated here).
            magnitude: (0..len).map(|j| mag.limb(j) as u32).collect(),
            pos_inf: s.pos_inf,
            neg_inf: s.neg_inf,
            nan: s.nan,
        }
    }
}

impl From<ExactSumRepr> for ExactSum {
    /// Never fails: extra limbs beyond [`LIMBS`] (only in hand-made input) are dropped.
    fn from(r: ExactSumRepr) -> ExactSum {
        let mut s = ExactSum::new();
        let limbs = &r.magnitude[..r.magnitude.len().min(LIMBS)];
        if let (Some(lo), Some(hi)) = (
            limbs.iter().position(|&m| m != 0),
            limbs.iter().rposition(|&m| m != 0),
        ) {
            s.base = lo as u8;
            s.win = limbs[lo..=hi]
                .iter()
                .map(|&m| {
                    if r.negative {
                        -i64::from(m)
                    } else {
                        i64::from(m)
                    }
                })
                .collect();
            s.carry();
        }
        s.pos_inf = r.pos_inf;
        s.neg_inf = r.neg_inf;
        s.nan = r.nan;
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sum_of(xs: &[f64]) -> ExactSum {
        let mut s = ExactSum::new();
        for &x in xs {
            s.add(x);
        }
        s
    }

    /// 2^e as a double, subnormal powers included.
    fn pow2(e: i32) -> f64 {
        if e >= -1022 {
            f64::from_bits(((e + 1023) as u64) << 52)
        } else {
            f64::from_bits(1 << (e + 1074))
        }
    }

    // Expected values below come from exact rational arithmetic (Python `fractions`).
    #[test]
    fn sums_exactly_and_rounds_once() {
        assert_eq!(sum_of(&[0.1, 0.2, 0.3]).value(), 0.6);
        assert_eq!(sum_of(&[1e308, 1e308, -1e308]).value(), 1e308);
        assert_eq!(sum_of(&[1.0, 1e100, 1.0, -1e100]).value(), 2.0);
        assert_eq!(sum_of(&[0.1; 10]).value(), 1.0);
        assert_eq!(sum_of(&[1e-320, -3e-321, 7e-322]).value(), 7.702e-321);
        assert_eq!(sum_of(&[0.1, 0.7, 1e-3, 123.456]).value(), 124.257);
        assert_eq!(sum_of(&[]).value(), 0.0);
        assert_eq!(sum_of(&[-2.5]).value(), -2.5);
        assert_eq!(sum_of(&[f64::MAX]).value(), f64::MAX);
        assert_eq!(sum_of(&[f64::MIN_POSITIVE]).value(), f64::MIN_POSITIVE);
        assert_eq!(sum_of(&[5e-324, 5e-324]).value(), 1e-323);
    }

    #[test]
    fn ties_round_to_even() {
        let big = pow2(53);
        // 2^53 + 1 is a tie between 2^53 and 2^53 + 2: even wins.
        assert_eq!(sum_of(&[big, 1.0]).value(), big);
        // 2^53 + 3 is a tie between 2^53 + 2 and 2^53 + 4: even (…4) wins.
        assert_eq!(sum_of(&[big, 3.0]).value(), big + 4.0);
        // Just above the tie rounds up.
        assert_eq!(sum_of(&[big, 1.0, pow2(-60)]).value(), big + 2.0);
        // Just below rounds down.
        assert_eq!(sum_of(&[big, 1.0, -pow2(-60)]).value(), big);
        assert_eq!(sum_of(&[-big, -1.0, -pow2(-60)]).value(), -big - 2.0);
    }

    #[test]
    fn overflow_rounds_to_infinity_only_past_the_halfway_point() {
        let ulp = pow2(971);
        assert_eq!(sum_of(&[f64::MAX, f64::MAX]).value(), f64::INFINITY);
        assert_eq!(sum_of(&[-f64::MAX, -f64::MAX]).value(), f64::NEG_INFINITY);
        // MAX + ulp/2 is a tie between MAX (odd significand) and 2^1024: rounds up.
        assert_eq!(sum_of(&[f64::MAX, ulp / 2.0]).value(), f64::INFINITY);
        assert_eq!(sum_of(&[f64::MAX, ulp / 4.0]).value(), f64::MAX);
        // But the mean of overflowing sums is finite and exact.
        assert_eq!(sum_of(&[f64::MAX, f64::MAX]).mean(2), f64::MAX);
        assert_eq!(sum_of(&[1e308, 1e308]).mean(2), 1e308);
    }

    #[test]
    fn specials_are_counted_and_removable() {
        let mut s = sum_of(&[1.0, f64::INFINITY]);
        assert_eq!(s.value(), f64::INFINITY);
        s.add(f64::NEG_INFINITY);
        assert!(s.value().is_nan());
        s.sub(f64::INFINITY);
        assert_eq!(s.value(), f64::NEG_INFINITY);
        s.add(f64::NAN);
        assert!(s.value().is_nan());
        s.sub(f64::NAN);
        s.sub(f64::NEG_INFINITY);
        assert_eq!(s.value(), 1.0);
        // Removing something never added does not panic.
        s.sub(f64::NAN);
        assert_eq!(s.value(), 1.0);
    }

    #[test]
    fn zero_is_positive_and_detected() {
        let s = sum_of(&[-0.0, -0.0]);
        assert_eq!(s.value().to_bits(), 0.0f64.to_bits());
        assert!(s.is_zero());
        let mut s = sum_of(&[3.5, -1e300]);
        s.sub(3.5);
        s.add(1e300);
        assert!(s.is_zero());
        assert!(!sum_of(&[f64::NAN]).is_zero());
    }

    #[test]
    fn mean_is_correctly_rounded() {
        assert_eq!(sum_of(&[0.1, 0.2, 0.3]).mean(3), 0.2);
        assert_eq!(sum_of(&[0.1, 0.7, 1e-3, 123.456]).mean(4), 31.06425);
        assert_eq!(sum_of(&[1.0]).mean(3), 1.0 / 3.0);
        assert_eq!(sum_of(&[-2.0]).mean(3), -2.0 / 3.0);
        assert_eq!(sum_of(&[5.0]).mean(u64::MAX), 5.0 / u64::MAX as f64);
        assert!(sum_of(&[1.0]).mean(0).is_nan());
        // Subnormal quotient: 3 units / 2 = 1.5 units, a tie, rounds to even (2 units).
        assert_eq!(sum_of(&[pow2(-1074) * 3.0]).mean(2), pow2(-1073));
        // 1 unit / 2 ties to 0; 1 unit / 3 rounds to 0; 2 units / 3 rounds to 1 unit.
        assert_eq!(sum_of(&[pow2(-1074)]).mean(2), 0.0);
        assert_eq!(sum_of(&[pow2(-1074)]).mean(3), 0.0);
        assert_eq!(sum_of(&[pow2(-1073)]).mean(3), pow2(-1074));
    }

    #[test]
    fn ratio_of_integers() {
        assert_eq!(ratio_i128(5, 3), 5.0 / 3.0);
        assert_eq!(ratio_i128(-5, 3), -5.0 / 3.0);
        assert_eq!(ratio_i128(0, 3), 0.0);
        assert_eq!(ratio_i128(7, 1), 7.0);
        // i64::MAX is 2^63 − 1: the nearest double is 2^63.
        assert_eq!(ratio_i128(i128::from(i64::MAX), 1), pow2(63));
        assert_eq!(ratio_i128(i128::MIN, 1), -pow2(127));
        assert_eq!(ratio_i128(i128::MAX, 2), pow2(126));
        // (2^53 + 1) · 2 / 2 is a tie broken to even.
        assert_eq!(ratio_i128(((1i128 << 53) + 1) * 2, 2), pow2(53));
        assert!(ratio_i128(1, 0).is_nan());
    }

    #[test]
    fn clear_forgets_everything() {
        let mut s = sum_of(&[1e300, -3.5, 2f64.powi(-1070), f64::INFINITY, f64::NAN]);
        s.clear();
        assert_eq!(s, ExactSum::new());
        assert_eq!(s.value(), 0.0);
        s.add(0.1);
        s.add(0.2);
        assert_eq!(s, sum_of(&[0.1, 0.2]));
        assert_eq!(s.win, sum_of(&[0.1, 0.2]).win);
    }

    #[test]
    fn many_operations_propagate_carries() {
        // Far more than CARRY_EVERY operations with maximal high parts.
        let mut s = ExactSum::new();
        let x = f64::from_bits(0x433f_ffff_ffff_ffff); // 2^53 − 1, odd, all bits set
        for _ in 0..100_000 {
            s.add(x);
        }
        assert_eq!(s.value(), 100_000.0 * x);
        for _ in 0..100_000 {
            s.sub(x);
            s.add(-x);
        }
        assert_eq!(s.value(), -100_000.0 * x);
    }

    #[test]
    fn serde_round_trip_is_exact() {
        for xs in [
            vec![0.1, 0.2, -1e300, 5e-324],
            vec![-3.0, f64::INFINITY, f64::NAN],
            vec![],
            vec![-0.5, -1e-310],
        ] {
            let s = sum_of(&xs);
            let json = serde_json::to_string(&s).expect("serialise");
            let back: ExactSum = serde_json::from_str(&json).expect("deserialise");
            assert_eq!(back, s);
            assert_eq!(back.value().to_bits(), s.value().to_bits());
            assert_eq!(serde_json::to_string(&back).expect("serialise"), json);
        }
    }

    proptest! {
        /// Against an exact reference: Σ k·2^e as i128 in units of 2^base, rounded by
        /// the (correctly rounding) i128 → f64 conversion, then scaled by 2^base, which
        /// is exact here (no underflow: the result's unit is ≥ 2^base ≥ 2^-1074) and
        /// overflows to ∞ exactly when the correctly rounded sum does.
        #[test]
        fn sum_matches_i128_reference(
            base in prop::sample::select(vec![-1074, -1040, -600, -30, 0, 400, 940, 964]),
            terms in prop::collection::vec((-(1i64 << 53) + 1..(1i64 << 53), 0..60i32), 0..128),
            reps in 1..12usize,
        ) {
            // Repeated passes, every third one subtracting, so runs cross the carry
            // propagation interval with sums of changing sign.
            let mut s = ExactSum::new();
            let mut exact: i128 = 0;
            for r in 0..reps {
                for &(k, e) in &terms {
                    if base + e + 53 > 1024 {
                        continue;
                    }
                    let x = k as f64 * pow2(base + e);
                    if r % 3 == 2 {
                        s.sub(x);
                        exact -= i128::from(k) << e;
                    } else {
                        s.add(x);
                        exact += i128::from(k) << e;
                    }
                }
            }
            let expect = exact as f64 * pow2(base);
            prop_assert_eq!(s.value().to_bits(), expect.to_bits());
        }

        /// The mean against IEEE division, which is correctly rounded when the exact
        /// sum and n are exact doubles.
        #[test]
        fn mean_matches_ieee_division(
            base in prop::sample::select(vec![-1074, -30, 0, 900]),
            terms in prop::collection::vec((-(1i64 << 16)..(1i64 << 16), 0..30i32), 1..64),
        ) {
            let mut s = ExactSum::new();
            let mut exact: i128 = 0;
            for &(k, e) in &terms {
                s.add(k as f64 * pow2(base + e));
                exact += i128::from(k) << e;
            }
            let n = terms.len() as u64;
            let expect = if base == -1074 {
                // Subnormal range: the result rounds at the unit 2^-1074, so round the
                // integer quotient (ties to even) with integer arithmetic; |units| < 2^52
                // is exact as a double, and so is the scaling.
                let d = i128::from(n);
                let (q, r) = (exact.div_euclid(d), exact.rem_euclid(d));
                let up = 2 * r > d || (2 * r == d && q % 2 != 0);
                (q + i128::from(up)) as f64 * pow2(base)
            } else {
                // |exact| < 2^52 and n are exact doubles, so IEEE division is correctly
                // rounded, and scaling by 2^base is exact in the normal range.
                exact as f64 / n as f64 * pow2(base)
            };
            prop_assert_eq!(s.mean(n).to_bits(), expect.to_bits());
        }

        /// Arbitrary doubles (NaN, ±∞, subnormals included): any order gives the same
        /// bits, and adding then removing extras restores them.
        #[test]
        fn order_independent(
            xs in prop::collection::vec(any::<f64>(), 0..64),
            extra in prop::collection::vec(any::<f64>(), 0..16),
            perm in any::<prop::sample::Index>(),
        ) {
            let a = sum_of(&xs);
            let mut shuffled = xs.clone();
            shuffled.reverse();
            let len = shuffled.len();
            if len > 1 {
                shuffled.rotate_left(perm.index(len));
            }
            let mut b = ExactSum::new();
            for (i, &x) in shuffled.iter().enumerate() {
                b.add(x);
                if let Some(&y) = extra.get(i) {
                    b.add(y);
                }
            }
            for &y in extra.iter().rev() {
                b.sub(y);
            }
            // `shuffled` may be shorter than `extra`: the leftovers were never added.
            for &y in extra.iter().skip(len) {
                b.add(y);
            }
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(a.value().to_bits(), b.value().to_bits());
            for n in [1u64, 3, 7] {
                prop_assert_eq!(a.mean(n).to_bits(), b.mean(n).to_bits());
            }
        }
    }
}
