import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";

/** A dispatch as sent on the gateway (op 0), kept for replay on resume. */
export interface Dispatch {
  s: number;
  t: string;
  d: unknown;
}

/** One gateway session (from Identify to an invalid session): its sequence, what it was sent, and its socket. */
interface Session {
  id: string;
  intents: number;
  seq: number;
  log: Dispatch[];
  socket: WebSocket | undefined;
}

/** What the gateway needs from the fake: the token, the READY and GUILD_CREATE payloads. */
export interface GatewayHooks {
  token: string;
  ready(sessionId: string, resumeUrl: string): unknown;
  guildCreates(): unknown[];
}

/** Gateway counters and frames, for assertions. */
export interface GatewayStats {
  connections: number;
  identifies: number;
  resumes: number;
  heartbeats: number;
  /** Every frame a client sent, parsed. */
  received: { op: number; d: unknown }[];
}

/**
 * The Discord gateway over ws (JSON, no compression): Hello, Identify -> READY + GUILD_CREATE, heartbeats and ACKs,
 * Resume -> replay of missed dispatches + RESUMED, and dropped connections on demand.
 */
export class FakeGateway {
  readonly stats: GatewayStats = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0, received: [] };
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private current: Session | undefined;
  /** Intents of the current session (0 before Identify). */
  intents = 0;
  /** The next this-many Identifies get no READY (a gateway that accepts the connection and never becomes ready). */
  withholdReady = 0;

  constructor(
    private readonly hooks: GatewayHooks,
    private readonly url: () => string,
    private readonly heartbeatIntervalMs = 41_250,
  ) {}

  /** Handles an HTTP upgrade on the gateway path. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, request));
  }

  /** Sends a dispatch to the bot; while disconnected it is kept and replayed on resume. */
  dispatch(t: string, d: unknown): Dispatch | undefined {
    const session = this.current;
    if (!session) return undefined;
    session.seq += 1;
    const frame: Dispatch = { s: session.seq, t, d };
    session.log.push(frame);
    if (session.socket?.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify({ op: 0, ...frame }));
    return frame;
  }

  /** Closes the bot's connection with a close code (4000: unknown error, the client should resume). */
  drop(code = 4000): void {
    const socket = this.current?.socket;
    if (this.current) this.current.socket = undefined;
    socket?.close(code, "fake gateway dropped the connection");
  }

  /** True while a bot is connected and ready. */
  get connected(): boolean {
    return this.current?.socket?.readyState === WebSocket.OPEN;
  }

  /** Closes every socket. */
  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** A new socket: Hello, then wait for Identify or Resume. */
  private onConnection(ws: WebSocket, request: IncomingMessage): void {
    this.stats.connections += 1;
    const params = new URL(request.url ?? "/", "http://localhost").searchParams;
    if (params.get("encoding") !== "json" || params.get("v") !== "10") {
      ws.close(4012, "Invalid API version or encoding");
      return;
    }
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null }));
    ws.on("message", (raw) => {
      let frame: { op?: unknown; d?: unknown };
      try {
        frame = JSON.parse(String(raw)) as { op?: unknown; d?: unknown };
      } catch {
        ws.close(4002, "Decode error");
        return;
      }
      const op = typeof frame.op === "number" ? frame.op : -1;
      this.stats.received.push({ op, d: frame.d });
      if (op === 1) {
        this.stats.heartbeats += 1;
        ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      } else if (op === 2) {
        this.identify(ws, (frame.d ?? {}) as { token?: unknown; intents?: unknown });
      } else if (op === 6) {
        this.resume(ws, (frame.d ?? {}) as { token?: unknown; session_id?: unknown; seq?: unknown });
      }
    });
  }

  /** Identify: check the token, start a session, READY then a GUILD_CREATE per guild. */
  private identify(ws: WebSocket, d: { token?: unknown; intents?: unknown }): void {
    if (d.token !== this.hooks.token && d.token !== `Bot ${this.hooks.token}`) {
      ws.close(4004, "Authentication failed");
      return;
    }
    this.stats.identifies += 1;
    if (this.withholdReady > 0) {
      this.withholdReady -= 1;
      return;
    }
    const session: Session = { id: randomUUID().replace(/-/g, ""), intents: Number(d.intents ?? 0), seq: 0, log: [], socket: ws };
    this.sessions.set(session.id, session);
    this.current = session;
    this.intents = session.intents;
    this.dispatch("READY", this.hooks.ready(session.id, this.url()));
    for (const guild of this.hooks.guildCreates()) this.dispatch("GUILD_CREATE", guild);
  }

  /** Resume: replay what the client missed after `seq`, then RESUMED; an unknown session gets op 9 (not resumable). */
  private resume(ws: WebSocket, d: { token?: unknown; session_id?: unknown; seq?: unknown }): void {
    const session = typeof d.session_id === "string" ? this.sessions.get(d.session_id) : undefined;
    if (!session || d.token !== this.hooks.token) {
      ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return;
    }
    this.stats.resumes += 1;
    session.socket = ws;
    this.current = session;
    const after = typeof d.seq === "number" ? d.seq : 0;
    for (const frame of session.log.filter((candidate) => candidate.s > after)) ws.send(JSON.stringify({ op: 0, ...frame }));
    this.dispatch("RESUMED", {});
  }
}
