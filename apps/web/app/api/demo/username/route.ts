import { connection } from 'next/server';

// Relative, not @/: the vitest config (no path aliases) imports this module's helpers directly.
import { answerUsernameCheck } from '../../../actions/live-form-rules';

/**
 * Whether a username is free: `GET /api/demo/username?name=ada` answers `{ valid, message }` (a LiveFormVerdict)
 * after a simulated lookup. A client that aborts (a newer value was typed) gets no answer.
 */
export async function GET(request: Request) {
  await connection(); // an answer per request: never prerender
  return answerUsernameCheck(request);
}
