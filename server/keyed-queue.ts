/**
 * Runs tasks that share a key one after another, in the order they were queued, within this
 * process; tasks of different keys run concurrently. A task that fails does not stop the ones
 * queued after it (each caller gets its own task's result or error). Finished keys are
 * forgotten, so the map holds only keys with work queued or running.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `task` behind the tasks of `key`; resolves or rejects as `task` does. */
  run<T>(key: string, task: () => Promise<T> | T): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
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

  /** Keys with work queued or running. */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves once every task queued so far has settled (never rejects). */
  async idle(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }
}
