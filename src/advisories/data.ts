/**
 * data/advisories.json, loaded once and checked with zod: a malformed entry (an unknown product,
 * a bound that is not a version, a range mixing release lines) stops the load with the entry's
 * index, rather than quietly matching nothing.
 */
import { z } from "zod";
import { readDataFile } from "../data-files.js";
import { parseVersion } from "./version.js";

const version = z.string().refine((v) => parseVersion(v) !== undefined, "not a version");

const RangeSchema = z
  .strictObject({
    introduced: version.optional(),
    fixed: version.optional(),
    lastAffected: version.optional(),
  })
  .refine((r) => (r.fixed === undefined) !== (r.lastAffected === undefined), {
    message: "a range needs exactly one of 'fixed' and 'lastAffected'",
  })
  .refine(
    (r) => {
      const lines = [r.introduced, r.fixed, r.lastAffected]
        .map((v) => (v === undefined ? "" : (parseVersion(v)?.line ?? "")))
        .filter((l) => l !== "");
      return new Set(lines).size <= 1;
    },
    { message: "a range's bounds name different release lines" },
  );

const SeveritySchema = z.enum(["low", "medium", "high", "critical"]);

const AdvisorySchema = z.strictObject({
  ids: z.array(z.string().min(3)).min(1),
  name: z.string().optional(),
  product: z.string(),
  affected: z.array(RangeSchema).min(1),
  severity: SeveritySchema,
  severitySource: z.string().min(3),
  summary: z.string().min(10),
  source: z.url(),
  checked: z.string().min(10),
});

const DataSchema = z
  .strictObject({
    $comment: z.string().optional(),
    updated: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    note: z.string().optional(),
    products: z.record(
      z.string(),
      z.strictObject({ name: z.string(), embedded: z.boolean().optional() }),
    ),
    advisories: z.array(AdvisorySchema),
  })
  .superRefine((d, ctx) => {
    d.advisories.forEach((a, i) => {
      if (!(a.product in d.products))
        ctx.addIssue({
          code: "custom",
          path: ["advisories", i, "product"],
          message: `unknown product '${a.product}' (not in 'products')`,
        });
    });
  });

export type AdvisoryRange = z.infer<typeof RangeSchema>;
export type Advisory = z.infer<typeof AdvisorySchema>;
export type AdvisoryData = z.infer<typeof DataSchema>;

/** Checks a parsed advisories file; the error names each bad field by its path. */
export function parseAdvisoryData(json: unknown): AdvisoryData {
  const r = DataSchema.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new Error(`data/advisories.json is malformed: ${problems.join("; ")}`);
}

let loaded: AdvisoryData | undefined;

/** The bundled data file (read and checked on first use). */
export function advisoryData(): AdvisoryData {
  loaded ??= parseAdvisoryData(readDataFile<unknown>("advisories.json"));
  return loaded;
}
