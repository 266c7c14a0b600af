/**
 * In-process queue per resource: writes to one group (or user) run one after the other inside
 * this process. The database lock (touchGroup / findUser FOR UPDATE) is what makes concurrent
 * writes correct across instances; this queue only keeps a burst on one hot group from holding
 * every pooled connection while those transactions wait for that lock (they would starve the
 * pool and fail with connection timeouts). Nothing here is state another instance needs.
 */
export class WriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running work (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
