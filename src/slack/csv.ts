import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { stringify } from 'csv-stringify/sync';
import type { Config } from '../config.js';
import { localDateKey } from '../time.js';
import { notice } from './blocks.js';
import { type EphemeralTarget, replyEphemeral } from './reply.js';

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

/** A CSV file as it is sent: its name, title, content and the comment above it in the DM. */
export interface CsvFile {
  filename: string;
  title: string;
  csv: string;
  comment: string;
}

/** Sends CSVs to one person, each a file with its comment in their DM with the app (files upload v2). */
export async function sendCsvsToUser(client: WebClient, userId: string, files: CsvFile[]): Promise<void> {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error('could not open a DM to send the export');
  for (const file of files) {
    await client.filesUploadV2({
      channel_id: channel,
      filename: file.filename,
      title: file.title,
      content: file.csv,
      initial_comment: file.comment,
    });
  }
}

/** An export for the person who asked: the CSV in their DM, then a private line where they asked. */
export async function sendCsvExport(
  client: WebClient,
  to: EphemeralTarget,
  file: CsvFile,
  said: string,
): Promise<void> {
  await sendCsvsToUser(client, to.user, [file]);
  await replyEphemeral(client, to, notice(said));
}

/** A feature's export: its CSV, what to call it, and what to tell the person who asked. */
export interface CsvExport {
  /** Names the file: `touchpoint-<name>-<company date>.csv`. */
  name: string;
  title: string;
  csv: string;
  /** The file's comment in the DM. */
  comment: string;
  /** The private line where they asked. */
  said: string;
}

/**
 * `/touchpoint export …`: the export sent to the person who typed the command, dated in the company's zone.
 * Files in `more` (e.g. the rules' audit trail) follow `file` in the same DM; `file`'s line is what is said.
 */
export async function answerWithExport(
  request: {
    client: WebClient;
    command: { channel_id: string; user_id: string };
    respond?: RespondFn;
    deps: { now(): Date; config: Pick<Config, 'timeZone'> };
  },
  file: CsvExport,
  ...more: CsvExport[]
): Promise<void> {
  const { client, command, respond, deps } = request;
  const day = localDateKey(deps.now(), deps.config.timeZone);
  await sendCsvsToUser(
    client,
    command.user_id,
    [file, ...more].map((each) => ({
      filename: `touchpoint-${each.name}-${day}.csv`,
      title: each.title,
      csv: each.csv,
      comment: each.comment,
    })),
  );
  await replyEphemeral(
    client,
    { channel: command.channel_id, user: command.user_id, respond },
    notice(file.said),
  );
}
