/**
 * Issue 16: the transparency log at 100,000 events. How long after an event its checkpoint is signed (target
 * ≤ 10 ms), and how many stored nodes a proof reads (O(log n)). In process, on an embedded database of its own
 * (PGlite in memory; PostgreSQL with BENCH_DATABASE_URL is not wired here). LOG_BENCH_EVENTS changes the count.
 */
import { PGlite } from '@electric-sql/pglite';
import { fixedClock } from '../src/clock';
import { inTransaction, migrateToLatest } from '../src/db/database';
import { PGLITE_TYPE_OPTIONS, wrapPGlite } from '../src/db/open';
import { registerService, registerVendor } from '../src/domain/lifecycle/application';
import { loadLogKey } from '../src/keys/log-key';
import { silentLogger } from '../src/logger';
import { appendEvents } from '../src/repositories/events';
import { TransparencyLog } from '../src/transparency/log';
import { consistencyProof, inclusionProof, nodesNeeded } from '../src/transparency/merkle';
import { note } from './lib';

const EVENTS = Number(process.env.LOG_BENCH_EVENTS ?? 100_000);
const SAMPLES = 60;
const TARGET_MS = 10;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

export default async function logBench(): Promise<void> {
  const pglite = await PGlite.create({ ...PGLITE_TYPE_OPTIONS });
  const database = wrapPGlite(pglite);
  try {
    await migrateToLatest(database.db);
    const clock = fixedClock('2026-04-01T03:00:00Z');
    const ctx = { db: database.db, clock, actor: 'bench' };
    const vendor = await registerVendor(ctx, { nameJa: 'ベンチ事業者', nameEn: null, contact: {} });
    const service = await registerService(ctx, { vendorId: vendor.id, nameJa: 'ベンチサービス', nameEn: null, origins: ['https://bench.example'] });

    // The chain: 100,000 events (records kept beside the lifecycle, and now and then a service's change).
    let started = performance.now();
    for (let n = 0; n < EVENTS; n += 2000) {
      const batch = Array.from({ length: Math.min(2000, EVENTS - n) }, (_, i) => ({
        type: 'case.opened' as const,
        payload: { record: `case-${n + i}`, fingerprint: 'f'.repeat(64) },
      }));
      await inTransaction(database.db, (tx) => appendEvents(tx, null, 'bench', clock.now(), batch));
    }
    note(`log: ${EVENTS.toLocaleString('en')} events on the chain in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const key = await loadLogKey(database.db, { secret: 'bench-log-secret-0123456789abcdef0123', source: 'config' }, 'bench.example/certmark-log', clock);
    const log = new TransparencyLog(database.db, key, 'https://bench.example', clock, silentLogger);
    started = performance.now();
    const first = await log.sequence();
    note(
      `log: first start appends them all (${first.size.toLocaleString('en')} leaves, ${Math.ceil(first.size / 1000)} checkpoints) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    // One event, then its checkpoint: the time from the event's commit to the signed checkpoint.
    const latencies: number[] = [];
    const byKind: Record<'record' | 'service', number[]> = { record: [], service: [] };
    // CPU time too: PGlite runs in this process, so it counts the database's work, and a busy machine moves it less.
    const cpu: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      clock.advance(1000);
      await inTransaction(database.db, (tx) =>
        i % 2 === 0
          ? appendEvents(tx, null, 'bench', clock.now(), [{ type: 'inquiry.received', payload: { record: `inq-${i}`, fingerprint: 'a'.repeat(64) } }])
          : appendEvents(tx, service.id, 'bench', clock.now(), [{ type: 'service.origins_changed', payload: { origins: [`https://bench${i}.example`] } }]),
      );
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await log.sequence();
      const c1 = process.cpuUsage(c0);
      cpu.push((c1.user + c1.system) / 1000);
      latencies.push(performance.now() - t0);
      byKind[i % 2 === 0 ? 'record' : 'service'].push(performance.now() - t0);
      if (r.appended !== 1 || !r.signed) throw new Error('the sequencer did not append the event');
    }
    const p50 = pct(latencies, 50);
    const p95 = pct(latencies, 95);
    note(
      `log: checkpoint after one event at ${EVENTS.toLocaleString('en')}: p50 ${p50.toFixed(2)} ms  p95 ${p95.toFixed(2)} ms  max ${Math.max(...latencies).toFixed(2)} ms` +
        `  (target ≤ ${TARGET_MS} ms: ${p95 <= TARGET_MS ? 'met' : 'NOT met'} at p95)`,
    );
    note(`log:   CPU per checkpoint (this process, database included): p50 ${pct(cpu, 50).toFixed(2)} ms  p95 ${pct(cpu, 95).toFixed(2)} ms`);
    note(
      `log:   a record's event p50 ${pct(byKind.record, 50).toFixed(2)} ms, a service's event (its history folded for the public timeline) p50 ${pct(byKind.service, 50).toFixed(2)} ms`,
    );

    // Proofs: the stored nodes each reads, and the time to answer one.
    const size = (await log.checkpoint())!.size;
    const reads = [0, 1, Math.floor(size / 2), size - 2, size - 1].map((i) => nodesNeeded((s) => inclusionProof(i, size, s)).length);
    const consistencyReads = [1, 1000, Math.floor(size / 3), size - 1].map((m) => nodesNeeded((s) => consistencyProof(m, size, s)).length);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await log.inclusion((i * 7919) % size, size);
      times.push(performance.now() - t0);
    }
    note(
      `log: inclusion proof at ${size.toLocaleString('en')} reads ${Math.min(...reads)}–${Math.max(...reads)} nodes (log2 n = ${Math.log2(size).toFixed(1)}), ` +
        `consistency ${Math.min(...consistencyReads)}–${Math.max(...consistencyReads)}; inclusion p50 ${pct(times, 50).toFixed(2)} ms  p95 ${pct(times, 95).toFixed(2)} ms`,
    );
  } finally {
    await database.close();
  }
}
