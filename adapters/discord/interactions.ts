import { setTimeout as sleep } from "node:timers/promises";
import type { REST } from "discord.js";
import { RateLimitError, Routes } from "discord.js";
import type { Logger } from "pino";
import type { InboundEvent, InboundHandler, Reply } from "../../src/core/adapter.js";
import { DeliveryError } from "../../src/core/adapter.js";
import type { Clock } from "../../src/core/clock.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import type { CommandResolver } from "./commands.js";
import { buildModal, decodeButton, decodeModal, modalValues } from "./components.js";
import { ALREADY_ACKNOWLEDGED, discordCode, INVALID_WEBHOOK_TOKEN, rateLimitWaitMs, UNKNOWN_INTERACTION } from "./errors.js";
import type { InteractionPayload } from "./inbound.js";
import { identityOf, interactionLocation } from "./inbound.js";
import { EPHEMERAL_FLAG, INTERACTION_TOKEN_LIFETIME_MS, INTERACTION_TOKEN_MARGIN_MS } from "./limits.js";
import type { DiscordPoster } from "./outbound.js";
import type { DiscordMessageBody } from "./render.js";
import { noteBody } from "./render.js";

/** Interaction response types used here. */
const REPLY = 4;
const DEFERRED_REPLY = 5;
const DEFERRED_UPDATE = 6;
const MODAL = 9;

/** How many answered interaction ids are remembered to refuse answering twice. */
const REMEMBERED_INTERACTIONS = 10_000;

/** Error codes meaning the interaction token can no longer be used. */
const DEAD_TOKEN_CODES = new Set([UNKNOWN_INTERACTION, INVALID_WEBHOOK_TOKEN, 10015]);

/** What the responder needs from the adapter. */
export interface ResponderDeps {
  rest: REST;
  poster: DiscordPoster;
  state: AdapterStateStore;
  clock: Clock;
  logger: Logger;
  resolver: CommandResolver;
  applicationId: () => string;
  deferAfterMs: number;
}

/** One interaction being answered: its token's lifetime and whether it was answered. */
class InteractionSession {
  acknowledged = false;
  tokenDead = false;

  constructor(
    readonly interaction: InteractionPayload,
    private readonly deps: ResponderDeps,
    private readonly receivedAtMs: number,
  ) {}

  /** True while follow-ups and edits with the token are still possible. */
  tokenAlive(): boolean {
    const ageMs = this.deps.clock.now().getTime() - this.receivedAtMs;
    return !this.tokenDead && ageMs < INTERACTION_TOKEN_LIFETIME_MS - INTERACTION_TOKEN_MARGIN_MS;
  }

  /** Sends the one interaction response; resolves false when Discord refused it (too late, or already answered). */
  async respond(body: { type: number; data?: unknown }): Promise<boolean> {
    if (this.acknowledged) throw new Error(`interaction ${this.interaction.id} already answered`);
    this.acknowledged = true;
    try {
      await this.deps.rest.post(Routes.interactionCallback(this.interaction.id, this.interaction.token), {
        body,
        auth: false,
        query: new URLSearchParams({ with_response: "false" }),
      });
      return true;
    } catch (error) {
      const code = discordCode(error);
      if (code === UNKNOWN_INTERACTION) this.tokenDead = true;
      if (code !== ALREADY_ACKNOWLEDGED && code !== UNKNOWN_INTERACTION) this.acknowledged = false;
      this.deps.logger.warn({ err: error, interactionId: this.interaction.id, code }, "discord: interaction response refused");
      return false;
    }
  }

  /** Edits the original response (the deferred "thinking" message). */
  editOriginal(body: DiscordMessageBody): Promise<unknown> {
    const route = Routes.webhookMessage(this.deps.applicationId(), this.interaction.token, "@original");
    return this.withToken(() => this.deps.rest.patch(route, { body, auth: false }));
  }

  /** Deletes the original response. */
  deleteOriginal(): Promise<unknown> {
    const route = Routes.webhookMessage(this.deps.applicationId(), this.interaction.token, "@original");
    return this.withToken(() => this.deps.rest.delete(route, { auth: false }));
  }

  /** Sends a follow-up message. */
  followUp(body: DiscordMessageBody): Promise<unknown> {
    const route = Routes.webhook(this.deps.applicationId(), this.interaction.token);
    return this.withToken(() => this.deps.rest.post(route, { body, auth: false, query: new URLSearchParams({ wait: "true" }) }));
  }

  /** Runs a token call, waiting out short rate limits while the token lives; marks the token dead when Discord says so. */
  private async withToken<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const code = discordCode(error);
        if (code !== undefined && DEAD_TOKEN_CODES.has(code)) this.tokenDead = true;
        if (error instanceof RateLimitError && attempt < 3 && this.tokenAlive()) {
          await sleep(rateLimitWaitMs(error));
          continue;
        }
        throw error;
      }
    }
  }
}

/** Answers Discord interactions: within 3 seconds, exactly once, and within the token's 15 minutes or elsewhere. */
export class InteractionResponder {
  private readonly seen = new Set<string>();

  constructor(private readonly deps: ResponderDeps) {}

  /** True the first time an interaction id is seen (a replayed or redelivered one is not answered again). */
  private firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > REMEMBERED_INTERACTIONS) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  /** Handles one validated interaction. */
  async handle(interaction: InteractionPayload, handler: InboundHandler): Promise<void> {
    if (!this.firstTime(interaction.id)) {
      this.deps.logger.debug({ interactionId: interaction.id }, "discord: interaction seen before, not answered again");
      return;
    }
    const session = new InteractionSession(interaction, this.deps, this.deps.clock.now().getTime());
    const identity = identityOf(interaction);
    if (!identity) return;
    const base = { eventId: interaction.id, identity, where: interactionLocation(interaction) };
    if (interaction.type === 2) {
      const text = this.deps.resolver.toText(interaction.data.name, interaction.data.options);
      await this.replyFlow(session, { ...base, type: "command", text }, handler);
    } else if (interaction.type === 3) {
      await this.buttonFlow(session, interaction, base, handler);
    } else {
      const action = await decodeModal(interaction.data.custom_id, this.deps.state);
      if (!action) {
        await session.respond({ type: REPLY, data: noteBody("This form has expired; press the button again.", EPHEMERAL_FLAG) });
        return;
      }
      const values = modalValues(interaction.data.components, action);
      await this.replyFlow(session, { ...base, type: "action", command: action.command, values }, handler);
    }
  }

  /** Slash commands and modal submits: defer (ephemeral) at once or after deferAfterMs, then edit or follow up. */
  private async replyFlow(session: InteractionSession, event: InboundEvent, handler: InboundHandler): Promise<void> {
    const { deferAfterMs } = this.deps;
    let deferred: Promise<boolean> | undefined;
    if (deferAfterMs === 0) deferred = session.respond({ type: DEFERRED_REPLY, data: { flags: EPHEMERAL_FLAG } });
    const replying = handler(event).then(
      (reply) => ({ reply }),
      (error: unknown) => ({ error }),
    );
    if (!deferred) {
      const timer = sleep(deferAfterMs).then(() => undefined);
      const first = await Promise.race([replying, timer]);
      if (first !== undefined && "reply" in first && first.reply) {
        await this.replyDirectly(session, first.reply);
        return;
      }
      deferred = session.respond({ type: DEFERRED_REPLY, data: { flags: EPHEMERAL_FLAG } });
    }
    const [ok, outcome] = await Promise.all([deferred, replying]);
    if (!ok && !session.tokenDead) return; // already answered elsewhere: never answer twice
    if ("error" in outcome) {
      this.deps.logger.error({ err: outcome.error, eventId: event.eventId }, "discord: the core failed on an interaction");
      await this.deliver(session, { message: { text: "Something went wrong; please try again.", tone: "error" }, delivery: "ephemeral" }, "deferred");
      return;
    }
    await this.deliver(session, outcome.reply, "deferred");
  }

  /** A quick core answer: the first response carries it (type 4), with the visibility the core asked for. */
  private async replyDirectly(session: InteractionSession, reply: Reply): Promise<void> {
    if (reply.delivery === "direct") {
      await this.sendDm(session, reply);
      await session.respond({ type: REPLY, data: noteBody("I sent you a direct message.", EPHEMERAL_FLAG) });
      return;
    }
    const flags = reply.delivery === "ephemeral" ? EPHEMERAL_FLAG : undefined;
    const bodies = (await this.deps.poster.render(reply.message)).map((body) => (flags ? { ...body, flags } : body));
    const [first, ...rest] = bodies;
    if (!first || !(await session.respond({ type: REPLY, data: first }))) return;
    for (const body of rest) await session.followUp(body).catch((error: unknown) => this.warn(session, error));
  }

  /** Buttons: a modal when the action has a form; otherwise acknowledge (deferred update), run, and follow up. */
  private async buttonFlow(
    session: InteractionSession,
    interaction: Extract<InteractionPayload, { type: 3 }>,
    base: Pick<InboundEvent, "eventId" | "identity" | "where">,
    handler: InboundHandler,
  ): Promise<void> {
    const action = await decodeButton(interaction.data.custom_id, this.deps.state);
    if (!action) {
      await session.respond({ type: REPLY, data: noteBody("This button is no longer valid.", EPHEMERAL_FLAG) });
      return;
    }
    if (action.form && action.form.fields.length > 0) {
      const modal = await buildModal({ ...action, form: action.form }, this.deps.state);
      await session.respond({ type: MODAL, data: modal });
      return;
    }
    const deferred = session.respond({ type: DEFERRED_UPDATE });
    const outcome = await handler({ ...base, type: "action", command: action.command, values: {} }).then(
      (reply) => ({ reply }),
      (error: unknown) => ({ error }),
    );
    const ok = await deferred;
    if (!ok && !session.tokenDead) return;
    if ("error" in outcome) {
      this.deps.logger.error({ err: outcome.error, eventId: base.eventId }, "discord: the core failed on a button");
      await this.deliver(session, { message: { text: "Something went wrong; please try again.", tone: "error" }, delivery: "ephemeral" }, "update");
      return;
    }
    await this.deliver(session, outcome.reply, "update");
  }

  /**
   * Delivers the core's reply after the first response: "deferred" edits the ephemeral original; "update" (a button's
   * deferred update) sends follow-ups. With the token gone (15 minutes, or Discord refused it), in-place replies go to
   * the channel and private ones to a DM, so nothing private is ever posted in public.
   */
  private async deliver(session: InteractionSession, reply: Reply | undefined, mode: "deferred" | "update"): Promise<void> {
    if (!reply) {
      if (mode === "deferred" && session.tokenAlive()) await session.deleteOriginal().catch((error: unknown) => this.warn(session, error));
      return;
    }
    if (!session.tokenAlive()) {
      await this.fallback(session, reply);
      return;
    }
    try {
      const bodies = await this.deps.poster.render(reply.message);
      if (reply.delivery === "direct") {
        await this.sendDm(session, reply);
        const note = noteBody("I sent you a direct message.", EPHEMERAL_FLAG);
        await (mode === "deferred" ? session.editOriginal(note) : session.followUp(note));
      } else if (reply.delivery === "ephemeral") {
        const [first, ...rest] = bodies;
        if (first && mode === "deferred") await session.editOriginal(first);
        else if (first) await session.followUp({ ...first, flags: EPHEMERAL_FLAG });
        for (const body of rest) await session.followUp({ ...body, flags: EPHEMERAL_FLAG });
      } else {
        // The deferred placeholder is ephemeral and the first follow-up would inherit that: resolve it first.
        if (mode === "deferred") await session.editOriginal(noteBody("Answer posted in the channel."));
        for (const body of bodies) await session.followUp(body);
      }
    } catch (error) {
      if (!session.tokenDead) throw error;
      await this.fallback(session, reply);
    }
  }

  /** Without a usable token: in-place replies to the channel (or thread), private ones by DM. */
  private async fallback(session: InteractionSession, reply: Reply): Promise<void> {
    const { interaction } = session;
    this.deps.logger.info({ interactionId: interaction.id, delivery: reply.delivery }, "discord: interaction token gone, replying outside it");
    if (reply.delivery === "in-place" && interaction.channel_id) {
      await this.deps.poster.post(interaction.channel_id, reply.message, `interaction:${interaction.id}`);
      return;
    }
    await this.sendDm(session, reply);
  }

  /** Sends a reply to the person by DM. */
  private async sendDm(session: InteractionSession, reply: Reply): Promise<void> {
    const identity = identityOf(session.interaction);
    if (!identity) throw new DeliveryError("no user on the interaction", { permanent: true });
    const channelId = await this.deps.poster.dmChannel(identity.userId);
    await this.deps.poster.post(channelId, reply.message, `interaction-dm:${session.interaction.id}`);
  }

  /** Logs a failed follow-up that is not worth failing the whole reply for. */
  private warn(session: InteractionSession, error: unknown): void {
    this.deps.logger.warn({ err: error, interactionId: session.interaction.id }, "discord: follow-up failed");
  }
}
