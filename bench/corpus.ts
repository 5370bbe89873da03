/**
 * Distractor corpus generator for the benchmark.
 *
 * Writes news-like briefings in the knowledge format (Markdown with YAML front matter) about
 * invented countries, cities, agencies and people. They share the general vocabulary of policy
 * reporting with the seed briefings (officials, sanctions, export controls, talks, analysts…) so
 * that they compete for the same question words, but they contain none of the seeds' specific
 * names or facts: a question about the seeds still has exactly one right passage.
 *
 * Deterministic for a seed: every briefing has its own PRNG stream derived from (seed, index),
 * so a corpus of 200 is the prefix of a corpus of 2,000 with the same seed.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Bump when the generator's output changes, so that cached corpora are regenerated. */
export const GENERATOR_VERSION = 3;

export { mulberry32, type Rng } from '../src/answer/random.js';
import { mulberry32, type Rng } from '../src/answer/random.js';

/** Mixes the corpus seed and a briefing index into one 32-bit stream seed (murmur3 finalizer). */
function mixSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** `count` distinct items, in random order. */
function pickDistinct<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = items.slice();
  const out: T[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) {
    const j = Math.floor(rng() * pool.length);
    out.push(pool[j] as T);
    pool[j] = pool[pool.length - 1] as T;
    pool.pop();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Invented world. Names are made up; none is a real country, city, agency or public figure.
// ---------------------------------------------------------------------------------------------

interface Country {
  name: string;
  adj: string;
  capital: string;
}

const COUNTRIES: readonly Country[] = [
  { name: 'Veloria', adj: 'Velorian', capital: 'Port Halvern' },
  { name: 'Drastavia', adj: 'Drastavian', capital: 'Corvassa' },
  { name: 'Kestrania', adj: 'Kestranian', capital: 'Lindrel' },
  { name: 'Ombrevia', adj: 'Ombrevian', capital: 'Mestravo' },
  { name: 'Talmar', adj: 'Talmari', capital: 'Drovna' },
  { name: 'Quennor', adj: 'Quennorian', capital: 'Saltreve' },
  { name: 'Brevoria', adj: 'Brevorian', capital: 'Varenholm' },
  { name: 'Caldessa', adj: 'Caldessan', capital: 'Teskar' },
  { name: 'Dunmarrow', adj: 'Dunmarrovian', capital: 'Brimmoor' },
  { name: 'Erevast', adj: 'Erevasti', capital: 'Qallen' },
  { name: 'Faldria', adj: 'Faldrian', capital: 'Edrith' },
  { name: 'Gorvessa', adj: 'Gorvessan', capital: 'Fennick Bay' },
  { name: 'Halcyra', adj: 'Halcyran', capital: 'Ulvessen' },
  { name: 'Jorvania', adj: 'Jorvanian', capital: 'Marrowgate' },
  { name: 'Lunestra', adj: 'Lunestran', capital: 'Cindral' },
  { name: 'Marvessa', adj: 'Marvessan', capital: 'Hollisk' },
  { name: 'Norrindal', adj: 'Norrindali', capital: 'Arvenna' },
  { name: 'Orsavia', adj: 'Orsavian', capital: 'Solvarre' },
  { name: 'Pellucia', adj: 'Pellucian', capital: 'Nethrin' },
  { name: 'Rhovenna', adj: 'Rhovennan', capital: 'Gaskellin' },
  { name: 'Selvastine', adj: 'Selvastinian', capital: 'Orlessa' },
  { name: 'Tavrenne', adj: 'Tavrennian', capital: 'Vintrav' },
  { name: 'Ulmaris', adj: 'Ulmarian', capital: 'Keldmoor' },
  { name: 'Vashtoria', adj: 'Vashtorian', capital: 'Ysterholt' },
  { name: 'Wendaria', adj: 'Wendarian', capital: 'Rovanche' },
  { name: 'Yselmar', adj: 'Yselmari', capital: 'Pellmark' },
  { name: 'Zorvania', adj: 'Zorvanian', capital: 'Duskavin' },
  { name: 'Castrelle', adj: 'Castrellan', capital: 'Merrowdene' },
  { name: 'Mirrovia', adj: 'Mirrovian', capital: 'Tolvaren' },
  { name: 'Oskavar', adj: 'Oskavari', capital: 'Brennick' },
];

/** Cities that are not capitals (ports, bases, conference venues). */
const CITIES: readonly string[] = [
  'Haldereth',
  'Corwick Sound',
  'Estravel',
  'Mirefall',
  'Quarrowmouth',
  'Tessaline',
  'Valdrecht',
  'Ombridge',
  'Saltmere',
  'Kerrowind',
  'Luskaren Harbor',
  'Draymoor',
  'Fenholt',
  'Arkavel',
  'Brannock Point',
  'Selkirren',
  'Orvane',
  'Pallister Cove',
];

const FIRST_NAMES: readonly string[] = [
  'Arden',
  'Belisa',
  'Corvin',
  'Dessa',
  'Evander',
  'Fenna',
  'Galen',
  'Halia',
  'Ilse',
  'Joren',
  'Kaelis',
  'Lio',
  'Maren',
  'Nerys',
  'Orla',
  'Petra',
  'Quill',
  'Rhosyn',
  'Soren',
  'Talia',
  'Ulric',
  'Vesna',
  'Wren',
  'Yara',
  'Zev',
  'Idris',
  'Caelan',
  'Mirela',
  'Tobin',
  'Anselm',
];

const SURNAMES: readonly string[] = [
  'Koss',
  'Varnell',
  'Ostrik',
  'Malvane',
  'Tesquel',
  'Drummere',
  'Halvorsk',
  'Brisande',
  'Celmont',
  'Dravik',
  'Esterhald',
  'Fallowin',
  'Grendahl',
  'Harrowick',
  'Ivenhart',
  'Jessarin',
  'Kovrin',
  'Lashmore',
  'Morvaine',
  'Nettleford',
  'Orrinson',
  'Pallicott',
  'Quarrell',
  'Revaskin',
  'Stallowe',
  'Thorvane',
  'Umbrecht',
  'Vellacourt',
  'Yarrowby',
  'Zelnavik',
];

const INSTITUTES: readonly string[] = [
  'Haldereth Institute for Strategic Studies',
  'Corwick Policy Forum',
  'Meridian Security Centre',
  'Saltmere Foundation for Regional Affairs',
  'Valdrecht Council on Arms Policy',
  'Orvane School of Government',
];

const OUTLETS: readonly string[] = [
  'the Meridian Wire',
  'the Corwick Ledger',
  'the Haldereth Courier',
  'the Northern Dispatch',
  'the Saltmere Gazette',
  'the Tessaline Observer',
];

const BLOCS: readonly string[] = [
  'the Meridian Pact',
  'the Northern Shield Alliance',
  'the Coastal Security Compact',
  'the Concord Assembly',
  'the Tidewater Partnership',
  'the Arkavel Accord',
];

const TOPICS: readonly string[] = [
  'naval cooperation',
  'missile technology transfers',
  'dual-use exports',
  'border security cooperation',
  'cyber defense cooperation',
  'satellite launch cooperation',
  'arms sales',
  'energy security ties',
  'maritime patrols',
  'drone development',
  'shipbuilding contracts',
  'air defense integration',
  'intelligence sharing',
  'nuclear fuel supplies',
  'port access agreements',
];

const MEASURES: readonly string[] = [
  'new export controls on dual-use electronics',
  'targeted sanctions on three shipping companies',
  'tighter screening of financial transfers',
  'a ban on the sale of drone components',
  'visa restrictions on procurement officials',
  'mandatory inspections of cargo at its ports',
  'asset freezes on two trading firms',
  'licensing requirements for machine tools',
  'a review of joint research programs',
  'limits on port calls by foreign naval vessels',
  'reporting rules for brokers of military spare parts',
];

const COMMODITIES: readonly string[] = [
  'timber',
  'copper',
  'grain',
  'fertilizer',
  'textiles',
  'machine parts',
  'nickel',
  'refined fuel',
  'cement',
  'electronics',
  'aluminum',
  'rare earths',
  'cotton',
  'fishing equipment',
];

const WEAPONS: readonly string[] = [
  'medium-range missiles',
  'coastal defense systems',
  'reconnaissance drones',
  'long-range artillery',
  'air defense radars',
  'patrol submarines',
];

const TECH: readonly string[] = [
  'satellite guidance technology',
  'advanced machine tools',
  'jet engine designs',
  'encrypted communications equipment',
  'precision navigation components',
  'composite materials for rocket casings',
];

const SITES: readonly string[] = [
  'naval base',
  'research center',
  'air base',
  'shipyard',
  'launch facility',
  'border crossing',
];

const MONTHS: readonly string[] = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const WEEKDAYS: readonly string[] = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

const SAID: readonly string[] = [
  'said',
  'stated',
  'told reporters',
  'noted',
  'argued',
  'warned',
  'emphasized',
  'insisted',
];

/**
 * The seeds' main states, used as actors in generic sentences at a low rate (and never two in
 * one sentence: every template has at most one `{X}` slot).
 */
const REAL_ACTORS: readonly string[] = ['Russia', 'North Korea', 'the United States'];
const REAL_ACTOR_RATE = 0.05;

/** A person's ways of being named within one briefing. */
interface Person {
  full: string;
  /** With rank: "Minister Koss". */
  honorific: string;
  /** First mention with role: "Arden Koss, the Velorian defense minister". */
  introduced: string;
}

interface Context {
  a: Country;
  b: Country;
  c: Country;
  d: Country;
  p: Person;
  q: Person;
  bloc: string;
  outlet: string;
  topic: string;
  source: string;
  /** Whether p and q were already introduced (first mention gives the role). */
  pSeen: boolean;
  qSeen: boolean;
}

function makeOfficial(rng: Rng, country: Country): Person {
  const full = `${pick(rng, FIRST_NAMES)} ${pick(rng, SURNAMES)}`;
  const surname = full.split(' ')[1] as string;
  const roles: ReadonlyArray<[string, string]> = [
    ['Minister', `the ${country.adj} defense minister`],
    ['Minister', `the foreign minister of ${country.name}`],
    ['Deputy Minister', `the ${country.adj} deputy foreign minister`],
    ['Envoy', `the ${country.adj} special envoy for nonproliferation`],
    ['Director', `who heads the ${country.adj} Export Control Bureau`],
    ['General', `chief of the ${country.adj} joint staff`],
    ['', `national security adviser to the ${country.adj} prime minister`],
    ['Ambassador', `the ${country.adj} ambassador to ${pick(rng, BLOCS)}`],
  ];
  const [rank, role] = pick(rng, roles);
  // Advisers go by their full name, not a rank.
  return { full, honorific: rank ? `${rank} ${surname}` : full, introduced: `${full}, ${role}` };
}

function makeAnalyst(rng: Rng): Person {
  const full = `${pick(rng, FIRST_NAMES)} ${pick(rng, SURNAMES)}`;
  const surname = full.split(' ')[1] as string;
  const institute = pick(rng, INSTITUTES);
  const role = pick(rng, [
    'a senior fellow at the',
    'a researcher at the',
    'who directs the security program at the',
  ]);
  return { full, honorific: surname, introduced: `${full}, ${role} ${institute}` };
}

function listOf(rng: Rng, items: readonly string[], count: number): string {
  const xs = pickDistinct(rng, items, count);
  return `${xs.slice(0, -1).join(', ')}, and ${xs[xs.length - 1] as string}`;
}

type Slot = (ctx: Context, rng: Rng) => string;

/** Template slots. Anything in braces in a template must be one of these. */
const SLOTS: Record<string, Slot> = {
  A: (c) => c.a.name,
  B: (c) => c.b.name,
  C: (c) => c.c.name,
  Aadj: (c) => c.a.adj,
  Badj: (c) => c.b.adj,
  Cadj: (c) => c.c.adj,
  capA: (c) => c.a.capital,
  capB: (c) => c.b.capital,
  capC: (c) => c.c.capital,
  capD: (c) => c.d.capital,
  // The rare real-world actor; otherwise a fourth invented country.
  X: (c, r) => (r() < REAL_ACTOR_RATE ? pick(r, REAL_ACTORS) : c.d.name),
  P: (c) => (c.pSeen ? c.p.honorific : ((c.pSeen = true), `${c.p.introduced},`)),
  Pintro: (c) => ((c.pSeen = true), c.p.introduced),
  Q: (c) => (c.qSeen ? c.q.honorific : ((c.qSeen = true), `${c.q.introduced},`)),
  Qintro: (c) => ((c.qSeen = true), c.q.introduced),
  bloc: (c) => c.bloc,
  outlet: (c) => c.outlet,
  topic: (c) => c.topic,
  topic2: (_c, r) => pick(r, TOPICS),
  source: (c) => c.source,
  city: (_c, r) => pick(r, CITIES),
  institute: (_c, r) => pick(r, INSTITUTES),
  measure: (_c, r) => pick(r, MEASURES),
  commodity: (_c, r) => pick(r, COMMODITIES),
  commodities: (_c, r) => listOf(r, COMMODITIES, int(r, 3, 4)),
  weapon: (_c, r) => pick(r, WEAPONS),
  tech: (_c, r) => pick(r, TECH),
  site: (_c, r) => pick(r, SITES),
  said: (_c, r) => pick(r, SAID),
  month: (_c, r) => pick(r, MONTHS),
  weekday: (_c, r) => pick(r, WEEKDAYS),
  // Never 2006: the seeds date the UN resolutions from that year.
  year: (_c, r) => {
    const y = int(r, 1994, 2020);
    return String(y >= 2006 ? y + 1 : y);
  },
  few: (_c, r) => String(int(r, 2, 9)),
  ordinal: (_c, r) => pick(r, ['second', 'third', 'fourth', 'fifth']),
  number: (_c, r) => String(int(r, 3, 48)),
  percent: (_c, r) => String(int(r, 4, 61)),
};

/** Opening sentences: who did what, where. */
const LEADS: readonly string[] = [
  '{A} is preparing {measure} aimed at limiting {topic} with {B}, officials in {capA} said on {weekday}.',
  '{Pintro}, warned that {topic} between {B} and {C} could shift the regional balance within the next {few} years.',
  'The government of {A} announced {measure} after weeks of talks with partners in {bloc}.',
  'Officials in {capA} said they are watching the growing alignment between {B} and {C} with concern.',
  '{Pintro}, used a briefing in {capA} to outline how {A} intends to respond to {topic} involving {B}.',
  'A senior {Aadj} security official said that {B} has expanded {topic} at a pace not seen in {number} years.',
  '{A} and {C} agreed on {weekday} to coordinate their response to {topic} involving {B}, according to {outlet}.',
  'The {Aadj} cabinet approved {measure} on {weekday}, citing concerns about {topic} with {B}.',
];

/** Body sentences by theme; a briefing takes its themes in a random order, like a real article. */
const BODY: ReadonlyArray<readonly string[]> = [
  // statements
  [
    '{P} {said} that the measures were designed to protect partners of {A} without closing the door to dialogue.',
    'According to {P}, the new rules will apply to {number} companies that supply components to {B}.',
    '{P} told reporters in {city} that {A} would consult {bloc} before taking further steps.',
    'The {Aadj} Ministry of Defense said the decision followed a review of {topic} over the past {number} months.',
    'In a written statement, the {Aadj} Ministry of Foreign Affairs described the allegations from {B} as baseless.',
    'The ministry in {capB} rejected the accusations and called them an attempt to distort its relations with {C}.',
    'Speaking after a meeting of {bloc}, {P} said the members agreed to share information on suspicious shipments.',
    'A spokesperson for the {Aadj} Export Control Bureau said licences for {commodity} shipments to {B} would be reviewed case by case.',
    '{P} stressed that {A} would act in concert with its partners and avoid unilateral steps.',
    'Officials declined to say which companies would be affected by the new controls.',
    'The statement from {capA} also called on {B} to return to the talks it left in {year}.',
    '{X} was briefed on the proposals, according to two officials familiar with the talks.',
    'Officials from {X} attended the meeting in {city} as observers, the ministry said.',
    '{P} declined to comment on reports that {X} had offered to mediate between the two sides.',
    'The {Badj} embassy in {capA} said it had not been consulted before the announcement.',
    '{P} said the government would publish a list of the affected entities within {few} weeks.',
  ],
  // analysis
  [
    '{Q} said the cooperation could shorten the time {B} needs to field new {weapon}.',
    'Analysts in {city} argued that the agreement gives {B} access to {tech} it could not develop alone.',
    '{Q} noted that sanctions alone rarely change the behavior of a determined government.',
    'Some analysts warned that the measures could push {B} closer to {C}.',
    'Observers note that similar steps taken in {year} had only a limited effect on {topic2}.',
    'According to {Q}, the real test will be whether members of {bloc} enforce the rules consistently.',
    'Independent experts say the threat posed by {topic2} is often overstated in public statements.',
    '{Q} described the current stance of {A} as cautious but firm.',
    'Analysts expect {B} to respond with countermeasures targeting {Aadj} exporters of {commodity}.',
    'The risk, according to {Q}, is that a cycle of retaliation could harm trade across the region.',
    'Several analysts said the timing of the announcement was linked to the upcoming summit in {city}.',
    'Researchers at the {institute} estimate that {topic2} between {B} and {C} has grown {percent} percent since {year}.',
    'Security experts say the transfer of {tech} would matter more than any single weapons sale.',
  ],
  // history and sanctions
  [
    'Since {year}, resolutions adopted by {bloc} have restricted the sale of {weapon} to {B}.',
    'Earlier rules banned imports of {commodities} from {B} and limited the number of its workers abroad.',
    'The {Aadj} parliament approved a law in {year} that prohibits the transfer of sensitive technology to {B}.',
    'In {year}, {A} and {B} signed a framework agreement on {topic2} that was later suspended.',
    'Export controls introduced by {A} in {year} cover {commodities}.',
    'The sanctions regime against {B} has been tightened {few} times since it was first introduced in {year}.',
    'Past measures capped exports of {commodity} to {B} and required inspections of cargo at {city}.',
    'Member states of {bloc} have reported {number} suspected violations of the rules since {year}.',
  ],
  // diplomacy
  [
    '{P} is expected to travel to {capC}, {capD}, and {city} later this month for talks on {topic2}.',
    'A planned meeting between the leaders of {B} and {C} at the {city} {site} has drawn attention from {Aadj} officials.',
    'The foreign ministers of {A} and {C} are scheduled to meet in {city} to discuss {topic2}.',
    'Diplomats said the talks in {city} ended without a joint statement.',
    'The two governments agreed to set up a working group on {topic2} that will meet every {few} weeks.',
    'Delegations from {number} countries attended a conference on nonproliferation in {city} in {month}.',
    '{A} has invited partners in {bloc} to a briefing on the findings next month.',
    'Envoys from {X} and {C} held separate consultations with {Aadj} officials in {capA}.',
  ],
  // military
  [
    'Satellite images reviewed by analysts show new construction at the {city} {site}.',
    'The {Badj} navy held exercises near {city} involving {number} ships and several aircraft.',
    'Officials said {B} had tested {weapon} in {month}, the {ordinal} test of its kind this year.',
    'Defense officials in {capA} said the exercises were larger than those held in {year}.',
    'Joint drills between {B} and {C} have become more frequent, according to the {Aadj} defense ministry.',
    '{bloc} plans to station additional air defense units near {city} by the end of next year.',
  ],
  // economy
  [
    'Trade between {A} and {B} fell by {percent} percent last year, according to customs data.',
    'Business groups in {capA} warned that the controls could cost exporters of {commodity} millions.',
    'The finance ministry said it would publish guidance for banks handling payments linked to {B}.',
    'Shipping firms have been asked to report any cargo of {commodity} bound for ports in {B}.',
  ],
  // the words of policy reporting, in sentences that state other facts
  [
    'Allied governments have been asked to align their export licensing timelines by {month}.',
    'Officials said the layered inspection system at {city} had caught {number} shipments of mislabeled {commodity}.',
    '{Q} said public discourse in {capA} had shifted toward a harder line on {B}.',
    'The {Badj} coast guard adopted a more assertive posture around {city} this spring.',
    'Policymakers in {capA} said the latest round of talks had produced no breakthrough.',
    'Officials warned that any provocation near the border would be met with a measured response.',
    '{P} said {A} would preserve its trade links with {C} despite the dispute.',
    'Analysts said the repercussions for regional shipping could last for several years.',
    'Coast guard units along the northern coast of {A} remain on heightened vigilance.',
    'The resolutions also prohibited {Badj} banks from opening new branches abroad.',
    'The labor ministry said {number} {Badj} workers abroad had been sent home under the new rules.',
    'Earlier reports said {B} had received technical assistance for its space program from unnamed suppliers.',
    'The comments were first reported by {outlet}.',
    'A senior official in {capA} warned that the alliance could not ignore the buildup near {city}.',
    '{A} views its defense ties with {C} as a cornerstone of its security.',
    'Members of {bloc} were briefed on the transparency measures agreed in {city}.',
    'The alignment of {Badj} and {Cadj} votes in {bloc} has drawn comment from diplomats.',
    'Officials in allied capitals said they would wait for the full report before responding.',
    'Analysts say escalation remains unlikely while the talks in {city} continue.',
    'The sanctions were intended to deter further shipments of {weapon} to {C}.',
    'The coordinated approach agreed by {bloc} includes shared watch lists of front companies.',
    'Survey markers placed along the disputed border near {city} were removed overnight, officials said.',
    'The trend toward larger and longer exercises has continued for {few} years.',
    'Officials described the position of {X} on the dispute as unchanged.',
  ],
  // strategy
  [
    'The security landscape around {A} has changed markedly over the past {few} years.',
    'Officials framed the policy as a way to preserve stability while keeping channels of communication open.',
    'The government says its response combines diplomatic pressure, financial penalties, and closer coordination with partners.',
    'Policymakers in {capA} remain focused on shipping routes, financial flows, and the transfer of know-how.',
    '{A} views the deepening ties between {B} and {C} as a long-term challenge rather than an immediate threat.',
    'The ministry said transparency with the public and with neighboring states remains a priority.',
    'Officials said {A} aims to avoid escalation while keeping the ability to act quickly if needed.',
    'The policy seeks to discourage further transfers of {tech} and to uphold commitments made under {bloc}.',
    'Lawmakers from the opposition called the measures overdue and demanded a full report by {month}.',
    'Critics argue that the government has been slow to act on warnings from its own intelligence services.',
    '{X} has not commented publicly on the {Aadj} proposals.',
  ],
];

const BODY_ALL: readonly string[] = BODY.flat();

/** Closing sentences. */
const CLOSINGS: readonly string[] = [
  'The situation remains fluid, and officials said further details would be released through official channels.',
  'Talks are expected to resume after the next session of {bloc}.',
  'The {Aadj} government has not said when the measures will take effect.',
  'Attribution: {source}.',
  'Reporting by {outlet}, with statements from officials in {capA}.',
];

const TITLES: readonly string[] = [
  '{A} Weighs New Export Controls Over {Topic} With {B}',
  '{Aadj} Officials Warn of Growing {Topic} Between {B} and {C}',
  '{A} and {C} Agree to Coordinate Response to {B}',
  'Analysts Question Impact of {Aadj} Sanctions on {B}',
  '{A} Announces Measures Targeting {Topic} With {B}',
  '{Aadj} Minister Outlines Response to {Topic} Involving {B}',
];

const SOURCES: readonly string[] = [
  '{outlet} and statements by the {Aadj} Ministry of Defense',
  'Briefings by the {Aadj} Ministry of Foreign Affairs and reporting by {outlet}',
  '{outlet} reporting and analyses by regional observers',
  'Official statements from {capA} and commentary by independent analysts',
];

function titleCase(s: string): string {
  return s.replace(/(^|[\s-])([a-z])/g, (_m, pre: string, ch: string) => pre + ch.toUpperCase());
}

function fill(template: string, ctx: Context, rng: Rng): string {
  const out = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'Topic') return titleCase(ctx.topic);
    const slot = SLOTS[name];
    if (!slot) throw new Error(`corpus: unknown slot {${name}} in template: ${template}`);
    return slot(ctx, rng);
  });
  // A first mention ("Arden Koss, the … minister,") may meet the template's own comma.
  const text = out.replace(/,,/g, ',');
  // Slots such as "the Meridian Pact" may open a sentence.
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One generated briefing. */
export interface GeneratedBriefing {
  /** File name without `.md`, e.g. `distractor-00001`. */
  id: string;
  title: string;
  source: string;
  date?: string;
  /** Paragraphs, each a list of sentences. */
  paragraphs: string[][];
  /** The whole file: front matter and body. */
  markdown: string;
}

/** The file id of the `index`-th (0-based) distractor. */
export function distractorId(index: number): string {
  return `distractor-${String(index + 1).padStart(5, '0')}`;
}

/**
 * Generates the `index`-th distractor briefing of the corpus for `seed`
 * (independent of how many briefings the corpus has).
 */
export function generateBriefing(seed: number, index: number): GeneratedBriefing {
  const rng = mulberry32(mixSeed(seed, index));
  const [a, b, c, d] = pickDistinct(rng, COUNTRIES, 4) as [Country, Country, Country, Country];
  const ctx: Context = {
    a,
    b,
    c,
    d,
    p: makeOfficial(rng, a),
    q: makeAnalyst(rng),
    bloc: pick(rng, BLOCS),
    outlet: pick(rng, OUTLETS),
    topic: pick(rng, TOPICS),
    source: '',
    pSeen: false,
    qSeen: false,
  };
  ctx.source = fill(pick(rng, SOURCES), ctx, rng);
  const title = fill(pick(rng, TITLES), ctx, rng);

  const total = int(rng, 15, 30);
  const closing = rng() < 0.7;
  const bodyCount = total - 1 - (closing ? 1 : 0);
  // Distinct templates (a real article doesn't repeat itself), grouped by theme, themes shuffled.
  const chosen = new Set(pickDistinct(rng, BODY_ALL, bodyCount));
  const themes = pickDistinct(rng, BODY, BODY.length);
  const sentences = [fill(pick(rng, LEADS), ctx, rng)];
  for (const theme of themes) for (const t of theme) if (chosen.has(t)) sentences.push(fill(t, ctx, rng));
  if (closing) sentences.push(fill(pick(rng, CLOSINGS), ctx, rng));

  const paragraphs: string[][] = [];
  for (let i = 0; i < sentences.length;) {
    const size = Math.min(int(rng, 3, 7), sentences.length - i);
    paragraphs.push(sentences.slice(i, i + size));
    i += size;
  }
  // Fold a one- or two-sentence tail into the previous paragraph.
  const last = paragraphs[paragraphs.length - 1] as string[];
  if (paragraphs.length > 1 && last.length < 3) {
    paragraphs.pop();
    (paragraphs[paragraphs.length - 1] as string[]).push(...last);
  }

  let date: string | undefined;
  if (rng() < 0.7) {
    const y = int(rng, 2018, 2025);
    const m = int(rng, 1, 12);
    const dd = int(rng, 1, 28);
    date = `${y}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  }

  // JSON strings are valid YAML double-quoted scalars.
  const front = [`title: ${JSON.stringify(title)}`, `source: ${JSON.stringify(ctx.source)}`];
  if (date) front.push(`date: ${date}`);
  const markdown = `---\n${front.join('\n')}\n---\n\n${paragraphs.map((p) => p.join(' ')).join('\n\n')}\n`;
  const out: GeneratedBriefing = { id: distractorId(index), title, source: ctx.source, paragraphs, markdown };
  if (date) out.date = date;
  return out;
}

/** Options of {@link generateCorpus}. */
export interface GenerateCorpusOptions {
  /** How many distractor briefings to write. */
  briefings: number;
  /** PRNG seed (default 42). */
  seed?: number;
  /** Folder to write into (created if missing). */
  dir: string;
}

/** What {@link generateCorpus} wrote. */
export interface CorpusStats {
  dir: string;
  /** File names written, in order. */
  files: string[];
  /** Total sentences written. */
  sentences: number;
}

/**
 * Writes `briefings` distractor briefings (`distractor-00001.md`, …) into `dir`,
 * deterministically for `seed`.
 */
export function generateCorpus({ briefings, seed = 42, dir }: GenerateCorpusOptions): CorpusStats {
  if (!Number.isInteger(briefings) || briefings < 0)
    throw new Error(`corpus: invalid briefings count ${briefings}`);
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  let sentences = 0;
  for (let i = 0; i < briefings; i++) {
    const b = generateBriefing(seed, i);
    const file = `${b.id}.md`;
    fs.writeFileSync(path.join(dir, file), b.markdown);
    files.push(file);
    for (const p of b.paragraphs) sentences += p.length;
  }
  return { dir, files, sentences };
}

interface CorpusManifest {
  version: number;
  briefings: number;
  seed: number;
  knowledgeHash: string;
  files: number;
}

/** Hash of every file in the knowledge folder (names and contents), so edits invalidate the cache. */
function hashFolder(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, `${rel}${e.name}/`);
      else if (e.isFile()) {
        h.update(`${rel}${e.name}\0`);
        h.update(fs.readFileSync(p));
        h.update('\0');
      }
    }
  };
  walk(dir, '');
  return h.digest('hex').slice(0, 12);
}

function countFiles(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n++;
  return n;
}

/**
 * A folder under `os.tmpdir()` holding a copy of the knowledge folder (briefings and
 * `aliases.yaml`) plus `briefings` distractors for `seed`. An identical folder from an earlier run
 * (same seeds, count, seed and generator version) is reused, so 20,000 files are written only once.
 * The manifest that proves a folder complete sits next to it (`<dir>.json`), not inside, so the
 * engine never sees it.
 */
export function prepareCorpusDir(knowledgeDir: string, briefings: number, seed = 42): string {
  const knowledgeHash = hashFolder(knowledgeDir);
  const dir = path.join(
    os.tmpdir(),
    `briefings-bench-${knowledgeHash}-v${GENERATOR_VERSION}-s${seed}-n${briefings}`,
  );
  const manifestPath = `${dir}.json`;
  const seedFiles = countFiles(knowledgeDir);
  const expected: CorpusManifest = {
    version: GENERATOR_VERSION,
    briefings,
    seed,
    knowledgeHash,
    files: seedFiles + briefings,
  };
  const complete = (): boolean => {
    try {
      const found = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as CorpusManifest;
      return JSON.stringify(found) === JSON.stringify(expected) && countFiles(dir) === expected.files;
    } catch {
      return false; // no (valid) manifest
    }
  };
  if (complete()) return dir;
  // Build aside and rename, so that an interrupted run never leaves a half-written corpus in place.
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.cpSync(knowledgeDir, tmp, { recursive: true });
  generateCorpus({ briefings, seed, dir: tmp });
  if (complete()) {
    // Another process finished the same corpus meanwhile: keep theirs.
    fs.rmSync(tmp, { recursive: true, force: true });
    return dir;
  }
  fs.rmSync(manifestPath, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  fs.writeFileSync(manifestPath, JSON.stringify(expected));
  removeStaleCorpora(dir, seed, briefings);
  return dir;
}

/** Removes corpora of the same seed and size built from older seeds or generator versions (20,000 files each). */
function removeStaleCorpora(current: string, seed: number, briefings: number): void {
  const pattern = new RegExp(`^briefings-bench-[0-9a-f]{12}-v\\d+-s${seed}-n${briefings}$`);
  for (const name of fs.readdirSync(os.tmpdir())) {
    const p = path.join(os.tmpdir(), name);
    if (p === current || !pattern.test(name)) continue;
    fs.rmSync(p, { recursive: true, force: true });
    fs.rmSync(`${p}.json`, { force: true });
  }
}
