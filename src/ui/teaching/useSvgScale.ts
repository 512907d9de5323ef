import { useEffect, useState, type RefObject } from 'react';

/**
 * How many viewBox units one screen pixel is, for an SVG `width` units wide drawn at its element's width (at least
 * 1): sizes multiplied by it stay that many pixels on screen when the plot is drawn smaller (on a phone).
 */
export function useSvgScale(ref: RefObject<Element | null>, width: number): number {
  const [k, setK] = useState(1);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const update = () => {
      const w = el.getBoundingClientRect().width;
      if (w > 0) setK(Math.max(1, width / w));
    };
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, width]);
  return k;
}
