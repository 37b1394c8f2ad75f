/**
 * Word lists for the demo data. Pinyin travels with each Chinese piece so
 * contact e-mail addresses look like the ones customers really have.
 */

type Pair = readonly [hanzi: string, pinyin: string];

/** Common surnames, most frequent first (weights fall off with rank). */
export const SURNAMES: readonly Pair[] = [
  ['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'],
  ['黄', 'huang'], ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'], ['徐', 'xu'], ['孙', 'sun'],
  ['马', 'ma'], ['朱', 'zhu'], ['胡', 'hu'], ['郭', 'guo'], ['何', 'he'], ['高', 'gao'],
  ['林', 'lin'], ['罗', 'luo'], ['郑', 'zheng'], ['梁', 'liang'], ['谢', 'xie'], ['宋', 'song'],
  ['唐', 'tang'], ['许', 'xu'], ['韩', 'han'], ['冯', 'feng'], ['邓', 'deng'], ['曹', 'cao'],
  ['彭', 'peng'], ['曾', 'zeng'], ['肖', 'xiao'], ['田', 'tian'], ['董', 'dong'], ['袁', 'yuan'],
  ['潘', 'pan'], ['于', 'yu'], ['蒋', 'jiang'], ['蔡', 'cai'], ['余', 'yu'], ['杜', 'du'],
  ['叶', 'ye'], ['程', 'cheng'], ['苏', 'su'], ['魏', 'wei'], ['吕', 'lv'], ['丁', 'ding'],
  ['任', 'ren'], ['沈', 'shen'], ['姚', 'yao'], ['卢', 'lu'], ['姜', 'jiang'], ['崔', 'cui'],
  ['钟', 'zhong'], ['谭', 'tan'], ['陆', 'lu'], ['汪', 'wang'], ['范', 'fan'], ['金', 'jin'],
];

export const GIVEN_CHARS: readonly Pair[] = [
  ['伟', 'wei'], ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'],
  ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['洋', 'yang'], ['勇', 'yong'], ['艳', 'yan'],
  ['杰', 'jie'], ['娟', 'juan'], ['涛', 'tao'], ['明', 'ming'], ['超', 'chao'], ['霞', 'xia'],
  ['平', 'ping'], ['刚', 'gang'], ['华', 'hua'], ['玉', 'yu'], ['兰', 'lan'], ['萍', 'ping'],
  ['鹏', 'peng'], ['辉', 'hui'], ['建', 'jian'], ['国', 'guo'], ['志', 'zhi'], ['文', 'wen'],
  ['斌', 'bin'], ['宇', 'yu'], ['浩', 'hao'], ['凯', 'kai'], ['晨', 'chen'], ['欣', 'xin'],
  ['怡', 'yi'], ['佳', 'jia'], ['琪', 'qi'], ['涵', 'han'], ['轩', 'xuan'], ['萱', 'xuan'],
  ['博', 'bo'], ['雅', 'ya'], ['婷', 'ting'], ['嘉', 'jia'], ['俊', 'jun'], ['峰', 'feng'],
  ['海', 'hai'], ['红', 'hong'], ['梅', 'mei'], ['林', 'lin'], ['彬', 'bin'], ['睿', 'rui'],
];

export const ENGLISH_FIRST: readonly string[] = [
  'James', 'Emma', 'Michael', 'Olivia', 'David', 'Sophia', 'Daniel', 'Chloe', 'Thomas', 'Laura',
  'Kevin', 'Grace', 'Jason', 'Amy', 'Eric', 'Linda', 'Peter', 'Helen', 'Mark', 'Anna',
  'Lucas', 'Nina', 'Oscar', 'Julia', 'Ryan', 'Sarah', 'Victor', 'Irene', 'Felix', 'Maria',
];

/** Western surnames and the romanised Chinese ones that English-speaking clients often carry. */
export const ENGLISH_LAST: readonly string[] = [
  'Smith', 'Müller', 'Johnson', 'Brown', 'Tanaka', 'Garcia', 'Schmidt', 'Rossi', 'Kim', 'Nguyen',
  'Wang', 'Chen', 'Li', 'Zhang', 'Wong', 'Lee', 'Tan', 'Lim', 'Ho', 'Martin',
  'Dubois', 'Andersson', 'Novak', 'Kowalski', 'Silva', 'Patel', 'Cohen', 'Evans', 'Walker', 'Young',
];

export type RegionKey = 'east' | 'south' | 'north';

/** Real cities per region, with a weight (bigger cities bring more leads). */
export const CITIES: Readonly<Record<RegionKey, readonly (readonly [string, number])[]>> = {
  east: [
    ['上海', 10], ['杭州', 8], ['南京', 6], ['苏州', 6], ['宁波', 4], ['合肥', 4],
    ['无锡', 3], ['济南', 3], ['青岛', 4], ['福州', 2], ['厦门', 3], ['温州', 2],
  ],
  south: [
    ['广州', 10], ['深圳', 10], ['东莞', 5], ['佛山', 5], ['珠海', 2], ['南宁', 2],
    ['海口', 1], ['中山', 2], ['汕头', 1],
  ],
  north: [
    ['北京', 12], ['天津', 6], ['石家庄', 3], ['太原', 2], ['呼和浩特', 1], ['唐山', 2],
    ['保定', 2], ['廊坊', 1],
  ],
};

/** What people type instead (DOMAIN.md: 深证 for 深圳 must be understood). */
export const CITY_TYPOS: Readonly<Record<string, readonly string[]>> = {
  深圳: ['深证', 'shenzhen', '深圳市'],
  杭州: ['杭洲', 'Hangzhou'],
  广州: ['广洲', '广州市'],
  苏州: ['苏洲'],
  北京: ['北京市', 'beijing', '北亰'],
  上海: ['上海市', 'shanghai', 'SH'],
  天津: ['天律'],
  南京: ['南京市'],
};

export const INDUSTRIES = ['医疗器械', '工业设备', '教育培训', '企业软件', '汽车零部件', '电子制造'] as const;
export type Industry = (typeof INDUSTRIES)[number];

export const INDUSTRY_WEIGHTS: Readonly<Record<Industry, number>> = {
  医疗器械: 32,
  工业设备: 24,
  教育培训: 10,
  企业软件: 14,
  汽车零部件: 10,
  电子制造: 10,
};

export const BRANDS: readonly Pair[] = [
  ['瑞康', 'ruikang'], ['华信', 'huaxin'], ['恒达', 'hengda'], ['安泰', 'antai'], ['博远', 'boyuan'],
  ['中科', 'zhongke'], ['天诚', 'tiancheng'], ['鑫源', 'xinyuan'], ['远航', 'yuanhang'], ['精工', 'jinggong'],
  ['优创', 'youchuang'], ['康达', 'kangda'], ['永信', 'yongxin'], ['东方', 'dongfang'], ['金桥', 'jinqiao'],
  ['宏远', 'hongyuan'], ['普瑞', 'purui'], ['迈德', 'maide'], ['联创', 'lianchuang'], ['海纳', 'haina'],
  ['明辉', 'minghui'], ['正泰', 'zhengtai'], ['德力', 'deli'], ['同辉', 'tonghui'], ['盛世', 'shengshi'],
  ['启航', 'qihang'], ['睿智', 'ruizhi'], ['宝光', 'baoguang'], ['新锐', 'xinrui'], ['长城', 'changcheng'],
];

export const COMPANY_SUFFIX: Readonly<Record<Industry, readonly string[]>> = {
  医疗器械: ['医疗器械有限公司', '医疗科技有限公司', '生物医疗有限公司', '医疗设备贸易有限公司'],
  工业设备: ['机械设备有限公司', '自动化设备有限公司', '精密机械制造有限公司', '智能装备股份有限公司'],
  教育培训: ['教育咨询有限公司', '职业培训学校', '教育科技有限公司'],
  企业软件: ['软件技术有限公司', '信息技术有限公司', '网络科技有限公司'],
  汽车零部件: ['汽车零部件有限公司', '汽车配件制造有限公司', '车用电子有限公司'],
  电子制造: ['电子科技有限公司', '光电科技有限公司', '电子元器件有限公司'],
};

/** Hospitals are the customers of the medical-device dealers. */
export const HOSPITAL_PATTERNS: readonly string[] = [
  '{city}市第一人民医院', '{city}市第二人民医院', '{city}市中心医院', '{city}市中医院', '{city}市妇幼保健院',
];

export const ENGLISH_BRANDS: readonly string[] = [
  'Northwind', 'Apex', 'BlueRiver', 'Helix', 'Meridian', 'Orion', 'Summit', 'Vertex', 'Crescent', 'Lumina',
  'Pioneer', 'Atlas', 'Keystone', 'Evergreen', 'Silverline',
];

export const ENGLISH_SUFFIX: Readonly<Record<Industry, readonly string[]>> = {
  医疗器械: ['Medical Ltd.', 'MedTech Co., Ltd.', 'Healthcare Inc.'],
  工业设备: ['Machinery Co., Ltd.', 'Automation GmbH', 'Industrial Systems Ltd.'],
  教育培训: ['Academy', 'Learning Ltd.'],
  企业软件: ['Software Inc.', 'Cloud Solutions Ltd.', 'Data Systems Co.'],
  汽车零部件: ['Automotive Parts Ltd.', 'Auto Components GmbH'],
  电子制造: ['Electronics Co., Ltd.', 'Photonics Ltd.'],
};

export const PRODUCTS: Readonly<Record<Industry, readonly string[]>> = {
  医疗器械: ['HD电子胃镜', '彩色多普勒超声', '麻醉工作站', '内镜清洗消毒机', '监护仪', '输液泵'],
  工业设备: ['数控加工中心', '激光切割机', '工业机器人工作站', '自动化装配线', '注塑机'],
  教育培训: ['企业内训课程', '职业资格培训', '在线学习平台年卡'],
  企业软件: ['CRM 年度订阅', 'ERP 实施项目', '数据中台', 'MES 系统'],
  汽车零部件: ['线束总成', '制动卡钳', '座椅骨架', '车灯模组'],
  电子制造: ['PCB 贴片加工', 'LED 驱动模组', '传感器模组', '电源适配器'],
};

/** Deal size in CNY by industry (min, max). */
export const AMOUNT_RANGE: Readonly<Record<Industry, readonly [number, number]>> = {
  医疗器械: [80_000, 2_500_000],
  工业设备: [50_000, 1_800_000],
  教育培训: [5_000, 90_000],
  企业软件: [20_000, 600_000],
  汽车零部件: [100_000, 3_000_000],
  电子制造: [30_000, 900_000],
};

export const CONTACT_TITLES: Readonly<Record<Industry, readonly string[]>> = {
  医疗器械: ['设备科科长', '采购主管', '消化内科主任', '院办主任', '总经理'],
  工业设备: ['采购经理', '生产总监', '设备部经理', '总经理', '技术总监'],
  教育培训: ['校长', '人力资源经理', '培训主管'],
  企业软件: ['IT经理', 'CIO', '销售总监', '运营总监'],
  汽车零部件: ['SQE', '采购经理', '项目经理', '质量经理'],
  电子制造: ['采购工程师', '研发经理', '总经理'],
};

export const ENGLISH_TITLES: readonly string[] = [
  'Purchasing Manager', 'Head of Procurement', 'CTO', 'Operations Director', 'General Manager',
];

export const FREE_MAIL = ['163.com', 'qq.com', '126.com', 'foxmail.com'] as const;

/** Real mobile prefixes (China Mobile, Unicom, Telecom). */
export const MOBILE_PREFIXES: readonly string[] = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153',
  '155', '156', '157', '158', '159', '166', '173', '176', '177', '178', '180', '181', '182', '183',
  '185', '186', '187', '188', '189', '191', '198', '199',
];

/** DOMAIN.md: 63 % of follow-up records said only "contacted" or "to be confirmed". */
export const VAGUE_SUBJECTS: readonly string[] = ['已联系', '待确认', '跟进中', '已沟通', '客户考虑中'];

export const LEAD_SUBJECTS: readonly string[] = [
  '首次电话沟通，了解{product}需求',
  '微信添加好友，发送产品资料',
  '客户咨询{product}价格区间',
  '确认采购时间和预算',
  '发送公司介绍和案例',
  '客户要求寄送样品',
  '约定下周上门拜访',
];

/** What the rep does while a deal sits in each stage (index = stage order). */
export const STAGE_SUBJECTS: readonly (readonly string[])[] = [
  ['整理线索信息，准备首次沟通'],
  ['首次拜访{company}，介绍{product}', '电话沟通项目背景'],
  ['确认{product}技术参数和数量', '需求调研会议纪要'],
  ['发送定制化报价单 PDF（含客户产线参数）', '报价答疑', '客户反馈价格偏高，准备调整方案'],
  ['寄送{product}样品，顺丰单号 SF{digits}', '样品测试进度跟进', '客户试用反馈'],
  ['合同条款确认', '客户签字盖章合同回传'],
  ['订单排产确认', '发货通知', '安装调试安排'],
  ['售后回访', '客户报修，安排技术人员', '年度维保续约沟通'],
];

export const STAGE_TASKS: readonly string[] = [
  '联系{company}确认需求',
  '安排首次拜访{company}',
  '提交{product}需求确认书',
  '跟进报价反馈：{company}',
  '收集样品测试结果：{company}',
  '催回签字合同：{company}',
  '确认发货与验收：{company}',
  '售后回访：{company}',
];
