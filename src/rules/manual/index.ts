/** Checklist items for what software cannot observe; an operator's attestation decides them. */
import type { Rule } from "../types.js";
import { firmwareTestedBeforeRollout } from "./firmware-tested-before-rollout.js";
import { intercomEnclosure } from "./intercom-enclosure.js";
import { intercomNetworkSegmented } from "./intercom-network-segmented.js";
import { intercomRemoteRelay } from "./intercom-remote-relay.js";
import { intercomWebSessions } from "./intercom-web-sessions.js";
import { simProviderAssurance } from "./sim-provider-assurance.js";
import { simTacLock } from "./sim-tac-lock.js";
import { simUsageReviewed } from "./sim-usage-reviewed.js";
import { usbConfigUpdateKey } from "./usb-config-update-key.js";

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
];
