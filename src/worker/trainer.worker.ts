/// <reference lib="webworker" />
// The only file that touches the worker's global scope.
import { browserEnv } from './browserEnv';
import { serve } from './endpoint';
import type { Endpoint } from './protocol';

serve(self as unknown as Endpoint, browserEnv);
