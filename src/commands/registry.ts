import type { Command } from "./command.js";
import { contactsAdd } from "./contacts/add.js";
import { contactsAddOrg } from "./contacts/add-org.js";
import { contactsConfirm } from "./contacts/confirm.js";
import { contactsEdit } from "./contacts/edit.js";
import { contactsEditOrg } from "./contacts/edit-org.js";
import { contactsFind } from "./contacts/find.js";
import { contactsLink, contactsUnlink } from "./contacts/link.js";
import { contactsRemove } from "./contacts/remove.js";
import { contactsRemoveOrg } from "./contacts/remove-org.js";
import { contactsShow } from "./contacts/show.js";
import { help } from "./help.js";
import { whoami } from "./whoami.js";

/** Every command, in the order /help lists them. Adding a command means adding it here; nothing registers itself. */
export const COMMANDS: readonly Command[] = [
  help,
  whoami,
  contactsFind,
  contactsShow,
  contactsConfirm,
  contactsAdd,
  contactsEdit,
  contactsRemove,
  contactsLink,
  contactsUnlink,
  contactsAddOrg,
  contactsEditOrg,
  contactsRemoveOrg,
];
