/** Kubernetes manifests → NetworkPolicy engine inputs (FORMATS.md §6). */
export type { CollectedObjects } from './read-manifests.js';
export { emptyCollection, readManifestText } from './read-manifests.js';
