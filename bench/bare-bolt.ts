/**
 * The baseline: a bare Bolt app on the same receiver, answering the same requests with nothing but an
 * ack (BARE_MODE=ack) or with one INSERT before the ack (BARE_MODE=insert). Run as its own process.
 */
import { App, HTTPReceiver } from '@slack/bolt';
import postgres from 'postgres';

const mode = process.env.BARE_MODE ?? 'ack';
const port = Number(process.env.PORT ?? 0);
const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  endpoints: '/slack/events',
  port,
});
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  receiver,
  tokenVerificationEnabled: false,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});

let insert: (() => Promise<void>) | undefined;
if (mode === 'insert') {
  const url = process.env.DATABASE_URL;
  if (url) {
    const sql = postgres(url, { max: 10, onnotice: () => {} });
    await sql`create table if not exists bare_bench (id serial primary key, body text not null, created_at timestamptz not null default now())`;
    insert = async () => {
      await sql`insert into bare_bench (body) values (${'x'.repeat(200)})`;
    };
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(process.env.TOUCHPOINT_DATA_DIR ?? 'memory://');
    await db.query(
      'create table if not exists bare_bench (id serial primary key, body text not null, created_at timestamptz not null default now())',
    );
    insert = async () => {
      await db.query('insert into bare_bench (body) values ($1)', ['x'.repeat(200)]);
    };
  }
}

app.command('/killrule', async ({ ack }) => {
  if (insert) await insert();
  await ack();
});
app.view('rules.nominate', async ({ ack }) => {
  if (insert) await insert();
  await ack();
});

const server = (await app.start(port)) as import('node:http').Server;
const address = server.address();
process.stdout.write(
  `bare bolt listening on port ${typeof address === 'object' && address ? address.port : port}\n`,
);
process.on('SIGTERM', () => process.exit(0));
