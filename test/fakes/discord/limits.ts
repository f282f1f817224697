/**
 * Discord's documented limits, enforced by the fake the way Discord does: 400 with code 50035 "Invalid Form Body" and
 * an `errors` tree naming the offending fields.
 */

/** One error leaf in Discord's 50035 error tree. */
interface ErrorLeaf {
  code: string;
  message: string;
}

/** Collects errors by path and builds Discord's nested `errors` object. */
export class FormErrors {
  private readonly entries: { path: (string | number)[]; leaf: ErrorLeaf }[] = [];

  /** Records an error at a path such as ["embeds", 0, "title"]. */
  add(path: (string | number)[], code: string, message: string): void {
    this.entries.push({ path, leaf: { code, message } });
  }

  /** True when nothing was recorded. */
  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** Discord's JSON error body. */
  body(): { code: number; message: string; errors: Record<string, unknown> } {
    const errors: Record<string, unknown> = {};
    for (const { path, leaf } of this.entries) {
      let node = errors;
      for (const key of path) {
        const name = String(key);
        node[name] ??= {};
        node = node[name] as Record<string, unknown>;
      }
      const list = (node._errors ??= []) as ErrorLeaf[];
      list.push(leaf);
    }
    return { code: 50035, message: "Invalid Form Body", errors };
  }
}

/** Records a max-length violation. */
function maxLength(errors: FormErrors, path: (string | number)[], value: unknown, max: number): void {
  if (typeof value === "string" && value.length > max) errors.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
}

/** Object view of an unknown value. */
function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Array view of an unknown value. */
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Checks a message body (create, edit, follow-up, interaction reply) against Discord's documented limits. */
export function checkMessageBody(body: unknown, errors: FormErrors, base: (string | number)[] = []): void {
  const message = record(body);
  maxLength(errors, [...base, "content"], message.content, 2000);
  if (typeof message.nonce === "string") maxLength(errors, [...base, "nonce"], message.nonce, 25);
  const embeds = list(message.embeds);
  if (embeds.length > 10) errors.add([...base, "embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  let total = 0;
  embeds.forEach((raw, index) => {
    const embed = record(raw);
    const path = [...base, "embeds", index];
    maxLength(errors, [...path, "title"], embed.title, 256);
    maxLength(errors, [...path, "description"], embed.description, 4096);
    const footer = record(embed.footer);
    maxLength(errors, [...path, "footer", "text"], footer.text, 2048);
    const author = record(embed.author);
    maxLength(errors, [...path, "author", "name"], author.name, 256);
    total += String(embed.title ?? "").length + String(embed.description ?? "").length;
    total += String(footer.text ?? "").length + String(author.name ?? "").length;
    const fields = list(embed.fields);
    if (fields.length > 25) errors.add([...path, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    fields.forEach((rawField, fieldIndex) => {
      const field = record(rawField);
      const fieldPath = [...path, "fields", fieldIndex];
      if (typeof field.name !== "string" || field.name === "") errors.add([...fieldPath, "name"], "BASE_TYPE_REQUIRED", "This field is required");
      if (typeof field.value !== "string" || field.value === "") errors.add([...fieldPath, "value"], "BASE_TYPE_REQUIRED", "This field is required");
      maxLength(errors, [...fieldPath, "name"], field.name, 256);
      maxLength(errors, [...fieldPath, "value"], field.value, 1024);
      total += String(field.name ?? "").length + String(field.value ?? "").length;
    });
  });
  if (total > 6000) errors.add([...base, "embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
  const rows = list(message.components);
  if (rows.length > 5) errors.add([...base, "components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.");
  const customIds = new Set<string>();
  rows.forEach((rawRow, rowIndex) => {
    const row = record(rawRow);
    const children = list(row.components);
    if (row.type !== 1) errors.add([...base, "components", rowIndex, "type"], "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1,).");
    if (children.length < 1 || children.length > 5) {
      errors.add([...base, "components", rowIndex, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
    }
    children.forEach((rawChild, childIndex) => {
      const child = record(rawChild);
      const path = [...base, "components", rowIndex, "components", childIndex];
      maxLength(errors, [...path, "label"], child.label, 80);
      maxLength(errors, [...path, "custom_id"], child.custom_id, 100);
      if (typeof child.custom_id === "string") {
        if (customIds.has(child.custom_id)) errors.add([...path, "custom_id"], "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
        customIds.add(child.custom_id);
      }
    });
  });
}

/** True when a message body would show nothing (Discord answers 50006). */
export function isEmptyMessage(body: unknown): boolean {
  const message = record(body);
  const content = typeof message.content === "string" ? message.content.trim() : "";
  return content === "" && list(message.embeds).length === 0 && list(message.components).length === 0;
}

/** Discord's name rule for commands and options. */
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

/** Checks one command or option: name, description, choices, option order and nesting. */
function checkCommandNode(node: Record<string, unknown>, errors: FormErrors, path: (string | number)[]): void {
  const name = node.name;
  if (typeof name !== "string" || !NAME.test(name) || name !== name.toLowerCase()) {
    errors.add([...path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  }
  const description = node.description;
  if (typeof description !== "string" || description.length < 1 || description.length > 100) {
    errors.add([...path, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  }
  const choices = list(node.choices);
  if (choices.length > 25) errors.add([...path, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  choices.forEach((raw, index) => {
    const choice = record(raw);
    if (typeof choice.name !== "string" || choice.name.length < 1 || choice.name.length > 100) {
      errors.add([...path, "choices", index, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
    }
    maxLength(errors, [...path, "choices", index, "value"], choice.value, 100);
  });
  const options = list(node.options).map(record);
  if (options.length > 25) errors.add([...path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  const names = new Set<string>();
  let optionalSeen = false;
  const hasSub = options.some((option) => option.type === 1 || option.type === 2);
  options.forEach((option, index) => {
    const optionPath = [...path, "options", index];
    if (hasSub && option.type !== 1 && option.type !== 2) {
      errors.add(optionPath, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-command and sub-command group option types are mutually exclusive to all other types");
    }
    if (option.type !== 1 && option.type !== 2) {
      if (option.required === true && optionalSeen) {
        errors.add([...path, "options"], "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options");
      }
      if (option.required !== true) optionalSeen = true;
    }
    if (typeof option.name === "string") {
      if (names.has(option.name)) errors.add(optionPath, "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option name already exists");
      names.add(option.name);
    }
    checkCommandNode(option, errors, optionPath);
  });
}

/** Checks a bulk command overwrite body. */
export function checkCommands(body: unknown, errors: FormErrors): void {
  const commands = list(body).map(record);
  if (commands.length > 100) errors.add([], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.");
  const names = new Set<string>();
  commands.forEach((command, index) => {
    if (typeof command.name === "string") {
      if (names.has(command.name)) errors.add([index, "name"], "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique");
      names.add(command.name);
    }
    checkCommandNode(command, errors, [index]);
  });
}

/** Checks modal callback data: title, at most 5 components, labels and inputs within limits. */
export function checkModal(data: unknown, errors: FormErrors): void {
  const modal = record(data);
  maxLength(errors, ["data", "title"], modal.title, 45);
  maxLength(errors, ["data", "custom_id"], modal.custom_id, 100);
  const components = list(modal.components).map(record);
  if (components.length < 1 || components.length > 5) {
    errors.add(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
  }
  components.forEach((component, index) => {
    const path = ["data", "components", index];
    maxLength(errors, [...path, "label"], component.label, 45);
    maxLength(errors, [...path, "description"], component.description, 100);
    const inner = record(component.component);
    const options = list(inner.options);
    if (inner.type === 3 && (options.length < 1 || options.length > 25)) {
      errors.add([...path, "component", "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.");
    }
    maxLength(errors, [...path, "component", "custom_id"], inner.custom_id, 100);
  });
}
