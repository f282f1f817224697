import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CHECKED_IN_MANIFEST_OPTIONS, slackManifest, slackManifestYaml } from "../../../adapters/slack/manifest.js";
import { commandCatalog } from "../../../src/commands/catalog.js";
import { catalogGroups } from "../../../src/core/catalog.js";

const checkedIn = readFileSync(new URL("../../../adapters/slack/manifest.yaml", import.meta.url), "utf8");

describe("Slack app manifest", () => {
  it("adapters/slack/manifest.yaml matches the command catalog (regenerate: node --import tsx adapters/slack/write-manifest.ts)", () => {
    expect(checkedIn).toBe(slackManifestYaml(commandCatalog, CHECKED_IN_MANIFEST_OPTIONS));
  });

  it("declares one slash command per command group, with the scopes, events and interactivity Liaison uses", () => {
    const manifest = parse(checkedIn) as {
      features: { slash_commands: { command: string; url: string; description: string; should_escape: boolean }[] };
      oauth_config: { scopes: { bot: string[] } };
      settings: { event_subscriptions: { bot_events: string[]; request_url: string }; interactivity: { is_enabled: boolean; request_url: string } };
    };
    const groups = catalogGroups(commandCatalog).map((group) => `/${group.group}`);
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual(groups);
    for (const command of manifest.features.slash_commands) {
      expect(command.command.length).toBeLessThanOrEqual(32);
      expect(command.url).toBe(CHECKED_IN_MANIFEST_OPTIONS.requestUrl);
      expect(command.description.length).toBeLessThanOrEqual(100);
      expect(command.should_escape).toBe(false);
    }
    expect(manifest.oauth_config.scopes.bot).toEqual(["commands", "chat:write", "im:write", "users:read", "channels:history", "groups:history", "im:history"]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(["message.channels", "message.groups", "message.im"]);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: CHECKED_IN_MANIFEST_OPTIONS.requestUrl });
  });

  it("builds Socket Mode and multi-workspace variants", () => {
    const socket = slackManifest(commandCatalog, { appName: "Liaison", requestUrl: "unused", socketMode: true, commandPrefix: "liaison-" }) as {
      features: { slash_commands: { command: string; url?: string }[] };
      settings: { socket_mode_enabled: boolean; event_subscriptions: { request_url?: string } };
    };
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(socket.settings.event_subscriptions.request_url).toBeUndefined();
    expect(socket.features.slash_commands.every((command) => command.url === undefined && command.command.startsWith("/liaison-"))).toBe(true);
    const oauth = slackManifest(commandCatalog, { appName: "Liaison", requestUrl: "https://x.example/slack/events", redirectUrl: "https://x.example/slack/oauth_redirect" }) as {
      oauth_config: { redirect_urls: string[] };
      settings: { event_subscriptions: { bot_events: string[] } };
    };
    expect(oauth.oauth_config.redirect_urls).toEqual(["https://x.example/slack/oauth_redirect"]);
    expect(oauth.settings.event_subscriptions.bot_events).toContain("app_uninstalled");
  });
});
