/**
 * Long synchronous work on the main thread, cut into slices: `await pace()` between units of
 * work yields to the event loop once the current slice has run `sliceMs`, so requests and
 * ingest waiting behind it are served in between.
 * @example
 * const pace = pacer(20);
 * for (const group of groups) { handle(group); await pace(); }
 */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function pacer(sliceMs: number): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await yieldToLoop();
    sliceStart = performance.now();
  };
}
