import { ticks } from 'd3-array';
import { useRef } from 'react';
import { FUNCTIONS_1D, lossAt, type Step1d, type Step1dSettings } from './step1d';
import { useSvgScale } from './useSvgScale';

const W = 640;
/** The plot's height and margins: the y axis's numbers on the left, the x axis's and the step's arrow below. */
const PLOT_H = 290;
const LEFT = 48;
const RIGHT = 16;
const TOP = 14;

/**
 * The paper's Fig. 1, live: the loss curve, the point (drag it, or focus it and use the arrow keys), its
 * tangent, the target level (γ·L_min for L4, f* for Polyak), where the tangent meets the target (the full
 * step) and the fraction α actually taken, with the earlier points faint.
 */
export function Explainer1D({
  settings,
  x,
  step,
  history,
  onMove,
  hideAnswer = false,
}: {
  settings: Step1dSettings;
  x: number;
  step: Step1d;
  history: readonly number[];
  onMove(x: number): void;
  /** While a lesson waits for the prediction: the full step and the step taken are not drawn. */
  hideAnswer?: boolean;
}) {
  const svg = useRef<SVGSVGElement>(null);
  // Text and the point keep their size on screen however narrow the plot is drawn (a phone draws it at ~0.55×).
  const k = useSvgScale(svg, W);
  const font = (px: number) => px * k;
  // Below the plot: the x axis's numbers, the step's arrow and its label, each as tall on screen at any width.
  const BOTTOM = font(48);
  const H = TOP + PLOT_H + BOTTOM;
  const [x0, x1] = FUNCTIONS_1D[settings.fn].range;
  const xs = Array.from({ length: 241 }, (_, i) => x0 + ((x1 - x0) * i) / 240);
  const ys = xs.map((v) => lossAt(settings, v).loss);
  const yMin = Math.min(...ys, step.target ?? Infinity, 0);
  const yMax = Math.max(...ys);
  const sx = (v: number) => LEFT + ((v - x0) / (x1 - x0)) * (W - LEFT - RIGHT);
  const sy = (v: number) => H - BOTTOM - ((v - yMin) / (yMax - yMin || 1)) * (H - TOP - BOTTOM);
  const base = H - BOTTOM;
  const clampY = (v: number) => Math.max(-H, Math.min(2 * H, sy(v)));
  const curve = xs.map((v, i) => `${i ? 'L' : 'M'}${sx(v).toFixed(1)},${sy(ys[i]!).toFixed(1)}`).join(' ');
  const tangent = (v: number) => step.loss + step.g * (v - x);
  const linearised = step.target === null ? null : step.loss - settings.alpha * (step.numerator ?? 0);
  const toX = (clientX: number) => {
    const r = svg.current!.getBoundingClientRect();
    const px = ((clientX - r.left) / r.width) * W;
    return Math.min(x1, Math.max(x0, x0 + ((px - LEFT) / (W - LEFT - RIGHT)) * (x1 - x0)));
  };
  const onPointer = (e: React.PointerEvent) => {
    if (e.buttons !== 1) return;
    onMove(Number(toX(e.clientX).toFixed(3)));
  };
  const inView = (v: number | null): v is number => v !== null && Number.isFinite(v) && v >= x0 && v <= x1;
  return (
    <svg
      ref={svg}
      viewBox={`0 0 ${W} ${H}`}
      className="explainer"
      role="img"
      aria-label={`Loss curve ${FUNCTIONS_1D[settings.fn].title} with the current point, its tangent and the step`}
      data-testid="explainer"
      data-x={x}
      data-next={step.next}
      data-full-step={step.fullStep ?? ''}
      onPointerDown={(e) => {
        (e.target as Element).setPointerCapture?.(e.pointerId);
        onMove(Number(toX(e.clientX).toFixed(3)));
      }}
      onPointerMove={onPointer}
      style={{ touchAction: 'none' }}
    >
      <defs>
        <clipPath id="plot-area">
          <rect x={LEFT} y={TOP} width={W - LEFT - RIGHT} height={H - TOP - BOTTOM} />
        </clipPath>
      </defs>
      <rect x={LEFT} y={TOP} width={W - LEFT - RIGHT} height={H - TOP - BOTTOM} fill="#fff" stroke="#ddd" />
      <line x1={LEFT} x2={W - RIGHT} y1={sy(0)} y2={sy(0)} stroke="#ccc" />
      <g data-testid="explainer.axes" fontSize={font(11)} fill="#555">
        {ticks(x0, x1, 6)
          .filter((t) => sx(t) < W - RIGHT - font(14))
          .map((t) => (
            <text key={`x${t}`} x={sx(t)} y={base + font(13)} textAnchor="middle">
              {t}
            </text>
          ))}
        <text x={W - RIGHT} y={base + font(13)} textAnchor="end" fontStyle="italic">
          x
        </text>
        {ticks(yMin, yMax, 4).map((t) => (
          <text key={`y${t}`} x={LEFT - 4} y={sy(t) + font(4)} textAnchor="end">
            {t}
          </text>
        ))}
        <text x={LEFT + 4} y={TOP + font(12)} fontStyle="italic">
          L(x)
        </text>
      </g>
      <path d={curve} fill="none" stroke="#333" strokeWidth={2} />
      {history.map((h, i) => (
        <circle key={i} cx={sx(h)} cy={sy(lossAt(settings, h).loss)} r={3} fill="#999" opacity={0.5} />
      ))}
      {step.target !== null && (
        <g data-testid="explainer.target">
          <line x1={LEFT} x2={W - RIGHT} y1={sy(step.target)} y2={sy(step.target)} stroke="#D55E00" strokeDasharray="6 4" />
          <text x={W - RIGHT - 4} y={sy(step.target) - 6} textAnchor="end" fill="#D55E00" fontSize={font(13)}>
            {settings.rule === 'l4' ? 'γ·L_min' : 'f*'} = {step.target.toPrecision(3)}
          </text>
        </g>
      )}
      <line
        x1={sx(x0)}
        y1={clampY(tangent(x0))}
        x2={sx(x1)}
        y2={clampY(tangent(x1))}
        stroke="#0072B2"
        strokeWidth={1.5}
        clipPath="url(#plot-area)"
        data-testid="explainer.tangent"
      />
      {!hideAnswer && inView(step.fullStep) && step.target !== null && (
        <g data-testid="explainer.full">
          <circle cx={sx(step.fullStep)} cy={sy(step.target)} r={5} fill="none" stroke="#D55E00" strokeWidth={2} />
          <text x={sx(step.fullStep)} y={sy(step.target) + font(18)} textAnchor="middle" fontSize={font(12)} fill="#D55E00">
            full step
          </text>
        </g>
      )}
      {!hideAnswer && inView(step.next) && (
        <g data-testid="explainer.step">
          {linearised !== null && <circle cx={sx(step.next)} cy={clampY(linearised)} r={4} fill="#0072B2" clipPath="url(#plot-area)" />}
          <line
            x1={sx(x)}
            x2={sx(step.next)}
            y1={base + font(24)}
            y2={base + font(24)}
            stroke="#009E73"
            strokeWidth={3}
            markerEnd="url(#arrow)"
          />
          <circle cx={sx(step.next)} cy={sy(lossAt(settings, step.next).loss)} r={5} fill="#009E73" />
          <text x={sx(step.next)} y={base + font(40)} textAnchor="middle" fontSize={font(12)} fill="#009E73">
            {settings.rule === 'sgd' ? 'step' : `α = ${settings.alpha}`}
          </text>
        </g>
      )}
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#009E73" />
        </marker>
      </defs>
      {/* A finger-sized target around the point (≥ 32 px on screen). */}
      <circle cx={sx(x)} cy={sy(step.loss)} r={font(16)} fill="transparent" style={{ cursor: 'grab' }} />
      <circle
        cx={sx(x)}
        cy={sy(step.loss)}
        r={font(8)}
        fill="#E69F00"
        stroke="#333"
        tabIndex={0}
        role="slider"
        aria-label="point x"
        aria-valuemin={x0}
        aria-valuemax={x1}
        aria-valuenow={x}
        data-testid="explainer.point"
        onKeyDown={(e) => {
          const d = e.shiftKey ? 0.25 : 0.05;
          if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') onMove(Number(Math.max(x0, x - d).toFixed(3)));
          else if (e.key === 'ArrowRight' || e.key === 'ArrowUp') onMove(Number(Math.min(x1, x + d).toFixed(3)));
          else return;
          e.preventDefault();
        }}
        style={{ cursor: 'grab' }}
      />
    </svg>
  );
}
