import { caseAck } from "./cases/ack.js";
import { caseAnswer } from "./cases/answer.js";
import { caseClarify } from "./cases/clarify.js";
import { caseClose } from "./cases/close.js";
import { caseDecide } from "./cases/decide.js";
import { caseExtend } from "./cases/extend.js";
import { caseHistory } from "./cases/history.js";
import { caseList } from "./cases/list.js";
import { caseFind } from "./cases/find.js";
import { notice } from "./cases/notice.js";
import { order } from "./cases/order.js";
import { caseReassign } from "./cases/reassign.js";
import { caseReceived } from "./cases/received.js";
import { caseResume, caseSuspend } from "./cases/suspend.js";
import { caseReopen } from "./cases/reopen.js";
import { request } from "./cases/request.js";
import { caseResolve } from "./cases/resolve.js";
import { caseSay } from "./cases/say.js";
import { caseStatus } from "./cases/status.js";
import { caseWithdraw } from "./cases/withdraw.js";
import type { Command } from "./command.js";
import { contactsAdd } from "./contacts/add.js";
import { contactsAddOrg } from "./contacts/add-org.js";
import { contactsApprove, contactsReject } from "./contacts/approve.js";
import { contactsConfirm } from "./contacts/confirm.js";
import { contactsConfirmLink } from "./contacts/confirm-link.js";
import { contactsEdit } from "./contacts/edit.js";
import { contactsEditOrg } from "./contacts/edit-org.js";
import { contactsFind } from "./contacts/find.js";
import { contactsLink, contactsUnlink } from "./contacts/link.js";
import { contactsRemove } from "./contacts/remove.js";
import { contactsRemoveOrg } from "./contacts/remove-org.js";
import { contactsRestore, contactsRestoreOrg } from "./contacts/restore.js";
import { contactsShow } from "./contacts/show.js";
import { digestShow } from "./digest/show.js";
import { digestSubscribe } from "./digest/subscribe.js";
import { digestUnsubscribe } from "./digest/unsubscribe.js";
import { eevidenceAddressee } from "./eevidence/addressee.js";
import { eevidenceClarified, eevidenceEnforcing, eevidenceInability, eevidenceProduced, eevidenceValidate } from "./eevidence/answers.js";
import { eevidenceOrder } from "./eevidence/order.js";
import { tcoCopy } from "./tco/copy.js";
import { tcoInform } from "./tco/inform.js";
import { tcoNondisclosure } from "./tco/nondisclosure.js";
import { tcoNondisclosureExtend } from "./tco/nondisclosure-extend.js";
import { tcoPreserveExtend } from "./tco/preserve-extend.js";
import { tcoReinstated } from "./tco/reinstated.js";
import { tcoScrutiny } from "./tco/scrutiny.js";
import { tcoScrutinyDecision } from "./tco/scrutiny-decision.js";
import { eevidenceExtend, eevidencePreserved, eevidenceRelease, eevidenceSubsequent } from "./eevidence/preservation.js";
import { help } from "./help.js";
import { intakeAdd } from "./intake/add.js";
import { intakeDismiss } from "./intake/dismiss.js";
import { intakeForward } from "./intake/forward.js";
import { intakeOpen } from "./intake/open.js";
import { whoami } from "./whoami.js";

/** Every command, in the order /help lists them. Adding a command means adding it here; nothing registers itself. */
export const COMMANDS: readonly Command[] = [
  help,
  whoami,
  notice,
  order,
  request,
  caseStatus,
  caseList,
  caseFind,
  caseHistory,
  caseAck,
  caseClarify,
  caseAnswer,
  caseResolve,
  caseDecide,
  caseClose,
  caseWithdraw,
  caseReopen,
  caseExtend,
  caseReassign,
  caseReceived,
  caseSuspend,
  caseResume,
  caseSay,
  intakeOpen,
  intakeAdd,
  intakeDismiss,
  intakeForward,
  eevidenceOrder,
  eevidenceValidate,
  eevidenceEnforcing,
  eevidenceInability,
  eevidenceClarified,
  eevidenceProduced,
  eevidencePreserved,
  eevidenceExtend,
  eevidenceSubsequent,
  eevidenceRelease,
  eevidenceAddressee,
  tcoInform,
  tcoCopy,
  tcoScrutiny,
  tcoScrutinyDecision,
  tcoReinstated,
  tcoPreserveExtend,
  tcoNondisclosure,
  tcoNondisclosureExtend,
  contactsFind,
  contactsShow,
  contactsConfirm,
  contactsAdd,
  contactsEdit,
  contactsRemove,
  contactsLink,
  contactsConfirmLink,
  contactsUnlink,
  contactsAddOrg,
  contactsEditOrg,
  contactsRemoveOrg,
  contactsRestore,
  contactsRestoreOrg,
  contactsApprove,
  contactsReject,
  digestShow,
  digestSubscribe,
  digestUnsubscribe,
];
