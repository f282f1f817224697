import type { REST } from "discord.js";
import { Routes } from "discord.js";
import type { Logger } from "pino";
import type { InboundEvent, InboundHandler, Reply } from "../../src/core/adapter.js";
import { DeliveryError } from "../../src/core/adapter.js";
import type { Clock } from "../../src/core/clock.js";
import type { OutboundMessage } from "../../src/core/message.js";
import type { ConversationTurn } from "../../src/core/ordering.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { deliverReply, type ReplyPolicy, type ReplyRoute, type ReplyRoutes } from "../../src/core/reply-policy.js";
import type { CommandResolver } from "./commands.js";
import { buildModal, decodeButton, decodeModal, modalValues } from "./components.js";
import { ALREADY_ACKNOWLEDGED, discordCode, INVALID_WEBHOOK_TOKEN, loggableError, toDeliveryError, UNKNOWN_INTERACTION } from "./errors.js";
import type { InteractionPayload } from "./inbound.js";
import { identityOf, interactionLocation } from "./inbound.js";
import { EPHEMERAL_FLAG, INTERACTION_TOKEN_LIFETIME_MS, INTERACTION_TOKEN_MARGIN_MS } from "./limits.js";
import type { DiscordPoster } from "./outbound.js";
import type { DiscordMessageBody } from "./render.js";
import { noteBody, withFlags } from "./render.js";

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
  /** REST for the interaction endpoints (no token: every call is authorised by the interaction's token). */
  rest: REST;
  poster: DiscordPoster;
  state: AdapterStateStore;
  clock: Clock;
  logger: Logger;
  resolver: CommandResolver;
  applicationId: () => string;
  deferAfterMs: number;
  replyPolicy: ReplyPolicy;
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

  /** Until when follow-ups and edits with the token are tried, on the clock, in milliseconds. */
  get tokenUsableUntilMs(): number {
    return this.receivedAtMs + INTERACTION_TOKEN_LIFETIME_MS - INTERACTION_TOKEN_MARGIN_MS;
  }

  /** True while follow-ups and edits with the token are still possible. */
  tokenAlive(): boolean {
    return !this.tokenDead && this.deps.clock.now().getTime() < this.tokenUsableUntilMs;
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
      this.deps.logger.warn({ err: loggableError(error), interactionId: this.interaction.id, code }, "discord: interaction response refused");
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

  /**
   * Runs a token call, as a DeliveryError when it fails (the reply policy retries rate limits); marks the token dead
   * when Discord says so, which makes the failure permanent.
   */
  private async withToken<T>(call: () => Promise<T>): Promise<T> {
    if (!this.tokenAlive()) throw new DeliveryError(`interaction ${this.interaction.id}: the token can no longer be used`, { permanent: true });
    try {
      return await call();
    } catch (error) {
      const code = discordCode(error);
      if (code !== undefined && DEAD_TOKEN_CODES.has(code)) this.tokenDead = true;
      const failure = toDeliveryError(error, `interaction ${this.interaction.id}`);
      if (this.tokenDead && !failure.permanent) throw new DeliveryError(failure.message, { permanent: true, cause: error });
      throw failure;
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

  /**
   * Handles one validated interaction: answers Discord at once (deferral, modal, or a quick reply), and runs the core
   * and the reply in `turn`, the interaction's place in its conversation.
   */
  async handle(interaction: InteractionPayload, handler: InboundHandler, turn: ConversationTurn): Promise<void> {
    try {
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
        await this.replyFlow(session, { ...base, type: "command", text }, handler, turn);
      } else if (interaction.type === 3) {
        await this.buttonFlow(session, interaction, base, handler, turn);
      } else {
        const action = await decodeModal(interaction.data.custom_id, this.deps.state);
        if (!action) {
          turn.skip();
          await session.respond({ type: REPLY, data: noteBody("This form has expired; press the button again.", EPHEMERAL_FLAG) });
          return;
        }
        const values = modalValues(interaction.data.components, action);
        await this.replyFlow(session, { ...base, type: "action", command: action.command, values }, handler, turn);
      }
    } finally {
      turn.skip();
    }
  }

  /**
   * Slash commands and modal submits: defer (ephemeral) at once, or after deferAfterMs from arrival when the core has
   * not answered by then; the core runs in the conversation's turn, then the reply edits or follows up.
   */
  private async replyFlow(session: InteractionSession, event: InboundEvent, handler: InboundHandler, turn: ConversationTurn): Promise<void> {
    const { deferAfterMs } = this.deps;
    let deferred: Promise<boolean> | undefined;
    let answeredDirectly = false;
    const defer = (): Promise<boolean> => (deferred ??= session.respond({ type: DEFERRED_REPLY, data: { flags: EPHEMERAL_FLAG } }));
    let timer: NodeJS.Timeout | undefined;
    if (deferAfterMs === 0) {
      void defer();
      await requestsOnTheWire();
    } else {
      timer = setTimeout(() => {
        if (!answeredDirectly) void defer();
      }, deferAfterMs);
    }
    await turn.run(async () => {
      const outcome = await handler(event).then(
        (reply) => ({ reply }),
        (error: unknown) => ({ error }),
      );
      clearTimeout(timer);
      if (!deferred && "reply" in outcome && outcome.reply) {
        answeredDirectly = true;
        await this.replyDirectly(session, event, outcome.reply);
        return;
      }
      const ok = await defer();
      if (!ok && !session.tokenDead) return; // already answered elsewhere: never answer twice
      if ("error" in outcome) {
        this.deps.logger.error({ err: outcome.error, eventId: event.eventId }, "discord: the core failed on an interaction");
        await this.deliver(session, event, { message: { text: "Something went wrong; please try again.", tone: "error" }, delivery: "ephemeral" }, "deferred");
        return;
      }
      await this.deliver(session, event, outcome.reply, "deferred");
    });
  }

  /** A quick core answer: the first response carries it (type 4), with the visibility the core asked for. */
  private async replyDirectly(session: InteractionSession, event: InboundEvent, reply: Reply): Promise<void> {
    if (reply.delivery === "direct") {
      await this.deliver(session, event, reply, "update", async () => {
        await session.respond({ type: REPLY, data: noteBody("I sent you a direct message.", EPHEMERAL_FLAG) });
      });
      return;
    }
    const flags = reply.delivery === "ephemeral" ? EPHEMERAL_FLAG : undefined;
    const bodies = (await this.deps.poster.render(reply.message)).map((body) => (flags ? withFlags(body, flags) : body));
    const [first, ...rest] = bodies;
    if (!first) return;
    if (!(await session.respond({ type: REPLY, data: first }))) {
      // Refused because the token is gone, or never acknowledged: the reply policy takes it from here.
      if (session.tokenDead || !session.acknowledged) await this.deliver(session, event, reply, "update");
      return;
    }
    for (const body of rest) await session.followUp(body).catch((error: unknown) => this.warn(session, error));
  }

  /** Buttons: a modal when the action has a form; otherwise acknowledge (deferred update) at once, run in the turn, and follow up. */
  private async buttonFlow(
    session: InteractionSession,
    interaction: Extract<InteractionPayload, { type: 3 }>,
    base: Pick<InboundEvent, "eventId" | "identity" | "where">,
    handler: InboundHandler,
    turn: ConversationTurn,
  ): Promise<void> {
    const action = await decodeButton(interaction.data.custom_id, this.deps.state);
    if (!action) {
      turn.skip();
      await session.respond({ type: REPLY, data: noteBody("This button is no longer valid.", EPHEMERAL_FLAG) });
      return;
    }
    if (action.form && action.form.fields.length > 0) {
      turn.skip();
      const modal = await buildModal({ ...action, form: action.form }, this.deps.state);
      await session.respond({ type: MODAL, data: modal });
      return;
    }
    const deferred = session.respond({ type: DEFERRED_UPDATE });
    await requestsOnTheWire();
    const event: InboundEvent = { ...base, type: "action", command: action.command, values: {} };
    await turn.run(async () => {
      const outcome = await handler(event).then(
        (reply) => ({ reply }),
        (error: unknown) => ({ error }),
      );
      const ok = await deferred;
      if (!ok && !session.tokenDead) return;
      if ("error" in outcome) {
        this.deps.logger.error({ err: outcome.error, eventId: base.eventId }, "discord: the core failed on a button");
        await this.deliver(session, event, { message: { text: "Something went wrong; please try again.", tone: "error" }, delivery: "ephemeral" }, "update");
        return;
      }
      await this.deliver(session, event, outcome.reply, "update");
    });
  }

  /**
   * Delivers the core's reply after the first response, through the shared reply policy: "deferred" edits the
   * ephemeral original; "update" (a button's deferred update) sends follow-ups. Private replies stay private: while
   * the token lives, ephemerally; then by DM. In-place replies go to the channel once the token is gone.
   */
  private async deliver(session: InteractionSession, event: InboundEvent, reply: Reply | undefined, mode: "deferred" | "update", noteDirect?: () => Promise<void>): Promise<void> {
    if (!reply) {
      if (mode === "deferred" && session.tokenAlive()) await session.deleteOriginal().catch((error: unknown) => this.warn(session, error));
      return;
    }
    const outcome = await deliverReply(reply, event, this.routes(session, mode, noteDirect), this.deps.replyPolicy, (report) => {
      this.deps.logger.info({ interactionId: session.interaction.id, route: report.route, attempt: report.attempt, next: report.next, waitMs: report.waitMs, err: report.error }, "discord: reply attempt failed");
    });
    if (!outcome.delivered) this.deps.logger.warn({ interactionId: session.interaction.id, attempts: outcome.attempts, err: outcome.error }, "discord: could not deliver a reply");
    else if (outcome.fellBack) this.deps.logger.info({ interactionId: session.interaction.id, route: outcome.route }, "discord: reply delivered by a fallback route");
  }

  /** The ways a reply to an interaction can be shown. */
  private routes(session: InteractionSession, mode: "deferred" | "update", noteDirect?: () => Promise<void>): ReplyRoutes {
    const { interaction } = session;
    const render = (message: OutboundMessage) => this.deps.poster.render(message);
    const ephemeral: ReplyRoute = {
      usableUntilMs: session.tokenUsableUntilMs,
      send: stepwise(async (message) => {
        const bodies = await render(message);
        return bodies.map((body, index) => () => (index === 0 && mode === "deferred" ? session.editOriginal(body) : session.followUp(withFlags(body, EPHEMERAL_FLAG))));
      }),
    };
    const viaToken = stepwise(async (message) => {
      const bodies = await render(message);
      // The deferred placeholder is ephemeral and the first follow-up would inherit that: resolve it first.
      const first = mode === "deferred" ? [() => session.editOriginal(noteBody("Answer posted in the channel."))] : [];
      return [...first, ...bodies.map((body) => () => session.followUp(body))];
    });
    const channelId = interaction.channel_id ?? interaction.channel?.id;
    const inPlace: ReplyRoute = {
      send: async (message) => {
        if (session.tokenAlive()) {
          try {
            await viaToken(message);
            return;
          } catch (error) {
            if (!session.tokenDead || !channelId) throw error;
          }
        }
        if (!channelId) throw new DeliveryError("the interaction has no channel to answer in", { permanent: true });
        this.deps.logger.info({ interactionId: interaction.id }, "discord: interaction token gone, replying in the channel");
        await this.deps.poster.post(channelId, message, `interaction:${interaction.id}`);
      },
    };
    const direct: ReplyRoute = {
      send: async (message) => {
        await this.sendDm(session, message);
        const note = noteDirect ?? (async () => {
          if (!session.tokenAlive()) return;
          const body = noteBody("I sent you a direct message.", EPHEMERAL_FLAG);
          await (mode === "deferred" ? session.editOriginal(body) : session.followUp(body));
        });
        await note().catch((error: unknown) => this.warn(session, error));
      },
    };
    return { inPlace, ephemeral, direct };
  }

  /** Sends a message to the person behind an interaction by DM. */
  private async sendDm(session: InteractionSession, message: OutboundMessage): Promise<void> {
    const identity = identityOf(session.interaction);
    if (!identity) throw new DeliveryError("no user on the interaction", { permanent: true });
    const channelId = await this.deps.poster.dmChannel(identity.userId);
    await this.deps.poster.post(channelId, message, `interaction-dm:${session.interaction.id}`);
  }

  /** Logs a failed follow-up that is not worth failing the whole reply for. */
  private warn(session: InteractionSession, error: unknown): void {
    this.deps.logger.warn({ err: loggableError(error), interactionId: session.interaction.id }, "discord: follow-up failed");
  }
}

/**
 * Resolves once a request just made (a deferral) has been written to its kept-alive connection, so that the core's
 * work, synchronous database calls on SQLite, does not hold it back (it did, by 1.2-1.3 ms at p50 for /whoami).
 * undici, discord.js's HTTP client, writes to an idle kept-alive socket only from a setImmediate of its own (it first
 * lets the socket read what the server may have sent meanwhile), queued once the REST layer's promises have run: the
 * first setImmediate here runs ahead of it, the second after it. A request that has to open a connection goes out
 * once it is open; the core does not wait for that.
 */
async function requestsOnTheWire(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A send made of steps (an edit, then follow-ups) that, called again after a failure, continues with the step that
 * failed; a failing step's error is a DeliveryError.
 */
function stepwise(plan: (message: OutboundMessage) => Promise<(() => Promise<unknown>)[]>): (message: OutboundMessage) => Promise<void> {
  let done = 0;
  return async (message) => {
    const steps = await plan(message);
    while (done < steps.length) {
      const step = steps[done];
      if (step) await step();
      done += 1;
    }
  };
}
