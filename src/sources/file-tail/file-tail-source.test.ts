import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { SourceBatch, SourceSink } from '../source.js';
import { FileTailSource } from './file-tail-source.js';

function setup(): {
  dir: string;
  path: string;
  state: string;
  got: string[];
  sink: SourceSink;
  keys: string[];
} {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-tail-'));
  const got: string[] = [];
  const keys: string[] = [];
  return {
    dir,
    path: join(dir, 'events.log'),
    state: join(dir, 'tail-state.json'),
    got,
    keys,
    sink: {
      write: async (b: SourceBatch) => {
        got.push(...b.lines);
        if (b.key) keys.push(b.key);
      },
    },
  };
}

const line = (i: number): string =>
  JSON.stringify({
    flow: { time: new Date(Date.UTC(2026, 0, 1) + i).toISOString(), uuid: `u-${i}` },
  });
const lines = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, k) => `${line(from + k)}\n`).join('');
const expected = (n: number): string[] => Array.from({ length: n }, (_, i) => line(i));

describe('file tail', () => {
  it('delivers appended lines once and waits for the end of a partial last line', async () => {
    const t = setup();
    writeFileSync(t.path, lines(0, 3));
    const src = new FileTailSource('f', { path: t.path, statePath: t.state, cluster: 'c' });
    await src.pollOnce(t.sink);
    const half = line(3);
    appendFileSync(t.path, half.slice(0, 10));
    await src.pollOnce(t.sink);
    expect(t.got).toEqual(expected(3));
    appendFileSync(t.path, `${half.slice(10)}\n${lines(4, 6)}`);
    await src.pollOnce(t.sink);
    await src.pollOnce(t.sink);
    expect(t.got).toEqual(expected(6));
    expect(new Set(t.keys).size).toBe(t.keys.length);
    expect(src.health().lastDataAt).toBe(Date.UTC(2026, 0, 1) + 5);
    src.close();
  });

  it('follows rename + create, including lines written to the old file after our last read', async () => {
    const t = setup();
    writeFileSync(t.path, lines(0, 5));
    const src = new FileTailSource('f', { path: t.path, statePath: t.state, cluster: 'c' });
    await src.pollOnce(t.sink);
    appendFileSync(t.path, lines(5, 8));
    renameSync(t.path, `${t.path}.1`);
    writeFileSync(t.path, lines(8, 10));
    await src.pollOnce(t.sink);
    appendFileSync(t.path, lines(10, 12));
    await src.pollOnce(t.sink);
    expect(t.got).toEqual(expected(12));
    src.close();
  });

  it('follows copytruncate, also when the file grew past the old offset before the poll', async () => {
    const t = setup();
    writeFileSync(t.path, lines(0, 5));
    const src = new FileTailSource('f', { path: t.path, statePath: t.state, cluster: 'c' });
    await src.pollOnce(t.sink);
    appendFileSync(t.path, lines(5, 7)); // unread when the copy is taken
    copyFileSync(t.path, `${t.path}.1`);
    truncateSync(t.path, 0);
    appendFileSync(t.path, lines(7, 20)); // longer than before: size alone would miss it
    await src.pollOnce(t.sink);
    expect(t.got).toEqual(expected(20));
    src.close();
  });

  it('resumes after a restart across a rotation that happened while stopped', async () => {
    const t = setup();
    writeFileSync(t.path, lines(0, 4));
    const first = new FileTailSource('f', { path: t.path, statePath: t.state, cluster: 'c' });
    await first.pollOnce(t.sink);
    first.close();
    appendFileSync(t.path, lines(4, 6));
    renameSync(t.path, `${t.path}.1`);
    writeFileSync(t.path, lines(6, 9));
    const second = new FileTailSource('f', { path: t.path, statePath: t.state, cluster: 'c' });
    await second.pollOnce(t.sink);
    await second.pollOnce(t.sink);
    expect(t.got).toEqual(expected(9));
    second.close();
    // A third run with nothing new delivers nothing.
    const third = new FileTailSource('f', { path: t.path, statePath: t.state, cluster: 'c' });
    await third.pollOnce(t.sink);
    expect(t.got).toEqual(expected(9));
    third.close();
  });

  it('does not advance past lines the sink refused', async () => {
    const t = setup();
    writeFileSync(t.path, lines(0, 3));
    const src = new FileTailSource('f', { path: t.path, statePath: t.state, cluster: 'c' });
    await expect(
      src.pollOnce({ write: () => Promise.reject(new Error('store down')) }),
    ).rejects.toThrow('store down');
    await src.pollOnce(t.sink);
    expect(t.got).toEqual(expected(3));
    src.close();
  });

  it('runs as a source until aborted', async () => {
    const t = setup();
    writeFileSync(t.path, lines(0, 2));
    const src = new FileTailSource('f', {
      path: t.path,
      statePath: t.state,
      cluster: 'c',
      pollMs: 5,
    });
    const ac = new AbortController();
    const run = src.start(t.sink, ac.signal);
    appendFileSync(t.path, lines(2, 4));
    const end = Date.now() + 3000;
    while (t.got.length < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await run;
    expect(t.got).toEqual(expected(4));
    expect(src.health().state).toBe('stopped');
  });
});
