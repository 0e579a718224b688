/**
 * Splits manifest text into documents: JSON (one value) or YAML (one or more `---`
 * documents). A document that does not parse is reported with its index; the rest are kept.
 */
import type { ModelError } from '../../domain/netpol/index.js';
import { parseYamlDocuments, yamlErrorText } from '../yaml-documents.js';

export interface ParsedDocument {
  index: number;
  value: unknown;
}

export function splitDocuments(
  text: string,
  file?: string,
): { documents: ParsedDocument[]; errors: ModelError[] } {
  const origin = (document: number): ModelError['origin'] => ({
    ...(file !== undefined && { file }),
    document,
  });
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { documents: [{ index: 0, value: JSON.parse(text) }], errors: [] };
    } catch {
      // Not strict JSON (comments, trailing commas, several values): YAML may still read it.
    }
  }
  const documents: ParsedDocument[] = [];
  const errors: ModelError[] = [];
  let docs: ReturnType<typeof parseYamlDocuments>;
  try {
    docs = parseYamlDocuments(text, { prettyErrors: true });
  } catch (err) {
    return {
      documents,
      errors: [{ origin: origin(0), path: '', message: `unreadable: ${String(err)}` }],
    };
  }
  docs.forEach((doc, index) => {
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0]?.line;
      const text = yamlErrorText(first);
      const message = `invalid YAML: ${text}${line && !text.includes('line') ? ` (line ${line})` : ''}`;
      errors.push({ origin: origin(index), path: '', message });
      return;
    }
    try {
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (value !== null && value !== undefined) documents.push({ index, value });
    } catch (err) {
      errors.push({ origin: origin(index), path: '', message: `unreadable: ${String(err)}` });
    }
  });
  return { documents, errors };
}
