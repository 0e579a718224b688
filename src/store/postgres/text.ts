/**
 * Text PostgreSQL cannot hold. Kept apart from the pool so that modules needing only this (the
 * companion stores) do not load the pg driver.
 */

/** Replaces NUL, which PostgreSQL text cannot hold, so that an attacker-chosen name cannot make a batch fail forever. */
export function pgText(s: string): string;
export function pgText(s: string | null): string | null;
export function pgText(s: string | null): string | null {
  return s !== null && s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s;
}
