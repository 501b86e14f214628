// Property tests (fast-check) run from one seed, so that a run can be repeated exactly: CI is
// deterministic, and a failure there fails the same way on a developer's machine.
// PANTAU_FC_SEED=N runs another seed; PANTAU_FC_SEED=random a new one each run (to explore,
// locally; a failure prints its seed and path to pass back as N).
import fc from 'fast-check';

const seed = process.env.PANTAU_FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20_261_203 : Number(seed) });
