import { readDataFile } from "../../data-files.js";
import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

interface Release {
  version: string;
  parts: number[];
  source: string;
}
interface ReleaseData {
  updated: string;
  series: Record<string, Release>;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const firmwareCurrent: Rule = {
  meta: {
    id: "firmware-current",
    title: "Firmware is the newest known release of its series",
    severity: "high",
    guidelines: ["TEL-01", "BAS-07"],
    modes: ["config"],
    appliesTo: ["router", "intercom"],
    rationale:
      "Firmware updates carry the vendor's security fixes; an old release keeps every published vulnerability open.",
    remediation:
      "Update to the newest firmware of the series, after testing it on a non-production device (TEL-25).",
  },
  check(facts) {
    const fw = facts.device.firmware;
    if (!fw.known) return [unknownFrom(fw, "Firmware currency")];
    const releases = readDataFile<ReleaseData>("firmware-releases.json");
    const latest = releases.series[fw.value.series];
    if (!latest)
      return [
        undecided(
          `no release data for the '${fw.value.series}' series (data/firmware-releases.json, updated ${releases.updated})`,
          fw.at,
        ),
      ];
    const d = compare(fw.value.parts, latest.parts);
    if (d >= 0)
      return [
        pass(
          `${fw.value.raw} is the newest release known (${latest.version}; data updated ${releases.updated})`,
          fw.at,
        ),
      ];
    return [
      fail(
        `${fw.value.raw} is older than ${latest.version}, the newest known release (${latest.source})`,
        fw.at,
        {
          summary: `Update to ${latest.version} or later (WebUI: System > Firmware; or sysupgrade with the vendor's image), after testing it on a spare device.`,
        },
      ),
    ];
  },
  cases: [
    {
      name: "old rutx",
      facts: (f) => {
        asRouter(f);
        f.device.firmware = known(
          { raw: "RUTX_R_00.07.04", series: "RUTX", parts: [7, 4] },
          at("RUTX_R_00.07.04"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "current rutx",
      facts: (f) => {
        asRouter(f);
        f.device.firmware = known(
          { raw: "RUTX_R_00.07.20", series: "RUTX", parts: [7, 20] },
          at("RUTX_R_00.07.20"),
        );
      },
      expect: ["pass"],
    },
    {
      name: "unknown series",
      facts: (f) => {
        asRouter(f);
        f.device.firmware = known(
          { raw: "TRB1_R_00.07.01", series: "TRB1", parts: [7, 1] },
          at("TRB1"),
        );
      },
      expect: ["unknown"],
    },
  ],
};
