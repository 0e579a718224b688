/**
 * The fast check of a native flow line (ADR 0007): Ajv's compiled validator for the JSON Schema
 * of the shared zod `FlowSchema`. It checks a freshly parsed object in place and strips the
 * keys the schema does not know (`v` included), as zod would, without building a copy.
 *
 * Zod stays the source of truth: the schema is generated from it, and a line the fast check
 * refuses goes to zod, whose message names the field. A property test holds the two to the
 * same answers (`native-validator.test.ts`).
 */
import type { ValidateFunction } from 'ajv';

import { compileZodCheck } from '../../api/compiled-check.js';
import { FlowSchema } from '../../api/flow-schema.js';
import type { Flow } from '../../domain/flow.js';

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  // strictNumbers: `1e309` parses to Infinity, which zod refuses and Ajv alone would accept.
  compiled = compileZodCheck(FlowSchema, {
    io: 'output',
    removeAdditional: true,
    strictNumbers: true,
  });
  return compiled;
}

/**
 * True when `value` (an object straight from JSON.parse, owned by the caller) is a valid Flow.
 * Keys the schema does not know are removed from it in place either way; zod ignores those
 * too, so after a false it can still be given the same object to say what is wrong.
 */
export function isValidFlowInPlace(
  value: Record<string, unknown>,
): value is Record<string, unknown> & Flow {
  return validator()(value);
}
