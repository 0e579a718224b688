/**
 * A small real file system for disk-full and read-only tests: an ext4 image, loop-mounted in a
 * temporary directory. Filling it makes the kernel answer ENOSPC; `chattr +i` on the database
 * and its WAL makes every write fail with EPERM, as on a file system gone read-only. Needs root
 * and permission to mount; `mountSmallFs` says why when it cannot.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallFs {
  /** The mount point: put the database here. */
  dir: string;
  /** Writes a filler file until the file system is full (ENOSPC). Returns the bytes written. */
  fill(): number;
  /** Deletes the filler: space returns. */
  free(): void;
  /** `chattr +i` on these files (never on `-shm`: it is memory-mapped, writes to it would SIGBUS). */
  freeze(paths: readonly string[]): void;
  thaw(): void;
  /** Thaws, unmounts and deletes everything. Safe to call twice. */
  dispose(): void;
}

const sh = (cmd: string, args: readonly string[]): string =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

/** Mounts a `sizeMb` ext4 file system, or returns the reason it cannot. */
export function mountSmallFs(sizeMb: number): SmallFs | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: `not Linux (${process.platform})` };
  if (process.getuid?.() !== 0) return { unavailable: 'not running as root (mount needs it)' };
  const base = mkdtempSync(join(tmpdir(), 'netsec-smallfs-'));
  const image = join(base, 'fs.img');
  const dir = join(base, 'mnt');
  try {
    sh('truncate', ['-s', `${sizeMb}M`, image]);
    // -m 0: no blocks reserved for root, who would otherwise still write after "full".
    sh('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
    sh('mkdir', ['-p', dir]);
    sh('mount', ['-o', 'loop', image, dir]);
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr?.trim();
    return { unavailable: `cannot loop-mount an ext4 image: ${stderr || String(err)}` };
  }
  const filler = join(dir, 'filler');
  let frozen: string[] = [];
  let mounted = true;
  const fs: SmallFs = {
    dir,
    fill: () => {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 1);
      let written = 0;
      try {
        for (;;) written += writeSync(fd, chunk);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOSPC') throw err;
      }
      // Whatever is left is smaller than a chunk: take it byte block by byte block.
      try {
        for (;;) written += writeSync(fd, chunk.subarray(0, 1024));
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOSPC') throw err;
      }
      fsyncSync(fd);
      closeSync(fd);
      return written;
    },
    free: () => unlinkSync(filler),
    freeze: (paths) => {
      sh('chattr', ['+i', ...paths]);
      frozen = [...frozen, ...paths];
    },
    thaw: () => {
      if (frozen.length > 0) sh('chattr', ['-i', ...frozen]);
      frozen = [];
    },
    dispose: () => {
      if (!mounted) return;
      try {
        fs.thaw();
      } finally {
        mounted = false;
        try {
          sh('umount', [dir]);
        } catch {
          sh('umount', ['-l', dir]);
        }
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
  return fs;
}
