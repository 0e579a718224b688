/**
 * YAML documents with a nesting limit, checked before anything recursive runs.
 *
 * The `yaml` package parses and composes nested collections recursively. A document nested
 * several hundred levels deep (`- - - - … x` on one line is enough) takes it to the edge of the
 * call stack. That alone would be a `RangeError` the package catches; but a regular expression
 * that V8 first compiles there (the package's scalar folding, or its error path) ends the whole
 * process with `FATAL ERROR: RegExpCompiler Allocation failed`, which no `catch` sees. Whether
 * it happens depends on which expressions are compiled at that moment, so it is intermittent.
 * Here, in a fresh process, 786 nested flow mappings were too deep (compact block sequences:
 * 935).
 *
 * The package's lexer keeps no stack, so this module reads each document's tokens first and
 * bounds its depth from them: a block collection starts at a column where a line's content
 * starts, nested ones start further right (a sequence may share its parent mapping's column,
 * so at most two per column), and flow collections are counted as they open. The bound is
 * twice the distinct columns plus the deepest flow nesting; a document whose bound passes
 * `2 × YAML_MAX_DEPTH + 2` (258) is not composed. So none deeper than 258 reaches the
 * recursive code, and every document up to {@link YAML_MAX_DEPTH} levels deep is read, unless
 * its block content starts at more than 129 different columns: YAML lets each nested mapping
 * choose its own indentation, and the bound counts columns, not levels. A refused document comes back empty,
 * with a `RESOURCE_EXHAUSTION` error that names its line and column; the other documents, and
 * every line number, stay as they were.
 */
import {
  CST,
  type Document,
  type DocumentOptions,
  Lexer,
  LineCounter,
  parseAllDocuments,
  type ParseOptions,
  type SchemaOptions,
  YAMLParseError,
} from 'yaml';

/** Every document nested up to this many collections deep is read. */
export const YAML_MAX_DEPTH = 128;

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

interface Refused {
  /** Where the bound passed the limit. */
  at: number;
  /** The document's content, replaced by a null scalar before composing. */
  from: number;
  to: number;
}

/**
 * `parseAllDocuments`, except that a document whose depth bound passes `2 × maxDepth + 2` is
 * not composed: it comes back empty, with an error where the bound passed. Every document up to
 * `maxDepth` deep is read.
 * @example parseYamlDocuments('a: 1\n---\nb: 2\n')  // two documents
 */
export function parseYamlDocuments(
  text: string,
  options: YamlOptions = {},
  maxDepth = YAML_MAX_DEPTH,
): Document.Parsed[] {
  const refused = tooDeep(text, 2 * maxDepth + 2);
  if (refused.length === 0) return asList(parseAllDocuments(text, options));

  // Blank each refused document's content (newlines kept, so every other position and line
  // stays) and write `~` where it started, so the document is still there, as null.
  let blanked = '';
  let last = 0;
  for (const r of refused) {
    const body = text.slice(r.from + 1, r.to).replace(/[^\n]/g, ' ');
    blanked += `${text.slice(last, r.from)}~${body}`;
    last = r.to;
  }
  blanked += text.slice(last);
  const docs = asList(parseAllDocuments(blanked, options));
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  for (const r of refused) {
    const pos = lines.linePos(r.at);
    const message = `nested too deeply at line ${pos.line}, column ${pos.col} (up to ${maxDepth} levels are read)`;
    const doc = docs.find((d) => d.range[0] <= r.from && r.from <= d.range[2]);
    // Never let a refused document pass as an empty one.
    if (!doc) throw new Error(message);
    const error = new YAMLParseError([r.at, r.at + 1], 'RESOURCE_EXHAUSTION', message);
    error.linePos = [pos];
    doc.errors.unshift(error);
  }
  return docs;
}

function asList(docs: ReturnType<typeof parseAllDocuments>): Document.Parsed[] {
  return Array.isArray(docs) ? (docs as Document.Parsed[]) : [];
}

interface Doc {
  from: number;
  columns: Set<number>;
  flow: number;
  maxFlow: number;
  at?: number;
}

/** The documents whose depth bound passes `limit`, read from the lexer's tokens. */
function tooDeep(text: string, limit: number): Refused[] {
  const out: Refused[] = [];
  let doc: Doc | undefined;
  let offset = 0;
  let lineStart = 0;
  let atLineStart = true;
  let scalarSource = false;
  const close = (to: number) => {
    if (doc?.at !== undefined) out.push({ at: doc.at, from: doc.from, to });
    doc = undefined;
  };
  const content = (start: number, flowChange: number): void => {
    doc ??= { from: start, columns: new Set(), flow: 0, maxFlow: 0 };
    if (atLineStart && doc.flow === 0) doc.columns.add(start - lineStart);
    doc.flow = Math.max(0, doc.flow + flowChange);
    doc.maxFlow = Math.max(doc.maxFlow, doc.flow);
    if (2 * doc.columns.size + doc.maxFlow > limit) doc.at ??= start;
  };
  for (const token of new Lexer().lex(text)) {
    const start = offset;
    const type: string | null = scalarSource ? 'scalar-source' : CST.tokenType(token);
    scalarSource = type === 'scalar';
    // Control tokens the lexer adds; they stand for no source text.
    if (type === 'scalar' || type === 'doc-mode') continue;
    if (type === 'flow-error-end') {
      if (doc) doc.flow = 0;
      continue;
    }
    offset += token.length;
    switch (type) {
      case 'doc-start':
      case 'doc-end':
      case 'directive-line':
        close(start);
        break;
      case 'space':
      case 'comment':
      case 'byte-order-mark':
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        content(start, 0);
        break; // an indicator keeps the line open for a compact collection after it
      case 'flow-map-start':
      case 'flow-seq-start':
        content(start, 1);
        atLineStart = false;
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        content(start, -1);
        atLineStart = false;
        break;
      default:
        if (type !== 'newline') content(start, 0);
        atLineStart = false;
    }
    const newline = token.lastIndexOf('\n');
    if (newline !== -1) {
      lineStart = start + newline + 1;
      atLineStart = lineStart === offset;
    }
  }
  close(offset);
  return out;
}

/** An error's first line, without the colon that introduces the package's source excerpt. */
export function yamlErrorText(error: Error): string {
  return (error.message.split('\n')[0] ?? '').replace(/:$/, '');
}

/**
 * A text that must hold one YAML document (a configuration or options file): its value, or
 * every problem found (each error's first line; more than one document is a problem too).
 * @example readOneYamlDocument('a: 1\n')  // { value: { a: 1 }, problems: [] }
 */
export function readOneYamlDocument(
  text: string,
  options: YamlOptions = {},
): { value: unknown; problems: string[] } {
  const docs = parseYamlDocuments(text, options);
  const problems = docs.flatMap((d) => d.errors).map(yamlErrorText);
  if (docs.length > 1) problems.push(`holds ${docs.length} YAML documents where one is expected`);
  return { value: problems.length > 0 ? undefined : docs[0]?.toJS(), problems };
}
