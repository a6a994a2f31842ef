/**
 * Group commit: work that arrives while the database is busy is done together, in one round of statements.
 * An idle batcher runs an item at the next turn of the event loop (no timer, no added latency); under load each
 * run takes everything that queued up meanwhile, up to `max` items. One run at a time.
 */
export type Batcher<I, O> = (item: I) => Promise<O>;

export function microBatcher<I, O>(run: (items: I[]) => Promise<O[]>, options: { max: number }): Batcher<I, O> {
  let queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;

  const flush = async () => {
    const batch = queue.slice(0, options.max);
    queue = queue.slice(batch.length);
    try {
      const out = await run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(out[i]!));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      if (queue.length > 0) setImmediate(flush);
      else scheduled = false;
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
