/** One Server-Sent Event as received. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  /** performance.now() when the event was complete. */
  receivedAt: number;
}

/**
 * A minimal EventSource for tests: one connection (no automatic reconnect, so a test decides
 * when and with which Last-Event-ID to come back), parsed events and comment lines.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  comments = 0;
  status = 0;
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();
  private waiters: (() => void)[] = [];

  private constructor() {}

  /** Connects and resolves once the answer's headers arrive. */
  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: client.abort.signal,
    });
    client.status = res.status;
    if (res.ok && res.body) client.done = client.read(res.body);
    else await res.body?.cancel();
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      /* aborted */
    }
  }

  private parse(block: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields++;
      if (name === 'id') id = value;
      else if (name === 'event') event = value;
      else if (name === 'data') data.push(value);
    }
    if (fields && data.length) {
      this.events.push({ id, event, data: data.join('\n'), receivedAt: performance.now() });
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Live events (the default `message` type), parsed. */
  messages<T = { seq: number; type: string; data: Record<string, unknown> }>(): T[] {
    return this.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data) as T);
  }

  /**
   * Resolves with the first event matching `match`, waiting at most `timeoutMs`.
   * @throws when none arrives in time.
   */
  async next(match: (e: SseEvent) => boolean, what: string, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - performance.now();
      if (left <= 0)
        throw new Error(
          `no ${what} within ${timeoutMs} ms (got ${this.events.map((e) => e.event + ':' + e.data.slice(0, 60)).join(' | ')})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
