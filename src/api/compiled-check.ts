/**
 * Ajv's compiled validator for the JSON Schema (draft-07) of a zod schema: the fast check on
 * hot paths where zod's cost per value shows, native ingest lines (ADR 0007) and raw rows read
 * back from the stores (ADR 0008). Zod stays the source of truth: the schema is generated from
 * it, and whatever the compiled check refuses goes to zod, whose message names the field.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';

export interface CompiledCheckOptions {
  /**
   * `output` gives objects `additionalProperties: false`, which lets `removeAdditional` strip
   * the keys zod would strip; `input` leaves unknown keys alone.
   */
  io: 'input' | 'output';
  /** Strip unknown keys in place (with `io: 'output'`). */
  removeAdditional?: boolean;
  /** Refuse NaN and ±Infinity, as zod does (values that JSON cannot carry but a database can). */
  strictNumbers?: boolean;
}

export function compileZodCheck(
  schema: z.ZodType,
  options: CompiledCheckOptions,
): ValidateFunction {
  const ajv = new Ajv({
    allErrors: false,
    removeAdditional: options.removeAdditional ?? false,
    strictNumbers: options.strictNumbers ?? false,
  });
  return ajv.compile(z.toJSONSchema(schema, { target: 'draft-7', io: options.io }));
}
