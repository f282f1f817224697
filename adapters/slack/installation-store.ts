import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import { z } from "zod";
import type { AdapterStateStore } from "../../src/core/platform.js";

/** State-store key of a workspace's installation. */
export function teamInstallationKey(teamId: string): string {
  return `installation:${teamId}`;
}

/** State-store key of an organisation-wide (Enterprise Grid) installation. */
export function enterpriseInstallationKey(enterpriseId: string): string {
  return `installation:enterprise:${enterpriseId}`;
}

/** True for the state keys whose values hold tokens (an installation holds the bot token, and a user or refresh token). */
export function isSlackSecretStateKey(key: string): boolean {
  return key.startsWith("installation:");
}

/** The parts of a stored installation Liaison relies on; the rest is kept as Slack's SDK wrote it. */
const storedInstallationSchema = z.looseObject({
  team: z.looseObject({ id: z.string() }).optional(),
  enterprise: z.looseObject({ id: z.string() }).optional(),
  isEnterpriseInstall: z.boolean().optional(),
  bot: z.looseObject({ token: z.string().min(1), userId: z.string(), id: z.string().optional() }).optional(),
});

/** A bot token and its identity in one workspace, read from an installation. */
export interface WorkspaceBot {
  token: string;
  botUserId: string;
  teamId: string | undefined;
}

/**
 * Bolt's InstallationStore kept in Liaison's database through the adapter state store: one JSON document per
 * workspace (`installation:<teamId>`) or per organisation-wide installation (`installation:enterprise:<id>`).
 */
export class StateInstallationStore implements InstallationStore {
  constructor(private readonly state: AdapterStateStore) {}

  /** Saves or replaces an installation (called by Bolt at the end of "Add to Slack"). */
  async storeInstallation(installation: Installation<"v1" | "v2", boolean>): Promise<void> {
    const json = JSON.stringify(installation);
    if (installation.isEnterpriseInstall && installation.enterprise?.id) {
      await this.state.set(enterpriseInstallationKey(installation.enterprise.id), json);
      return;
    }
    const teamId = installation.team?.id;
    if (!teamId) throw new Error("Slack installation without a team id");
    await this.state.set(teamInstallationKey(teamId), json);
  }

  /** Finds the installation serving a workspace or organisation; throws when there is none (Bolt expects that). */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<"v1" | "v2", boolean>> {
    for (const key of this.keysFor(query)) {
      const raw = await this.state.get(key);
      if (raw === undefined) continue;
      const parsed = storedInstallationSchema.safeParse(JSON.parse(raw) as unknown);
      if (!parsed.success) throw new Error(`stored Slack installation ${key} is not readable: ${parsed.error.message}`);
      return parsed.data as unknown as Installation<"v1" | "v2", boolean>;
    }
    throw new Error(`Liaison is not installed in Slack workspace ${query.teamId ?? query.enterpriseId ?? "(unknown)"}`);
  }

  /** Forgets an installation (app uninstalled, tokens revoked). */
  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const [key] = this.keysFor(query);
    if (key) await this.state.delete(key);
  }

  /** The bot token serving a workspace (team id) or an organisation (enterprise id), if installed. */
  async botFor(workspace: string): Promise<WorkspaceBot | undefined> {
    for (const key of [teamInstallationKey(workspace), enterpriseInstallationKey(workspace)]) {
      const raw = await this.state.get(key);
      if (raw === undefined) continue;
      const parsed = storedInstallationSchema.safeParse(JSON.parse(raw) as unknown);
      if (parsed.success && parsed.data.bot) return { token: parsed.data.bot.token, botUserId: parsed.data.bot.userId, teamId: parsed.data.team?.id };
    }
    return undefined;
  }

  private keysFor(query: InstallationQuery<boolean>): string[] {
    const keys: string[] = [];
    if (query.isEnterpriseInstall && query.enterpriseId) keys.push(enterpriseInstallationKey(query.enterpriseId));
    if (query.teamId) keys.push(teamInstallationKey(query.teamId));
    if (!query.isEnterpriseInstall && query.enterpriseId) keys.push(enterpriseInstallationKey(query.enterpriseId));
    return keys;
  }
}
