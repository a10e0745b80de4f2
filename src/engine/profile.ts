/**
 * The audit profile and the operator's decisions, from an optional YAML policy file:
 * where guides disagree (hidden SSID), which rules are off, waivers and attestations.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { InputError } from "../sources/input-error.js";

export interface Profile {
  name: string;
  /**
   * RBT-08 says hide the SSID; TEL-11 says reduce TX power instead (hiding gives no real
   * protection and makes clients probe for the network everywhere). The profile picks one.
   */
  hiddenSsid: "broadcast" | "hide";
  disabledRules: string[];
}

export const PROFILES: Record<string, Profile> = {
  teltonika: { name: "teltonika", hiddenSsid: "broadcast", disabledRules: [] },
  robustel: { name: "robustel", hiddenSsid: "hide", disabledRules: [] },
};
export const DEFAULT_PROFILE = PROFILES.teltonika as Profile;

const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "expected a date (YYYY-MM-DD)");

const PolicySchema = z
  .object({
    profile: z.enum(Object.keys(PROFILES) as [string, ...string[]]).optional(),
    hiddenSsid: z.enum(["broadcast", "hide"]).optional(),
    disabledRules: z.array(z.string()).optional(),
    waivers: z
      .array(
        z
          .object({
            rule: z.string(),
            /** Limit to one target (file name as given) or subject; absent = everywhere. */
            target: z.string().optional(),
            subject: z.string().optional(),
            reason: z.string().min(1),
            expires: isoDate,
            by: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    attestations: z
      .array(
        z
          .object({
            rule: z.string(),
            target: z.string().optional(),
            answer: z.enum(["yes", "no"]),
            by: z.string().min(1),
            at: isoDate,
            comment: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export type Policy = z.infer<typeof PolicySchema>;
export type Waiver = NonNullable<Policy["waivers"]>[number];
export type Attestation = NonNullable<Policy["attestations"]>[number];

export interface Settings {
  profile: Profile;
  waivers: Waiver[];
  attestations: Attestation[];
}

export function settingsFrom(policy: Policy, profileName?: string): Settings {
  const base = PROFILES[profileName ?? policy.profile ?? "teltonika"];
  if (!base)
    throw new InputError(
      `unknown profile '${profileName}' (known: ${Object.keys(PROFILES).join(", ")})`,
      "--profile",
    );
  return {
    profile: {
      ...base,
      hiddenSsid: policy.hiddenSsid ?? base.hiddenSsid,
      disabledRules: [...base.disabledRules, ...(policy.disabledRules ?? [])],
    },
    waivers: policy.waivers ?? [],
    attestations: policy.attestations ?? [],
  };
}

export function loadPolicy(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(
      `cannot read policy file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      file,
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (err) {
    if (err instanceof YAMLParseError)
      throw new InputError(
        err.message.split("\n")[0] ?? "invalid YAML",
        file,
        err.linePos?.[0]?.line,
      );
    throw err;
  }
  const parsed = PolicySchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${issue?.path.join(".") || "policy"}: ${issue?.message}`, file);
  }
  return parsed.data;
}
