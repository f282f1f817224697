/** Discord's documented limits (developer documentation; where the OpenAPI spec disagrees, the documentation wins). */
export const DISCORD_LIMITS = {
  contentChars: 2000,
  embedsPerMessage: 10,
  embedTotalChars: 6000,
  embedTitleChars: 256,
  embedDescriptionChars: 4096,
  embedFields: 25,
  embedFieldNameChars: 256,
  embedFieldValueChars: 1024,
  embedFooterChars: 2048,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabelChars: 80,
  customIdChars: 100,
  nonceChars: 25,
  threadNameChars: 100,
  commandNameChars: 32,
  commandDescriptionChars: 100,
  commandOptions: 25,
  commandChoices: 25,
  choiceChars: 100,
  modalTitleChars: 45,
  modalComponents: 5,
  labelChars: 45,
  labelDescriptionChars: 100,
  textInputChars: 4000,
  selectOptions: 25,
} as const;

/**
 * Message flag: no link previews. Set on messages of content only: on a message with embeds it would hide
 * Liaison's own embeds, and the text of embeds is never previewed.
 */
export const SUPPRESS_EMBEDS_FLAG = 1 << 2;

/** Message flag: only the person who used the interaction sees the message. */
export const EPHEMERAL_FLAG = 64;

/** How long an interaction token may be used for follow-ups and edits. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

/** Safety margin before the token's end: replies later than lifetime minus this go to the channel or DM instead. */
export const INTERACTION_TOKEN_MARGIN_MS = 30_000;
