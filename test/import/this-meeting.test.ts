import t from 'tap';
import { parseMinutes } from '../../src/import/index.js';
import { committeeOfThisMeeting } from '../../src/import/this-meeting.js';

t.test('a sentence pointing at this meeting names its committee', async (t) => {
  t.equal(committeeOfThisMeeting('As this was the first meeting of the new Harbour and Coastal Scrutiny Committee, Members introduced themselves.'), 'Harbour and Coastal Scrutiny Committee');
  t.equal(committeeOfThisMeeting('This is the annual meeting of the Moorside Partnership Board.'), 'Moorside Partnership Board');
  t.equal(committeeOfThisMeeting('At this meeting of the Community Safety Panel, Members heard from the police.'), 'Community Safety Panel');
});

t.test('other meetings, and a body with no name, are not this meeting', async (t) => {
  t.equal(committeeOfThisMeeting('The report would go to the meeting of the Cabinet on 4 March.'), null);
  t.equal(committeeOfThisMeeting('At a meeting of this Committee held on 8 January 2025.'), null);
  t.equal(committeeOfThisMeeting('The Chair said this meeting of the Committee would be the last.'), null);
  t.equal(committeeOfThisMeeting('this meeting of the licensing committee'), null, 'a name is written with capitals');
});

t.test('minutes with no header take the committee from such a sentence', async (t) => {
  const text = [
    'Agenda item',
    '',
    'To note the minutes of the predecessor panels held on 12 February and 19 March 2025.',
    '',
    'As this was the first meeting of the new Place and Environment Scrutiny Committee, the Committee received the outstanding minutes of the Highways Panel.',
    '',
    '1)   the minutes of the Highways Panel held on 12 February 2025 be noted.',
  ].join('\n');
  t.equal(parseMinutes(text).meeting.committeeName, 'Place and Environment Scrutiny Committee');
});
