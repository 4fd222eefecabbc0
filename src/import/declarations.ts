import { parsePerson, splitNameList } from './attendance.js';
import type { DeclarationKind, DraftDeclaration } from './types.js';

// Declarations of interest: "Councillor Reid declared an Other Registrable Interest in item 7
// as a governor of Castle Primary School", "Councillors Ahmed and Fox declared personal
// interests in the following item…". The item they concern is the one named, "the following
// item" (the next one), or the item the sentence sits in.

export interface ItemSentences {
  number: string | null;
  title: string;
  sentences: readonly string[];
}

const DECLARED = /\b(?:declared|declares|declare|disclosed|registered)\b/i;
const INTEREST = /\binterests?\b/i;
const NONE = /^(?:there were )?no (?:declarations|interests|members?)\b|\bnone (?:were|was) (?:declared|made)\b|\bno (?:declarations|interests) (?:of interest )?(?:were|was) (?:made|declared|received)\b/i;
const ITEM_REFERENCE = /\b(?:agenda )?(?:item|minute)s?(?: no\.?| number)? ?(\d{1,4}[a-z]?)\b/i;
const FOLLOWING_ITEM = /\b(?:the )?(?:following|next) (?:agenda )?item\b/i;
const THIS_ITEM = /\b(?:this|the) (?:agenda )?item\b/i;
const REASON = /\b(?:as|because|since|in that|due to|by virtue of|owing to|being)\b\s+(.{3,300})$/i;
const DECLARATIONS_TITLE = /declarations?\b.*\binterest/i;

export function declarationKind(text: string): DeclarationKind {
  if (/\bnon[- ]?regist(?:e)?rable\b/i.test(text)) return 'non_registrable';
  if (/\bpecuniary\b|\bprejudicial\b|\bDPI\b/i.test(text) && !/\bnon[- ]pecuniary\b/i.test(text)) return 'disclosable_pecuniary';
  if (/\bother regist(?:e)?rable\b|\bregist(?:e)?rable\b|\bpersonal\b|\bnon[- ]pecuniary\b|\bdisclosable other\b/i.test(text)) return 'other_registrable';
  return 'non_registrable';
}

function namesIn(subject: string): string[] {
  const text = subject.replace(/^.*\b(?:that|whereby|where)\s+/i, '').replace(/^(?:- )?/, '');
  const names: string[] = [];
  let inList = false;
  for (const token of splitNameList(text).slice(0, 12)) {
    const parsed = parsePerson(token, { status: 'present' }, inList);
    if (!parsed) continue;
    inList = parsed.councillorList;
    if (/^(?:Councillors?|Cllrs?\.?|Mr|Mrs|Ms|Miss|Dr)\b/.test(token.trim()) || inList || parsed.entry.kind === 'councillor') {
      names.push(parsed.entry.name);
    }
  }
  return names;
}

function itemIndexFor(sentence: string, items: readonly ItemSentences[], at: number, wholeSentence: boolean): { itemIndex: number | null; itemNumber?: string } {
  const afterInterest = wholeSentence ? sentence : sentence.slice(Math.max(0, sentence.search(INTEREST)));
  const ref = ITEM_REFERENCE.exec(afterInterest);
  if (ref?.[1]) {
    const index = items.findIndex((it) => it.number !== null && it.number.replace(/^[A-Z]+/, '') === ref[1]);
    return { itemIndex: index >= 0 ? index : null, itemNumber: ref[1] };
  }
  if (FOLLOWING_ITEM.test(afterInterest)) return { itemIndex: at + 1 < items.length ? at + 1 : null };
  const inDeclarationsItem = DECLARATIONS_TITLE.test(items[at]?.title ?? '');
  if (THIS_ITEM.test(afterInterest) || !inDeclarationsItem) return { itemIndex: at };
  return { itemIndex: null };
}

export function extractDeclarations(items: readonly ItemSentences[]): DraftDeclaration[] {
  const out: DraftDeclaration[] = [];
  items.forEach((item, at) => {
    for (const sentence of item.sentences) {
      if (sentence.length > 800 || NONE.test(sentence)) continue;
      // In the declarations item a list entry needs no verb: "Councillor Ahmed – item 5 – personal interest".
      const listed = DECLARATIONS_TITLE.test(item.title) && /^(?:- )?(?:Councillors?|Cllrs?\.?|Mr|Mrs|Ms|Miss|Dr)\s/.exec(sentence);
      const declared = DECLARED.exec(sentence) ?? (listed ? INTEREST.exec(sentence) : null);
      if (!declared || !INTEREST.test(sentence)) continue;
      const subject = DECLARED.test(sentence) ? sentence.slice(Math.max(0, declared.index - 200), declared.index) : sentence.split(/ [-\u2013\u2014] |:|,/)[0] ?? '';
      const names = namesIn(subject);
      if (names.length === 0) continue;
      const afterDeclared = DECLARED.test(sentence) ? sentence.slice(declared.index) : sentence;
      const reason = REASON.exec(afterDeclared.slice(afterDeclared.search(INTEREST)));
      const detail = (reason?.[1] ?? sentence).replace(/\.$/, '').trim();
      const ref = itemIndexFor(sentence, items, at, !DECLARED.test(sentence));
      for (const personName of names) {
        const declaration: DraftDeclaration = {
          itemIndex: ref.itemIndex,
          personName,
          kind: declarationKind(afterDeclared.slice(0, 200)),
          detail,
        };
        if (ref.itemNumber) declaration.itemNumber = ref.itemNumber;
        out.push(declaration);
      }
    }
  });
  return out;
}
