import type { Lead } from '../../../../shared/domain/entities';
import type { LeadNeed } from '../../../../shared/domain/enums';
import { LeadPatchSchema } from '../../../../shared/sync/mutations';

/** The lead fields a rep edits (LEAD_EDITABLE in shared/sync/mutations.ts). */
export const LEAD_FIELDS = ['name', 'mobile', 'company', 'city', 'need'] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

/** Values as the server stores them: what `base` must carry, compared with ===. */
export type LeadValues = Pick<Lead, LeadField>;
/** Values as the inputs hold them (null shown as ''). */
export type LeadFormValues = { [F in Exclude<LeadField, 'need'>]: string } & { need: LeadNeed };
export type LeadPatch = Partial<LeadValues>;

export function leadValues(lead: LeadValues): LeadValues {
  return { name: lead.name, mobile: lead.mobile, company: lead.company, city: lead.city, need: lead.need };
}

export function toForm(v: LeadValues): LeadFormValues {
  return { name: v.name, mobile: v.mobile ?? '', company: v.company ?? '', city: v.city ?? '', need: v.need };
}

/** What the box says, as the value to store: trimmed, and an empty optional field is "not set". */
function stored(field: LeadField, text: string): string | null {
  const trimmed = text.trim();
  return field === 'name' ? trimmed : trimmed === '' ? null : trimmed;
}

/**
 * Only the fields the user changed go into `patch`; `base` holds, for those
 * fields, the values they saw, so the server can tell a conflict from an edit.
 */
export function diff(form: LeadFormValues, base: LeadValues): { patch: LeadPatch; base: LeadPatch } {
  const seen = toForm(base);
  const patch: Record<string, unknown> = {};
  const saw: Record<string, unknown> = {};
  for (const f of LEAD_FIELDS) {
    if (form[f] === seen[f]) continue;
    patch[f] = f === 'need' ? form.need : stored(f, form[f]);
    saw[f] = base[f];
  }
  return { patch: patch as LeadPatch, base: saw as LeadPatch };
}

/** The shared schema's verdict on a patch, as the fields it refuses. */
export function invalidFields(patch: LeadPatch): LeadField[] {
  const checked = LeadPatchSchema.safeParse(patch);
  if (checked.success) return [];
  return LEAD_FIELDS.filter((f) => checked.error.issues.some((i) => i.path[0] === f));
}

export function sameForm(a: LeadFormValues, b: LeadFormValues): boolean {
  return LEAD_FIELDS.every((f) => a[f] === b[f]);
}
