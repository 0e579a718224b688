/**
 * IANA_SVC_NAME (RFC 6335 §5.1) as Kubernetes validates named ports: 1–15 characters,
 * lowercase letters, digits and '-', at least one letter, no leading, trailing or doubled '-'.
 * Returns null when valid, else the reason.
 */
export function portNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > 15) return 'must be 1-15 characters';
  if (!/^[a-z0-9-]+$/.test(name)) return 'may contain only lowercase letters, digits and "-"';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not begin or end with "-"';
  if (name.includes('--')) return 'must not contain "--"';
  return null;
}
