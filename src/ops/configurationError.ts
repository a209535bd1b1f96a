/**
 * A configuration mistake found at start: every problem, one per line, each saying what to change.
 * A TypeError, as the checks it replaces threw, so callers that caught those still do.
 */
export class ConfigurationError extends TypeError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${source} configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/**
 * The database cannot be used (down, missing, refused): one line for the operator, without the
 * driver's stack, which says the same thing less clearly.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** The known name nearest to a typo (edit distance at most 3), for "did you mean …?". */
export function closestName(typo: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 4;
  for (const name of names) {
    const d = editDistance(typo.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
