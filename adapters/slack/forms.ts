import type { types } from "@slack/bolt";
import { z } from "zod";
import type { FormField, MessageAction } from "../../src/core/message.js";
import { truncateVisibly } from "../../src/core/message.js";
import { SLACK_LIMITS } from "./limits.js";
import { safeJson, type ViewSubmission } from "./inbound.js";
import type { Logger } from "pino";
import type { AdapterStateStore } from "../../src/core/platform.js";

/** callback_id of Liaison's modals. */
export const FORM_CALLBACK_ID = "liaison:form";

/** block_id prefix of a form field's input block; the rest is the field's name. */
const FIELD_BLOCK_PREFIX = "f:";

/** action_id of every input element in Liaison's modals. */
const FIELD_ACTION_ID = "value";

/** What a modal remembers between the button press and the submission (kept in private_metadata). */
export const formMetadataSchema = z.strictObject({
  /** Command to run. */
  c: z.string().min(1),
  /** Channel of the button. */
  ch: z.string().optional(),
  /** Thread (parent ts) of the button's message, or the message's own ts when it is top-level. */
  th: z.string().optional(),
  /** Workspace (team id). */
  tm: z.string().optional(),
});

/** A modal's private metadata. */
export type FormMetadata = z.infer<typeof formMetadataSchema>;

/** A form, as carried by a MessageAction. */
export type ActionForm = NonNullable<MessageAction["form"]>;

/** A form definition read back from a button value or the state store. */
export const actionFormSchema = z.looseObject({
  title: z.string(),
  submitLabel: z.string(),
  fields: z.array(
    z.looseObject({
      name: z.string().min(1),
      label: z.string(),
      kind: z.enum(["choice", "text", "multiline"]),
      required: z.boolean(),
      choices: z.array(z.looseObject({ value: z.string(), label: z.string() })).optional(),
      maxLength: z.number().int().positive().optional(),
    }),
  ),
});

function plain(text: string, maxChars: number): types.PlainTextElement {
  return { type: "plain_text", text: truncateVisibly(text.trim() === "" ? "…" : text, maxChars, "…"), emoji: true };
}

function inputElement(field: FormField): types.InputBlock["element"] {
  if (field.kind === "choice") {
    const options = (field.choices ?? [])
      .filter((choice) => choice.value.length <= SLACK_LIMITS.optionValueChars)
      .slice(0, SLACK_LIMITS.selectOptions)
      .map((choice) => ({ text: plain(choice.label, SLACK_LIMITS.optionTextChars), value: choice.value }));
    return { type: "static_select", action_id: FIELD_ACTION_ID, placeholder: plain("Choose…", 150), options };
  }
  const maxLength = Math.min(field.maxLength ?? SLACK_LIMITS.plainTextInputChars, SLACK_LIMITS.plainTextInputChars);
  return { type: "plain_text_input", action_id: FIELD_ACTION_ID, multiline: field.kind === "multiline", max_length: maxLength };
}

/** Builds the modal (views.open) for a button's form. */
export function buildFormView(form: ActionForm, metadata: FormMetadata): types.ModalView {
  const privateMetadata = JSON.stringify(metadata);
  if (privateMetadata.length > SLACK_LIMITS.privateMetadataChars) throw new Error("form metadata longer than Slack's private_metadata allows");
  const blocks: types.InputBlock[] = form.fields.slice(0, SLACK_LIMITS.blocksPerView).map((field) => ({
    type: "input",
    block_id: `${FIELD_BLOCK_PREFIX}${field.name}`.slice(0, SLACK_LIMITS.idChars),
    label: plain(field.label, SLACK_LIMITS.inputLabelChars),
    optional: !field.required,
    element: inputElement(field),
  }));
  return {
    type: "modal",
    callback_id: FORM_CALLBACK_ID,
    title: plain(form.title, SLACK_LIMITS.viewLabelChars),
    submit: plain(form.submitLabel, SLACK_LIMITS.viewLabelChars),
    close: plain("Cancel", SLACK_LIMITS.viewLabelChars),
    private_metadata: privateMetadata,
    blocks,
  };
}

const selectStateSchema = z.looseObject({ type: z.literal("static_select"), selected_option: z.looseObject({ value: z.string() }).nullish() });
const textStateSchema = z.looseObject({ type: z.literal("plain_text_input"), value: z.string().nullish() });

/** Reads a submitted modal: the command to run and the values given, by field name (empty fields left out). */
export function readFormSubmission(view: ViewSubmission["view"]): { metadata: FormMetadata; values: Record<string, string> } | undefined {
  let metadataJson: unknown;
  try {
    metadataJson = JSON.parse(view.private_metadata);
  } catch {
    return undefined;
  }
  const metadata = formMetadataSchema.safeParse(metadataJson);
  if (!metadata.success) return undefined;
  const values: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(view.state.values)) {
    if (!blockId.startsWith(FIELD_BLOCK_PREFIX)) continue;
    const element = elements[FIELD_ACTION_ID];
    const select = selectStateSchema.safeParse(element);
    const text = textStateSchema.safeParse(element);
    const value = select.success ? select.data.selected_option?.value : text.success ? text.data.value : undefined;
    if (value !== undefined && value !== null && value !== "") values[blockId.slice(FIELD_BLOCK_PREFIX.length)] = value;
  }
  return { metadata: metadata.data, values };
}

/** The form a button opens: inline in its value (`f`), or kept in the state store under its key (`k`). */
export async function buttonForm(state: AdapterStateStore, logger: Logger, value: { f?: unknown; k?: string | undefined }): Promise<ActionForm | undefined> {
  const raw = value.f ?? (value.k ? safeJson(await state.get(value.k)) : undefined);
  if (raw === undefined) return undefined;
  const form = actionFormSchema.safeParse(raw);
  if (!form.success) {
    logger.warn({ key: value.k }, "a Slack button's form could not be read");
    return undefined;
  }
  return form.data as ActionForm;
}
