import { z } from "zod";
import { DeliveryError } from "../../src/core/adapter.js";
import { describeError, RETRY_AFTER_HEADER_FIELD } from "./client.js";

const matrixErrorShape = z.object({
  statusCode: z.number().optional(),
  errcode: z.string().optional(),
  body: z.record(z.string(), z.unknown()).optional(),
});

/** Error codes after which retrying the same request cannot succeed. */
const PERMANENT_CODES = new Set(["M_FORBIDDEN", "M_NOT_FOUND", "M_TOO_LARGE", "M_BAD_JSON", "M_NOT_JSON", "M_INVALID_PARAM", "M_UNRECOGNIZED"]);

/** The HTTP status and Matrix error code of an SDK error, when it carries them. */
export function matrixErrorInfo(error: unknown): { status?: number; errcode?: string; body?: Record<string, unknown> } {
  const parsed = matrixErrorShape.safeParse(error);
  if (!parsed.success) return {};
  const errcode = parsed.data.errcode ?? (typeof parsed.data.body?.errcode === "string" ? parsed.data.body.errcode : undefined);
  return { status: parsed.data.statusCode, errcode, body: parsed.data.body };
}

/**
 * Turns a failed homeserver call into a DeliveryError: 429 M_LIMIT_EXCEEDED with the wait from Retry-After (or the
 * deprecated retry_after_ms), 403/404 and rejected content as permanent, network errors and 5xx as retryable.
 */
export function toDeliveryError(error: unknown, what: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const { status, errcode, body } = matrixErrorInfo(error);
  const detail = `${what}: ${errcode ?? (status !== undefined ? `HTTP ${status}` : describeError(error))}`;
  if (status === 429 || errcode === "M_LIMIT_EXCEEDED") {
    const headerMs = body?.[RETRY_AFTER_HEADER_FIELD];
    const bodyMs = body?.retry_after_ms;
    // Synapse rounds the header up to whole seconds (math.ceil(retry_after_ms / 1000)): the body's milliseconds are the
    // precise wait when they agree with it; otherwise (a proxy's own Retry-After, say) the header wins.
    const bodyAgrees = typeof bodyMs === "number" && typeof headerMs === "number" && bodyMs >= 0 && bodyMs <= headerMs && bodyMs > headerMs - 1000;
    const retryAfterMs = bodyAgrees ? bodyMs : typeof headerMs === "number" ? headerMs : typeof bodyMs === "number" ? bodyMs : undefined;
    return new DeliveryError(`${detail} (rate limited)`, { retryAfterMs, cause: error });
  }
  if (errcode !== undefined && PERMANENT_CODES.has(errcode) && (status === undefined || status < 500)) return new DeliveryError(detail, { permanent: true, cause: error });
  if (status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 408) {
    return new DeliveryError(detail, { permanent: true, cause: error });
  }
  return new DeliveryError(detail, { cause: error });
}
