/**
 * Access events for `bulwark watch` beyond brute force (TEL-17: monitor access to administrative
 * services; RBT-07: alert when an Ethernet cable is unplugged): successful administrative logins,
 * configuration changes, links going down/up, SIM switches and reboots, detected line by line in
 * device and PBX logs and handed to `AlertDispatcher.access`.
 */
export { asteriskAmiDetector, asteriskReloadDetector } from "./asterisk.js";
export {
  type AccessEventDetector,
  type AccessEventDetectorOptions,
  BUILTIN_EVENT_DETECTORS,
  createAccessEventDetector,
  detectAccessEvent,
  detectWith,
} from "./detect.js";
export { dropbearDetector } from "./dropbear.js";
export { HEADER_SCAN, parseSyslogHeader, type SyslogHeader } from "./header.js";
export { kernelLinkDetector } from "./kernel-link.js";
export {
  createLineTimeReader,
  type LineTimeOptions,
  type LineTimeReader,
  machineLineTime,
} from "./line-time.js";
export { luciDetector } from "./luci.js";
export { netifdDetector } from "./netifd.js";
export { opensshDetector } from "./openssh.js";
export { rebootDetector } from "./reboot.js";
export { rutosConfigDetector } from "./rutos-config.js";
export { rutosLoginDetector } from "./rutos-login.js";
export { rutosPortDetector } from "./rutos-port.js";
export {
  annotateFirstSeen,
  loginSeenKey,
  type SeenLike,
  type SimpleSeenSet,
} from "./seen.js";
export { simSwitchDetector } from "./sim-switch.js";
export type { AccessKind, DetectedAccessEvent, EventDetector, LineView } from "./types.js";
export { cleanHost } from "./util.js";
