/**
 * OpenSkill's `predictDraw` (openskill 5, default model options: beta = 25/6, no team balancing)
 * without its per-call overhead: the matcher computes one quality per proposed match, i.e. up to
 * thousands per tick, and the library's version (ramda pipelines, the draw margin recomputed on
 * every call) costs about 3 us each: 15 ms for the 5,000 matches of a 10k-ticket duel tick. Same
 * formula and the same erf; test/unit/matchmaking/draw-probability.test.ts checks it against the
 * library to 1e-12.
 *
 * predictDraw(teams): with n players in all, draw margin m = sqrt(n) * beta * Phi^-1((1 + 1/n) / 2);
 * for each pair of teams (A, B) with mu sums muA, muB and sigma^2 sums sA, sB:
 *   c = sqrt(n * beta^2 + sA + sB),  p(A, B) = Phi((m - muA + muB) / c) - Phi((muB - muA - m) / c)
 * and the result is the mean of p over all pairs (for two teams, the probability of a draw).
 */

const BETA = 25 / 6;
const BETASQ = BETA ** 2;
const SQRT_2 = Math.sqrt(2);

/** Team totals in OpenSkill's sense: sum of mu, sum of sigma^2 (summed in player order). */
export interface TeamTotals {
  mu: number;
  sigSq: number;
}

export function teamTotals(players: readonly { mu: number; sigma: number }[]): TeamTotals {
  let mu = 0;
  let sigSq = 0;
  for (const p of players) {
    mu += p.mu;
    sigSq += p.sigma * p.sigma;
  }
  return { mu, sigSq };
}

const marginCache = new Map<number, number>();

/** OpenSkill's draw margin for `totalPlayers` players in the match. */
export function drawMargin(totalPlayers: number): number {
  let margin = marginCache.get(totalPlayers);
  if (margin === undefined) {
    const p = (1 + 1 / totalPlayers) / 2;
    margin = Math.sqrt(totalPlayers) * BETA * (SQRT_2 * erfinv(2 * p - 1));
    marginCache.set(totalPlayers, margin);
  }
  return margin;
}

/** Equals openskill's predictDraw(teams) for teams with these totals and `totalPlayers` players. */
export function drawProbability(teams: readonly TeamTotals[], totalPlayers: number): number {
  const margin = drawMargin(totalPlayers);
  const base = totalPlayers * BETASQ;
  let total = 0;
  let count = 0;
  for (let i = 0; i < teams.length; i++) {
    const a = teams[i]!;
    for (let j = i + 1; j < teams.length; j++) {
      const b = teams[j]!;
      const c = Math.sqrt(base + a.sigSq + b.sigSq);
      total += phi((margin - a.mu + b.mu) / c) - phi((b.mu - a.mu - margin) / c);
      count += 1;
    }
  }
  return total / count;
}

/** Standard normal CDF. */
export function phi(x: number): number {
  return 0.5 * (1 + erf(x / SQRT_2));
}

/**
 * Inverse error function on (-1, 1) by Newton's method on erf (converges to the last bit or two
 * in a handful of steps; only used once per match size).
 */
export function erfinv(y: number): number {
  if (Number.isNaN(y) || y <= -1 || y >= 1) {
    if (y === 1) return Infinity;
    if (y === -1) return -Infinity;
    return NaN;
  }
  if (y === 0) return y;
  // Initial guess (Giles' single-precision approximation is more than enough to start from).
  const w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    const t = w - 2.5;
    let p = 2.81022636e-8;
    p = 3.43273939e-7 + p * t;
    p = -3.5233877e-6 + p * t;
    p = -4.39150654e-6 + p * t;
    p = 0.00021858087 + p * t;
    p = -0.00125372503 + p * t;
    p = -0.00417768164 + p * t;
    p = 0.246640727 + p * t;
    p = 1.50140941 + p * t;
    x = p * y;
  } else {
    const t = Math.sqrt(w) - 3;
    let p = -0.000200214257;
    p = 0.000100950558 + p * t;
    p = 0.00134934322 + p * t;
    p = -0.00367342844 + p * t;
    p = 0.00573950773 + p * t;
    p = -0.0076224613 + p * t;
    p = 0.00943887047 + p * t;
    p = 1.00167406 + p * t;
    p = 2.83297682 + p * t;
    x = p * y;
  }
  const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  for (let i = 0; i < 8; i++) {
    const step = (erf(x) - y) / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
    x -= step;
    if (Math.abs(step) <= 1e-17 * Math.abs(x)) break;
  }
  return x;
}

// erf: FreeBSD's s_erf.c (Sun fdlibm, "Copyright (C) 1993 by Sun Microsystems, Inc. Permission to
// use, copy, modify, and distribute this software is freely granted, provided that this notice is
// preserved."), as ported to JavaScript by stdlib (@stdlib/math-base-special-erf, Apache-2.0),
// which is what openskill uses. Same coefficients and branches, so the same results.

const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
const EFX8 = 1.02703333676410069053;
const PPC = 1.28379167095512558561e-1;
const PAC = -2.36211856075265944077e-3;
const RAC = -9.86494403484714822705e-3;
const RBC = -9.86494292470009928597e-3;
const TINY = 1.0e-300;
const VERY_TINY = 2.848094538889218e-306;
const SMALL = 3.725290298461914e-9;

const polyPP = (x: number) =>
  -0.3250421072470015 + x * (-0.02848174957559851 + x * (-0.005770270296489442 + x * -0.000023763016656650163));
const polyQQ = (x: number) =>
  0.39791722395915535 + x * (0.0650222499887673 + x * (0.005081306281875766 + x * (0.00013249473800432164 + x * -0.000003960228278775368)));
const polyPA = (x: number) =>
  0.41485611868374833 +
  x * (-0.3722078760357013 + x * (0.31834661990116175 + x * (-0.11089469428239668 + x * (0.035478304325618236 + x * -0.002166375594868791))));
const polyQA = (x: number) =>
  0.10642088040084423 +
  x * (0.540397917702171 + x * (0.07182865441419627 + x * (0.12617121980876164 + x * (0.01363708391202905 + x * 0.011984499846799107))));
const polyRA = (x: number) =>
  -0.6938585727071818 +
  x *
    (-10.558626225323291 +
      x * (-62.375332450326006 + x * (-162.39666946257347 + x * (-184.60509290671104 + x * (-81.2874355063066 + x * -9.814329344169145)))));
const polyRB = (x: number) =>
  -0.799283237680523 +
  x * (-17.757954917754752 + x * (-160.63638485582192 + x * (-637.5664433683896 + x * (-1025.0951316110772 + x * -483.5191916086514))));
const polySA = (x: number) =>
  19.651271667439257 +
  x *
    (137.65775414351904 +
      x *
        (434.56587747522923 +
          x * (645.3872717332679 + x * (429.00814002756783 + x * (108.63500554177944 + x * (6.570249770319282 + x * -0.0604244152148581))))));
const polySB = (x: number) =>
  30.33806074348246 +
  x *
    (325.7925129965739 +
      x * (1536.729586084437 + x * (3199.8582195085955 + x * (2553.0504064331644 + x * (474.52854120695537 + x * -22.44095244658582)))));

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the low 32-bit word of a float64 on this machine. */
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** `x` with the low 32 bits of its significand cleared. */
function clearLowWord(x: number): number {
  F64[0] = x;
  U32[LOW] = 0;
  return F64[0]!;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return -1;
  if (x === 0) return x;
  const sign = x < 0;
  const ax = sign ? -x : x;
  if (ax < 0.84375) {
    if (ax < SMALL) {
      if (ax < VERY_TINY) return 0.125 * (8.0 * x + EFX8 * x);
      return x + EFX * x;
    }
    const z = x * x;
    // stdlib's polyval returns its constant term exactly at 0; z > 0 here.
    const r = PPC + z * polyPP(z);
    const s = 1.0 + z * polyQQ(z);
    return x + x * (r / s);
  }
  if (ax < 1.25) {
    const s = ax - 1.0;
    const p = PAC + s * polyPA(s);
    const q = 1.0 + s * polyQA(s);
    return sign ? -ERX - p / q : ERX + p / q;
  }
  if (ax >= 6.0) return sign ? TINY - 1.0 : 1.0 - TINY;
  let s = 1.0 / (ax * ax);
  let r: number;
  if (ax < 2.857142857142857) {
    r = RAC + s * polyRA(s);
    s = 1.0 + s * polySA(s);
  } else {
    r = RBC + s * polyRB(s);
    s = 1.0 + s * polySB(s);
  }
  const z = clearLowWord(ax);
  r = Math.exp(-(z * z) - 0.5625) * Math.exp((z - ax) * (z + ax) + r / s);
  return sign ? r / ax - 1.0 : 1.0 - r / ax;
}
