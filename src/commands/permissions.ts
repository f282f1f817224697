// Who may run a command: the one rule, used by the dispatcher before a command runs and by /help to show each person
// the commands they may run. Finer checks (an admin of this organisation, a designation) stay in the commands.
import type { Actor } from "../core/actor.js";
import type { CommandPermission } from "../core/catalog.js";
import { fail, ok, type Outcome } from "../core/result.js";

/** Who each permission is for, in words: "it is for …". */
export const PERMISSION_HOLDERS: Record<CommandPermission, string> = {
  anyone: "anyone",
  "directory-reader": "people linked to a directory contact",
  contact: "people linked to a directory contact",
  admin: "coordinators and organisation admins",
  coordinator: "coordinators",
};

/** Whether the actor may run a command with this permission; the refusal says why and what to do. */
export function permissionOutcome(permission: CommandPermission, actor: Actor, unlinkedMayRead: boolean): Outcome<true> {
  const contact = actor.contact;
  if (permission === "anyone") return ok(true);
  if (permission === "directory-reader" && (contact || unlinkedMayRead)) return ok(true);
  if (!contact) {
    return fail(
      "not-linked",
      "You are not linked to a directory contact, so Liaison cannot let you do this.",
      `Ask your organisation admin or a coordinator to link you: /contacts link <your-handle> ${actor.identity.platform} ${actor.identity.userId}${actor.identity.workspace ? ` --workspace ${actor.identity.workspace}` : ""}`,
    );
  }
  if (permission === "admin" && !(contact.coordinator || contact.orgAdmin)) return fail("not-allowed", "Only coordinators and organisation admins may do this.");
  if (permission === "coordinator" && !contact.coordinator) return fail("not-allowed", "Only coordinators may do this.");
  return ok(true);
}

/** True when the actor may run a command with this permission. */
export function mayRun(permission: CommandPermission, actor: Actor, unlinkedMayRead: boolean): boolean {
  return permissionOutcome(permission, actor, unlinkedMayRead).ok;
}
