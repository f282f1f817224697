/** Block Kit and Web API limits Liaison renders within (https://docs.slack.dev/reference/block-kit). */
export const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocksPerMessage: 50,
  /** Blocks in one modal view. */
  blocksPerView: 100,
  /** Characters of a section's text. */
  sectionTextChars: 3000,
  /** Fields in one section. */
  fieldsPerSection: 10,
  /** Characters of one section field. */
  fieldChars: 2000,
  /** Characters of a header block's plain text. */
  headerChars: 150,
  /** Elements in a context block. */
  contextElements: 10,
  /** Elements in an actions block. */
  actionsElements: 25,
  /** Characters of a button's label. */
  buttonTextChars: 75,
  /** Characters of a button's value. */
  buttonValueChars: 2000,
  /** Characters of an action_id or block_id. */
  idChars: 255,
  /** Characters of a message's top-level `text` (Slack truncates beyond it). */
  messageTextChars: 40_000,
  /**
   * Aggregate characters of text in one message's blocks beyond which Slack answers `msg_blocks_too_long`. Not
   * documented; observed near 13,200 (bolt-js issue 2509). Kept as a reference for the fake server.
   */
  observedBlocksTextChars: 13_200,
  /** Modal title, submit and close labels. */
  viewLabelChars: 24,
  /** Modal private_metadata. */
  privateMetadataChars: 3000,
  /** Options in a static_select. */
  selectOptions: 100,
  /** Characters of an option's label. */
  optionTextChars: 75,
  /** Characters of an option's value. */
  optionValueChars: 150,
  /** Characters of an input block's label. */
  inputLabelChars: 2000,
  /** max_length of a plain_text_input. */
  plainTextInputChars: 3000,
  /** Uses of one response_url. */
  responseUrlUses: 5,
  /** How long a response_url can be used after the command or button, in milliseconds. */
  responseUrlLifetimeMs: 30 * 60_000,
} as const;

/** A response_url is not used in its last this-many milliseconds (the reply goes by direct message instead). */
export const RESPONSE_URL_MARGIN_MS = 30_000;

/** What Liaison allows itself per message: well inside Slack's limits, so nothing is ever rejected. */
export const RENDER_BUDGET = {
  /** Blocks per message Liaison uses (of 50). */
  blocksPerMessage: 45,
  /** Aggregate text characters per message Liaison uses (Slack rejects near 13,200). */
  blocksTextChars: 10_000,
  /** Characters of the notification fallback `text` sent with blocks (long `text` draws msg_too_long). */
  fallbackTextChars: 3000,
} as const;
