/** Why a chart may miss traffic: a source that does not report the chart's unit. */
export function sourceNote(unit: string, sources: readonly string[]): string {
  return `${unit} not reported by ${sources.join(', ')}: that traffic is not counted here`;
}
