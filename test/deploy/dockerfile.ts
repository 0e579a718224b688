/** A small Dockerfile reader for the deployment tests. */

export interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Instructions with continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: Instruction | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === null)) return;
    const body = line.endsWith('\\') ? line.slice(0, -1).trim() : line;
    if (pending) pending.args += ` ${body}`;
    else {
      const m = /^([A-Za-z]+)\s+(.*)$/.exec(body);
      if (!m) throw new Error(`line ${i + 1}: not an instruction: ${line}`);
      pending = { op: m[1]!.toUpperCase(), args: m[2]!, line: i + 1 };
    }
    if (!line.endsWith('\\')) {
      out.push(pending);
      pending = null;
    }
  });
  if (pending) throw new Error('continuation at end of file');
  return out;
}

/** The instructions of each stage, FROM first. */
export function dockerStages(ins: readonly Instruction[]): Instruction[][] {
  return ins.reduce<Instruction[][]>((acc, i) => {
    if (i.op === 'FROM') acc.push([]);
    acc[acc.length - 1]?.push(i);
    return acc;
  }, []);
}
