// Brings the test stack up or down for scripts/test.sh: node scripts/stack.ts up|down

import { stackDown } from '@ferry/testkit';
import { ensureTestStack, testStackOptions } from '@ferry/testkit/vitest';

const cmd = process.argv[2];
if (cmd === 'up') await ensureTestStack();
else if (cmd === 'down') await stackDown(testStackOptions(), [], process.argv.includes('--purge'));
else throw new Error('usage: node scripts/stack.ts up|down [--purge]');
