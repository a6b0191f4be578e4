/**
 * Cases 7 and 8: the merged activity feed.
 *
 * 7. Upstream calls for the first page of 50 of `activity` against the fewest the providers' documented
 *    APIs allow for it, worked out from the sandboxes' own raw listings (below).
 * 8. `GET /exports/activity.csv` over 10k and 100k TelePagos rows (plus Tupay's seeded history): peak RSS
 *    growth over idle, and time per row at both sizes.
 */
import { request } from 'undici';
import { agent, graphqlOk, json, telepagosToken, tupayCookie } from '../lib/http.js';
import { QUICK, clearAll, counted, details, goals, median, row, timed } from '../lib/harness.js';
import { cpuMicros, peakRssMb, resetPeakRss, rssMb } from '../lib/proc.js';
import { NOW, startGateway, startSandboxes, type Server, type Urls } from '../lib/servers.js';

const ACTIVITY = `query($from: LocalDate!, $to: LocalDate!, $first: Int) {
  activity(from: $from, to: $to, first: $first) { partial pageInfo { hasNextPage endCursor } nodes { id provider createdAt amount { amount currency } } }
}`;
/** TelePagos lists 15 rows a page, newest first; Tupay 50, oldest first, at most 60 days a request. */
const TELEPAGOS_PAGE = 15;
const TUPAY_PAGE = 50;
/** The walk's first Tupay window (src/providers/tupay/adapter.ts FIRST_WALK_WINDOW_SECONDS). */
const FIRST_WINDOW_SECONDS = 7 * 86_400;
const DAY_MS = 86_400_000;

const argentinaMs = (day: string, end: boolean) => Date.parse(`${day}T${end ? '23:59:59.999' : '00:00:00'}-03:00`);

/** Every raw row time of a Tupay listing in [fromSec, toSec], split in windows of 60 days (the bench's own reads). */
async function tupayTimes(base: string, cookie: string, path: string, fromSec: number, toSec: number): Promise<number[]> {
  const times: number[] = [];
  for (let start = fromSec; start <= toSec; start += 60 * 86_400) {
    const end = Math.min(toSec, start + 60 * 86_400 - 1);
    for (let page = 0; ; page++) {
      const { body } = await json<{ rows: number; maxRows: number; data: { creationDate: string }[] }>(`${base}/${path}?from=${start}&to=${end}&page=${page}`, {
        headers: { cookie },
      });
      for (const record of body.data) times.push(Date.parse(record.creationDate));
      if (body.data.length === 0 || body.rows !== body.maxRows) break;
    }
  }
  return times;
}

export async function case7(urls: Urls, gateway: Server): Promise<void> {
  console.log('\n7. Activity: upstream calls for the first page of 50 vs the minimum');
  const [from, to] = ['2025-12-01', NOW.slice(0, 10)];
  const [fromMs, toMs] = [argentinaMs(from, false), argentinaMs(to, true)];
  // The rows as the providers list them (the bench's own reads; the log is cleared after).
  const token = await telepagosToken(urls.telepagos);
  const tp = await json<{ transactions: { date: string }[] }>(`${urls.telepagos}/v2/account/transactions?date_from=${from}&date_to=${to}&paginate=0`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const telepagos = tp.body.transactions.map((t) => Date.parse(`${t.date.replace(' ', 'T')}-03:00`));
  const cookie = await tupayCookie(urls.tupay);
  const [fromSec, toSec] = [Math.floor(fromMs / 1000), Math.floor(toMs / 1000)];
  const deposits = await tupayTimes(urls.tupay, cookie, 'v1/deposits', fromSec, toSec);
  const cashouts = await tupayTimes(urls.tupay, cookie, 'v1/cashout', fromSec, toSec);

  // A page of 50 must establish the newest 51 rows (the 51st answers hasNextPage). With T the 51st row's
  // time: TelePagos (newest first) must be read until a page ends before T, i.e. page 1 and the pages
  // its rows at or after T fill: ⌊k/15⌋ + 1 for k such rows. Tupay lists oldest first, so a window is
  // known only when all its pages are read; the best any client can do is one window per listing that
  // starts at T exactly: ⌊n/50⌋ + 1 pages for its n rows at or after T (at least one call each: nothing
  // else tells there is nothing newer). Talo has no listing. Anything less would be guessing.
  const all = [...telepagos, ...deposits, ...cashouts].sort((a, b) => b - a);
  const t51 = all[50] ?? -Infinity;
  const k = telepagos.filter((t) => t >= t51).length;
  const tpPages = Math.min(Math.max(1, Math.ceil(telepagos.length / TELEPAGOS_PAGE)), Math.floor(k / TELEPAGOS_PAGE) + 1);
  const depositPages = Math.floor(deposits.filter((t) => t >= t51).length / TUPAY_PAGE) + 1;
  const cashoutPages = Math.floor(cashouts.filter((t) => t >= t51).length / TUPAY_PAGE) + 1;
  const min = tpPages + depositPages + cashoutPages;
  const firstWindowHolds = t51 >= toMs - FIRST_WINDOW_SECONDS * 1000;
  const why = `newest 51 of ${all.length} rows reach back ${((toMs - t51) / DAY_MS).toFixed(1)} days: TelePagos ${k} rows → ${tpPages} pages of 15; Tupay ${depositPages} deposits + ${cashoutPages} cash-outs pages (one window from the 51st row${firstWindowHolds ? '; the walk’s first week holds it' : '; the walk’s first week does not'})`;

  await clearAll(urls);
  const cpu0 = cpuMicros(gateway.proc.pid);
  const runs = QUICK ? 3 : 20;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { value, ms } = await timed(() => graphqlOk(gateway.url, gateway.apiKey, ACTIVITY, { from, to, first: 50 }));
    const connection = value.activity as { partial: boolean; nodes: unknown[] };
    if (connection.partial || connection.nodes.length !== 50) throw new Error('case 7: the first page is not 50 complete rows');
    times.push(ms);
  }
  const cpu = cpuMicros(gateway.proc.pid) - cpu0;
  const up = await counted(urls);
  const per = up.data / runs;
  row({
    case: '7',
    what: 'activity, first page of 50 (TelePagos + Tupay)',
    ops: runs,
    p50: median(times),
    cpuUsPerOp: cpu / runs,
    upstreamPerOp: per,
    minUpstreamPerOp: min,
    note: `${per <= min + 1e-9 ? 'minimum' : 'ABOVE minimum'}; ${JSON.stringify(up.byRoute)}`,
  });
  details.case7 = { ...up, min, why, rows: all.length };
  goals.push({
    goal: `Case 7: activity first page of 50 upstream calls = minimum (${why})`,
    measured: `${per.toFixed(2)} vs ${min} per op`,
    met: per <= min + 1e-9,
  });
}

/** Downloads the export, counting lines and bytes without keeping them. */
async function download(gateway: Server, query: string): Promise<{ lines: number; bytes: number; status: number }> {
  const base = gateway.url.replace(/\/graphql$/, '');
  const response = await request(`${base}/exports/activity.csv?${query}`, { dispatcher: agent, headers: { authorization: `Bearer ${gateway.apiKey}` } });
  let lines = 0;
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return { lines, bytes, status: response.statusCode };
}

export async function case8(): Promise<void> {
  const sizes = QUICK ? [300, 1_000] : [10_000, 100_000];
  const days = 100;
  console.log(`\n8. Activity CSV export over ${sizes.join(', ')} TelePagos rows (${days} days) and Tupay's history`);
  const to = NOW.slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const points: { rows: number; ms: number; cpuUs: number; peakMb: number; idleMb: number; calls: number; bytes: number }[] = [];
  for (const target of sizes) {
    const { proc: sandboxes, urls } = await startSandboxes({ BENCH_TP_DAYS: String(days), BENCH_TP_PER_DAY: String(target / days) });
    const gateway = await startGateway(urls);
    try {
      // Warm up (schema, tokens, code paths) on one day, then measure from a fresh peak.
      const warm = await download(gateway, `from=${to}&to=${to}`);
      if (warm.status !== 200) throw new Error(`case 8: the export answered ${warm.status}`);
      const idleMb = rssMb(gateway.proc.pid);
      resetPeakRss(gateway.proc.pid);
      await clearAll(urls);
      const cpu0 = cpuMicros(gateway.proc.pid);
      const { value, ms } = await timed(() => download(gateway, `from=${from}&to=${to}`));
      const cpuUs = cpuMicros(gateway.proc.pid) - cpu0;
      const peakMb = peakRssMb(gateway.proc.pid);
      const up = await counted(urls);
      if (value.status !== 200) throw new Error(`case 8: the export answered ${value.status}`);
      const rows = value.lines - 1;
      points.push({ rows, ms, cpuUs, peakMb, idleMb, calls: up.data, bytes: value.bytes });
      row({
        case: '8',
        what: `CSV export of ${rows.toLocaleString('en-US')} rows`,
        ops: 1,
        p50: ms,
        cpuUsPerOp: cpuUs,
        peakRssMb: peakMb,
        upstreamPerOp: up.data,
        note: `${((ms * 1000) / rows).toFixed(1)} µs/row wall, ${(cpuUs / rows).toFixed(1)} µs CPU/row; RSS idle ${idleMb.toFixed(0)} MB, +${(peakMb - idleMb).toFixed(0)} MB peak; ${(value.bytes / 1e6).toFixed(1)} MB of CSV`,
      });
    } finally {
      await gateway.proc.stop();
      await sandboxes.stop();
    }
  }
  details.case8 = points;
  const [small, large] = [points[0]!, points[1]!];
  const timeRatio = large.ms / large.rows / (small.ms / small.rows);
  const growth = large.peakMb - large.idleMb;
  goals.push({
    goal: `Case 8: CSV export of ${large.rows.toLocaleString('en-US')} rows grows peak RSS by ≤ 50 MB over idle`,
    measured: `+${growth.toFixed(0)} MB (idle ${large.idleMb.toFixed(0)}, peak ${large.peakMb.toFixed(0)}); at ${small.rows.toLocaleString('en-US')} rows +${(small.peakMb - small.idleMb).toFixed(0)} MB`,
    met: growth <= 50,
  });
  goals.push({
    goal: 'Case 8: CSV export time grows linearly (per-row wall time at the larger size ≤ 1.5× the smaller)',
    measured: `×${timeRatio.toFixed(2)} (${((small.ms * 1000) / small.rows).toFixed(1)} → ${((large.ms * 1000) / large.rows).toFixed(1)} µs/row)`,
    met: timeRatio <= 1.5,
  });
}
