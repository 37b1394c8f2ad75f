import { describe, expect, it } from 'vitest';
import { diff, invalidFields, toForm, type LeadValues } from '../../renderer/src/features/leads/lead-form';

const lead: LeadValues = { name: '王磊', mobile: '13800138000', company: null, city: '杭州', need: 'quote' };

describe('lead edit form', () => {
  it('refuses a mobile that is no phone number, by the shared phone rule', () => {
    const change = diff({ ...toForm(lead), mobile: 'abc' }, lead);
    expect(change.patch).toEqual({ mobile: 'abc' });
    expect(invalidFields(change.patch)).toEqual(['mobile']);
  });

  it('takes phone numbers as people type them, and an emptied mobile as not set', () => {
    expect(invalidFields(diff({ ...toForm(lead), mobile: '+86 138-0013-8000' }, lead).patch)).toEqual([]);
    const emptied = diff({ ...toForm(lead), mobile: '  ' }, lead);
    expect(emptied.patch).toEqual({ mobile: null });
    expect(invalidFields(emptied.patch)).toEqual([]);
  });

  it('sends only the changed fields, with the values the user saw as the base', () => {
    expect(diff({ ...toForm(lead), city: ' 宁波 ' }, lead)).toEqual({ patch: { city: '宁波' }, base: { city: '杭州' } });
  });
});
