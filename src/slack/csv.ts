import type { WebClient } from '@slack/web-api';
import { stringify } from 'csv-stringify/sync';

/**
 * CSV exports. A cell a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a
 * carriage return) is prefixed with an apostrophe, so exported user text can never run as a formula
 * (OWASP "CSV injection").
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export type CsvCell = string | number | boolean | Date | null | undefined;

export function toCsv(header: string[], rows: CsvCell[][]): string {
  const cell = (value: CsvCell): string => {
    if (value === null || value === undefined) return '';
    if (value instanceof Date) return value.toISOString();
    return neutraliseFormula(String(value));
  };
  return stringify([header.map(cell), ...rows.map((row) => row.map(cell))], {
    bom: true,
    record_delimiter: 'windows',
    // Spreadsheets read a bare line break inside a cell as a new row unless the cell is quoted.
    quoted_match: /[\r\n]/,
  });
}

/** Sends a CSV to one person, as a file in their DM with the app (files upload v2). */
export async function sendCsvToUser(
  client: WebClient,
  userId: string,
  file: { filename: string; title: string; csv: string; comment: string },
): Promise<void> {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error('could not open a DM to send the export');
  await client.filesUploadV2({
    channel_id: channel,
    filename: file.filename,
    title: file.title,
    content: file.csv,
    initial_comment: file.comment,
  });
}
