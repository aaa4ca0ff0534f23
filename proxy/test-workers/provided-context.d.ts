/** Values that `global-setup.ts` provides to the workerd tests through `inject()`. */
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the emulator that runs in Node, e.g. `http://127.0.0.1:41234`. */
    emulatorUrl: string;
    /** Whether `widget/dist/leadsync.js` existed, so the ASSETS binding serves it. */
    widgetStaged: boolean;
  }
}
