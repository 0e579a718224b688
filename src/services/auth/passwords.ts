/**
 * Local passwords: argon2id hashes (OWASP's minimum parameters: 19 MiB, 2 passes) and a
 * length-first policy, since length is what resists guessing.
 */
import { randomBytes } from 'node:crypto';

import { hash, verify } from '@node-rs/argon2';

const OPTIONS = {
  // Algorithm.Argon2id is an ambient const enum (2); verbatimModuleSyntax cannot import it.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
const COMMON = [
  'password',
  '123456',
  'qwerty',
  'letmein',
  'welcome',
  'admin',
  'netsec',
  'changeme',
];

export class PasswordPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordPolicyError';
  }
}

/** Throws `PasswordPolicyError` naming the first rule a password breaks. */
export function checkPasswordPolicy(password: string, username: string): void {
  if (password.length < PASSWORD_MIN_LENGTH)
    throw new PasswordPolicyError(`a password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH)
    throw new PasswordPolicyError(`a password may have at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (username && lower.includes(username.toLowerCase()))
    throw new PasswordPolicyError('a password must not contain the user name');
  if (new Set(password).size < 5)
    throw new PasswordPolicyError('a password needs at least 5 different characters');
  if (COMMON.some((w) => lower.replace(/[^a-z0-9]/g, '').startsWith(w) && lower.length < 16))
    throw new PasswordPolicyError(
      'a password must not start with a common word unless it is 16+ characters',
    );
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** A random password that satisfies the policy (24 base64url characters, 144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Verified against when the user does not exist, so both paths cost the same time. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(generatePassword());
  return dummy;
}
