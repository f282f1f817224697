/** Types and helpers of the fake Slack: workspaces, messages, recorded calls, faults. */

/** A person in a fake workspace. */
export interface FakeUser {
  id: string;
  name: string;
}

/** A channel in a fake workspace. */
export interface FakeChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  members: Set<string>;
}

/** A fake workspace (team) with its bot installation. */
export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  domain: string;
  botToken: string;
  botUserId: string;
  botId: string;
  users: Map<string, FakeUser>;
  channels: Map<string, FakeChannel>;
  dms: Map<string, string>;
}

/** A message as the fake holds it. */
export interface FakeMessage {
  ts: string;
  team: string;
  channel: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  /** Author: a person's id, or the bot user's id. */
  user: string;
  botId?: string;
  /** Set when only this user sees the message. */
  ephemeralTo?: string;
  via: "chat.postMessage" | "chat.postEphemeral" | "response_url" | "user";
  /** For response_url posts: whose command or button the URL answered. */
  answerTo?: string;
}

/** One recorded request to the fake (Web API call or response_url POST). */
export interface RecordedCall {
  method: string;
  token: string | undefined;
  params: Record<string, unknown>;
  status: number;
  response: unknown;
}

/** A request the fake sent to the app, and how the app answered. */
export interface Delivery {
  id: number;
  kind: "command" | "event" | "interactive";
  transport: "http" | "socket";
  payload: Record<string, unknown>;
  retryNum: number;
  status: number;
  responseText: string;
  ackMs: number;
}

/** A failure the next call of a method meets. */
export type Fault =
  | { kind: "ratelimit"; retryAfterSec: number }
  | { kind: "error"; error: string }
  | { kind: "http"; status: number }
  | { kind: "drop" };

/** Options of a signed HTTP delivery, for signature tests. */
export interface SigningOverride {
  secret?: string;
  timestampSec?: number;
}

/** A JSON object. */
export type Json = Record<string, unknown>;

/** A response_url the fake issued. */
export interface ResponseUrl {
  team: string;
  channel: string;
  user: string;
  threadTs?: string;
  uses: number;
  createdMs: number;
}

/** The body of a Web API error answer, with Slack-style messages when there are any. */
export function problemBody(problem: { error: string; messages?: string[] }): Json {
  return { ok: false, error: problem.error, ...(problem.messages && problem.messages.length > 0 ? { errors: problem.messages, response_metadata: { messages: problem.messages } } : {}) };
}

/** Parses a Web API body: form fields (objects JSON-encoded, as the SDK sends them) or JSON. */
export function parseParams(contentType: string, raw: string): Json {
  if (raw === "") return {};
  if (contentType.includes("application/json")) {
    try {
      return JSON.parse(raw) as Json;
    } catch {
      return {};
    }
  }
  const params: Json = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    params[key] = key === "blocks" || key === "view" || key === "attachments" ? safeParse(value) : value;
  }
  return params;
}

/** JSON.parse, or the string itself when it is not JSON. */
export function safeParse(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The button with `actionId` in a message's blocks. */
export function findButton(blocks: unknown[], actionId: string): { button: Json; blockId: string } | undefined {
  for (const block of blocks as Json[]) {
    if (block.type !== "actions") continue;
    for (const element of (block.elements as Json[] | undefined) ?? []) {
      if (element.type === "button" && element.action_id === actionId) return { button: element, blockId: String(block.block_id ?? "") };
    }
  }
  return undefined;
}

/** Every text object's text in blocks, in order. */
export function blockTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(blockTexts);
  if (typeof node !== "object" || node === null) return [];
  const record = node as Json;
  if ((record.type === "plain_text" || record.type === "mrkdwn") && typeof record.text === "string") return [record.text];
  return Object.values(record).flatMap(blockTexts);
}
