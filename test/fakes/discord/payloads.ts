/** Discord JSON objects as the fake sends them (shapes from the Discord API documentation). */

/** A user the fake knows. */
export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
  /** Refuses DMs from the bot (Discord 50007). */
  dmsClosed?: boolean;
}

/** A channel the fake knows: guild text channel (0), DM (1), public thread (11). */
export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guildId?: string;
  parentId?: string;
  recipientId?: string;
  /** The bot may not see or post here (Discord 403 50001). */
  forbidden?: boolean;
}

/** A message the fake holds. */
export interface FakeMessage {
  id: string;
  channelId: string;
  guildId?: string;
  author: FakeUser;
  content: string;
  embeds: unknown[];
  components: unknown[];
  flags: number;
  nonce?: string;
  webhookId?: string;
  /** Set on ephemeral messages: the only user who sees it. */
  ephemeralTo?: string;
  /** The thread started from this message. */
  threadId?: string;
  /** The interaction this message answers (original or follow-up). */
  interactionId?: string;
  /** A deferred response still "thinking". */
  loading?: boolean;
  deleted?: boolean;
  createdAtMs: number;
}

/** Discord's epoch (2015-01-01) in Unix milliseconds. */
const DISCORD_EPOCH_MS = 1_420_070_400_000;
let increment = 0;

/** A new snowflake for the given time. */
export function snowflake(nowMs: number): string {
  increment = (increment + 1) % 4096;
  return String((BigInt(Math.max(0, nowMs - DISCORD_EPOCH_MS)) << 22n) | BigInt(increment));
}

/** A user object. */
export function userJson(user: FakeUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    discriminator: "0",
    global_name: user.bot ? null : user.username,
    avatar: null,
    bot: user.bot === true,
    public_flags: 0,
  };
}

/** A guild member object. */
export function memberJson(user: FakeUser, withUser: boolean): Record<string, unknown> {
  const member: Record<string, unknown> = {
    roles: [],
    joined_at: "2024-01-01T00:00:00.000Z",
    deaf: false,
    mute: false,
    flags: 0,
    nick: null,
    pending: false,
    permissions: "2251799813685247",
  };
  if (withUser) member.user = userJson(user);
  return member;
}

/** A channel object. */
export function channelJson(channel: FakeChannel, nowMs: number): Record<string, unknown> {
  const json: Record<string, unknown> = { id: channel.id, type: channel.type, name: channel.name, flags: 0 };
  if (channel.guildId) Object.assign(json, { guild_id: channel.guildId, position: 0, permission_overwrites: [], nsfw: false });
  if (channel.type === 0) Object.assign(json, { parent_id: null, topic: null, last_message_id: null, rate_limit_per_user: 0 });
  if (channel.type === 1) Object.assign(json, { recipients: channel.recipientId ? [{ id: channel.recipientId, username: "user", discriminator: "0", avatar: null }] : [], last_message_id: null });
  if (channel.type === 11) {
    Object.assign(json, {
      parent_id: channel.parentId,
      owner_id: null,
      last_message_id: null,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      total_message_sent: 0,
      thread_metadata: { archived: false, auto_archive_duration: 10080, archive_timestamp: new Date(nowMs).toISOString(), locked: false },
    });
  }
  return json;
}

/** A message object. */
export function messageJson(message: FakeMessage, thread: FakeChannel | undefined, nowMs: number): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: message.id,
    channel_id: message.channelId,
    author: userJson(message.author),
    content: message.content,
    timestamp: new Date(message.createdAtMs).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: message.embeds,
    components: message.components,
    pinned: false,
    type: 0,
    flags: message.flags,
  };
  if (message.guildId) json.guild_id = message.guildId;
  if (message.nonce !== undefined) json.nonce = message.nonce;
  if (message.webhookId) json.webhook_id = message.webhookId;
  if (thread) json.thread = channelJson(thread, nowMs);
  return json;
}

/** A guild's GUILD_CREATE payload with its channels and active threads. */
export function guildCreateJson(guild: { id: string; name: string }, channels: FakeChannel[], ownerId: string, nowMs: number): Record<string, unknown> {
  const own = channels.filter((channel) => channel.guildId === guild.id);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [{ id: guild.id, name: "@everyone", color: 0, hoist: false, position: 0, permissions: "2251799813685247", managed: false, mentionable: false, flags: 0 }],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: "en-US",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: "2024-01-01T00:00:00.000Z",
    large: false,
    unavailable: false,
    member_count: 3,
    voice_states: [],
    members: [],
    channels: own.filter((channel) => channel.type !== 11).map((channel) => channelJson(channel, nowMs)),
    threads: own.filter((channel) => channel.type === 11).map((channel) => channelJson(channel, nowMs)),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** The fields every INTERACTION_CREATE carries. */
export function interactionBaseJson(options: {
  id: string;
  applicationId: string;
  token: string;
  type: number;
  user: FakeUser;
  channel: FakeChannel;
}): Record<string, unknown> {
  const { channel, user } = options;
  const json: Record<string, unknown> = {
    id: options.id,
    application_id: options.applicationId,
    type: options.type,
    token: options.token,
    version: 1,
    channel_id: channel.id,
    channel: { id: channel.id, type: channel.type, name: channel.name, parent_id: channel.parentId ?? null, guild_id: channel.guildId },
    app_permissions: "2251799813685247",
    locale: "en-US",
    entitlements: [],
    attachment_size_limit: 10_485_760,
  };
  if (channel.guildId) {
    Object.assign(json, {
      guild_id: channel.guildId,
      guild_locale: "en-US",
      guild: { id: channel.guildId, locale: "en-US", features: [] },
      member: memberJson(user, true),
      authorizing_integration_owners: { "0": channel.guildId },
      context: 0,
    });
  } else {
    Object.assign(json, { user: userJson(user), authorizing_integration_owners: { "1": user.id }, context: 1 });
  }
  return json;
}
