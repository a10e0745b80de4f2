/** Intercom rules a scan decides: the video stream. */
import type { Rule } from "../types.js";
import { rtspStreamAuth } from "./rtsp-stream-auth.js";

export const INTERCOM_RULES: readonly Rule[] = [rtspStreamAuth];
