import t from 'tap';
import {
  ACTION_STATUSES,
  type ActionStatus,
  assertTransition,
  canTransition,
  isActionStatus,
  nextStatuses,
  requiresNewDue,
} from '../../src/domain/action-lifecycle.js';
import { IllegalTransitionError } from '../../src/errors.js';

// Rows: from; columns: to, in the order below. Y = allowed, . = refused (409).
const COLUMNS: ActionStatus[] = ['open', 'in_progress', 'responded', 'closed', 'withdrawn'];
const MATRIX: Record<ActionStatus, string> = {
  //            open  in_progress  responded  closed  withdrawn
  open:        'Y     Y            Y          .       Y',
  in_progress: '.     Y            Y          .       Y',
  responded:   'Y     .            Y          Y       Y',
  closed:      'Y     .            .          Y       .',
  withdrawn:   '.     .            .          .       Y',
};

t.same([...ACTION_STATUSES].sort(), [...COLUMNS].sort(), 'the matrix covers every status');

for (const from of ACTION_STATUSES) {
  const row = MATRIX[from].split(/\s+/);
  COLUMNS.forEach((to, i) => {
    const allowed = row[i] === 'Y';
    t.equal(canTransition(from, to), allowed, `${from} → ${to} ${allowed ? 'allowed' : 'refused'}`);
    if (allowed) {
      t.doesNotThrow(() => assertTransition(from, to), `${from} → ${to} does not throw`);
    } else {
      t.throws(
        () => assertTransition(from, to),
        {
          code: 'SCRUTINY_ILLEGAL_TRANSITION',
          statusCode: 409,
          message: `An action cannot move from ${from} to ${to}`,
        },
        `${from} → ${to} throws a 409`,
      );
    }
  });
}

t.test('the error is the shared IllegalTransitionError', async (t) => {
  t.throws(() => assertTransition('withdrawn', 'open'), IllegalTransitionError);
});

t.test('nextStatuses lists the moves out, not staying put', async (t) => {
  t.same(nextStatuses('open'), ['in_progress', 'responded', 'withdrawn']);
  t.same(nextStatuses('closed'), ['open']);
  t.same(nextStatuses('withdrawn'), []);
});

t.test('only sending a response back needs a new due', async (t) => {
  for (const from of ACTION_STATUSES) {
    for (const to of ACTION_STATUSES) {
      t.equal(requiresNewDue(from, to), from === 'responded' && to === 'open', `${from} → ${to}`);
    }
  }
});

t.test('isActionStatus', async (t) => {
  t.equal(isActionStatus('in_progress'), true);
  t.equal(isActionStatus('overdue'), false, 'overdue is derived, never a status');
  t.equal(isActionStatus('OPEN'), false);
});
