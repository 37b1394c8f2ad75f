import { Badge, createTheme, type MantineColorsTuple } from '@mantine/core';

// A calm blue that reads as "business" in both schemes.
const verityBlue: MantineColorsTuple = [
  '#e8f2ff',
  '#d2e2fb',
  '#a4c2f2',
  '#72a0ea',
  '#4984e3',
  '#3072df',
  '#2169de',
  '#1258c6',
  '#044eb2',
  '#00439e',
];

// System UI fonts first, then the Chinese system faces so Han characters never fall back to a serif.
const fontStack = [
  '-apple-system',
  'BlinkMacSystemFont',
  '"Segoe UI"',
  'Roboto',
  '"Helvetica Neue"',
  'Arial',
  '"PingFang SC"',
  '"Hiragino Sans GB"',
  '"Microsoft YaHei"',
  '"Noto Sans CJK SC"',
  '"Source Han Sans SC"',
  '"WenQuanYi Micro Hei"',
  'sans-serif',
].join(', ');

export const theme = createTheme({
  primaryColor: 'verity',
  colors: { verity: verityBlue },
  primaryShade: { light: 7, dark: 5 },
  fontFamily: fontStack,
  headings: { fontFamily: fontStack, fontWeight: '600' },
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    // Upper-case badges shout in English and mean nothing in Chinese.
    Badge: Badge.extend({ styles: { label: { textTransform: 'none' }, root: { flexShrink: 0 } } }),
  },
});
