/**
 * Counting things in words: "1 rule", "2 rules", "0 rules". The one place that decides singular or
 * plural, through `Intl.PluralRules` (English for now; the rules object is the seam for another language).
 */

const rules = new Intl.PluralRules('en-US');

/** `countOf(1, 'rule')` → "1 rule"; `countOf(3, 'story', 'stories')` → "3 stories". */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${rules.select(n) === 'one' ? singular : plural}`;
}
