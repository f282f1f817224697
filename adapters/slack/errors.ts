import { DeliveryError } from "../../src/core/adapter.js";

/** Web API error codes after which retrying the same call cannot succeed. */
export const PERMANENT_SLACK_ERRORS = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
  "not_allowed_token_type",
  "invalid_blocks",
  "invalid_blocks_format",
  "msg_too_long",
  "msg_blocks_too_long",
  "no_text",
  "too_many_attachments",
  "user_not_found",
  "users_not_found",
  "user_not_visible",
  "user_disabled",
  "cannot_dm_bot",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_thread_only_channel",
  "restricted_action_non_threadable_channel",
  "team_access_not_granted",
  "ekm_access_denied",
  "invalid_arguments",
  "invalid_arg_name",
  "method_deprecated",
  "deprecated_endpoint",
  "no_installation",
  "user_not_in_channel",
]);

/** The shape of @slack/web-api errors, read by their `code` (the SDK's documented discriminator). */
interface WebApiErrorLike {
  code?: unknown;
  retryAfter?: unknown;
  data?: { error?: unknown };
  statusCode?: unknown;
  message?: unknown;
}

/** The Web API error code (`channel_not_found`...) of an SDK error, when there is one. */
export function slackErrorCode(error: unknown): string | undefined {
  const candidate = (error ?? {}) as WebApiErrorLike;
  return typeof candidate.data?.error === "string" ? candidate.data.error : undefined;
}

/** Converts an error from a Web API call into the DeliveryError the outbox understands. */
export function toDeliveryError(error: unknown, what: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const candidate = (error ?? {}) as WebApiErrorLike;
  switch (candidate.code) {
    case "slack_webapi_rate_limited_error": {
      const retryAfterSeconds = typeof candidate.retryAfter === "number" && candidate.retryAfter > 0 ? candidate.retryAfter : 1;
      return new DeliveryError(`${what}: Slack rate limit, retry after ${retryAfterSeconds} s`, { retryAfterMs: retryAfterSeconds * 1000, cause: error });
    }
    case "slack_webapi_platform_error": {
      const code = slackErrorCode(error) ?? "unknown_error";
      if (code === "ratelimited") return new DeliveryError(`${what}: Slack rate limit`, { retryAfterMs: 1000, cause: error });
      return new DeliveryError(`${what}: Slack answered ${code}`, { permanent: PERMANENT_SLACK_ERRORS.has(code), cause: error });
    }
    case "slack_webapi_http_error": {
      const status = typeof candidate.statusCode === "number" ? candidate.statusCode : 0;
      const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
      return new DeliveryError(`${what}: Slack answered HTTP ${status}`, { permanent, cause: error });
    }
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return new DeliveryError(`${what}: ${message}`, { cause: error });
    }
  }
}
