import type { QuorumRule } from '../contracts/meetings';

/** Whether `count` out of `base` meets the rule (`count·den > num·base`, or `>=` when inclusive). */
export function quorumMet(count: number, base: number, rule: QuorumRule): boolean {
  const left = count * rule.denominator;
  const right = rule.numerator * base;
  return rule.inclusive ? left >= right : left > right;
}

/**
 * The fewest of `base` that meet the rule; it may exceed `base` (a strict rule over an empty
 * base cannot be met).
 */
export function quorumRequired(base: number, rule: QuorumRule): number {
  const product = rule.numerator * base;
  return rule.inclusive
    ? Math.ceil(product / rule.denominator)
    : Math.floor(product / rule.denominator) + 1;
}
