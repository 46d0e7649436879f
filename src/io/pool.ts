/**
 * The one worker pool: `concurrency` workers take items off a shared queue until it is empty. A worker may put an
 * item back (`queue.unshift`) to try it again; the pool ends when every worker finds the queue empty.
 */
export async function drain<T>(queue: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(Math.floor(concurrency) || 1, queue.length)) }, worker));
}
