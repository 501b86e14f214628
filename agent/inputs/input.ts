// The contract every agent input follows (Telegraf's Gather): constructed with its options
// (no I/O), then gather() once per cycle; close() releases sockets and child processes.
// A failing device or call is reported in the samples (a `poll` sample, a missing field),
// never thrown: one broken thing never fails the cycle.
import type { Assignment } from '../../protocol/assignment.js';
import type { Sample } from '../../protocol/samples.js';

export interface CycleContext {
  /** The cycle's scheduled time, ms since the epoch. */
  ts: number;
  intervalS: number;
  assignment: Assignment;
}

export interface Input {
  readonly name: string;
  gather(ctx: CycleContext): Promise<Sample[]>;
  close?(): Promise<void> | void;
}
