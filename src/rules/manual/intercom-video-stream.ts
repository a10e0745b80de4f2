import { manualRule } from "./kit.js";

export const intercomVideoStream = manualRule({
  id: "intercom-video-stream",
  title:
    "The video stream is protected: strong password, allowed-IP list, audio off when not needed",
  severity: "medium",
  guidelines: ["BAS-10"],
  appliesTo: ["intercom"],
  rationale:
    "An RTSP stream with a weak or default password shows who comes and goes, and its audio carries conversations at the door.",
  remediation:
    "Set a strong RTSP password, restrict the stream to the recorder's and monitors' addresses, and turn audio off where only video is needed.",
  question:
    "Does the panel's video stream use a strong password and an allowed-IP list, with audio off where only video is needed?",
});
