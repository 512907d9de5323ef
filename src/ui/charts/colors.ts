/**
 * Colour per run spec: Okabe–Ito (distinguishable with common colour-vision deficiencies) without its yellow, which
 * reads 1.3:1 on white and vanished as a curve; black takes the seventh place and a dark olive the eighth.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#7F7923'] as const;
export const colorOf = (i: number): string => PALETTE[i % PALETTE.length]!;

/**
 * The same colours darkened for text to a contrast of at least 4.5:1 (WCAG AA) on the page's background (#fbfbfb)
 * and on white: the curves keep the palette, a legend or table names its run in a shade of it that can be read
 * (Okabe–Ito's orange reads 2.2:1).
 */
export const TEXT_PALETTE = ['#0072B2', '#986900', '#00825F', '#BC5300', '#9E5E82', '#3A799D', '#000000', '#7B7522'] as const;
export const textColorOf = (i: number): string => TEXT_PALETTE[i % TEXT_PALETTE.length]!;
