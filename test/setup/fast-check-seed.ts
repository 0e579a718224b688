/**
 * Property tests draw from a fixed seed in the short (CI) form, so a run can be repeated and a
 * rare input cannot make one CI run fail and the next pass. `NETSEC_FUZZ_SEED` picks another
 * seed (fast-check prints the seed of a failing property); the long form
 * (`NETSEC_FUZZ_RUNS`) draws a new one each run unless a seed is given.
 */
import fc from 'fast-check';

const CI_SEED = 20_261_127;
const given = Number(process.env.NETSEC_FUZZ_SEED);
const seed = Number.isInteger(given) && process.env.NETSEC_FUZZ_SEED !== '' ? given : undefined;
if (seed !== undefined || !process.env.NETSEC_FUZZ_RUNS) {
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: seed ?? CI_SEED });
}
