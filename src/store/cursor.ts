/** Opaque keyset cursor over (time, id), newest first. */
import { InvalidQueryError } from './flow-store.js';

export interface CursorPosition {
  time: number;
  id: number;
}

export function encodeCursor(pos: CursorPosition): string {
  return Buffer.from(`${pos.time}:${pos.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(-?\d{1,16}):(\d{1,16})$/.exec(text);
  if (!m) throw new InvalidQueryError('malformed page cursor');
  return { time: Number(m[1]), id: Number(m[2]) };
}
