/**
 * Case 9: the case-2 query sent as a trusted document (by id) and as text to Pasarela answering from
 * memory, beside the naive Apollo server from memory, in interleaved rounds like case 2. By id, the
 * gateway runs the document it parsed and validated when it loaded the app's manifest, without Apollo's
 * request pipeline (src/graphql/persisted-http.ts); every protection still runs (API key, rate limit,
 * the app's policy, scopes, deadline, metrics).
 */
import type { LoadSpec } from '../load.js';
import { graphqlOk, json } from '../lib/http.js';
import { BALANCE_QUERY, details, f, goals, gqlSpec, median, pooled, row, ROUND_SECONDS, ROUND_WARMUP, ROUNDS, sample, type Sample } from '../lib/harness.js';
import { BALANCE_DOCUMENT_ID, startBaseline, startGateway, TRUSTED_API_KEY, type Server, type Urls } from '../lib/servers.js';

export async function case9(urls: Urls, _gateway: Server): Promise<void> {
  console.log(`\n9. Trusted documents: the case-2 query by id vs as text vs naive Apollo, from memory (${ROUNDS} interleaved rounds)`);
  const [pasarela, naive] = await Promise.all([
    startGateway(urls, 'bench/servers/pasarela-memory.ts'),
    startBaseline('bench/baselines/naive-apollo.ts', urls, true),
  ]);
  const trusted: Server = { ...pasarela, apiKey: TRUSTED_API_KEY };
  const byId = (extra: Partial<LoadSpec>): LoadSpec => ({
    ...gqlSpec(trusted, BALANCE_QUERY, extra),
    body: JSON.stringify({ documentId: BALANCE_DOCUMENT_ID }),
  });
  const variants: { name: string; server: Server; spec: (extra: Partial<LoadSpec>) => LoadSpec }[] = [
    { name: 'Pasarela from memory, by id (trusted-only app)', server: trusted, spec: byId },
    { name: 'Pasarela from memory, as text', server: pasarela, spec: (extra) => gqlSpec(pasarela, BALANCE_QUERY, extra) },
    { name: 'naive Apollo from memory, as text', server: naive, spec: (extra) => gqlSpec(naive, BALANCE_QUERY, extra) },
  ];
  const samples: Sample[][] = variants.map(() => []);
  try {
    // Each variant answers before it is measured: the document by id, the text, the baseline.
    // A 200 may still carry PERSISTED_QUERY_NOT_FOUND: the answer itself must be the balance.
    const first = await json<{ data?: unknown; errors?: unknown }>(trusted.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TRUSTED_API_KEY}` },
      body: { documentId: BALANCE_DOCUMENT_ID },
    });
    if (first.body.errors || !first.body.data) throw new Error(`by id: ${JSON.stringify(first.body)}`);
    await graphqlOk(pasarela.url, pasarela.apiKey, BALANCE_QUERY);
    await graphqlOk(naive.url, naive.apiKey, BALANCE_QUERY);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, variant] of variants.entries()) {
        samples[i]!.push(await sample(urls, variant.spec({ duration: ROUND_SECONDS, warmup: ROUND_WARMUP }), variant.server.proc));
      }
    }
  } finally {
    await Promise.all([pasarela.proc.stop(), naive.proc.stop()]);
  }
  const perRound: Record<string, number[]> = {};
  const cpu: Record<string, number | undefined> = {};
  for (const [i, variant] of variants.entries()) {
    const p = pooled(samples[i]!);
    perRound[variant.name] = samples[i]!.map((s) => Math.round(s.rps));
    cpu[variant.name] = p.cpuUsPerOp;
    row({ case: '9', what: variant.name, ...p, minUpstreamPerOp: 0, note: `rps by round: ${perRound[variant.name]!.join(', ')}` });
  }
  // Ratios of the same round (seconds apart), then their median, as case 2.
  const ratios = (a: number, b: number) => samples[a]!.map((s, r) => s.rps / samples[b]![r]!.rps);
  const idVsApollo = ratios(0, 2);
  const idVsText = ratios(0, 1);
  const textVsApollo = ratios(1, 2);
  const show = (values: number[]) => values.map((r) => `${r.toFixed(2)}×`).join(', ');
  details.case9 = { perRound, cpuUsPerOp: cpu, idVsApollo, idVsText, textVsApollo };
  const [idCpu, textCpu, apolloCpu] = variants.map((v) => cpu[v.name]);
  goals.push({
    goal: 'Case 9: Pasarela by id, from memory ≥ 1.1× naive Apollo from memory',
    measured:
      `${median(idVsApollo).toFixed(2)}× (median of rounds: ${show(idVsApollo)}); by id vs as text ${median(idVsText).toFixed(2)}×, ` +
      `as text vs naive Apollo ${median(textVsApollo).toFixed(2)}×; CPU µs/op by id ${f(idCpu)}, as text ${f(textCpu)}, naive Apollo ${f(apolloCpu)}`,
    met: median(idVsApollo) >= 1.1,
  });
}
