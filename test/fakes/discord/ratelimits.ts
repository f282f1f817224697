import { randomBytes } from "node:crypto";

/** A rate-limit bucket as the fake keeps it. */
interface Bucket {
  hash: string;
  limit: number;
  remaining: number;
  resetAtMs: number;
}

/** An injected 429. */
export interface InjectedLimit {
  retryAfterMs?: number;
  global?: boolean;
  scope?: "user" | "shared";
}

/** Discord's per-route buckets with consistent X-RateLimit-* headers, and injected 429s (bucket or global). */
export class FakeRateLimits {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly nowMs: () => number,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /**
   * The bucket a request counts against: per route and major parameter, as Discord keys them (the channel, the
   * guild, or for webhooks the webhook id with its token, so each interaction's token has buckets of its own).
   */
  private key(method: string, path: string): string {
    const template = path.replace(/\d{17,20}/g, ":id").replace(/\/webhooks\/:id\/[^/]+/, "/webhooks/:id/:token");
    const major = /^\/webhooks\/(\d+\/[^/]+)/.exec(path)?.[1] ?? /^\/(channels|guilds|webhooks)\/(\d+)/.exec(path)?.[2] ?? "";
    return `${method} ${template} ${major}`;
  }

  /** The bucket for a request, refreshed when its window has passed. */
  private bucket(method: string, path: string): Bucket {
    const key = this.key(method, path);
    let bucket = this.buckets.get(key);
    const now = this.nowMs();
    if (!bucket || now >= bucket.resetAtMs) {
      const limit = this.limit;
      bucket = { hash: bucket?.hash ?? randomBytes(16).toString("hex"), limit, remaining: limit, resetAtMs: now + (this.windowMs) };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** A 429 answer when the request is over its bucket or a 429 was injected; otherwise counts the request. */
  check(method: string, path: string, fault: InjectedLimit | undefined): { headers: Record<string, string>; body: unknown } | undefined {
    const isCallback = path.endsWith("/callback");
    if (fault) {
      const retryAfterMs = fault.retryAfterMs ?? 1000;
      const seconds = retryAfterMs / 1000;
      if (fault.global) {
        return {
          headers: { "Retry-After": String(Math.ceil(seconds)), "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global" },
          body: { message: "You are being rate limited.", retry_after: seconds, global: true },
        };
      }
      const bucket = this.bucket(method, path);
      bucket.remaining = 0;
      bucket.resetAtMs = this.nowMs() + retryAfterMs;
      return { headers: this.limitedHeaders(bucket, fault.scope ?? "user"), body: { message: "You are being rate limited.", retry_after: seconds, global: false } };
    }
    if (isCallback) return undefined;
    const bucket = this.bucket(method, path);
    if (bucket.remaining <= 0) {
      const seconds = (bucket.resetAtMs - this.nowMs()) / 1000;
      return { headers: this.limitedHeaders(bucket, "user"), body: { message: "You are being rate limited.", retry_after: seconds, global: false } };
    }
    bucket.remaining -= 1;
    return undefined;
  }

  /** Headers of a 429 for a bucket: consistent Limit/Remaining/Reset/Reset-After/Bucket/Scope and Retry-After. */
  private limitedHeaders(bucket: Bucket, scope: string): Record<string, string> {
    const resetAfterS = Math.max(0, bucket.resetAtMs - this.nowMs()) / 1000;
    return {
      "X-RateLimit-Limit": String(bucket.limit),
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": (bucket.resetAtMs / 1000).toFixed(3),
      "X-RateLimit-Reset-After": resetAfterS.toFixed(3),
      "X-RateLimit-Bucket": bucket.hash,
      "X-RateLimit-Scope": scope,
      "Retry-After": String(Math.ceil(resetAfterS)),
    };
  }

  /** Rate-limit headers of a successful answer. */
  headers(method: string, path: string): Record<string, string> {
    const bucket = this.bucket(method, path);
    return {
      "X-RateLimit-Limit": String(bucket.limit),
      "X-RateLimit-Remaining": String(bucket.remaining),
      "X-RateLimit-Reset": (bucket.resetAtMs / 1000).toFixed(3),
      "X-RateLimit-Reset-After": (Math.max(0, bucket.resetAtMs - this.nowMs()) / 1000).toFixed(3),
      "X-RateLimit-Bucket": bucket.hash,
    };
  }

}
