/** Colour per run spec (Okabe–Ito, distinguishable with common colour-vision deficiencies). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
export const colorOf = (i: number): string => PALETTE[i % PALETTE.length]!;

/**
 * The same colours darkened for text on white to a contrast of at least 4.5:1 (WCAG AA): the curves keep the
 * palette, a legend or table names its run in a shade of it that can be read (Okabe–Ito's yellow reads 1.3:1).
 */
const TEXT_PALETTE = ['#0072B2', '#9C6C00', '#008662', '#C25600', '#A36186', '#3B7CA1', '#7F7923', '#000000'];
export const textColorOf = (i: number): string => TEXT_PALETTE[i % TEXT_PALETTE.length]!;
