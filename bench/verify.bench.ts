/**
 * Issue 4's measurements: the verification page and the registry JSON at 64 connections, each as a ratio to the
 * same ceiling as the mark benchmark (a bare node:http server sending the same bytes). Target: p99 under 25 ms.
 */
import { againstCeiling, note, sharedCertmark } from './lib';

const P99_TARGET_MS = 25;

export default async function verifyBench(): Promise<void> {
  const certmark = await sharedCertmark();
  const pid = certmark.child.pid;
  const list = (await (await fetch(`${certmark.url}/api/v1/services?status=certified`)).json()) as { items: { number: string }[] };
  const number = list.items[0]?.number;
  if (!number) throw new Error('the demo data has no certified service');
  const rows = [
    await againstCeiling('verify page /verify/{number}', `${certmark.url}/verify/${number}`, { pid, seconds: 3 }),
    await againstCeiling('verify page, Referer of another site', `${certmark.url}/verify/${number}?lang=en`, {
      pid,
      seconds: 3,
      headers: { Referer: 'https://elsewhere.example/page' },
    }),
    await againstCeiling('registry JSON /api/v1/services', `${certmark.url}/api/v1/services`, { pid, seconds: 3 }),
  ];
  for (const r of rows)
    note(`  ${r.name}: p99 ${r.p99} ms ${r.p99 < P99_TARGET_MS ? '<' : '>='} ${P99_TARGET_MS} ms target${r.p99 < P99_TARGET_MS ? '' : '  MISSED'}`);
}
