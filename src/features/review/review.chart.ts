import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';
import type { ReviewPictureInput } from './review.types.js';

/**
 * The monthly journey-stage review's picture, drawn on the server without a browser or a canvas:
 * vega-lite → vega (renderer 'none') → SVG → PNG with resvg, in the DejaVu font shipped in
 * `dejavu-fonts-ttf` and nothing from the system, so it is the same pixels on a laptop and in Docker.
 *
 * One image: a stage × measure heatmap (each measure's column coloured against its own largest value,
 * so that unlike measures compare; the number written in each cell) above the 6-month trend, one line per
 * stage. Labels are the names people gave in settings, drawn as data (vega escapes them in the SVG), never
 * put into a vega expression.
 *
 * vega, vega-lite and resvg are loaded on the first picture, not at start: importing vega alone takes
 * 0.2-0.6 s, which every start (and every test's app) would pay for a picture drawn once a month.
 */

const FONT = 'DejaVu Sans';
const require = createRequire(import.meta.url);
/** The only fonts resvg may use: the package's files, resolved where npm put them. */
const FONT_FILES = [
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
];

/** The SVG is drawn at this width in CSS pixels (heatmap and trend), the PNG at twice it. */
const PLOT_WIDTH = 540;
const ZOOM = 2;
const MAX_STAGE_LABEL = 24;
const MAX_MEASURE_LABEL = 22;
/** Cells: none recorded, zero, and the scale from a little to the column's most (vega's "blues"). */
const MISSING_FILL = '#eeeeee';
const ZERO_FILL = '#f7fbff';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Drawing {
  vega: typeof import('vega');
  vegaLite: typeof import('vega-lite');
  Resvg: typeof import('@resvg/resvg-js').Resvg;
}
let drawing: Promise<Drawing> | undefined;

/** The renderers, imported once on first use (a failed import is tried again next time). */
function loadDrawing(): Promise<Drawing> {
  drawing ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]).then(
    ([vega, vegaLite, resvg]) => ({ vega, vegaLite, Resvg: resvg.Resvg }),
    (error: unknown) => {
      drawing = undefined;
      throw error;
    },
  );
  return drawing;
}

export async function renderReviewPicture(input: ReviewPictureInput): Promise<{ png: Buffer; svg: string }> {
  const svg = await renderReviewSvg(input);
  const { Resvg } = await loadDrawing();
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: ZOOM },
    background: 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: FONT_FILES,
      defaultFontFamily: FONT,
      sansSerifFamily: FONT,
    },
  })
    .render()
    .asPng();
  return { png, svg };
}

/** The picture as SVG text (vega's own renderer, no DOM). */
export async function renderReviewSvg(input: ReviewPictureInput): Promise<string> {
  const { vega, vegaLite } = await loadDrawing();
  // Quiet: vega's warnings would go to the console, outside the app's JSON log lines.
  const compiled = vegaLite.compile(await reviewSpec(input), { logger: vega.logger(vega.None) });
  const view = new vega.View(vega.parse(compiled.spec), {
    renderer: 'none',
    loader: offlineLoader(vega),
    logLevel: vega.None,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A loader that loads nothing: every value is inline, and vega must never reach the network or disk. */
function offlineLoader(vega: Drawing['vega']) {
  const refuse = () => Promise.reject(new Error('the review picture loads nothing'));
  const loader = vega.loader();
  loader.load = refuse;
  loader.sanitize = refuse;
  loader.http = refuse;
  loader.file = refuse;
  return loader;
}

/** The vega-lite spec: pure data in, nothing read from anywhere. Exported for the tests. */
export async function reviewSpec(input: ReviewPictureInput): Promise<TopLevelSpec> {
  const { vega } = await loadDrawing();
  const blues = vega.scheme('blues') as (share: number) => string;
  const stageLabel = uniqueLabels(input.stages, MAX_STAGE_LABEL);
  const measureLabel = uniqueLabels(
    input.measures.map((measure) => measure.label),
    MAX_MEASURE_LABEL,
  );
  const stageIndex = new Map(input.stages.map((stage, index) => [stage, index]));

  const values = new Map<string, number>();
  const columnMax = new Map<string, number>();
  for (const cell of input.cells) {
    if (!Number.isFinite(cell.value)) continue;
    values.set(`${cell.stage}\u0000${cell.measure}`, cell.value);
    columnMax.set(cell.measure, Math.max(columnMax.get(cell.measure) ?? 0, cell.value));
  }
  const heat = input.stages.flatMap((stage, s) =>
    input.measures.map((measure, m) => {
      const value = values.get(`${stage}\u0000${measure.key}`);
      const max = columnMax.get(measure.key) ?? 0;
      const share = value === undefined || max <= 0 ? 0 : Math.max(0, value) / max;
      return {
        stage: stageLabel[s],
        measure: measureLabel[m],
        fill: value === undefined ? MISSING_FILL : share === 0 ? ZERO_FILL : blues(0.15 + 0.85 * share),
        label: value === undefined ? '' : numberLabel(value),
        ink: share > 0.5 ? 'white' : '#1f2933',
        heard: value !== undefined && value !== 0,
      };
    }),
  );

  const months = [...new Set(input.trend.map((point) => point.month))].sort();
  const trend = input.trend
    .filter((point) => stageIndex.has(point.stage) && Number.isFinite(point.value))
    .map((point) => ({
      stage: stageLabel[stageIndex.get(point.stage) ?? 0],
      month: monthLabel(point.month),
      order: months.indexOf(point.month),
      value: point.value,
    }));

  const heard = heat.some((cell) => cell.heard) || trend.some((point) => point.value !== 0);
  const title = heard ? input.title : `${input.title}: nothing heard this month`;
  const stageOrder = stageLabel;
  const measureOrder = measureLabel;
  const monthOrder = months.map(monthLabel);
  const rotate = input.measures.length > 5;
  const trendMax = Math.max(0, ...trend.map((point) => point.value));
  const cellHeight = input.stages.length > 8 ? 26 : 32;

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 18, offset: 14 },
    background: 'white',
    padding: 16,
    config: {
      font: FONT,
      view: { stroke: null },
      axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12 },
      title: { font: FONT, subtitleFont: FONT },
      text: { font: FONT },
    },
    // The heatmap's colours are its cells' own; the trend's are the stages'.
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    vconcat: [
      {
        title: { text: 'Where it is heard (each column against its own largest value)', fontSize: 13 },
        width: PLOT_WIDTH,
        height: { step: cellHeight },
        data: { values: heat },
        encoding: {
          x: {
            field: 'measure',
            type: 'nominal',
            sort: measureOrder,
            scale: { domain: measureOrder },
            axis: {
              orient: 'top',
              title: null,
              labelAngle: rotate ? -35 : 0,
              labelAlign: rotate ? 'left' : 'center',
              domain: false,
              ticks: false,
            },
          },
          y: {
            field: 'stage',
            type: 'nominal',
            sort: stageOrder,
            scale: { domain: stageOrder },
            axis: { title: null, domain: false, ticks: false, labelPadding: 6 },
          },
        },
        layer: [
          {
            mark: { type: 'rect', stroke: 'white', strokeWidth: 1.5 },
            encoding: { color: { field: 'fill', type: 'nominal', scale: null, legend: null } },
          },
          {
            mark: { type: 'text', fontSize: input.measures.length > 10 ? 10 : 11 },
            encoding: {
              text: { field: 'label', type: 'nominal' },
              color: { field: 'ink', type: 'nominal', scale: null, legend: null },
            },
          },
        ],
      },
      {
        title: { text: `${input.trendLabel}, last 6 months`, fontSize: 13 },
        width: PLOT_WIDTH,
        height: 200,
        data: { values: trend },
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x: {
            field: 'month',
            type: 'ordinal',
            sort: monthOrder,
            scale: { domain: monthOrder },
            axis: { title: null, labelAngle: 0 },
          },
          y: {
            field: 'value',
            type: 'quantitative',
            // Nothing heard still draws an axis from 0 (an empty domain would print "0.000000").
            scale: trendMax > 0 ? { zero: true, nice: true } : { domain: [0, 5] },
            axis: { title: null, tickMinStep: 1, format: ',~g' },
          },
          color: {
            field: 'stage',
            type: 'nominal',
            sort: stageOrder,
            scale: { domain: stageOrder, scheme: 'tableau20' },
            legend: { title: null, orient: 'right' },
          },
        },
      },
    ],
  } as TopLevelSpec;
}

/**
 * A number as a cell shows it, short enough for a narrow cell: 9,999 then 12.3k; others with one decimal
 * (a median in days, a share).
 */
function numberLabel(value: number): string {
  if (Math.abs(value) >= 10_000)
    return `${(value / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })}k`;
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** "2026-10" → "Oct 2026". */
function monthLabel(month: string): string {
  const [year, number] = month.split('-');
  const name = MONTHS[Number(number) - 1];
  return name && year ? `${name} ${year}` : month;
}

/**
 * Labels cut to `max` characters with an ellipsis, kept distinct (two long names that start alike would
 * otherwise be drawn as one row).
 */
function uniqueLabels(names: string[], max: number): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    const base = ellipsis(name.replace(/\s+/g, ' ').trim() || '(unnamed)', max);
    let label = base;
    for (let n = 2; seen.has(label); n += 1) label = `${ellipsis(base, max - String(n).length - 3)} (${n})`;
    seen.add(label);
    return label;
  });
}

/** Cut to `max` characters (code points, so an emoji is never split), ending with an ellipsis. */
function ellipsis(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const kept = chars.slice(0, Math.max(1, max - 1)).join('');
  return `${kept.trimEnd()}…`;
}
