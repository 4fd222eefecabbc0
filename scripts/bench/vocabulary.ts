// Words the generator builds committees, items and actions from: the kinds of subjects UK
// scrutiny committees follow up, so full-text search has a realistic spread of hits.

export const authorities = [
  'Northbrook Borough Council', 'Eastmoor District Council', 'Riverside City Council',
  'Westfield County Council', 'Hallam Metropolitan Borough Council', 'Kingsford Borough Council',
  'Ashby Unitary Authority', 'Marshgate District Council', 'Carrow City Council',
  'Dunmere County Council',
];

export const committeeNames: { name: string; kind: 'scrutiny' | 'policy_and_performance_board' | 'executive' | 'council' }[] = [
  { name: 'Children and Young People Scrutiny Committee', kind: 'scrutiny' },
  { name: 'Adults and Health Scrutiny Committee', kind: 'scrutiny' },
  { name: 'Housing and Communities Scrutiny Committee', kind: 'scrutiny' },
  { name: 'Environment and Economy Policy and Performance Board', kind: 'policy_and_performance_board' },
  { name: 'Executive Board', kind: 'executive' },
];

export const topics = [
  'housing repairs', 'damp and mould', 'temporary accommodation', 'homelessness prevention',
  'school exclusions', 'special educational needs', 'school place planning', 'youth services',
  'adult social care', 'hospital discharge', 'home care workforce', 'mental health services',
  'waste collection', 'recycling rates', 'potholes and highways', 'street lighting',
  'bus services', 'air quality', 'flood risk', 'planning enforcement', 'leisure centres',
  'libraries', 'council tax collection', 'budget savings', 'capital programme', 'procurement',
  'children in care', 'foster carer recruitment', 'domestic abuse', 'community safety',
  'anti-social behaviour', 'public health', 'smoking cessation', 'childhood obesity',
  'cost of living support', 'welfare advice', 'digital inclusion', 'customer complaints',
  'staff sickness absence', 'agency staff spend', 'climate emergency', 'tree planting',
  'town centre regeneration', 'business rates', 'apprenticeships', 'fly-tipping',
  'parking enforcement', 'cemeteries and crematoria', 'empty homes', 'licensing',
];

export const aspects = [
  'performance against targets', 'waiting times', 'the action plan', 'the consultation results',
  'spending to date', 'the inspection findings', 'the recovery plan', 'ward-level figures',
  'the benchmarking data', 'progress since the last meeting', 'the risk register',
  'the service review', 'the partnership agreement', 'the complaints received', 'the pilot scheme',
];

export const requests = [
  'An update be provided to the committee on', 'Members requested further information on',
  'Officers to circulate a briefing note on', 'The committee to receive a report on',
  'A breakdown to be provided of', 'Officers would report back on',
  'The Executive Board be recommended to review', 'A site visit to be arranged regarding',
];

export const sentences = [
  'Members were concerned about the pace of improvement and asked for figures by ward.',
  'The Director agreed to bring the figures to the next meeting.',
  'The Chair asked that the information be circulated to all members before the agenda is published.',
  'The lead officer explained that data for the last quarter was still being validated.',
  'Members noted the comparison with statistical neighbours and asked for the trend over three years.',
  'Officers confirmed that the partnership board would consider the matter first.',
  'A member asked whether the target was realistic given the budget position.',
  'The committee asked for the views of residents and tenants to be included.',
  'The Portfolio Holder undertook to meet the member outside the meeting.',
  'It was agreed that the item would be added to the work programme.',
];

export const responses = [
  'A briefing note was circulated to members by email.',
  'The report was presented at the meeting and the figures were noted.',
  'The information was included in the quarterly performance report.',
  'Officers met the member and the matter was resolved.',
  'The requested breakdown was published with the agenda pack.',
  'The Executive Board considered the recommendation and its response is attached.',
];

export const directedTo = ['Executive Board', 'Cabinet', 'Health and Wellbeing Board', 'Integrated Care Board'];

export const itemTitles = [
  'Apologies for absence', 'Declarations of interest', 'Minutes of the previous meeting',
  'Action tracker', 'Work programme', 'Performance monitoring report', 'Budget monitoring',
  'Annual report', 'Task and finish group report', 'Quarterly performance report',
];

export const firstNames = [
  'Alex', 'Sam', 'Jo', 'Chris', 'Pat', 'Morgan', 'Jamie', 'Robin', 'Ashley', 'Taylor', 'Priya',
  'Mohammed', 'Aisha', 'Tom', 'Sarah', 'David', 'Helen', 'Rachel', 'Gareth', 'Siobhan',
];
export const lastNames = [
  'Smith', 'Jones', 'Khan', 'Patel', 'Williams', 'Brown', 'Taylor', 'Davies', 'Evans', 'Thomas',
  'Roberts', 'Walker', 'Wright', 'Hughes', 'Green', 'Hall', 'Clarke', 'Wood', 'Ahmed', 'Murphy',
];
export const officerRoles = [
  "Director of Children's Services", 'Director of Adult Social Services', 'Head of Housing',
  'Head of Finance', 'Director of Public Health', 'Head of Environmental Services',
  'Strategic Director, Place', 'Head of Democratic Services', 'Head of Highways',
];
