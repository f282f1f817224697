/** The Socket Mode side of the fake Slack: the WebSocket apps connect to, envelopes, and their acks. */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Delivery, Json } from "./model.js";
import { FAKE_APP_ID } from "./payloads.js";

/** How long the fake waits for an envelope's ack before giving up (Slack retries then). */
const ACK_TIMEOUT_MS = 5000;

/** Accepts Socket Mode connections, sends `hello` and envelopes, and resolves each envelope with its ack. */
export class FakeSocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  private client: WebSocket | undefined;
  private readonly acks = new Map<string, (payload: unknown) => void>();
  private counter = 0;

  /** Takes over an HTTP upgrade request for the socket URL. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** True while an app is connected. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Sends an envelope; resolves with the ack's payload, or undefined when no ack came in time. */
  send(kind: Delivery["kind"], payload: Json, retryNum: number, retryReason: string): Promise<unknown> {
    const ws = this.client;
    if (!ws) throw new Error("fake Slack: no Socket Mode connection");
    const envelopeId = `env-${++this.counter}`;
    const type = kind === "command" ? "slash_commands" : kind === "event" ? "events_api" : "interactive";
    const body = kind === "interactive" ? (JSON.parse(String(payload.payload)) as Json) : payload;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.acks.delete(envelopeId);
        resolve(undefined);
      }, ACK_TIMEOUT_MS);
      this.acks.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      const retry = kind === "event" ? { retry_attempt: retryNum, retry_reason: retryNum > 0 ? retryReason : "" } : {};
      ws.send(JSON.stringify({ envelope_id: envelopeId, type, accepts_response_payload: kind !== "event", payload: body, ...retry }));
    });
  }

  /** Closes the connection and the server. */
  close(): void {
    this.client?.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    this.client?.close();
    this.client = ws;
    ws.on("close", () => {
      if (this.client === ws) this.client = undefined;
    });
    ws.on("message", (data) => {
      let message: Json;
      try {
        message = JSON.parse(String(data)) as Json;
      } catch {
        return;
      }
      const resolve = this.acks.get(String(message.envelope_id));
      if (resolve) {
        this.acks.delete(String(message.envelope_id));
        resolve(message.payload ?? {});
      }
    });
    ws.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake-slack", approximate_connection_time: 18060 }, connection_info: { app_id: FAKE_APP_ID } }));
  }
}
