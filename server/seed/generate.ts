import {
  STAGES,
  type ActivityType,
  type DealOutcome,
  type LeadNeed,
  type LeadSource,
  type LeadStatus,
  type Role,
  type Stage,
  type TaskStatus,
} from '../../shared/domain/enums';
import type { TaskKind } from '../../shared/domain/entities';
import { DEMO_ACCOUNTS, DEMO_REGIONS, DEMO_TEAMS, DEMO_TEAM_MANAGERS } from './demo-accounts';
import { simulateDeal } from './deal-timeline';
import { Rng, WeightedTable } from './prng';
import {
  AMOUNT_RANGE,
  BRANDS,
  CITIES,
  CITY_TYPOS,
  COMPANY_SUFFIX,
  CONTACT_TITLES,
  ENGLISH_BRANDS,
  ENGLISH_FIRST,
  ENGLISH_LAST,
  ENGLISH_SUFFIX,
  ENGLISH_TITLES,
  FREE_MAIL,
  GIVEN_CHARS,
  HOSPITAL_PATTERNS,
  INDUSTRIES,
  INDUSTRY_WEIGHTS,
  LEAD_SUBJECTS,
  MOBILE_PREFIXES,
  PRODUCTS,
  STAGE_SUBJECTS,
  STAGE_TASKS,
  SURNAMES,
  VAGUE_SUBJECTS,
  type Industry,
  type RegionKey,
} from './vocabulary';

/*
 * Rows exactly as they go into the tables: snake_case columns, timestamps as
 * ISO-8601 UTC strings (so the same seed gives byte-identical output).
 */
export interface RegionRow { id: string; name: string }
export interface TeamRow { id: string; name: string; region_id: string }
export interface UserRow {
  id: string; email: string; display_name: string; role: Role; team_id: string | null; region_id: string | null;
  active: boolean; created_at: string; updated_at: string;
}
export interface TeamManagerRow { team_id: string; user_id: string }
export interface LeadRow {
  id: string; name: string; mobile: string | null; company: string | null; city: string | null;
  source: LeadSource; need: LeadNeed; status: LeadStatus; owner_id: string | null; region_id: string | null;
  created_at: string; assigned_at: string | null; first_touch_at: string | null; updated_at: string;
}
export interface AccountRow {
  id: string; name: string; industry: string | null; city: string | null; owner_id: string | null;
  region_id: string | null; created_at: string; updated_at: string;
}
export interface ContactRow {
  id: string; account_id: string; name: string; title: string | null; mobile: string | null; email: string | null;
  created_at: string; updated_at: string;
}
export interface OpportunityRow {
  id: string; account_id: string; lead_id: string | null; name: string; stage: Stage; outcome: DealOutcome;
  /** numeric(14,2) as text, e.g. "128400.00". */
  amount: string; currency: string; owner_id: string; region_id: string | null; stage_entered_at: string;
  /** 'YYYY-MM-DD' (China calendar day). */
  expected_close_on: string | null; created_at: string; updated_at: string;
}
export interface StageHistoryRow {
  id: string; opportunity_id: string; from_stage: Stage | null; to_stage: Stage; changed_by: string; changed_at: string;
}
export interface ActivityRow {
  id: string; type: ActivityType; lead_id: string | null; opportunity_id: string | null; owner_id: string;
  subject: string; body: string | null; occurred_at: string; created_at: string;
}
export interface TaskRow {
  id: string; title: string;
  /** 'first_contact' for the lead's 首次联系 task, which a first touch closes. */
  kind: TaskKind;
  lead_id: string | null; opportunity_id: string | null; owner_id: string;
  due_at: string; status: TaskStatus; created_at: string; updated_at: string;
}

/** Everything a seed writes, in foreign-key order. Users carry no password hash (seed.ts adds it). */
export interface SeedDataset {
  regions: RegionRow[];
  teams: TeamRow[];
  users: UserRow[];
  teamManagers: TeamManagerRow[];
  leads: LeadRow[];
  accounts: AccountRow[];
  contacts: ContactRow[];
  opportunities: OpportunityRow[];
  stageHistory: StageHistoryRow[];
  activities: ActivityRow[];
  tasks: TaskRow[];
}

export interface GenerateOptions {
  leads: number;
  seed: number;
  /** The "present" the data is laid out around (created over the half year before it, tasks due around it). */
  now: Date | number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Days, due dates and business hours follow China time (UTC+8, no DST). */
const CHINA_OFFSET = 8 * HOUR;
/** Leads and deals arrive over the half year before `now`; the team has used Verity a little longer. */
const LEAD_WINDOW_DAYS = 182;
const DEAL_WINDOW_DAYS = 182;
const TEAM_AGE_DAYS = 200;
const MIN_DEALS_PER_REP = 8;

const REGION_KEYS: readonly RegionKey[] = ['east', 'south', 'north'];
const regionId = (key: RegionKey): string => `region_${key}`;

/** The five channels the demo covers, weighted like the case studies' mix. */
const SOURCE_TABLE = new WeightedTable<LeadSource>([
  ['website_form', 30],
  ['douyin', 22],
  ['baidu_sem', 20],
  ['trade_show', 15],
  ['csv_import', 13],
]);
const NEED_TABLE = new WeightedTable<LeadNeed>([
  ['consult', 40],
  ['quote', 25],
  ['sample', 12],
  ['tender', 8],
  ['other', 15],
]);
const REGION_TABLE = new WeightedTable<RegionKey>([
  ['east', 45],
  ['south', 30],
  ['north', 25],
]);
const INDUSTRY_TABLE = new WeightedTable<Industry>(INDUSTRIES.map((i) => [i, INDUSTRY_WEIGHTS[i]] as const));
const CITY_TABLES: Record<RegionKey, WeightedTable<string>> = {
  east: new WeightedTable(CITIES.east),
  south: new WeightedTable(CITIES.south),
  north: new WeightedTable(CITIES.north),
};
const SURNAME_TABLE = new WeightedTable(SURNAMES.map((s, i) => [s, 1 / (i + 4)] as const));
/** Local hour of day a lead arrives (evenings are Douyin's). */
const HOUR_TABLE = new WeightedTable<number>(
  Array.from({ length: 24 }, (_, h) => {
    const w = h < 7 ? 0.2 : h === 7 ? 0.6 : h === 8 ? 1.5 : h === 12 ? 2 : h <= 17 ? 4 : h === 18 ? 2 : h <= 21 ? 1.5 : 0.6;
    return [h, w] as const;
  }),
);
const MISSING_CITY: Record<LeadSource, number> = {
  website_form: 0.35, // the misspelt form field (DOMAIN.md)
  douyin: 0.15,
  baidu_sem: 0.1,
  trade_show: 0.05,
  csv_import: 0.2,
  wechat: 0.2,
  hotline: 0.3,
};
const HAS_COMPANY: Record<LeadSource, number> = {
  website_form: 0.85, douyin: 0.55, baidu_sem: 0.75, trade_show: 0.95, csv_import: 0.9, wechat: 0.6, hotline: 0.5,
};

const pad = (n: number): string => String(n).padStart(6, '0');
const iso = (ms: number): string => new Date(ms).toISOString();
const chinaDayStart = (ms: number): number => Math.floor((ms + CHINA_OFFSET) / DAY) * DAY - CHINA_OFFSET;
const chinaDate = (ms: number): string => new Date(ms + CHINA_OFFSET).toISOString().slice(0, 10);
const isWeekend = (dayStart: number): boolean => {
  const d = new Date(dayStart + CHINA_OFFSET).getUTCDay();
  return d === 0 || d === 6;
};

interface Rep {
  id: string;
  region: RegionKey;
}

interface Company {
  name: string;
  short: string;
  /** Mail domain, or null when staff use free mail (hospitals, small shops). */
  domain: string | null;
  english: boolean;
  industry: Industry;
}

interface Person {
  name: string;
  /** For e-mail local parts. */
  ascii: string;
  english: boolean;
}

/** Builds the whole demo dataset from (leads, seed, now): same inputs, same bytes. */
export function generateDataset(options: GenerateOptions): SeedDataset {
  const total = options.leads;
  if (!Number.isInteger(total) || total < 1) throw new Error(`generateDataset: leads must be a whole number ≥ 1, got ${total}`);
  if (!Number.isInteger(options.seed)) throw new Error(`generateDataset: seed must be a whole number, got ${options.seed}`);
  const now = Math.floor(typeof options.now === 'number' ? options.now : options.now.getTime());
  if (!Number.isFinite(now)) throw new Error('generateDataset: now is not a valid time');
  const seed = options.seed >>> 0;

  // Separate streams per phase: changing how tasks are drawn leaves leads as they were.
  const leadRng = new Rng(seed, 1);
  const dealRng = new Rng(seed, 2);
  const activityRng = new Rng(seed, 3);
  const taskRng = new Rng(seed, 4);

  // ---- team (fixed, see demo-accounts.ts) ----
  const teamCreatedMs = chinaDayStart(now) - TEAM_AGE_DAYS * DAY;
  const teamCreated = iso(teamCreatedMs);
  const regions: RegionRow[] = DEMO_REGIONS.map((r) => ({ id: r.id, name: r.name }));
  const teams: TeamRow[] = DEMO_TEAMS.map((t) => ({ id: t.id, name: t.name, region_id: t.regionId }));
  const users: UserRow[] = DEMO_ACCOUNTS.map((a) => ({
    id: a.userId,
    email: a.email,
    display_name: a.displayName,
    role: a.role,
    team_id: a.teamId,
    region_id: a.regionId,
    active: true,
    created_at: teamCreated,
    updated_at: teamCreated,
  }));
  const teamManagers: TeamManagerRow[] = DEMO_TEAM_MANAGERS.map((m) => ({ team_id: m.teamId, user_id: m.userId }));

  const reps: Rep[] = DEMO_ACCOUNTS.filter((a) => a.role === 'rep').map((a) => ({
    id: a.userId,
    region: REGION_KEYS.find((k) => regionId(k) === a.regionId) ?? 'east',
  }));
  // Some reps simply get more than others; the skew is fixed, not seeded.
  const skew = [1.3, 1.0, 0.9, 0.8];
  const repTables = Object.fromEntries(
    REGION_KEYS.map((k) => {
      const inRegion = reps.map((r, i) => [r, i] as const).filter(([r]) => r.region === k);
      return [k, new WeightedTable(inRegion.map(([, i], j) => [i, skew[j % skew.length] ?? 1] as const))];
    }),
  ) as Record<RegionKey, WeightedTable<number>>;
  const anyRepTable = new WeightedTable(reps.map((_, i) => [i, 1] as const));

  // ---- small builders ----
  const chinesePerson = (rng: Rng): Person => {
    const [sn, sp] = SURNAME_TABLE.pick(rng);
    const [g1, p1] = rng.pick(GIVEN_CHARS);
    if (rng.chance(0.35)) return { name: sn + g1, ascii: `${p1}.${sp}`, english: false };
    const [g2, p2] = rng.pick(GIVEN_CHARS);
    return { name: sn + g1 + g2, ascii: `${p1}${p2}.${sp}`, english: false };
  };
  const englishPerson = (rng: Rng): Person => {
    const first = rng.pick(ENGLISH_FIRST);
    const last = rng.pick(ENGLISH_LAST);
    const ascii = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, (c) => (c === 'ü' ? 'ue' : ''));
    return { name: `${first} ${last}`, ascii, english: true };
  };
  const mobile = (rng: Rng): string => rng.pick(MOBILE_PREFIXES) + rng.digits(8);
  const company = (rng: Rng, english: boolean, industry: Industry, city: string): Company => {
    if (english) {
      const brand = rng.pick(ENGLISH_BRANDS);
      return {
        name: `${brand} ${rng.pick(ENGLISH_SUFFIX[industry])}`,
        short: brand,
        domain: `${brand.toLowerCase()}.com`,
        english,
        industry,
      };
    }
    if (industry === '医疗器械' && rng.chance(0.2)) {
      const name = rng.pick(HOSPITAL_PATTERNS).replace('{city}', city);
      return { name, short: name, domain: null, english, industry };
    }
    const [brand, brandPinyin] = rng.pick(BRANDS);
    const suffix = rng.pick(COMPANY_SUFFIX[industry]);
    const withCity = rng.chance(0.7);
    return {
      name: (withCity ? city : '') + brand + suffix,
      short: (withCity ? city : '') + brand,
      domain: rng.chance(0.6) ? `${brandPinyin}.com.cn` : null,
      english,
      industry,
    };
  };
  const email = (rng: Rng, person: Person, co: Company | null): string =>
    co?.domain ? `${person.ascii}@${co.domain}` : `${person.ascii.replace('.', '')}${rng.int(1, 999)}@${rng.pick(FREE_MAIL)}`;
  const fill = (template: string, rng: Rng, co: Company): string =>
    template
      .replace('{company}', co.short)
      .replace('{product}', rng.pick(PRODUCTS[co.industry]))
      .replace('{digits}', rng.digits(12));

  // ---- leads ----
  const createdMs = new Float64Array(total);
  for (let i = 0; i < total; i++) {
    let t = -1;
    for (let attempt = 0; attempt < 20 && t < 0; attempt++) {
      // A growing business: more leads in recent months than at the start of the window.
      const dayStart = chinaDayStart(now) - Math.floor(LEAD_WINDOW_DAYS * leadRng.next() ** 1.3) * DAY;
      if (isWeekend(dayStart) && !leadRng.chance(0.35)) continue;
      const candidate = dayStart + HOUR_TABLE.pick(leadRng) * HOUR + Math.floor(leadRng.next() * HOUR);
      if (candidate <= now) t = candidate;
    }
    createdMs[i] = t >= 0 ? t : now - Math.floor(leadRng.next() * HOUR);
  }
  createdMs.sort(); // ids follow arrival order

  const leads: LeadRow[] = new Array<LeadRow>(total);
  const leadOwner = new Int16Array(total).fill(-1);
  const leadTouch = new Float64Array(total);
  const leadAssigned = new Float64Array(total);
  const leadUpdated = new Float64Array(total);
  const leadCompany: (Company | null)[] = new Array<Company | null>(total);
  const leadPerson: Person[] = new Array<Person>(total);
  const converted: number[] = [];

  for (let i = 0; i < total; i++) {
    const rng = leadRng;
    const region = REGION_TABLE.pick(rng);
    const source = SOURCE_TABLE.pick(rng);
    const need = NEED_TABLE.pick(rng);
    const person = rng.chance(0.12) ? englishPerson(rng) : chinesePerson(rng);
    // Douyin and hotline callers often leave only "王先生".
    const name =
      !person.english && (source === 'douyin' || rng.chance(0.05)) && rng.chance(0.3)
        ? person.name.slice(0, 1) + rng.pick(['先生', '女士', '总', '经理'])
        : person.name;
    const industry = INDUSTRY_TABLE.pick(rng);
    const trueCity = CITY_TABLES[region].pick(rng);
    let city: string | null = trueCity;
    if (rng.chance(MISSING_CITY[source])) city = null;
    else if (rng.chance(0.04)) city = rng.pick(CITY_TYPOS[trueCity] ?? [trueCity]);
    const co = rng.chance(HAS_COMPANY[source]) ? company(rng, person.english, industry, trueCity) : null;
    const phone = rng.chance(source === 'trade_show' || source === 'csv_import' ? 0.1 : 0.03) ? null : mobile(rng);

    let created = createdMs[i] ?? now;
    // Excel lists arrive in one go: the whole day's import shares a moment.
    if (source === 'csv_import') {
      const batch = chinaDayStart(created) + 14 * HOUR + rng.int(0, 300) * 1000;
      if (batch <= now) created = batch;
    }
    const age = now - created;

    // Assignment (DOMAIN.md: ~42 % never assigned; manual routing is slow).
    let owner = -1;
    let assigned = 0;
    let touch = 0;
    let status: LeadStatus = 'new';
    let updated = created;
    if (!rng.chance(age < 2 * DAY ? 0.5 : 0.35)) {
      const delayPick = rng.next();
      const delay =
        delayPick < 0.45 ? rng.range(1, 30) * MINUTE : delayPick < 0.75 ? rng.range(0.5, 8) * HOUR : rng.range(8, 48) * HOUR;
      const at = created + Math.floor(delay);
      if (at <= now) {
        owner = repTables[region].pick(rng);
        assigned = at;
        status = 'assigned';
        updated = at;
        // First touch: 31 % still untouched after 72 h; the rest spread from minutes to days.
        if (!rng.chance(0.31)) {
          const tp = rng.next();
          const wait =
            tp < 0.35 ? rng.range(2, 15) * MINUTE : tp < 0.65 ? rng.range(15, 120) * MINUTE : tp < 0.85 ? rng.range(2, 24) * HOUR : rng.range(24, 120) * HOUR;
          const t = assigned + Math.floor(wait);
          if (t <= now) touch = t;
        }
        if (touch > 0) {
          const sp = rng.next();
          status = sp < 0.45 ? 'contacted' : sp < 0.65 ? 'qualified' : sp < 0.77 ? 'converted' : 'disqualified';
          updated = status === 'contacted' ? touch : touch + Math.floor(rng.next() * Math.min(now - touch, 30 * DAY) * 0.8);
          if (status === 'converted') converted.push(i);
        } else if (now - assigned >= 2 * DAY) {
          // The 48 h breaker fired. Managers decide within days: most older ones went to the pool
          // (公海) and lost their owner; a few still wait in the review queue.
          const breaker = assigned + 2 * DAY;
          if (now - assigned > 7 * DAY && rng.chance(0.9)) {
            status = 'public_pool';
            updated = breaker + Math.floor(rng.range(2, 30) * HOUR);
            owner = -1;
            assigned = 0;
          } else {
            status = 'pending_review';
            updated = breaker;
          }
        }
      }
    } else if (age > 14 * DAY && rng.chance(0.15)) {
      status = 'public_pool';
      updated = created + Math.floor(rng.range(2, 10) * DAY);
    }
    if (updated > now) updated = now;

    leadOwner[i] = owner;
    leadAssigned[i] = assigned;
    leadTouch[i] = touch;
    leadUpdated[i] = updated;
    leadCompany[i] = co;
    leadPerson[i] = { ...person, name };
    const ownerRep = owner >= 0 ? reps[owner] : undefined;
    leads[i] = {
      id: `lead_${pad(i + 1)}`,
      name,
      mobile: phone,
      company: co?.name ?? null,
      city,
      source,
      need,
      status,
      owner_id: ownerRep?.id ?? null,
      region_id: ownerRep ? regionId(ownerRep.region) : city ? regionId(region) : null,
      created_at: iso(created),
      assigned_at: assigned > 0 ? iso(assigned) : null,
      first_touch_at: touch > 0 ? iso(touch) : null,
      updated_at: iso(updated),
    };
  }

  // ---- accounts, contacts, opportunities, stage history ----
  // One deal per ten leads, and enough in a small demo that every rep has a pipeline to work.
  const dealCount = Math.max(Math.round(total / 10), converted.length, MIN_DEALS_PER_REP * reps.length);
  const accounts: AccountRow[] = [];
  const accountCompany: Company[] = [];
  const accountOwner: number[] = [];
  const accountCreated: number[] = [];
  const contacts: ContactRow[] = [];
  const opportunities: OpportunityRow[] = [];
  const stageHistory: StageHistoryRow[] = [];
  // Per deal, for activities and tasks.
  const dealStageTimes: number[][] = [];
  const dealOwner: number[] = [];
  const dealCompany: Company[] = [];
  const dealEnd: number[] = [];

  const addAccount = (rng: Rng, co: Company, owner: number, created: number, firstContact: Person | null, firstMobile: string | null): number => {
    const rep = reps[owner] as Rep;
    const idx = accounts.length;
    const createdIso = iso(created);
    accounts.push({
      id: `acct_${pad(idx + 1)}`,
      name: co.name,
      industry: co.industry,
      city: CITY_TABLES[rep.region].pick(rng),
      owner_id: rep.id,
      region_id: regionId(rep.region),
      created_at: createdIso,
      updated_at: createdIso,
    });
    accountCompany.push(co);
    accountOwner.push(owner);
    accountCreated.push(created);
    const people = 1 + (rng.chance(0.6) ? 1 : 0) + (rng.chance(0.3) ? 1 : 0);
    for (let c = 0; c < people; c++) {
      const person = c === 0 && firstContact ? firstContact : co.english ? englishPerson(rng) : chinesePerson(rng);
      const at = iso(Math.min(now, created + c * Math.floor(rng.range(0, 20) * DAY)));
      contacts.push({
        id: `ctc_${pad(contacts.length + 1)}`,
        account_id: accounts[idx]?.id ?? '',
        name: person.name,
        title: rng.chance(0.8) ? rng.pick(co.english ? ENGLISH_TITLES : CONTACT_TITLES[co.industry]) : null,
        mobile: c === 0 && firstMobile ? firstMobile : rng.chance(0.85) ? mobile(rng) : null,
        email: rng.chance(co.english ? 0.9 : 0.6) ? email(rng, person, co) : null,
        created_at: at,
        updated_at: at,
      });
    }
    return idx;
  };

  for (let d = 0; d < dealCount; d++) {
    const rng = dealRng;
    let start: number;
    let account: number;
    let leadIdx = -1;
    if (d < converted.length) {
      // A converted lead opens its deal shortly after it was qualified.
      leadIdx = converted[d] ?? 0;
      const owner = leadOwner[leadIdx] ?? 0;
      start = Math.min(now, (leadUpdated[leadIdx] ?? now) + Math.floor(rng.next() * HOUR));
      const person = leadPerson[leadIdx] as Person;
      const rep = reps[owner] as Rep;
      const co = leadCompany[leadIdx] ?? company(rng, person.english, INDUSTRY_TABLE.pick(rng), CITY_TABLES[rep.region].pick(rng));
      account = addAccount(rng, co, owner, start, person, leads[leadIdx]?.mobile ?? null);
    } else {
      // Other deals (referrals, repeat business) open over the half year, more of them lately.
      start = now - Math.floor(DEAL_WINDOW_DAYS * rng.next() ** 2 * DAY);
      // A repeat deal with an existing customer, if that customer existed by then.
      const candidate = accounts.length > 0 && rng.chance(0.25) ? rng.int(0, accounts.length - 1) : -1;
      if (candidate >= 0 && (accountCreated[candidate] ?? Infinity) <= start) {
        account = candidate;
      } else {
        const owner = anyRepTable.pick(rng);
        const rep = reps[owner] as Rep;
        const english = rng.chance(0.12);
        const co = company(rng, english, INDUSTRY_TABLE.pick(rng), CITY_TABLES[rep.region].pick(rng));
        const known = Math.max(teamCreatedMs, start - Math.floor(rng.range(0, 60) * DAY));
        account = addAccount(rng, co, owner, Math.min(start, known), null, null);
      }
    }
    const owner = accountOwner[account] ?? 0;
    const rep = reps[owner] as Rep;
    const co = accountCompany[account] as Company;
    const oppId = `opp_${pad(d + 1)}`;

    const { times, outcome, closedAt } = simulateDeal(rng, start, now);
    const stageIdx = times.length - 1;
    for (let s = 0; s <= stageIdx; s++) {
      stageHistory.push({
        id: `stg_${pad(stageHistory.length + 1)}`,
        opportunity_id: oppId,
        from_stage: s === 0 ? null : (STAGES[s - 1] as Stage),
        to_stage: STAGES[s] as Stage,
        changed_by: rep.id,
        changed_at: iso(times[s] ?? start),
      });
    }
    const entered = times[stageIdx] ?? start;

    const [lo, hi] = AMOUNT_RANGE[co.industry];
    let amount = Math.exp(rng.range(Math.log(lo), Math.log(hi)));
    if (co.english) amount /= 7;
    amount = Math.max(100, Math.round(amount / 100) * 100);
    const product = rng.pick(PRODUCTS[co.industry]);
    const qty = rng.chance(0.4) ? rng.int(2, 10) : 1;
    opportunities.push({
      id: oppId,
      account_id: accounts[account]?.id ?? '',
      lead_id: leadIdx >= 0 ? (leads[leadIdx]?.id ?? null) : null,
      name: `${co.short} · ${product}${qty > 1 ? ` ×${qty}` : ''}`,
      stage: STAGES[stageIdx] as Stage,
      outcome,
      amount: `${amount}.00`,
      currency: co.english ? 'USD' : 'CNY',
      owner_id: rep.id,
      region_id: regionId(rep.region),
      stage_entered_at: iso(entered),
      expected_close_on:
        outcome === 'open'
          ? chinaDate(now + Math.floor(rng.range(7, 120) * DAY))
          : outcome === 'won'
            ? chinaDate(closedAt ?? entered)
            : null,
      created_at: iso(start),
      // A lost deal was last touched when it was lost, after it entered its stage.
      updated_at: iso(outcome === 'lost' ? (closedAt ?? entered) : entered),
    });
    dealStageTimes.push(times);
    dealOwner.push(owner);
    dealCompany.push(co);
    dealEnd.push(outcome === 'lost' ? (closedAt ?? entered) : now);
  }

  // ---- activities ----
  const activities: ActivityRow[] = [];
  const loggedAt = (rng: Rng, occurred: number): string =>
    iso(Math.min(now, occurred + Math.floor(rng.chance(0.7) ? rng.range(0, 10) * MINUTE : rng.range(1, 72) * HOUR)));
  const subjectFor = (rng: Rng, templates: readonly string[], co: Company | null): { subject: string; body: string | null } => {
    if (rng.chance(0.4)) return { subject: rng.pick(VAGUE_SUBJECTS), body: null };
    const fallback: Company = co ?? { name: '客户', short: '客户', domain: null, english: false, industry: INDUSTRY_TABLE.pick(rng) };
    const subject = fill(rng.pick(templates), rng, fallback);
    return { subject, body: rng.chance(0.5) ? `${subject}。下一步：${rng.pick(['发送资料', '电话回访', '约见面', '等待客户回复'])}` : null };
  };
  const ACTIVITY_TYPES_BY_WEIGHT = new WeightedTable<ActivityType>([
    ['call', 35], ['wechat', 25], ['email', 15], ['meeting', 10], ['visit', 10], ['note', 5],
  ]);
  for (let i = 0; i < total; i++) {
    const touch = leadTouch[i] ?? 0;
    if (touch <= 0) continue;
    const rng = activityRng;
    const rep = reps[leadOwner[i] ?? 0] as Rep;
    const lead = leads[i] as LeadRow;
    const end = lead.status === 'converted' || lead.status === 'disqualified' ? Math.max(touch, leadUpdated[i] ?? touch) : now;
    const extra = Math.min(8, Math.floor(rng.exp(2.2)));
    for (let a = 0; a <= extra; a++) {
      const occurred = a === 0 ? touch : touch + Math.floor(rng.next() * (end - touch));
      const type: ActivityType = a === 0 ? (lead.source === 'douyin' ? 'wechat' : rng.chance(0.7) ? 'call' : 'wechat') : ACTIVITY_TYPES_BY_WEIGHT.pick(rng);
      const { subject, body } = subjectFor(rng, LEAD_SUBJECTS, leadCompany[i] ?? null);
      activities.push({
        id: `act_${pad(activities.length + 1)}`,
        type,
        lead_id: lead.id,
        opportunity_id: null,
        owner_id: rep.id,
        subject,
        body,
        occurred_at: iso(occurred),
        created_at: loggedAt(rng, occurred),
      });
    }
  }
  for (let d = 0; d < opportunities.length; d++) {
    const rng = activityRng;
    const times = dealStageTimes[d] ?? [];
    const start = times[0] ?? now;
    const end = dealEnd[d] ?? now;
    const rep = reps[dealOwner[d] ?? 0] as Rep;
    const count = 3 + 2 * (times.length - 1) + rng.int(0, 4);
    for (let a = 0; a < count; a++) {
      const occurred = start + Math.floor(rng.next() * Math.max(0, end - start));
      let stage = 0;
      while (stage + 1 < times.length && (times[stage + 1] ?? Infinity) <= occurred) stage++;
      const { subject, body } = subjectFor(rng, STAGE_SUBJECTS[stage] ?? LEAD_SUBJECTS, dealCompany[d] ?? null);
      activities.push({
        id: `act_${pad(activities.length + 1)}`,
        type: ACTIVITY_TYPES_BY_WEIGHT.pick(rng),
        lead_id: null,
        opportunity_id: opportunities[d]?.id ?? null,
        owner_id: rep.id,
        subject,
        body,
        occurred_at: iso(occurred),
        created_at: loggedAt(rng, occurred),
      });
    }
  }

  // ---- tasks: due today, overdue and upcoming around `now` ----
  const tasks: TaskRow[] = [];
  const todayStart = chinaDayStart(now);
  const todayEnd = todayStart + DAY - 1000;
  const hasToday = new Uint8Array(reps.length);
  const hasOverdue = new Uint8Array(reps.length);
  const anyLeadOf = new Int32Array(reps.length).fill(-1);
  const openDue = (rng: Rng): number => {
    const p = rng.next();
    if (p < 0.2) return todayStart - Math.floor(rng.range(1, 14 * 24) * HOUR); // overdue
    if (p < 0.4) return now + Math.floor(rng.next() * Math.max(0, todayEnd - now)); // later today
    return todayStart + Math.floor(rng.range(1, 15) * DAY) + 10 * HOUR;
  };
  const addTask = (
    rng: Rng,
    owner: number,
    title: string,
    links: { lead?: string; opp?: string },
    due: number,
    status: TaskStatus,
    createdHint: number,
    kind: TaskKind = 'custom',
  ): void => {
    const created = Math.min(now, createdHint, due - HOUR);
    const updated = status === 'open' ? created : Math.min(now, Math.max(created, due + Math.floor(rng.range(-24, 4) * HOUR)));
    if (status === 'open' && due < todayStart) hasOverdue[owner] = 1;
    if (status === 'open' && due >= now && due <= todayEnd) hasToday[owner] = 1;
    tasks.push({
      id: `task_${pad(tasks.length + 1)}`,
      title,
      kind,
      lead_id: links.lead ?? null,
      opportunity_id: links.opp ?? null,
      owner_id: (reps[owner] as Rep).id,
      due_at: iso(due),
      status,
      created_at: iso(created),
      updated_at: iso(updated),
    });
  };
  for (let i = 0; i < total; i++) {
    const owner = leadOwner[i] ?? -1;
    if (owner < 0) continue;
    const rng = taskRng;
    const lead = leads[i] as LeadRow;
    if (anyLeadOf[owner] === -1) anyLeadOf[owner] = i;
    if (lead.status === 'assigned' || lead.status === 'pending_review') {
      const assigned = leadAssigned[i] ?? now;
      addTask(rng, owner, `首次联系：${lead.name}`, { lead: lead.id }, assigned + DAY, 'open', assigned, 'first_contact');
    } else if (lead.status === 'contacted' || lead.status === 'qualified') {
      const touch = leadTouch[i] ?? now;
      if (rng.chance(0.3)) {
        const due = touch + Math.floor(rng.range(1, 5) * DAY);
        if (due < now) addTask(rng, owner, `回访：${lead.name}`, { lead: lead.id }, due, rng.chance(0.9) ? 'done' : 'cancelled', touch);
      }
      if (rng.chance(0.5)) addTask(rng, owner, `回访：${lead.name}`, { lead: lead.id }, openDue(rng), 'open', touch);
    }
  }
  for (let d = 0; d < opportunities.length; d++) {
    const rng = taskRng;
    const opp = opportunities[d] as OpportunityRow;
    const times = dealStageTimes[d] ?? [];
    const owner = dealOwner[d] ?? 0;
    const co = dealCompany[d] as Company;
    // One finished step per stage already passed.
    for (let s = 0; s + 1 < times.length; s++) {
      if (!rng.chance(0.6)) continue;
      const due = (times[s + 1] ?? now) - Math.floor(rng.range(0, 2) * DAY);
      addTask(rng, owner, fill(STAGE_TASKS[s] ?? '跟进{company}', rng, co), { opp: opp.id }, due, 'done', times[s] ?? due);
    }
    if (opp.outcome === 'lost') continue;
    const stage = times.length - 1;
    addTask(rng, owner, fill(STAGE_TASKS[stage] ?? '跟进{company}', rng, co), { opp: opp.id }, openDue(rng), 'open', times[stage] ?? now);
  }
  // Every rep opens the cockpit to something due today and something overdue.
  for (let r = 0; r < reps.length; r++) {
    const rng = taskRng;
    const leadIdx = anyLeadOf[r] ?? -1;
    const lead = leadIdx >= 0 ? leads[leadIdx] : undefined;
    const links = lead ? { lead: lead.id } : {};
    const who = lead?.name ?? '新客户';
    if (!hasOverdue[r]) addTask(rng, r, `回访：${who}`, links, todayStart - Math.floor(rng.range(2, 72) * HOUR), 'open', now - 5 * DAY);
    if (!hasToday[r]) addTask(rng, r, `今日跟进：${who}`, links, now + Math.floor(rng.next() * Math.max(0, todayEnd - now)), 'open', now - DAY);
  }

  return { regions, teams, users, teamManagers, leads, accounts, contacts, opportunities, stageHistory, activities, tasks };
}
