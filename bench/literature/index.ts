// The bug-finding benchmark's programs: SCTBench ports and the shapes of the strategy papers.

import type { LiteratureProgram } from './rt.js';
import { sctbench } from './sctbench.js';
import { shapes } from './shapes.js';

export type { LiteratureProgram, Rt } from './rt.js';
export { fastCheckProperty, interleavedRt } from './rt.js';

export const literature: LiteratureProgram[] = [...sctbench, ...shapes];
