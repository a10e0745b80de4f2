/**
 * Checklist items software cannot observe. Each is its own rule whose finding is "manual": it never
 * passes by default; the engine turns an operator's attestation (policy file: who, when, comment)
 * into pass or fail.
 */
import type { DeviceClass } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { at } from "../case-kit.js";
import { manual } from "../outcome.js";
import type { Rule, RuleMeta } from "../types.js";

export interface ManualItem extends Omit<RuleMeta, "modes"> {
  /** The question the operator answers, as the report shows it. */
  question: string;
}

export function manualRule(item: ManualItem): Rule {
  const { question, ...meta } = item;
  const cls: DeviceClass = meta.appliesTo[0] ?? "router";
  return {
    meta: { ...meta, modes: ["manual"] },
    check(facts) {
      return [
        manual(
          `${question} Record the answer as an attestation (rule '${meta.id}') in the policy file.`,
          facts.device.class.known ? facts.device.class.at : [],
        ),
      ];
    },
    cases: [
      {
        name: "asks for an attestation",
        facts: (f) => {
          f.device.class = known(cls, at(cls));
        },
        expect: ["manual"],
      },
    ],
  };
}
