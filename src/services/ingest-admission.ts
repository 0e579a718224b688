/**
 * How much ingest work the server takes on at once. A body that has been received waits for an
 * ingest worker to parse it and for the group commit to write it; while it waits, its bytes and
 * the flows parsed from them stay in memory. When more collectors send than the server can
 * store (a burst, hundreds of nodes catching up after an outage), the waiting work grew without
 * bound, past the pod's memory limit: evidence lost exactly when traffic was unusual.
 *
 * `IngestAdmission` counts the (decompressed) bytes of the bodies in flight, from admission to
 * the reply. A body that would take the count past `ingest.maxInFlightBytes` is refused with 503
 * and Retry-After before any parsing; the collector keeps it in its disk buffer and sends it
 * again. With nothing in flight, any body is admitted, so that one larger than the limit (but
 * within `server.bodyLimitBytes`) is not refused forever.
 */
export interface InFlight {
  bytes: number;
  requests: number;
  maxBytes: number;
}

export class IngestAdmission {
  private bytes = 0;
  private requests = 0;
  private readonly refusedListeners: (() => void)[] = [];

  constructor(private readonly maxBytes: number) {}

  /** Calls `listener` for each body refused (the metrics count them). */
  onRefused(listener: () => void): void {
    this.refusedListeners.push(listener);
  }

  /**
   * True (and counted as refused) when a body of at least `size` bytes would be refused now:
   * checked on the declared Content-Length before the body is read, so that a refused body is
   * never buffered. `tryAdmit` still decides on the decompressed size.
   */
  refuses(size: number): boolean {
    if (this.requests === 0 || this.bytes + size <= this.maxBytes) return false;
    for (const l of this.refusedListeners) l();
    return true;
  }

  /**
   * Admits a body of `size` bytes and returns the function that releases it (call it once the
   * reply is decided; later calls do nothing), or null when the server is at its limit.
   * @example
   * const release = admission.tryAdmit(body.length);
   * if (!release) return refuse(reply); // 503 with Retry-After
   * try { … } finally { release(); }
   */
  tryAdmit(size: number): (() => void) | null {
    if (this.refuses(size)) return null;
    this.bytes += size;
    this.requests += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.bytes -= size;
      this.requests -= 1;
    };
  }

  state(): InFlight {
    return { bytes: this.bytes, requests: this.requests, maxBytes: this.maxBytes };
  }
}
