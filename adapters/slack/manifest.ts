import { stringify } from "yaml";
import { catalogGroups, type CommandCatalog } from "../../src/core/catalog.js";
import { truncateVisibly } from "../../src/core/message.js";

/** Bot token scopes Liaison needs (and asks for in "Add to Slack"). */
export const BOT_SCOPES = ["commands", "chat:write", "im:write", "users:read", "channels:history", "groups:history", "im:history"] as const;

/** Events Liaison subscribes to: people's messages in channels, private channels and DMs (for case threads). */
export const BOT_EVENTS = ["message.channels", "message.groups", "message.im"] as const;

/** Options of the generated manifest. */
export interface SlackManifestOptions {
  /** The app's name in Slack (at most 35 characters). */
  appName: string;
  /** Public URL of Liaison's events path, e.g. https://liaison.example.org/slack/events. */
  requestUrl: string;
  /** Slash-command prefix, as `platforms.slack.commandPrefix`. */
  commandPrefix?: string;
  /** OAuth redirect URL, for multi-workspace installations ("Add to Slack"). */
  redirectUrl?: string;
  /** Socket Mode instead of a public Request URL. */
  socketMode?: boolean;
}

/** Hint Slack shows next to a slash command: its subcommands, or its arguments. */
function usageHint(group: ReturnType<typeof catalogGroups>[number], catalog: CommandCatalog): string {
  if (group.subcommands.length > 0) return truncateVisibly(group.subcommands.map((command) => command.name).join(" | "), 1000, "…");
  const command = catalog.find((candidate) => candidate.group === group.group);
  return truncateVisibly((command?.usage ?? "").replace(new RegExp(`^/${group.group}\\s*`), ""), 1000, "…");
}

/**
 * The Slack app manifest (https://docs.slack.dev/reference/app-manifest) for a catalog: one slash command per
 * top-level command group, the bot scopes and events Liaison uses, and interactivity for buttons and modals.
 */
export function slackManifest(catalog: CommandCatalog, options: SlackManifestOptions): Record<string, unknown> {
  const prefix = options.commandPrefix ?? "";
  const slashCommands = catalogGroups(catalog).map((group) => {
    const hint = usageHint(group, catalog);
    return {
      command: `/${prefix}${group.group}`,
      ...(options.socketMode ? {} : { url: options.requestUrl }),
      description: truncateVisibly(group.summary, 100, "…"),
      ...(hint !== "" ? { usage_hint: hint } : {}),
      should_escape: false,
    };
  });
  const tooLong = slashCommands.find((command) => command.command.length > 32);
  if (tooLong) throw new Error(`Slack slash command ${tooLong.command} is longer than 32 characters`);
  const events = [...BOT_EVENTS, ...(options.redirectUrl ? ["app_uninstalled", "tokens_revoked"] : [])];
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: truncateVisibly(options.appName, 35, "…"),
      description: "Points of contact, shared case threads, clocks and reminders across organisations.",
      background_color: "#1d3557",
    },
    features: {
      bot_user: { display_name: truncateVisibly(options.appName, 80, "…"), always_online: true },
      slash_commands: slashCommands,
    },
    oauth_config: {
      ...(options.redirectUrl ? { redirect_urls: [options.redirectUrl] } : {}),
      scopes: { bot: [...BOT_SCOPES] },
    },
    settings: {
      event_subscriptions: { ...(options.socketMode ? {} : { request_url: options.requestUrl }), bot_events: events },
      interactivity: { is_enabled: true, ...(options.socketMode ? {} : { request_url: options.requestUrl }) },
      org_deploy_enabled: false,
      socket_mode_enabled: options.socketMode ?? false,
      token_rotation_enabled: false,
    },
  };
}

/** Options of the manifest checked in as adapters/slack/manifest.yaml (replace the host when you create the app). */
export const CHECKED_IN_MANIFEST_OPTIONS: SlackManifestOptions = {
  appName: "Liaison",
  requestUrl: "https://liaison.example.org/slack/events",
};

/** The manifest as YAML, with a header saying where it comes from. */
export function slackManifestYaml(catalog: CommandCatalog, options: SlackManifestOptions): string {
  const header = [
    "# Slack app manifest for Liaison. GENERATED from the command catalog by adapters/slack/manifest.ts; do not edit.",
    "# Regenerate: node --import tsx adapters/slack/write-manifest.ts",
    "# Replace liaison.example.org with your host (or see adapters/slack/README.md for Socket Mode and OAuth).",
  ].join("\n");
  return `${header}\n${stringify(slackManifest(catalog, options), { lineWidth: 0 })}`;
}
