import { createHash } from "node:crypto";
import { z } from "zod";
import type { FormField, MessageAction } from "../../src/core/message.js";
import { truncateVisibly } from "../../src/core/message.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { DISCORD_LIMITS as L } from "./limits.js";

/** What a button or modal stands for: the action id, its command, and its form when it has one. */
export interface StoredAction {
  id: string;
  command: string;
  form?: MessageAction["form"];
}

/** Prefix of a button custom_id that carries the command inline: `lz1|<action id>|<command>`. */
const INLINE = "lz1|";
/** Prefix of a button custom_id whose action is in the state store: `lz1#<action id>#<key>`. */
const STORED = "lz1#";
/** Prefix of a modal custom_id: `lzm#<key>`. */
const MODAL = "lzm#";

/** The action schema kept in the state store. */
const storedActionSchema = z.object({
  id: z.string(),
  command: z.string(),
  form: z
    .object({
      title: z.string(),
      submitLabel: z.string(),
      fields: z.array(
        z.object({
          name: z.string(),
          label: z.string(),
          kind: z.enum(["choice", "text", "multiline"]),
          required: z.boolean(),
          choices: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
          maxLength: z.number().optional(),
        }),
      ),
    })
    .optional(),
});

/** State-store key of an action. */
function stateKey(key: string): string {
  return `discord:action:${key}`;
}

/** A short stable key for an action (same action, same key, so retries do not multiply stored rows). */
function actionKey(action: StoredAction): string {
  return createHash("sha256").update(JSON.stringify([action.id, action.command, action.form ?? null])).digest("base64url").slice(0, 22);
}

/** Encodes each action as a button custom_id (at most 100 characters), storing those that do not fit or have forms. */
export async function encodeActions(actions: readonly MessageAction[], state: AdapterStateStore): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const action of actions) {
    const stored: StoredAction = { id: action.id, command: action.command };
    if (action.form) stored.form = action.form;
    const inline = `${INLINE}${action.id}|${action.command}`;
    if (!action.form && inline.length <= L.customIdChars && !action.id.includes("|")) {
      ids.set(action.id, inline);
      continue;
    }
    const key = actionKey(stored);
    await state.set(stateKey(key), JSON.stringify(stored));
    ids.set(action.id, `${STORED}${action.id.replace(/#/g, "_").slice(0, 60)}#${key}`);
  }
  return ids;
}

/** The action id in a button custom_id (what the message's author called the button), or undefined. */
export function actionIdOf(customId: string): string | undefined {
  if (customId.startsWith(INLINE)) return customId.slice(INLINE.length).split("|")[0];
  if (customId.startsWith(STORED)) return customId.slice(STORED.length).split("#")[0];
  return undefined;
}

/** Reads a stored action by key. */
async function loadAction(key: string, state: AdapterStateStore): Promise<StoredAction | undefined> {
  const raw = await state.get(stateKey(key));
  if (raw === undefined) return undefined;
  const parsed = storedActionSchema.safeParse(JSON.parse(raw));
  return parsed.success ? (parsed.data as StoredAction) : undefined;
}

/** Decodes a button custom_id back into its action; undefined for buttons that are not Liaison's or have expired. */
export async function decodeButton(customId: string, state: AdapterStateStore): Promise<StoredAction | undefined> {
  if (customId.startsWith(INLINE)) {
    const rest = customId.slice(INLINE.length);
    const bar = rest.indexOf("|");
    if (bar < 0) return undefined;
    return { id: rest.slice(0, bar), command: rest.slice(bar + 1) };
  }
  if (customId.startsWith(STORED)) {
    const key = customId.slice(customId.lastIndexOf("#") + 1);
    return loadAction(key, state);
  }
  return undefined;
}

/** Decodes a modal custom_id back into its action. */
export async function decodeModal(customId: string, state: AdapterStateStore): Promise<StoredAction | undefined> {
  if (!customId.startsWith(MODAL)) return undefined;
  return loadAction(customId.slice(MODAL.length), state);
}

/** One modal component: a Label (type 18) holding a text input or a string select. */
type ModalComponent = {
  type: 18;
  label: string;
  description?: string;
  component:
    | { type: 4; custom_id: string; style: 1 | 2; required: boolean; max_length?: number }
    | { type: 3; custom_id: string; required: boolean; min_values: number; max_values: 1; options: { label: string; value: string }[] };
};

/** The modal callback data (interaction response type 9) for an action's form; stores the action for the submit. */
export async function buildModal(
  action: StoredAction & { form: NonNullable<StoredAction["form"]> },
  state: AdapterStateStore,
): Promise<{ custom_id: string; title: string; components: ModalComponent[] }> {
  const key = actionKey(action);
  await state.set(stateKey(key), JSON.stringify(action));
  const components = action.form.fields.slice(0, L.modalComponents).map((field) => modalComponent(field));
  return { custom_id: `${MODAL}${key}`, title: truncateVisibly(action.form.title || "Liaison", L.modalTitleChars, "…"), components };
}

/** A Label with a string select (choice fields with at most 25 choices) or a text input. */
function modalComponent(field: FormField): ModalComponent {
  const label = truncateVisibly(field.label || field.name, L.labelChars, "…");
  const customId = field.name.slice(0, L.customIdChars);
  const choices = field.choices ?? [];
  if (field.kind === "choice" && choices.length > 0 && choices.length <= L.selectOptions) {
    return {
      type: 18,
      label,
      component: {
        type: 3,
        custom_id: customId,
        required: field.required,
        min_values: field.required ? 1 : 0,
        max_values: 1,
        options: choices.map((choice) => ({
          label: truncateVisibly(choice.label || choice.value, 100, "…"),
          value: choice.value.slice(0, 100),
        })),
      },
    };
  }
  const component: ModalComponent = {
    type: 18,
    label,
    component: { type: 4, custom_id: customId, style: field.kind === "multiline" ? 2 : 1, required: field.required },
  };
  if (field.maxLength !== undefined && component.component.type === 4) {
    component.component.max_length = Math.min(Math.max(1, field.maxLength), L.textInputChars);
  }
  if (field.kind === "choice" && choices.length > 0) {
    component.description = truncateVisibly(`One of: ${choices.map((choice) => choice.value).join(", ")}`, L.labelDescriptionChars, "…");
  }
  return component;
}

/** The submitted components of a modal, as Discord sends them (Label-wrapped or in action rows). */
const submittedComponentSchema: z.ZodType<SubmittedComponent> = z.lazy(() =>
  z.object({
    type: z.number(),
    custom_id: z.string().optional(),
    value: z.string().optional(),
    values: z.array(z.string()).optional(),
    component: submittedComponentSchema.optional(),
    components: z.array(submittedComponentSchema).optional(),
  }),
);

/** A submitted modal component. */
export interface SubmittedComponent {
  type: number;
  custom_id?: string | undefined;
  value?: string | undefined;
  values?: string[] | undefined;
  component?: SubmittedComponent | undefined;
  components?: SubmittedComponent[] | undefined;
}

/** Schema for the `components` of a MODAL_SUBMIT interaction. */
export const submittedComponentsSchema = z.array(submittedComponentSchema);

/** Field values of a submitted modal by field name; choices checked against the form (a free-text choice must match). */
export function modalValues(components: SubmittedComponent[], action: StoredAction): Record<string, string> {
  const values: Record<string, string> = {};
  const visit = (component: SubmittedComponent): void => {
    if (component.custom_id !== undefined && (component.value !== undefined || component.values !== undefined)) {
      const value = component.value ?? component.values?.[0] ?? "";
      if (value !== "") values[component.custom_id] = value;
    }
    if (component.component) visit(component.component);
    for (const child of component.components ?? []) visit(child);
  };
  for (const component of components) visit(component);
  for (const field of action.form?.fields ?? []) {
    const value = values[field.name];
    const allowed = field.choices?.map((choice) => choice.value);
    if (value !== undefined && field.kind === "choice" && allowed && allowed.length > 0) {
      const match = allowed.find((choice) => choice.toLowerCase() === value.trim().toLowerCase());
      if (match) values[field.name] = match;
    }
  }
  return values;
}
