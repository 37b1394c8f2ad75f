import type { Role } from '../../shared/domain/enums';

/**
 * The fixed demo team. End-to-end tests sign in with these exact values, so
 * they do not depend on the seed: only leads, deals and activities do.
 */
export const DEMO_PASSWORD = 'verity-demo-2026';

export interface DemoRegion {
  readonly id: string;
  readonly name: string;
}

export interface DemoTeam {
  readonly id: string;
  readonly name: string;
  readonly regionId: string;
}

export interface DemoAccount {
  readonly email: string;
  readonly role: Role;
  readonly displayName: string;
  /** users.id of this account. */
  readonly userId: string;
  /** Reps belong to one team; managers are linked through team_managers instead. */
  readonly teamId: string | null;
  readonly regionId: string | null;
}

export const DEMO_REGIONS: readonly DemoRegion[] = [
  { id: 'region_east', name: '华东' },
  { id: 'region_south', name: '华南' },
  { id: 'region_north', name: '华北' },
];

export const DEMO_TEAMS: readonly DemoTeam[] = [
  { id: 'team_east', name: '华东销售组', regionId: 'region_east' },
  { id: 'team_south', name: '华南销售组', regionId: 'region_south' },
  { id: 'team_north', name: '华北销售组', regionId: 'region_north' },
];

const rep = (n: number, displayName: string, team: 'east' | 'south' | 'north'): DemoAccount => {
  const key = `rep${String(n).padStart(2, '0')}`;
  return {
    email: `${key}@demo.example.com`,
    role: 'rep',
    displayName,
    userId: `user_${key}`,
    teamId: `team_${team}`,
    regionId: `region_${team}`,
  };
};

const staff = (key: string, role: Role, displayName: string): DemoAccount => ({
  email: `${key}@demo.example.com`,
  role,
  displayName,
  userId: `user_${key}`,
  teamId: null,
  regionId: null,
});

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  staff('admin', 'admin', '系统管理员'),
  staff('exec', 'executive', '郑永明'),
  staff('manager01', 'manager', '杨建华'),
  staff('manager02', 'manager', '马志刚'),
  rep(1, '王芳', 'east'),
  rep(2, '李强', 'east'),
  rep(3, '张伟', 'east'),
  rep(4, '陈静', 'east'),
  rep(5, '刘洋', 'south'),
  rep(6, '黄丽', 'south'),
  rep(7, 'Kevin Lin', 'south'),
  rep(8, '吴敏', 'south'),
  rep(9, '赵磊', 'north'),
  rep(10, '孙婷', 'north'),
  rep(11, 'Grace Liu', 'north'),
  rep(12, '周杰', 'north'),
];

/** manager01 runs 华东 and 华南, manager02 runs 华北. */
export const DEMO_TEAM_MANAGERS: readonly { readonly teamId: string; readonly userId: string }[] = [
  { teamId: 'team_east', userId: 'user_manager01' },
  { teamId: 'team_south', userId: 'user_manager01' },
  { teamId: 'team_north', userId: 'user_manager02' },
];
