import type { L4EpilogueSettings } from '../stepsizes/l4Formula';

/** The fused L4 epilogue's name and attributes, shared by its per-backend kernels (l4Epilogue.<backend>.ts). */
export const L4_EPILOGUE = 'L4LabL4Epilogue';

export type L4EpilogueAttrs = L4EpilogueSettings;

/** The shaders' uniforms, in this order: α, γ, γ0, ε and the forgetting factor 1 + 1/τ. */
export const L4_EPILOGUE_UNIFORMS = ['alpha', 'gamma', 'gamma0', 'epsilon', 'forget'] as const;
export const uniformValues = (a: L4EpilogueAttrs): number[] => [a.alpha, a.gamma, a.gamma0, a.epsilon, 1 + 1 / a.tau];
