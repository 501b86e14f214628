// Thresholds with a separate recovery level (hysteresis) and escalating steps: a quota alert
// that fires at 90 % clears only below 85 %, and 80 % → 100 % raises one alert's severity.
import type { Severity } from '../rules/alert-store.js';

export interface Step {
  /** The step is reached at or above this value… */
  at: number;
  /** …and left only below this one (default `at`: no hysteresis). */
  clearBelow?: number;
  severity: Severity;
}

/**
 * The step that holds for `value`, given the step held before (`previous`, an index into
 * `steps`, which are sorted by `at` ascending); -1 when none holds. A step is entered at its
 * `at` and kept until the value falls below its `clearBelow`. Undefined `value` (unknown
 * data) keeps the previous step: unknown is not clear.
 */
export function stepOf(value: number | undefined, steps: readonly Step[], previous = -1): number {
  if (value === undefined || !Number.isFinite(value)) return previous;
  let reached = -1;
  for (let i = 0; i < steps.length; i++) if (value >= steps[i].at) reached = i;
  // Stay on a higher step until its recovery level is crossed.
  for (let i = previous; i > reached; i--) if (value >= (steps[i].clearBelow ?? steps[i].at)) return i;
  return reached;
}

/** One threshold with a recovery level: active at `fireAt` and above, until below `clearBelow`. */
export function hysteresis(value: number | undefined, fireAt: number, clearBelow: number, wasActive: boolean): boolean | 'unknown' {
  if (value === undefined || !Number.isFinite(value)) return 'unknown';
  return wasActive ? value >= clearBelow : value >= fireAt;
}
