import { detectActionCue, type CueContext } from './action-cues.js';
import type { ResolutionKind } from './types.js';

// What a resolution does, read from its wording. A resolution that asks for something to come
// back ("an update be provided") is a request even when it also notes a report; a
// recommendation is addressed to another body; a referral sends the matter elsewhere.

const OTHER_BODY =
  /\b(?:to|by|that) (?:the )?(?:cabinet|executive|executive board|council|full council|mayor|leader|cabinet member|portfolio holder|health and wellbeing board|secretary of state|government|minister|integrated care board|icb|nhs)\b/i;
const RECOMMENDS = /\brecommends?\b(?: to| that)|\bbe recommended\b|\brecommendations? (?:be|are|is) (?:made|submitted|forwarded|sent|referred|put)\b|\bmake (?:the following )?recommendations?\b/i;
// "the draft Strategy be endorsed and recommended to Cabinet for approval", "recommends it to
// the Executive Board": what is recommended sits between the verb and the body it goes to.
const RECOMMENDED_TO_BODY =
  /\brecommend(?:s|ed)?\b[^.;]{0,80}?\bto (?:the )?(?:cabinet|executive|executive board|council|full council|mayor|leader|cabinet member|portfolio holder|health and wellbeing board|secretary of state|government|minister|integrated care board|icb)\b/i;
const REFERRAL = /\bbe referred\b|\brefers?\b (?:the|this|it|these)\b|\breferred (?:to|back to)\b/i;
// "the Committee's comments be forwarded to the Cabinet Member": the view goes to another body.
const VIEWS_SENT_ON =
  /\b(?:comments|views|concerns|observations|findings|feedback)\b.{0,60}?\bbe (?:forwarded|sent|submitted|passed|reported|conveyed|made) (?:on )?to (?!(?:this|the) (?:committee|board|panel)\b)/i;
const NOTED = /\b(?:be|is|are|was|were|being|been) (?:duly )?(?:noted|received|acknowledged|welcomed)\b|\b(?:notes|note|noted|welcomes|welcomed)\b(?: the| that| with| progress|,)|\breceived and noted\b/i;
const AGREED =
  /\b(?:be|is|are|was|were) (?:approved|agreed|endorsed|adopted|supported|accepted|confirmed|ratified|signed|appointed|established|elected|re-appointed|authorised|delegated|amended|granted|refused|deferred|withdrawn|set up|formed)\b|\b(?:approves?|agrees?|endorses?|adopts?|supports?|accepts?|confirms?|appoints?|authorises?|delegates?|ratifies?)\b/i;

// A list under "The Board:" puts the verb first, in the past tense: "(3) approved the budget".
const PAST_DECISION = /^(?:approved|agreed|endorsed|adopted|supported|accepted|confirmed|ratified|appointed|authorised|delegated|elected)\b/i;

// Who a recommendation goes to, in its own words: "to Cabinet", "the Portfolio Holder be
// recommended to…", "recommends that the Cabinet Member reviews…", "…that officers publish…".
const BE_RECOMMENDED = /^(?:the )?(?:[A-Z][\w'&-]* ){0,5}[A-Z][\w'&-]* be recommended\b/;
const RECOMMENDED_TO_SOMEONE = /\brecommend(?:s|ed|ations?)?\b[^.;]{0,80}?\bto (?:the |all |each )?(?:[A-Z]|(?:cabinet|council|executive|mayor|leader|portfolio|government|minister|secretary|partners?|schools?)\b)/;
const RECOMMENDS_THAT_SOMEONE =
  /\brecommend(?:s|ed)? that (?:the |all |each )?(?:[A-Z]|(?:officers?|directors?|managers?|heads? of|chair|cabinet|council|executive|mayor|leader|portfolio holder|cabinet member|partners?)\b)/;

/**
 * A recommendation worded as one ("the Committee recommends that any two members may…") that
 * names no one to act or to answer is the committee's view of a rule, not a follow-up to chase.
 * A limb whose opener or preamble made it a recommendation ("RESOLVED to recommend to Cabinet
 * that: (1) the strategy be adopted") names its addressee there, so it is not judged here.
 */
export function recommendationWithoutAddressee(text: string): boolean {
  if (!RECOMMENDS.test(text) && !RECOMMENDED_TO_BODY.test(text)) return false;
  return !(OTHER_BODY.test(text) || BE_RECOMMENDED.test(text) || RECOMMENDED_TO_SOMEONE.test(text) || RECOMMENDS_THAT_SOMEONE.test(text));
}

export function inferResolutionKind(text: string, opener: string, preamble: string, cueContext: CueContext = {}): ResolutionKind {
  const context = `${preamble} ${text}`;
  if (RECOMMENDS.test(context) || RECOMMENDED_TO_BODY.test(text) || (/^recommended$/i.test(opener) && OTHER_BODY.test(context))) return 'recommendation';
  if (REFERRAL.test(text) || VIEWS_SENT_ON.test(text)) return 'referral';
  if (detectActionCue(text, 'resolution', cueContext) !== null) return 'request';
  if (NOTED.test(text)) return 'noted';
  if (AGREED.test(text) || PAST_DECISION.test(text)) return 'agreed';
  // Town and parish councils resolve in the infinitive: "RESOLVED: to accept the quote".
  if (/^to (?!note\b|receive\b)[a-z]+\b/i.test(text)) return 'agreed';
  if (/^recommended$/i.test(opener)) return 'recommendation';
  if (/^noted$/i.test(opener)) return 'noted';
  if (/^(?:agreed|approved|endorsed)$/i.test(opener)) return 'agreed';
  return 'other';
}
