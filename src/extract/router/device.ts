/** Which device this is: platform, firmware version, hostname. */
import type { Facts, FirmwareVersion, Platform } from "../../facts/model.js";
import { type ConfigOrigin, known, unknown } from "../../facts/value.js";
import { sectionsOfType, str } from "../../parsers/uci/query.js";
import type { RouterContext } from "./context.js";

/** RutOS firmware names: RUTX_R_00.07.20, RUT9_R_00.07.02.7, RUT9XX_R_00.06.09.3, TRB1_R_00.07.10 */
const TELTONIKA_VERSION_RE = /^([A-Z][A-Z0-9]*?)_R_(?:GPL_)?(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?/;

export function parseTeltonikaVersion(raw: string): FirmwareVersion | undefined {
  const m = TELTONIKA_VERSION_RE.exec(raw.trim());
  if (!m) return undefined;
  const parts = [m[2], m[3], m[4], m[5]]
    .filter((p): p is string => p !== undefined)
    .map(Number)
    // "00.07.20": the leading 00 is a fixed prefix, not a version number.
    .filter((n, i) => !(i === 0 && n === 0));
  return { raw: raw.trim(), series: m[1] as string, parts };
}

export function extractDevice(ctx: RouterContext, facts: Facts): void {
  const version = ctx.readFile("etc/version", "version");
  const release = ctx.readFile("etc/openwrt_release", "os-release");
  let platform: Platform | undefined;
  let platformOrigin: ConfigOrigin | undefined;

  if (version) {
    const line = version.text.split("\n").find((l) => l.trim()) ?? "";
    const fw = parseTeltonikaVersion(line);
    const origin: ConfigOrigin = { kind: "config", file: version.file, line: 1, excerpt: line };
    if (fw) {
      facts.device.firmware = known(fw, origin);
      platform = (fw.parts[0] ?? 0) >= 7 ? "rutos" : "rutos-legacy";
      platformOrigin = origin;
    } else {
      facts.device.firmware = unknown(`unrecognised version string '${line.slice(0, 60)}'`, origin);
    }
  } else if (release) {
    const m = /^DISTRIB_RELEASE=['"]?([^'"\n]+)/m.exec(release.text);
    const raw = m?.[1];
    const lineNo = m ? release.text.slice(0, m.index).split("\n").length : 1;
    const origin: ConfigOrigin = {
      kind: "config",
      file: release.file,
      line: lineNo,
      excerpt: m?.[0],
    };
    if (raw) {
      const parts = raw
        .split(/[.-]/)
        .map((p) => Number.parseInt(p, 10))
        .filter((n) => !Number.isNaN(n));
      facts.device.firmware = known({ raw, series: "OpenWrt", parts }, origin);
    }
    platform = "openwrt";
    platformOrigin = origin;
  }

  if (!platform) {
    const marker = teltonikaMarker(ctx);
    if (marker) {
      platform = marker.platform;
      platformOrigin = marker.origin;
    } else if (ctx.tree.list("etc/config").length > 0) {
      platform = "openwrt";
      platformOrigin = {
        kind: "config",
        file: ctx.tree.display("etc/config"),
        excerpt: "UCI configuration without Teltonika markers",
      };
    }
  }
  if (platform && platformOrigin) {
    facts.device.platform = known(platform, platformOrigin);
    facts.device.class = known("router", platformOrigin);
  }

  const system = ctx.pkg("system");
  const sys = sectionsOfType(system, "system")[0];
  if (system && sys) {
    const name = str(sys, "hostname") ?? str(sys, "routername");
    const opt = sys.options.has("hostname") ? "hostname" : "routername";
    facts.device.hostname = name
      ? known(name, ctx.origin(system, sys, opt))
      : unknown("no hostname in etc/config/system", ctx.origin(system, sys));
  }
}

/** Teltonika-only configuration that tells RutOS 7 apart from the legacy (LuCI based) firmware. */
function teltonikaMarker(
  ctx: RouterContext,
): { platform: Platform; origin: ConfigOrigin } | undefined {
  for (const name of ["dropbear", "uhttpd", "telnetd", "cli"]) {
    const pkg = ctx.pkg(name);
    for (const s of pkg?.sections ?? []) {
      for (const opt of s.options.keys()) {
        if (/^_\w+WanAccess$/.test(opt) && pkg)
          return { platform: "rutos", origin: ctx.origin(pkg, s, opt) };
      }
    }
  }
  for (const name of ["rms_connect_mqtt", "sms_utils"]) {
    const pkg = ctx.pkg(name);
    const s = pkg?.sections[0];
    if (pkg && s)
      return {
        platform: name === "sms_utils" && ctx.pkg("rms_mqtt") ? "rutos" : "rutos-legacy",
        origin: ctx.origin(pkg, s),
      };
  }
  const rms = ctx.pkg("rms_mqtt");
  if (rms?.sections[0]) return { platform: "rutos", origin: ctx.origin(rms, rms.sections[0]) };
  return undefined;
}
