/** Column conversions shared by the repositories: SQLite returns 0/1 for booleans and text for JSON. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

export function jsonArray(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
}

export function jsonRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'string') return {};
  const parsed: unknown = JSON.parse(value);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export type Row = Record<string, unknown>;
