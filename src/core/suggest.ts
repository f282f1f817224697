/** Edit distance between two strings (insertions, deletions, substitutions, and swaps of neighbouring letters). */
export function editDistance(a: string, b: string): number {
  // Optimal string alignment: Levenshtein plus transpositions, so "shwo" is one typo away from "show".
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      current[j] = best;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Longest input that gets a suggestion: names and options are short, and the distance costs its length squared. */
export const MAX_SUGGESTION_INPUT_CHARS = 64;

/** The candidate closest to `input`, when it is close enough to be a likely typo (linear in the candidates). */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length > MAX_SUGGESTION_INPUT_CHARS) return undefined;
  const allowed = Math.max(1, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // The distance is at least the difference in length: candidates that far off are not computed.
    if (Math.abs(candidate.length - input.length) > allowed && !candidate.startsWith(input)) continue;
    const distance = candidate.startsWith(input) && input.length >= 2 ? 0.5 : editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}
