/**
 * Native NDJSON (FORMATS.md §5): one domain Flow per line with `"v": 1`, validated against the
 * shared zod schema (by its compiled JSON Schema first, see native-validator.ts). Errors name
 * the field path of the first problem.
 */
import { FlowSchema } from '../../api/flow-schema.js';
import type { Flow } from '../../domain/flow.js';
import type { FlowParser, LineOutcome, ParserOptions } from '../parser.js';
import { fail, isBlank, isObject, none, parseJson } from '../wire.js';
import { isValidFlowInPlace } from './native-validator.js';

/** How `toNativeLine` and our collectors begin a line: the version field first. */
const VERSION_PREFIX = '{"v":1,';

/**
 * The happy path of a line that begins with the version field: it is parsed without that
 * field, so the flow object never gets a key only to lose it (a deleted key sends the object
 * to V8's slow dictionary mode, which costs every later read of the flow and more memory).
 * Null whenever the answer could differ from the full path's: bad JSON, a second `v`, or a
 * failed check. The full path then decides, with its message. When `{` + the rest is a valid
 * flow without `v`, the whole line is that flow with `"v":1` in front, so both agree.
 */
function fastFlow(line: string): Flow | null {
  if (!line.startsWith(VERSION_PREFIX)) return null;
  let o: unknown;
  try {
    o = JSON.parse(`{${line.slice(VERSION_PREFIX.length)}`);
  } catch {
    return null;
  }
  if (!isObject(o) || Object.hasOwn(o, 'v')) return null;
  return isValidFlowInPlace(o) ? o : null;
}

class NativeParser implements FlowParser {
  readonly format = 'native' as const;

  constructor(private readonly _options: ParserOptions) {}

  parseLine(line: string, lineNo: number): LineOutcome {
    if (isBlank(line)) return none();
    const fast = fastFlow(line);
    if (fast) return { flows: [fast] };
    const parsed = parseJson(line);
    if (!parsed.ok) return fail(lineNo, undefined, parsed.message);
    const o = parsed.value;
    if (!isObject(o)) return fail(lineNo, undefined, 'expected a JSON object');
    if (o['v'] !== 1) {
      return fail(
        lineNo,
        'v',
        o['v'] === undefined
          ? 'missing format version "v": 1'
          : `unsupported version ${JSON.stringify(o['v'])}`,
      );
    }
    // The compiled check first (and `v` goes with the other unknown keys); zod for the message.
    if (isValidFlowInPlace(o)) return { flows: [o] };
    const r = FlowSchema.safeParse(o);
    if (!r.success) {
      const issue = r.error.issues[0];
      const path = issue?.path.map(String).join('.') ?? '';
      return fail(lineNo, path === '' ? undefined : path, issue?.message ?? 'invalid flow');
    }
    return { flows: [r.data satisfies Flow] };
  }

  finish(): LineOutcome {
    return none();
  }
}

/**
 * Creates a native NDJSON parser.
 * @example
 * createNativeParser({ cluster: 'c' }).parseLine(toNativeLine(flow), 1);
 */
export function createNativeParser(options: ParserOptions): FlowParser {
  return new NativeParser(options);
}
