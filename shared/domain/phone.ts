import { SafeTextSchema } from './text';

/**
 * The one phone-number rule for what a user types (lead create, lead edit,
 * the cockpit's forms): digits with optional spaces or dashes between them
 * and an optional leading +, 5 to 15 digits (E.164's maximum).
 */
const PHONE_SHAPE = /^\+?[0-9](?:[0-9 -]*[0-9])?$/;
const MIN_DIGITS = 5;
const MAX_DIGITS = 15;

export const PHONE_NUMBER_MESSAGE = 'not a phone number';

export function isPhoneNumber(text: string): boolean {
  const t = text.trim();
  if (!PHONE_SHAPE.test(t) || /[ -]{2}/.test(t)) return false;
  const digits = t.replace(/[^0-9]/g, '').length;
  return digits >= MIN_DIGITS && digits <= MAX_DIGITS;
}

/** A phone number as typed, trimmed; fits the stored column (32 characters). */
export const PhoneNumberSchema = SafeTextSchema.trim().max(32).refine(isPhoneNumber, PHONE_NUMBER_MESSAGE);
