/** Checklist items for what software cannot observe; an operator's attestation decides them. */
import type { Rule } from "../types.js";
import { backupHashesVerified } from "./backup-hashes-verified.js";
import { diagnosticsEncryptedWhenShared } from "./diagnostics-encrypted-when-shared.js";
import { firmwareTestedBeforeRollout } from "./firmware-tested-before-rollout.js";
import { firmwareUpdateRoutine } from "./firmware-update-routine.js";
import { intercomEnclosure } from "./intercom-enclosure.js";
import { intercomNetworkSegmented } from "./intercom-network-segmented.js";
import { intercomRemoteRelay } from "./intercom-remote-relay.js";
import { intercomTimeProfiles } from "./intercom-time-profiles.js";
import { intercomUniquePins } from "./intercom-unique-pins.js";
import { intercomVideoStream } from "./intercom-video-stream.js";
import { intercomWebSessions } from "./intercom-web-sessions.js";
import { managementProtocolsReviewed } from "./management-protocols-reviewed.js";
import { simProviderAssurance } from "./sim-provider-assurance.js";
import { simTacLock } from "./sim-tac-lock.js";
import { simUsageReviewed } from "./sim-usage-reviewed.js";
import { usbConfigUpdateKey } from "./usb-config-update-key.js";
import { wifiAuditRoutine } from "./wifi-audit-routine.js";

export const MANUAL_RULES: Rule[] = [
  simProviderAssurance,
  simTacLock,
  usbConfigUpdateKey,
  firmwareTestedBeforeRollout,
  simUsageReviewed,
  intercomEnclosure,
  intercomRemoteRelay,
  intercomNetworkSegmented,
  intercomWebSessions,
  intercomTimeProfiles,
  intercomVideoStream,
  intercomUniquePins,
  backupHashesVerified,
  firmwareUpdateRoutine,
  managementProtocolsReviewed,
  wifiAuditRoutine,
  diagnosticsEncryptedWhenShared,
];
