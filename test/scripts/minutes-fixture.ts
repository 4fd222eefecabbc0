// A short set of minutes, written for the command-line tests in the style of a district council's
// printed minutes: one request (an action) and a resolution asking for a further report.
export const MINUTES = `HOUSING SCRUTINY COMMITTEE

At a meeting of this Committee held on Monday, 12th October, 2026 6.30 p.m.

(Present) Councillor A Patel (Chair)
Councillors B Jones and C Smith

1 APOLOGIES FOR ABSENCE

There were no apologies.

2 DAMP AND MOULD IN COUNCIL HOMES

The Head of Housing presented a report on damp and mould cases.

Members requested a breakdown of open cases by ward.

Resolved that

(1) the report be noted; and

(2) a further report on the repairs backlog be submitted to the next meeting of the Committee.
`;
