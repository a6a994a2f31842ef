/**
 * `npm run bench`: every benchmark of the project in one run. Each *.bench.ts exports a default async function;
 * register it in the list below. They share one demo-seeded certmark (bench/lib.ts sharedCertmark()).
 */
import { note, rows, stopShared } from './lib';
import capacityBench from './capacity.bench';
import detectionBench from './detection.bench';
import logBench from './log.bench';
import markBench from './mark.bench';
import verifyBench from './verify.bench';

const all: [string, string, () => Promise<void>][] = [
  ['mark', 'mark, badge and revocation propagation', markBench],
  ['detection', 'misuse detection: precision and recall per finding, sightings/s', detectionBench],
  ['verify', 'verification page and registry JSON (issue 4)', verifyBench],
  ['log', 'transparency log: checkpoint latency and proof reads at 100,000 events (issue 16)', logBench],
  ['capacity', 'capacity: idle RSS per process, mark and sightings with 1 and 2 processes (issue 17)', capacityBench],
];
/** `BENCH=mark,verify npm run bench` runs some of them; all by default. */
const chosen = process.env.BENCH?.split(',').map((s) => s.trim());
const benches = all.filter(([key]) => !chosen || chosen.includes(key)).map(([, name, run]) => [name, run] as const);

async function main() {
  const started = performance.now();
  note(`certmark benchmarks — ${new Date().toISOString()} — node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  try {
    for (const [name, run] of benches) {
      note(`\n## ${name}`);
      await run();
    }
  } finally {
    await stopShared();
  }
  note(`\n${rows.length} measurements in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
  void stopShared();
});
