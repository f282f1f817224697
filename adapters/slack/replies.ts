// Where a reply to a Slack event can go (the routes the shared reply policy tries): response_url within its window,
// an ephemeral or in-thread post, a direct message last.
import type { OutboundMessage } from "../../src/core/message.js";
import type { Logger } from "pino";
import type { InboundEvent, Reply } from "../../src/core/adapter.js";
import { deliverReply, type ReplyPolicy, type ReplyRoute, type ReplyRoutes } from "../../src/core/reply-policy.js";
import type { SlackConfig } from "./config.js";
import { SLACK_LIMITS } from "./limits.js";
import { postToResponseUrl, type SlackClient, type SlackPoster } from "./outbound.js";
import type { SlackMessagePart } from "./render.js";

/** What a reply needs to reach the person who asked. */
export interface ReplyContext {
  client: SlackClient;
  workspace: string;
  userId: string;
  eventId: string;
  channel?: string;
  threadTs?: string;
  /** The command's or button's response_url (slash commands and block actions). */
  responseUrl?: string;
  /** Until when response_url may be used (the reply policy's clock), in milliseconds. */
  responseUrlUntilMs?: number;
  /** Slash commands answer "in-place" through response_url; buttons answer in the message's thread. */
  source: "command" | "action";
}

/** The ways a reply can reach the person in this context. */
export function slackReplyRoutes(context: ReplyContext, deps: { poster: SlackPoster; config: SlackConfig }): ReplyRoutes {
  const { client, channel, responseUrl } = context;
  const threadTs = context.threadTs;
  const render = (message: OutboundMessage) => deps.poster.render(message);
  const respondRoute = (responseType: "ephemeral" | "in_channel", url: string): ReplyRoute => ({
    send: resumable(
      (message) => deps.poster.render(message, Math.min(deps.config.maxMessagesPerSend, SLACK_LIMITS.responseUrlUses)),
      (part) => postToResponseUrl(url, { response_type: responseType, replace_original: false, text: part.text, blocks: part.blocks }, deps.config.apiTimeoutMs),
    ),
    ...(context.responseUrlUntilMs !== undefined ? { usableUntilMs: context.responseUrlUntilMs } : {}),
  });
  const postInPlace = (target: string): ReplyRoute => ({
    send: async (message) => {
      await deps.poster.postParts(client, { channel: target, ...(threadTs ? { threadTs } : {}) }, await render(message), `reply:${context.eventId}:in-place`);
    },
  });
  const routes: ReplyRoutes = {
    direct: {
      send: async (message) => {
        await deps.poster.sendDirect(client, context.workspace, context.userId, message, `reply:${context.eventId}:direct`);
      },
    },
  };
  if (responseUrl && context.source === "command") routes.inPlace = respondRoute("in_channel", responseUrl);
  else if (channel) routes.inPlace = postInPlace(channel);
  if (responseUrl) routes.ephemeral = respondRoute("ephemeral", responseUrl);
  else if (channel) {
    routes.ephemeral = { send: resumable(render, (part) => deps.poster.postEphemeralPart(client, channel, context.userId, part, threadTs)) };
  }
  return routes;
}

/** A send that posts a message's parts one by one and, called again after a failure, continues with the part that failed. */
function resumable(render: (message: OutboundMessage) => Promise<SlackMessagePart[]>, post: (part: SlackMessagePart) => Promise<void>): (message: OutboundMessage) => Promise<void> {
  let shown = 0;
  return async (message) => {
    const parts = await render(message);
    while (shown < parts.length) {
      const part = parts[shown];
      if (part) await post(part);
      shown += 1;
    }
  };
}

/**
 * Delivers the core's reply through the shared reply policy: response_url (slash commands, buttons) within its
 * 30 minutes, ephemeral or thread posts otherwise, a direct message last; each failed attempt and a reply that could
 * not be delivered are logged.
 */
export async function deliverSlackReply(reply: Reply, event: InboundEvent, context: ReplyContext, deps: { poster: SlackPoster; config: SlackConfig; policy: ReplyPolicy; logger: Logger }): Promise<void> {
  const outcome = await deliverReply(reply, event, slackReplyRoutes(context, deps), deps.policy, (report) => {
    deps.logger.info({ eventId: context.eventId, route: report.route, attempt: report.attempt, next: report.next, waitMs: report.waitMs, err: report.error }, "Slack reply attempt failed");
  });
  if (!outcome.delivered) deps.logger.warn({ err: outcome.error, eventId: context.eventId, attempts: outcome.attempts }, "could not deliver a reply on Slack");
}
