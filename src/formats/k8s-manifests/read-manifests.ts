/**
 * Reads Kubernetes manifest text (YAML, multi-document, JSON, `List` kinds as printed by
 * `kubectl get -o yaml`) into the engine's inputs. Never throws on bad input.
 */
import { splitDocuments } from './documents.js';
import { type CollectedObjects, collectObject, emptyCollection } from './objects.js';
import { asArray, asObject, asString } from './wire.js';

export type { CollectedObjects } from './objects.js';
export { emptyCollection } from './objects.js';

/**
 * Reads one file's text and adds its objects to `into` (a new collection by default).
 *
 * @example
 * const got = readManifestText(yamlText, 'deploy/shop.yaml');
 * got.input.policies.length; got.errors; got.skipped; // e.g. { 'v1/Service': 3 }
 */
export function readManifestText(
  text: string,
  file?: string,
  into: CollectedObjects = emptyCollection(),
): CollectedObjects {
  const { documents, errors } = splitDocuments(text, file);
  into.errors.push(...errors);
  for (const doc of documents) {
    const base = { ...(file !== undefined && { file }), document: doc.index };
    const top = asObject(doc.value);
    const kind = asString(top?.kind);
    if (Array.isArray(doc.value)) {
      // A bare JSON array of objects: treat like a List.
      doc.value.forEach((item, i) => collectObject(item, { ...base, item: i }, into));
    } else if (top && kind !== undefined && kind.endsWith('List') && Array.isArray(top.items)) {
      asArray(top.items).forEach((item, i) => collectObject(item, { ...base, item: i }, into));
    } else {
      collectObject(doc.value, base, into);
    }
  }
  return into;
}
