/** Worker-only entry point (same as APP_ROLE=worker with the api entry). */
process.env.APP_ROLE = 'worker';
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../api/src/main');
