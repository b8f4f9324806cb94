/**
 * Reading a replica fed by events. Something created a moment ago in another service may still be on
 * its way through Kafka, so a read that finds it missing is repeated for a bounded time before the
 * caller treats it as absent: read-your-writes across services in practice, without a synchronous call.
 */
export async function readReplica<T>(
  read: () => Promise<T>,
  isComplete: (value: T) => boolean,
  waitMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const value = await read();
    if (isComplete(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
