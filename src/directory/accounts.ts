import type { PlatformIdentity } from "../core/adapter.js";
import type { Actor } from "../core/actor.js";
import { fail, type Failure } from "../core/result.js";
import type { Tx } from "../store/types.js";

/** Longest Matrix user id the spec allows, in characters (including the leading "@" and the server name). */
export const MATRIX_USER_ID_MAX_CHARS = 255;

const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;
const SLACK_TEAM_ID = /^T[A-Z0-9]+$/;
const DISCORD_SNOWFLAKE = /^[0-9]{17,20}$/;
/** Localpart per the current Matrix grammar, plus the historical characters servers may still hold (0x21–0x7E but ":"). */
const MATRIX_LOCALPART = /^[!-9;-~]+$/;
const MATRIX_SERVER_NAME = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[0-9A-Za-z.-]{1,255})(?::[0-9]{1,5})?$/;

/**
 * Checks that a chat identity given to /contacts link has its platform's form: Slack user U…/W… with a team T…,
 * Matrix @localpart:server without a workspace, Discord a snowflake user id (Discord user ids are global, so any
 * server id is ignored). Console identities are never linked this way.
 */
export function checkLinkIdentity(identity: Pick<PlatformIdentity, "platform" | "workspace" | "userId">): Failure | undefined {
  const { platform, workspace, userId } = identity;
  switch (platform) {
    case "console":
      return fail("invalid-input", "Console identities cannot be linked: the console is the operator's, not a person's account.", "Link the person's Slack, Matrix or Discord account.");
    case "slack":
      if (!SLACK_USER_ID.test(userId)) return fail("invalid-input", `"${userId}" is not a Slack user id: it starts with U or W, followed by capital letters and digits (e.g. U024BE7LH).`, "The person sees their user id with /whoami.");
      if (!workspace) return fail("invalid-input", "A Slack user id needs its workspace: add --workspace with the team id (T…, e.g. T061EG9R6).", "The person sees their workspace with /whoami.");
      if (!SLACK_TEAM_ID.test(workspace)) return fail("invalid-input", `"${workspace}" is not a Slack team id: it starts with T, followed by capital letters and digits (e.g. T061EG9R6).`);
      return undefined;
    case "matrix": {
      if (workspace) return fail("invalid-input", "Matrix user ids are global: leave out --workspace.");
      const form = "a Matrix user id looks like @localpart:server (e.g. @anna:police.example)";
      if (userId.length > MATRIX_USER_ID_MAX_CHARS) return fail("invalid-input", `That Matrix user id is longer than ${MATRIX_USER_ID_MAX_CHARS} characters.`);
      const colon = userId.indexOf(":");
      if (!userId.startsWith("@") || colon < 0) return fail("invalid-input", `"${userId}" is not a Matrix user id: ${form}.`);
      const localpart = userId.slice(1, colon);
      const server = userId.slice(colon + 1);
      if (!MATRIX_LOCALPART.test(localpart) || !MATRIX_SERVER_NAME.test(server)) return fail("invalid-input", `"${userId}" is not a Matrix user id: ${form}.`);
      return undefined;
    }
    case "discord":
      if (!DISCORD_SNOWFLAKE.test(userId)) return fail("invalid-input", `"${userId}" is not a Discord user id: it is a number of 17 to 20 digits (e.g. 123456789012345678).`, "The person sees their user id with /whoami.");
      return undefined;
  }
}

/** Refuses when a non-coordinator acts on a coordinator's entry or accounts (`what` says what, e.g. "link accounts to"). */
export function checkCoordinatorProtected(actor: Actor, subject: { handle: string; coordinator: boolean }, what: string): Failure | undefined {
  if (!subject.coordinator || actor.contact?.coordinator) return undefined;
  return fail("not-allowed", `Only a coordinator may ${what} ${subject.handle}: ${subject.handle} is a coordinator.`);
}

/** Refuses when `subject` is the last coordinator, so that removing them or taking their rights would leave none. */
export async function checkNotLastCoordinator(db: Tx, subject: { id: string; handle: string; coordinator: boolean }, what: string): Promise<Failure | undefined> {
  if (!subject.coordinator) return undefined;
  const others = await db.contact.count({ where: { coordinator: true, removedAt: null, id: { not: subject.id } } });
  if (others > 0) return undefined;
  return fail("conflict", `${subject.handle} is the last coordinator and cannot ${what}.`, "Make another contact a coordinator first.");
}
