/**
 * Block Kit validation as Slack does it on chat.postMessage, chat.postEphemeral, response_url and views.open:
 * the documented limits (https://docs.slack.dev/reference/block-kit) plus the undocumented aggregate limit.
 */

/** Aggregate text characters per message beyond which the fake answers msg_blocks_too_long. Slack's real limit is
 * undocumented and was observed near 13,200 (bolt-js issue 2509); the fake is stricter so near misses fail here. */
export const FAKE_BLOCKS_TEXT_LIMIT = 12_000;

/** Longest `text` Slack accepts (it truncates beyond; the fake refuses with msg_too_long). */
export const FAKE_MESSAGE_TEXT_LIMIT = 40_000;

/** Result of validating a message: the Web API error code and Slack-style messages, or undefined when valid. */
export interface BlockKitProblem {
  error: "invalid_blocks" | "msg_too_long" | "msg_blocks_too_long" | "no_text" | "invalid_arguments";
  messages: string[];
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Checker {
  readonly messages: string[] = [];

  fail(pointer: string, message: string): void {
    this.messages.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  text(value: unknown, pointer: string, maxChars: number, only?: "plain_text"): void {
    if (!isRecord(value)) return this.fail(pointer, "must be a text object");
    if (value.type !== "plain_text" && value.type !== "mrkdwn") return this.fail(`${pointer}/type`, "must be plain_text or mrkdwn");
    if (only && value.type !== only) return this.fail(`${pointer}/type`, `must be ${only}`);
    if (typeof value.text !== "string" || value.text.length < 1) return this.fail(`${pointer}/text`, "must be more than 0 characters");
    if (value.text.length > maxChars) this.fail(`${pointer}/text`, `must be less than ${maxChars + 1} characters`);
  }

  id(value: unknown, pointer: string, seen: Set<string>): void {
    if (value === undefined) return;
    if (typeof value !== "string" || value.length < 1 || value.length > 255) return this.fail(pointer, "must be 1..255 characters");
    if (seen.has(value)) this.fail(pointer, "must be unique");
    seen.add(value);
  }
}

function checkButton(c: Checker, element: Json, pointer: string, actionIds: Set<string>): void {
  c.text(element.text, `${pointer}/text`, 75, "plain_text");
  c.id(element.action_id, `${pointer}/action_id`, actionIds);
  if (element.value !== undefined && (typeof element.value !== "string" || element.value.length > 2000)) c.fail(`${pointer}/value`, "must be less than 2001 characters");
  if (element.url !== undefined && (typeof element.url !== "string" || element.url.length > 3000)) c.fail(`${pointer}/url`, "must be less than 3001 characters");
  if (element.style !== undefined && element.style !== "primary" && element.style !== "danger") c.fail(`${pointer}/style`, "must be primary or danger");
}

function checkElement(c: Checker, element: unknown, pointer: string, actionIds: Set<string>): void {
  if (!isRecord(element)) return c.fail(pointer, "must be an object");
  switch (element.type) {
    case "button":
      return checkButton(c, element, pointer, actionIds);
    case "static_select": {
      c.id(element.action_id, `${pointer}/action_id`, actionIds);
      if (element.placeholder !== undefined) c.text(element.placeholder, `${pointer}/placeholder`, 150, "plain_text");
      const options = element.options;
      if (!Array.isArray(options) || options.length < 1 || options.length > 100) return c.fail(`${pointer}/options`, "must provide 1..100 items");
      options.forEach((option: unknown, index) => {
        const at = `${pointer}/options/${index}`;
        if (!isRecord(option)) return c.fail(at, "must be an option object");
        c.text(option.text, `${at}/text`, 75, "plain_text");
        if (typeof option.value !== "string" || option.value.length < 1 || option.value.length > 150) c.fail(`${at}/value`, "must be 1..150 characters");
      });
      return;
    }
    case "plain_text_input": {
      c.id(element.action_id, `${pointer}/action_id`, actionIds);
      for (const key of ["max_length", "min_length"] as const) {
        const value = element[key];
        if (value !== undefined && (typeof value !== "number" || value < 0 || value > 3000)) c.fail(`${pointer}/${key}`, "must be 0..3000");
      }
      return;
    }
    default:
      return c.fail(`${pointer}/type`, `unsupported element type ${String(element.type)}`);
  }
}

function checkBlock(c: Checker, block: unknown, pointer: string, blockIds: Set<string>, actionIds: Set<string>, surface: "message" | "modal"): void {
  if (!isRecord(block)) return c.fail(pointer, "must be an object");
  c.id(block.block_id, `${pointer}/block_id`, blockIds);
  switch (block.type) {
    case "section": {
      if (block.text === undefined && block.fields === undefined) return c.fail(pointer, "must provide text or fields");
      if (block.text !== undefined) c.text(block.text, `${pointer}/text`, 3000);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length < 1 || block.fields.length > 10) return c.fail(`${pointer}/fields`, "must provide 1..10 items");
        block.fields.forEach((field: unknown, index) => c.text(field, `${pointer}/fields/${index}`, 2000));
      }
      if (block.accessory !== undefined) checkElement(c, block.accessory, `${pointer}/accessory`, actionIds);
      return;
    }
    case "header":
      return c.text(block.text, `${pointer}/text`, 150, "plain_text");
    case "divider":
      return;
    case "context": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 10) return c.fail(`${pointer}/elements`, "must provide 1..10 items");
      elements.forEach((element: unknown, index) => c.text(element, `${pointer}/elements/${index}`, 3000));
      return;
    }
    case "actions": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 25) return c.fail(`${pointer}/elements`, "must provide 1..25 items");
      elements.forEach((element: unknown, index) => checkElement(c, element, `${pointer}/elements/${index}`, actionIds));
      return;
    }
    case "input": {
      if (surface !== "modal") return c.fail(`${pointer}/type`, "input blocks are only allowed in modals");
      c.text(block.label, `${pointer}/label`, 2000, "plain_text");
      if (block.optional !== undefined && typeof block.optional !== "boolean") c.fail(`${pointer}/optional`, "must be a boolean");
      return checkElement(c, block.element, `${pointer}/element`, new Set());
    }
    default:
      return c.fail(`${pointer}/type`, `unsupported block type ${String(block.type)}`);
  }
}

/** Sum of the characters of every text object in blocks. */
export function aggregateTextChars(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((total: number, item: unknown) => total + aggregateTextChars(item), 0);
  if (!isRecord(node)) return 0;
  let total = (node.type === "plain_text" || node.type === "mrkdwn") && typeof node.text === "string" ? node.text.length : 0;
  for (const [key, value] of Object.entries(node)) if (key !== "text" || typeof value !== "string") total += aggregateTextChars(value);
  return total;
}

/** Validates a message's `text` and `blocks` as chat.postMessage does. */
export function validateMessage(text: unknown, blocks: unknown): BlockKitProblem | undefined {
  if (typeof text === "string" && text.length > FAKE_MESSAGE_TEXT_LIMIT) return { error: "msg_too_long", messages: [] };
  if (blocks === undefined) {
    return typeof text === "string" && text.trim() !== "" ? undefined : { error: "no_text", messages: [] };
  }
  const c = new Checker();
  if (!Array.isArray(blocks)) {
    c.fail("/blocks", "must be an array");
    return { error: "invalid_blocks", messages: c.messages };
  }
  if (blocks.length > 50) c.fail("/blocks", "must provide no more than 50 items");
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((block: unknown, index) => checkBlock(c, block, `/blocks/${index}`, blockIds, actionIds, "message"));
  if (c.messages.length > 0) return { error: "invalid_blocks", messages: c.messages };
  if (aggregateTextChars(blocks) > FAKE_BLOCKS_TEXT_LIMIT) return { error: "msg_blocks_too_long", messages: [] };
  return undefined;
}

/** Validates a modal view as views.open does (errors are `invalid_arguments` with messages). */
export function validateModal(view: unknown): BlockKitProblem | undefined {
  const c = new Checker();
  if (!isRecord(view)) {
    c.fail("/view", "must be an object");
    return { error: "invalid_arguments", messages: c.messages };
  }
  if (view.type !== "modal") c.fail("/view/type", "must be modal");
  c.text(view.title, "/view/title", 24, "plain_text");
  if (view.submit !== undefined) c.text(view.submit, "/view/submit", 24, "plain_text");
  if (view.close !== undefined) c.text(view.close, "/view/close", 24, "plain_text");
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== "string" || view.private_metadata.length > 3000)) c.fail("/view/private_metadata", "must be less than 3001 characters");
  if (view.callback_id !== undefined && (typeof view.callback_id !== "string" || view.callback_id.length > 255)) c.fail("/view/callback_id", "must be less than 256 characters");
  const blocks = view.blocks;
  if (!Array.isArray(blocks) || blocks.length > 100) c.fail("/view/blocks", "must provide no more than 100 items");
  else {
    const blockIds = new Set<string>();
    const actionIds = new Set<string>();
    blocks.forEach((block: unknown, index) => checkBlock(c, block, `/view/blocks/${index}`, blockIds, actionIds, "modal"));
    if (blocks.some((block: unknown) => isRecord(block) && block.type === "input") && view.submit === undefined) c.fail("/view/submit", "is required when input blocks are present");
  }
  return c.messages.length > 0 ? { error: "invalid_arguments", messages: c.messages } : undefined;
}
