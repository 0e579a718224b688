// Flag reading and the median, as the store benchmarks use them.

/** The value after `--name` on the command line, or `dflt`. */
export function flag(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

/** The middle value (the upper of the two middle ones for an even count). */
export function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}
