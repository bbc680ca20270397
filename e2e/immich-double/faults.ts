import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Which requests a fault applies to. `path` is relative to /api ("/assets", "/stacks/..."): a string
 * must equal the path (query ignored), a RegExp is tested against it. `method` is exact ("POST").
 */
export type FaultScope = { path?: string | RegExp; method?: string };

export type FailOptions = FaultScope & {
  /**
   * Answer like a reverse proxy (text/html body) instead of Immich (JSON). With @immich/sdk this
   * surfaces as MalformedResponseError rather than HttpError, which is what happens in real life.
   */
  asProxy?: boolean;
};

export interface FaultControl {
  /** The next `n` matching requests get `status` (default 500); their bodies are read and dropped. */
  failNext(n: number, status?: number, options?: FailOptions): void;
  /** The next `n` matching requests get 429 with a `Retry-After: <seconds>` header. */
  rateLimitNext(n: number, retryAfterSeconds: number, options?: FailOptions): void;
  /** Every matching request is answered `ms` later, until reset (or `delayMs(0)`). */
  delayMs(ms: number, scope?: FaultScope): void;
  /** The next `n` uploads (POST /assets unless scoped otherwise) lose their socket part-way through the body. */
  dropConnectionMidUpload(n: number, scope?: FaultScope): void;
  /**
   * Real outage: stops listening and destroys open connections, so clients get ECONNREFUSED;
   * listens again on the same port after `ms`. Resolves once the server is down.
   */
  downFor(ms: number): Promise<void>;
  /**
   * Ends an outage now (listening again on the same port); nothing if the server is up. With a long
   * downFor, a test holds the outage until the client has been seen to meet it, however long a busy
   * machine takes to get there.
   */
  endOutage(): Promise<void>;
  /** Resolves when the server is listening (immediately if it is up). */
  whenUp(): Promise<void>;
  /**
   * Replays Immich's late metadata extraction: sidecar values are applied `ms` after the upload
   * answered, overwriting description/rating set in between (the known upstream race). 0 = at once.
   */
  slowMetadataExtraction(ms: number): void;
  /** Clears every fault and brings the server back up if it is down. */
  reset(): Promise<void>;
}

type Rule =
  | { kind: 'fail'; remaining: number; status: number; asProxy: boolean; scope: FaultScope }
  | { kind: 'rateLimit'; remaining: number; retryAfter: number; asProxy: boolean; scope: FaultScope }
  | { kind: 'delay'; ms: number; scope: FaultScope }
  | { kind: 'drop'; remaining: number; scope: FaultScope };

export type Verdict =
  | { kind: 'fail'; status: number; asProxy: boolean; headers: Record<string, string>; body: string; contentType: string }
  | undefined;

export type Outage = { stop(): Promise<void>; start(): Promise<void>; isUp(): boolean };

function matches(scope: FaultScope, method: string, path: string): boolean {
  if (scope.method && scope.method.toUpperCase() !== method) return false;
  if (scope.path === undefined) return true;
  const p = scope.path;
  if (typeof p === 'string') return p.replace(/^\/api(?=\/)/, '') === path;
  return p.test(path);
}

function failBody(status: number, asProxy: boolean): { body: string; contentType: string } {
  const text = STATUS_CODES[status] ?? 'Error';
  if (asProxy) return { body: `<html><body><h1>${status} ${text}</h1></body></html>`, contentType: 'text/html' };
  const message = status === 500 ? 'Internal server error' : text;
  return { body: JSON.stringify({ message }), contentType: 'application/json; charset=utf-8' };
}

export class FaultControlImpl implements FaultControl {
  private rules: Rule[] = [];
  private outage: Outage | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private upWaiters: Array<() => void> = [];
  extractionDelayMs = 0;

  attach(outage: Outage): void {
    this.outage = outage;
  }

  failNext(n: number, status = 500, options: FailOptions = {}): void {
    this.rules.push({ kind: 'fail', remaining: n, status, asProxy: options.asProxy ?? false, scope: options });
  }

  rateLimitNext(n: number, retryAfterSeconds: number, options: FailOptions = {}): void {
    this.rules.push({ kind: 'rateLimit', remaining: n, retryAfter: retryAfterSeconds, asProxy: options.asProxy ?? false, scope: options });
  }

  delayMs(ms: number, scope: FaultScope = {}): void {
    this.rules = this.rules.filter((r) => r.kind !== 'delay');
    if (ms > 0) this.rules.push({ kind: 'delay', ms, scope });
  }

  dropConnectionMidUpload(n: number, scope: FaultScope = { method: 'POST', path: '/assets' }): void {
    this.rules.push({ kind: 'drop', remaining: n, scope });
  }

  slowMetadataExtraction(ms: number): void {
    this.extractionDelayMs = Math.max(0, ms);
  }

  async downFor(ms: number): Promise<void> {
    if (!this.outage) throw new Error('fault control not attached to a server');
    clearTimeout(this.restartTimer);
    await this.outage.stop();
    this.restartTimer = setTimeout(() => void this.bringUp(), ms);
  }

  endOutage(): Promise<void> {
    return this.bringUp();
  }

  whenUp(): Promise<void> {
    if (!this.outage || this.outage.isUp()) return Promise.resolve();
    return new Promise((resolve) => this.upWaiters.push(resolve));
  }

  async reset(): Promise<void> {
    this.rules = [];
    this.extractionDelayMs = 0;
    if (this.outage && !this.outage.isUp()) await this.bringUp();
  }

  /** Called by close(): no restart may happen after the double is closed. */
  dispose(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.outage = undefined;
    for (const resolve of this.upWaiters.splice(0)) resolve();
  }

  private async bringUp(): Promise<void> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (!this.outage || this.outage.isUp()) return;
    await this.outage.start();
    for (const resolve of this.upWaiters.splice(0)) resolve();
  }

  /** Applies delays, then decides whether this request is failed before reaching Immich's logic. */
  async before(method: string, path: string): Promise<{ verdict: Verdict; delayed: boolean }> {
    let delayed = false;
    for (const rule of this.rules) {
      if (rule.kind === 'delay' && matches(rule.scope, method, path)) {
        delayed = true;
        await sleep(rule.ms);
      }
    }
    for (const rule of this.rules) {
      if ((rule.kind !== 'fail' && rule.kind !== 'rateLimit') || rule.remaining <= 0) continue;
      if (!matches(rule.scope, method, path)) continue;
      rule.remaining -= 1;
      const status = rule.kind === 'fail' ? rule.status : 429;
      const headers: Record<string, string> = rule.kind === 'rateLimit' ? { 'retry-after': String(rule.retryAfter) } : {};
      return { verdict: { kind: 'fail', status, asProxy: rule.asProxy, headers, ...failBody(status, rule.asProxy) }, delayed };
    }
    return { verdict: undefined, delayed };
  }

  /** True if this upload must lose its connection mid-body (consumes one drop). */
  takeDrop(method: string, path: string): boolean {
    for (const rule of this.rules) {
      if (rule.kind === 'drop' && rule.remaining > 0 && matches(rule.scope, method, path)) {
        rule.remaining -= 1;
        return true;
      }
    }
    return false;
  }
}
