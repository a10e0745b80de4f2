/**
 * Whether to colour text, decided per run: only when writing to a terminal (or FORCE_COLOR says
 * so), never with NO_COLOR, never into a file. (picocolors' own default also colours on CI=true,
 * which would put escape codes into captured logs and reports.)
 */
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(stream: { isTTY?: boolean }, toFile = false): Colors {
  const env = process.env;
  const enabled =
    !toFile &&
    !("NO_COLOR" in env) &&
    ("FORCE_COLOR" in env ? env.FORCE_COLOR !== "0" : stream.isTTY === true);
  return pc.createColors(enabled);
}
