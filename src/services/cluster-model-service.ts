/**
 * Loads a cluster model from manifest files and directories (recursively: .yaml, .yml,
 * .json). Unreadable files and invalid objects become located errors; the rest is used.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { buildClusterModel, type ClusterModel, type ModelError } from '../domain/netpol/index.js';
import { emptyCollection, readManifestText } from '../formats/k8s-manifests/index.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface LoadedClusterModel {
  model: ClusterModel;
  /** Every problem, located by file, document, item and field path. */
  errors: ModelError[];
  /** Objects of kinds the engine does not read, counted by `apiVersion/kind`. */
  skipped: Record<string, number>;
  /** Files read, in reading order. */
  files: string[];
}

async function expand(path: string, errors: ModelError[]): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    errors.push({
      origin: { file: path },
      path: '',
      message: `cannot read: ${(err as Error).message}`,
    });
    return [];
  }
  if (info.isFile()) return [path];
  if (!info.isDirectory()) return [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const out: string[] = [];
  for (const e of entries) {
    const child = join(path, e.name);
    if (e.isDirectory()) out.push(...(await expand(child, errors)));
    else if (e.isFile() && MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(child);
  }
  return out;
}

/**
 * @example
 * const { model, errors, skipped } = await loadClusterModel(['deploy/', 'extra/np.yaml']);
 */
export async function loadClusterModel(paths: readonly string[]): Promise<LoadedClusterModel> {
  const errors: ModelError[] = [];
  const collected = emptyCollection();
  const files: string[] = [];
  for (const p of paths) {
    for (const file of await expand(p, errors)) {
      files.push(file);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        errors.push({
          origin: { file },
          path: '',
          message: `cannot read: ${(err as Error).message}`,
        });
        continue;
      }
      readManifestText(text, file, collected);
    }
  }
  const built = buildClusterModel(collected.input);
  return {
    model: built.model,
    errors: [...errors, ...collected.errors, ...built.errors],
    skipped: collected.skipped,
    files,
  };
}

/** `file (document 2, items[3]): NetworkPolicy ns/name spec.x: message`; documents 1-based. */
export function formatModelError(e: ModelError): string {
  const place = [
    e.origin?.document !== undefined ? `document ${e.origin.document + 1}` : '',
    e.origin?.item !== undefined ? `items[${e.origin.item}]` : '',
  ].filter((s) => s);
  const where = `${e.origin?.file ?? '<input>'}${place.length > 0 ? ` (${place.join(', ')})` : ''}`;
  const what = [e.object, e.path].filter((s) => s).join(' ');
  return `${where}: ${what ? `${what}: ` : ''}${e.message}`;
}
