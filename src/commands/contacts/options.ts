import { z } from "zod";
import { PLATFORMS } from "../../core/adapter.js";
import { ROLES, TOPICS } from "../../directory/model.js";

/** Roles written as "notices:primary,removal-orders:backup". */
export const rolesOption = z
  .string()
  .trim()
  .transform((text, context) => {
    const roles: Record<string, string> = {};
    for (const part of text.split(",").map((item) => item.trim()).filter(Boolean)) {
      const [topic, role] = part.split(":").map((item) => item.trim().toLowerCase());
      if (!topic || !role || !(TOPICS as readonly string[]).includes(topic) || !(ROLES as readonly string[]).includes(role)) {
        context.addIssue({
          code: "custom",
          message: `"${part}" is not topic:role (topics: ${TOPICS.join(", ")}; roles: ${ROLES.join(", ")}), e.g. notices:primary`,
        });
        return z.NEVER;
      }
      roles[topic] = role;
    }
    return roles;
  });

/** A case channel written as "<platform> [<workspace>] <channel>", e.g. "slack T0123 C0456" or "console cases". */
export const channelOption = z
  .string()
  .trim()
  .transform((text, context) => {
    const parts = text.split(/\s+/);
    const platform = parts[0]?.toLowerCase();
    if (!platform || !(PLATFORMS as readonly string[]).includes(platform) || parts.length < 2 || parts.length > 3) {
      context.addIssue({
        code: "custom",
        message: `write "<platform> [<workspace>] <channel>" with platform one of ${PLATFORMS.join(", ")}, e.g. "slack T0123 C0456"`,
      });
      return z.NEVER;
    }
    const workspace = parts.length === 3 ? (parts[1] ?? "") : "";
    const channel = parts[parts.length - 1] ?? "";
    return { platform: platform as (typeof PLATFORMS)[number], workspace, channel };
  });

/** The items of a comma-separated removal that the list does not hold (compared without regard to case). */
export function notHeld(current: readonly string[] | undefined, remove: string | undefined): string[] {
  const held = new Set((current ?? []).map((item) => item.toLowerCase()));
  return (remove ?? "").split(",").map((item) => item.trim()).filter((item) => item !== "" && !held.has(item.toLowerCase()));
}

/** Adds and removes items of a list, keeping order. */
export function editList(current: readonly string[] | undefined, add: string | undefined, remove: string | undefined): string[] {
  const split = (text: string | undefined) => (text ?? "").split(",").map((item) => item.trim()).filter(Boolean);
  const removed = new Set(split(remove).map((item) => item.toLowerCase()));
  return [...(current ?? []), ...split(add)].filter((item) => !removed.has(item.toLowerCase()));
}
