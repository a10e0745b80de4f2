/** Monitoring rules: Events Reporting for logins and link changes. */
import type { Rule } from "../types.js";
import { eventsAdminLogin } from "./events-admin-login.js";
import { eventsLinkDown } from "./events-link-down.js";

export const MONITORING_RULES: Rule[] = [eventsAdminLogin, eventsLinkDown];
