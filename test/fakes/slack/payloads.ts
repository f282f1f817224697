/** Builders of the bodies Slack sends to apps, with the fields its documentation lists. */
import { createHmac } from "node:crypto";

/** The fake's app id. */
export const FAKE_APP_ID = "A0LIAISON";

/** `X-Slack-Signature` for a body: "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)). */
export function slackSignature(signingSecret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestampSec}:${body}`).digest("hex")}`;
}

/** Fields of a slash command POST (https://docs.slack.dev/interactivity/implementing-slash-commands#app_command_handling). */
export function slashCommandFields(input: {
  teamId: string;
  teamDomain: string;
  channelId: string;
  channelName: string;
  userId: string;
  userName: string;
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
  enterpriseId?: string;
}): Record<string, string> {
  return {
    token: "fake-verification-token",
    team_id: input.teamId,
    team_domain: input.teamDomain,
    ...(input.enterpriseId ? { enterprise_id: input.enterpriseId, enterprise_name: "Fake Grid" } : {}),
    channel_id: input.channelId,
    channel_name: input.channelName,
    user_id: input.userId,
    user_name: input.userName,
    command: input.command,
    text: input.text,
    api_app_id: FAKE_APP_ID,
    is_enterprise_install: "false",
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  };
}

/** An Events API callback envelope around an event. */
export function eventCallback(input: { teamId: string; botUserId: string; eventId: string; eventTimeSec: number; event: Record<string, unknown> }): Record<string, unknown> {
  return {
    token: "fake-verification-token",
    team_id: input.teamId,
    context_team_id: input.teamId,
    context_enterprise_id: null,
    api_app_id: FAKE_APP_ID,
    event: input.event,
    type: "event_callback",
    event_id: input.eventId,
    event_time: input.eventTimeSec,
    authorizations: [{ enterprise_id: null, team_id: input.teamId, user_id: input.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-fake-${input.eventId}`,
  };
}

/** A `message` event as the Events API delivers it. */
export function messageEvent(input: {
  teamId: string;
  channelId: string;
  channelType: string;
  ts: string;
  text: string;
  user: string;
  threadTs?: string;
  botId?: string;
  subtype?: string;
}): Record<string, unknown> {
  return {
    type: "message",
    ...(input.subtype ? { subtype: input.subtype } : {}),
    channel: input.channelId,
    user: input.user,
    text: input.text,
    ts: input.ts,
    event_ts: input.ts,
    ...(input.threadTs ? { thread_ts: input.threadTs, parent_user_id: input.user } : {}),
    ...(input.botId ? { bot_id: input.botId, app_id: FAKE_APP_ID, bot_profile: { id: input.botId, app_id: FAKE_APP_ID, name: "Liaison" } } : { client_msg_id: `cm-${input.ts}` }),
    team: input.teamId,
    channel_type: input.channelType,
    blocks: [],
  };
}

/** A user as interactivity payloads describe them. */
export function payloadUser(teamId: string, userId: string, userName: string): Record<string, unknown> {
  return { id: userId, username: userName, name: userName, team_id: teamId };
}
