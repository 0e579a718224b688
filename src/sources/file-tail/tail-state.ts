/**
 * Where a file tail stopped: the file's identity (device and inode), the byte offset of the
 * first byte not yet delivered, and the last bytes before it. The fingerprint recognises a
 * file that was truncated and has grown again past the offset (copytruncate), and finds the
 * rotated copy holding the bytes we had not read yet.
 */
import { closeSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';

export interface TailState {
  dev: number;
  ino: number;
  offset: number;
  /** Base64 of up to FINGERPRINT_BYTES bytes ending at `offset`. */
  fingerprint: string;
}

export const FINGERPRINT_BYTES = 128;

export function loadTailState(path: string): TailState | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<TailState>;
    if (
      typeof o.dev === 'number' &&
      typeof o.ino === 'number' &&
      typeof o.offset === 'number' &&
      typeof o.fingerprint === 'string'
    ) {
      return { dev: o.dev, ino: o.ino, offset: o.offset, fingerprint: o.fingerprint };
    }
  } catch {
    // Missing or unreadable state: start from the current end policy of the caller.
  }
  return null;
}

/** Written to a temporary file and renamed, so a crash leaves the old or the new state. */
export function saveTailState(path: string, state: TailState): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}

/** Whether the bytes before `offset` in the file at `fd` equal the fingerprint. */
export function fingerprintMatches(fd: number, offset: number, fingerprint: string): boolean {
  const want = Buffer.from(fingerprint, 'base64');
  if (want.length === 0) return true;
  if (offset < want.length) return false;
  const got = Buffer.alloc(want.length);
  const n = readSync(fd, got, 0, want.length, offset - want.length);
  return n === want.length && got.equals(want);
}

export function fingerprintOfFile(path: string, offset: number, fingerprint: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    return fingerprintMatches(fd, offset, fingerprint);
  } finally {
    closeSync(fd);
  }
}
