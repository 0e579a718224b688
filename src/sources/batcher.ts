/**
 * Collects lines and hands them to the sink in order, one write at a time: when `maxLines`
 * are waiting, or `maxDelayMs` after the first one arrived. `onCommitted` runs after the sink
 * accepted a batch, so a source advances its resume point only past data that is safe.
 */
import type { IngestFormat } from '../formats/parser.js';
import type { SourceSink } from './source.js';

export interface Pending<T> {
  line: string;
  meta: T;
  timeMs: number | null;
}

export class LineBatcher<T> {
  private pending: Pending<T>[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private failure: unknown = null;
  /** A write failed: nothing more is written through this batcher (one per connection). */
  private broken = false;

  constructor(
    private readonly sink: SourceSink,
    private readonly format: IngestFormat,
    private readonly onCommitted: (items: Pending<T>[]) => void,
    private readonly maxLines = 500,
    private readonly maxDelayMs = 200,
  ) {}

  /** Queues a line; resolves when the queue is short enough to take more (backpressure). */
  async add(item: Pending<T>): Promise<void> {
    this.check();
    this.pending.push(item);
    if (this.pending.length >= this.maxLines) {
      this.flush();
      await this.chain;
      this.check();
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
    }
  }

  /** Sends what is queued; the returned promise settles after every earlier write. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const items = this.pending;
    this.pending = [];
    if (items.length > 0) {
      this.chain = this.chain.then(async () => {
        if (this.broken) return;
        let newest: number | null = null;
        for (const i of items)
          if (i.timeMs !== null && (newest === null || i.timeMs > newest)) newest = i.timeMs;
        try {
          await this.sink.write({
            format: this.format,
            lines: items.map((i) => i.line),
            newestDataAt: newest,
          });
          this.onCommitted(items);
        } catch (err) {
          this.failure = err;
          this.broken = true;
        }
      });
    }
    return this.chain;
  }

  /** Flushes and waits; throws the first sink failure, if any. */
  async drain(): Promise<void> {
    await this.flush();
    this.check();
  }

  /**
   * After the stream failed: writes the lines queued so far, which arrived whole, and waits.
   * Were they dropped to be fetched again, a stream cut after every burst (a proxy's stream
   * limit) would replay the same records forever without getting past them. After a failed
   * write nothing is written: a later write would move the resume point past the records that
   * failed, and they must come again with the next connection.
   */
  async settle(): Promise<void> {
    if (this.broken) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.pending = [];
    }
    await this.flush();
  }

  private check(): void {
    if (this.failure !== null) {
      const f = this.failure;
      this.failure = null;
      throw f instanceof Error ? f : new Error(String(f));
    }
  }
}
