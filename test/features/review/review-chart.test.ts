import { describe, expect, it } from 'vitest';
import { renderReviewPicture, reviewSpec } from '../../../src/features/review/review.chart.js';
import type { ReviewPictureInput } from '../../../src/features/review/review.types.js';

/** The monthly review's picture: vega-lite → SVG → PNG on the server, in the font shipped in the package. */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the PNG's first chunk (IHDR), as any image reader takes them. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The text of every `<text>` element in the SVG, entities and all (as vega wrote it). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '');
}

const MEASURES = [
  'Suggestions made',
  'Open',
  'Killed',
  'Kept',
  'Votes',
  'Conversations',
  'Negative calls',
  'Pain stories',
  'Delight stories',
  'Recovery stories',
  'Roadmap in progress',
  'Roadmap shipped',
  'Follow-ups open',
  'Follow-ups overdue',
].map((label, index) => ({ key: `m${index}`, label }));

const MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];

function reviewOf(stages: string[], measures = MEASURES.slice(0, 6)): ReviewPictureInput {
  return {
    title: 'Journey-stage review, October 2026',
    stages,
    measures,
    cells: stages.flatMap((stage, s) =>
      measures.map((measure, m) => ({ stage, measure: measure.key, value: ((s + 1) * (m + 3) * 7) % 23 })),
    ),
    trendLabel: 'Negative calls',
    trend: stages.flatMap((stage, s) => MONTHS.map((month, m) => ({ month, stage, value: (s + m) % 5 }))),
  };
}

describe('the review picture', () => {
  it('is a PNG of sensible size whose stage and measure labels come from the input', async () => {
    const stages = ['Discover', 'Buy', 'Onboard', 'Use', 'Get help', 'Renew'];
    const { png, svg } = await renderReviewPicture(reviewOf(stages));

    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThanOrEqual(1000);
    expect(width).toBeLessThanOrEqual(2400);
    expect(height).toBeGreaterThanOrEqual(600);
    expect(height).toBeLessThanOrEqual(2400);
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.length).toBeLessThan(1_000_000);

    const texts = svgTexts(svg);
    for (const stage of stages) expect(texts).toContain(stage);
    for (const measure of MEASURES.slice(0, 6)) expect(texts).toContain(measure.label);
    expect(texts).toContain('Journey-stage review, October 2026');
    expect(texts).toContain('Oct 2026'); // the trend's months, in words
    // Only the shipped font is named, and the numbers are written in the cells.
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(svg).not.toMatch(/font-family="(?!DejaVu Sans")/);
    expect(texts).toContain(String((1 * 3 * 7) % 23));
  });

  it('draws the same pixels every time (no system font, no clock)', async () => {
    const input = reviewOf(['Discover', 'Buy']);
    const first = await renderReviewPicture(input);
    const second = await renderReviewPicture(input);
    expect(second.png.equals(first.png)).toBe(true);
  });

  it('colours each measure against its own largest value, and leaves cells with no value grey', async () => {
    const spec = await reviewSpec({
      title: 'Review',
      stages: ['Discover', 'Buy'],
      measures: [
        { key: 'calls', label: 'Calls' },
        { key: 'stories', label: 'Stories' },
      ],
      // 1 story is the stories column's most: as dark as 1,000 calls are in theirs.
      cells: [
        { stage: 'Discover', measure: 'calls', value: 1000 },
        { stage: 'Buy', measure: 'calls', value: 0 },
        { stage: 'Discover', measure: 'stories', value: 1 },
      ],
      trendLabel: 'Calls',
      trend: [],
    });
    const heat = (spec as { vconcat: { data: { values: Record<string, unknown>[] } }[] }).vconcat[0]?.data
      .values;
    const cell = (stage: string, measure: string) =>
      heat?.find((value) => value.stage === stage && value.measure === measure);
    expect(cell('Discover', 'Calls')?.fill).toBe(cell('Discover', 'Stories')?.fill);
    expect(cell('Discover', 'Calls')?.label).toBe('1,000');
    expect(cell('Buy', 'Calls')?.label).toBe('0');
    expect(cell('Buy', 'Calls')?.fill).not.toBe(cell('Buy', 'Stories')?.fill);
    expect(cell('Buy', 'Stories')?.label).toBe('');
    // Everything is inline: vega is given nothing to load.
    expect(JSON.stringify(spec)).not.toMatch(/"url"\s*:/);
  });

  it('draws a hostile stage name as text: escaped in the SVG, never markup', async () => {
    const hostile = '<script>&amp;"\'</script>';
    const { png, svg } = await renderReviewPicture(reviewOf(['Discover', '<script>&', hostile]));
    pngSize(png);
    expect(svg).not.toContain('<script');
    expect(svgTexts(svg)).toContain('&lt;script&gt;&amp;');
    expect(svg).toContain('&lt;script&gt;&amp;amp;');
  });

  it('cuts long stage and measure names with an ellipsis, keeping names that start alike apart', async () => {
    const long = 'Getting help when the product is down on a Friday evening';
    const alike = 'Getting help when the product is down on a Monday morning';
    const measure = 'Follow-up calls that were promised and never made';
    const { png, svg } = await renderReviewPicture(
      reviewOf(['Discover', long, alike], [{ key: 'm', label: measure }, ...MEASURES.slice(0, 3)]),
    );
    pngSize(png);
    const texts = svgTexts(svg);
    expect(texts).not.toContain(long);
    expect(texts).not.toContain(measure);
    const cut = texts.filter((text) => text.startsWith('Getting help') && text.endsWith('…'));
    expect(new Set(cut).size).toBeGreaterThanOrEqual(2);
    expect(texts.some((text) => text.startsWith('Follow-up calls') && text.endsWith('…'))).toBe(true);
  });

  it('holds 12 stages and 14 measures in a picture well under 1 MB', async () => {
    const stages = Array.from({ length: 12 }, (_, index) => `Stage number ${index + 1}`);
    const input = reviewOf(stages, MEASURES);
    input.cells = input.cells.map((cell, index) => ({ ...cell, value: index === 0 ? 20_000 : cell.value }));
    const { png, svg } = await renderReviewPicture(input);
    const { width, height } = pngSize(png);
    expect(width).toBeLessThanOrEqual(2400);
    expect(height).toBeLessThanOrEqual(2400);
    expect(png.length).toBeLessThan(800_000);
    const texts = svgTexts(svg);
    for (const stage of stages) expect(texts).toContain(stage);
    expect(texts).toContain('20k');
  });

  it('draws an empty month as an empty chart that says nothing was heard, rather than failing', async () => {
    const empty: ReviewPictureInput = {
      title: 'Journey-stage review, October 2026',
      stages: ['Discover', 'Buy'],
      measures: MEASURES.slice(0, 3),
      cells: [],
      trendLabel: 'Negative calls',
      trend: [],
    };
    const { png, svg } = await renderReviewPicture(empty);
    pngSize(png);
    expect(svgTexts(svg)).toContain('Journey-stage review, October 2026: nothing heard this month');
    expect(svg).not.toContain('NaN');

    const nothingAtAll = await renderReviewPicture({ ...empty, stages: [], measures: [] });
    pngSize(nothingAtAll.png);
    expect(svgTexts(nothingAtAll.svg)).toContain(
      'Journey-stage review, October 2026: nothing heard this month',
    );
  });
});
