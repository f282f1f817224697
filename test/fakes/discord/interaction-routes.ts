import type { FakeDiscord, FakeInteraction } from "./server.js";
import { IDS, RouteError } from "./server.js";
import type { FakeMessage } from "./payloads.js";

/** Discord's rules for the first response. */
export const INTERACTION_RESPONSE_DEADLINE_MS = 3000;
/** How long an interaction token works for edits and follow-ups. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

/** Message flags. */
const EPHEMERAL = 64;
const LOADING = 128;

/** An object view of a JSON body. */
function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** POST /interactions/{id}/{token}/callback: the 3-second rule, answer-once, and each response type's effect. */
function callback(fake: FakeDiscord, interactionId: string, token: string, body: unknown): [number, unknown] {
  const interaction = fake.interactions.get(interactionId);
  if (!interaction || interaction.token !== token) throw new RouteError(404, { message: "Unknown interaction", code: 10062 });
  interaction.callbacks += 1;
  if (interaction.responseType !== undefined) {
    throw new RouteError(400, { message: "Interaction has already been acknowledged.", code: 40060 });
  }
  if (fake.nowMs() - interaction.createdAtMs > INTERACTION_RESPONSE_DEADLINE_MS) {
    throw new RouteError(404, { message: "Unknown interaction", code: 10062 });
  }
  const input = record(body);
  const type = input.type;
  const data = record(input.data);
  const fromComponent = interaction.type === 3;
  if (type === 4) {
    fake.validateMessage(data);
    const flags = typeof data.flags === "number" ? data.flags : 0;
    const message = fake.createMessage(interaction.channel.id, data, {
      interactionId: interaction.id,
      ...(flags & EPHEMERAL ? { ephemeralTo: interaction.user.id } : {}),
    });
    interaction.originalMessageId = message.id;
  } else if (type === 5) {
    const ephemeral = (Number(data.flags ?? 0) & EPHEMERAL) !== 0;
    const message = fake.createMessage(interaction.channel.id, { content: "", flags: LOADING | (ephemeral ? EPHEMERAL : 0) }, {
      interactionId: interaction.id,
      loading: true,
      ...(ephemeral ? { ephemeralTo: interaction.user.id } : {}),
    });
    interaction.originalMessageId = message.id;
    interaction.ephemeralDefer = ephemeral;
  } else if ((type === 6 || type === 7) && fromComponent) {
    if (type === 7) {
      fake.validateMessage(data);
      const source = interaction.sourceMessageId ? fake.message(interaction.sourceMessageId) : undefined;
      if (source) applyEdit(source, data);
    }
    if (interaction.sourceMessageId) interaction.originalMessageId = interaction.sourceMessageId;
  } else if (type === 9 && interaction.type !== 5) {
    fake.validateModal(data);
    interaction.modal = data;
  } else {
    throw new RouteError(400, { message: "Interaction response type is invalid for this interaction", code: 50035 });
  }
  interaction.responseType = Number(type);
  interaction.respondedAtMs = fake.nowMs();
  interaction.respondedAtHr = performance.now();
  return [204, undefined];
}

/** Applies an edit body to a message (only the fields present). */
function applyEdit(message: FakeMessage, body: Record<string, unknown>): void {
  if (typeof body.content === "string") message.content = body.content;
  if (Array.isArray(body.embeds)) message.embeds = body.embeds;
  if (Array.isArray(body.components)) message.components = body.components;
  message.loading = false;
  message.flags &= ~LOADING;
}

/** The interaction behind a webhook token, checked for app id, acknowledgement and the 15-minute lifetime. */
function byToken(fake: FakeDiscord, applicationId: string, token: string): FakeInteraction {
  const interaction = [...fake.interactions.values()].find((candidate) => candidate.token === token);
  if (!interaction || applicationId !== IDS.application) throw new RouteError(404, { message: "Unknown Webhook", code: 10015 });
  if (fake.nowMs() - interaction.createdAtMs > INTERACTION_TOKEN_LIFETIME_MS) {
    throw new RouteError(401, { message: "Invalid Webhook Token", code: 50027 });
  }
  if (interaction.responseType === undefined) throw new RouteError(404, { message: "Unknown Webhook", code: 10015 });
  return interaction;
}

/** The original response message of an interaction. */
function original(fake: FakeDiscord, interaction: FakeInteraction): FakeMessage {
  const message = interaction.originalMessageId ? fake.message(interaction.originalMessageId) : undefined;
  if (!message) throw new RouteError(404, { message: "Unknown Message", code: 10008 });
  return message;
}

/** Interaction callback and webhook (follow-up / @original) routes; undefined for other paths. */
export function handleInteractionRoute(fake: FakeDiscord, method: string, path: string, body: unknown): [number, unknown] | undefined {
  let match = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path);
  if (match && method === "POST") return callback(fake, match[1] ?? "", match[2] ?? "", body);
  match = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/(@original|\d+))?$/.exec(path);
  if (!match) return undefined;
  const interaction = byToken(fake, match[1] ?? "", match[2] ?? "");
  const input = record(body);
  if (match[3] === undefined && method === "POST") {
    fake.validateMessage(input);
    const pending = interaction.originalMessageId ? fake.message(interaction.originalMessageId) : undefined;
    if (pending?.loading) {
      // The first follow-up after a deferred reply resolves the "thinking" message, keeping the defer's visibility.
      applyEdit(pending, input);
      return [200, fake.messageJson(pending)];
    }
    const flags = typeof input.flags === "number" ? input.flags : 0;
    const message = fake.createMessage(interaction.channel.id, input, {
      interactionId: interaction.id,
      webhookId: IDS.application,
      ...(flags & EPHEMERAL ? { ephemeralTo: interaction.user.id } : {}),
    });
    return [200, fake.messageJson(message)];
  }
  if (match[4] === "@original") {
    const message = original(fake, interaction);
    if (method === "GET") return [200, fake.messageJson(message)];
    if (method === "PATCH") {
      fake.validateMessage({ content: message.content, embeds: message.embeds, components: message.components, ...input });
      applyEdit(message, input);
      return [200, fake.messageJson(message)];
    }
    if (method === "DELETE") {
      message.deleted = true;
      return [204, undefined];
    }
  }
  throw new RouteError(405, { message: "405: Method Not Allowed", code: 0 });
}
