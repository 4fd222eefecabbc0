// With no header, the minutes may still name their own meeting in a sentence that points at it:
// "As this was the first meeting of the new Licensing Committee, …", "This is the annual meeting
// of the Harbour Board", "At this meeting of the Community Safety Panel …". Only a named body
// (capitalised words ending in Committee, Board, Panel, …) after "this … meeting of" counts:
// "the meeting of the Cabinet on 4 March" and "a meeting of this Committee" point elsewhere or
// name nothing.

const NAME_WORD = "(?:[A-Z][\\w&'’-]*|and|of|for|the|&)";
const BODY_WORD = '(?:Committee|Sub-Committee|Board|Panel|Commission|Cabinet|Council|Forum|Partnership)';
// Case-sensitive, so that the name's capitals can tell it from the words around it.
const THIS_MEETING = new RegExp(
  `\\b[Tt]his (?:(?:was|is|being) (?:the |an |a )?(?:[a-z]+ ){0,2})?[Mm]eeting of (?:the )?(?:new(?:ly[- ](?:formed|established))? )?((?:${NAME_WORD} ){0,8}${BODY_WORD})\\b`,
);

/** The committee a sentence says this meeting is of, or null. */
export function committeeOfThisMeeting(text: string): string | null {
  const m = THIS_MEETING.exec(text.slice(0, 6000));
  const name = (m?.[1] ?? '').replace(/^(?:the|and|of|for|&) /i, '');
  // One word ("Committee") names nothing; the name's words must be capitalised as a name is.
  if (name.split(' ').length < 2 || !/^[A-Z]/.test(name)) return null;
  return name;
}
