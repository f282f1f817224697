"use strict";
// Liaison does not support end-to-end encrypted Matrix rooms. matrix-bot-sdk loads this module at start;
// every export exists so that loading works, and any attempt to use encryption throws a clear error.
const message =
  "end-to-end encryption is not available in Liaison: invite the bot to an unencrypted room instead";

class Unavailable {
  constructor() {
    throw new Error(message);
  }
  static initialize() {
    throw new Error(message);
  }
}

const names = [
  "OlmMachine", "UserId", "DeviceId", "RoomId", "DeviceLists", "EncryptionSettings", "Attachment",
  "EncryptedAttachment", "KeysUploadRequest", "KeysQueryRequest", "KeysClaimRequest", "ToDeviceRequest",
  "SignatureUploadRequest", "RoomMessageRequest", "KeysBackupRequest",
];
for (const name of names) {
  module.exports[name] = class extends Unavailable {};
}
const enumNames = ["RequestType", "StoreType", "EncryptionAlgorithm", "HistoryVisibility", "LoggerLevel"];
for (const name of enumNames) {
  module.exports[name] = Object.freeze({});
}
module.exports.available = false;
