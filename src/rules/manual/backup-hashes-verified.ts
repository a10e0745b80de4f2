import { manualRule } from "./kit.js";

export const backupHashesVerified = manualRule({
  id: "backup-hashes-verified",
  title: "Backup and firmware files are checked against recorded hashes before upload",
  severity: "medium",
  guidelines: ["TEL-13"],
  appliesTo: ["router", "intercom", "pbx"],
  rationale:
    "A tampered backup or firmware image restores an attacker's configuration or code on the device; comparing its MD5/SHA hash with the one recorded when it was made catches substitution in transit or on a shared drive.",
  remediation:
    "Record the SHA-256 of every backup and firmware image when it is made or downloaded (sha256sum FILE), and compare before uploading it to a device.",
  question:
    "Are backup and firmware files compared with their recorded SHA-256/MD5 hashes before they are uploaded?",
});
