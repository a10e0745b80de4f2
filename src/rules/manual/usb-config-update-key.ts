import { manualRule } from "./kit.js";

export const usbConfigUpdateKey = manualRule({
  id: "usb-config-update-key",
  title: "Configuration updates from USB need the device's own key (or are off)",
  severity: "medium",
  guidelines: ["RBT-05"],
  appliesTo: ["router"],
  rationale:
    "A router that applies whatever configuration it finds on a USB stick can be reconfigured by anyone with a minute at the cabinet. Robustel's routers accept a USB update only with the device's own authentication key on the stick.",
  remediation:
    "Disable automatic configuration or firmware updates from USB, or make sure they require the device's own key; keep the keys out of the field.",
  question:
    "Is configuration (and firmware) update from USB either disabled, or accepted only with this device's own authentication key?",
});
