/**
 * The founding demo's dataset: the RCP(b) discussion of December 1923 – January 1924 as it stood on 9 January 1924,
 * the day Stalin told ROSTA that "over 90 per cent" of the membership had endorsed the Central Committee.
 *
 * Sizes, questions, positions and local colour follow shared/reference/history-1924.md; every per-cell count is
 * synthetic (the discussion's description says so). The point of the data is the gap the demo shows: units holding
 * ~90% of the voting members adopt the CC position, yet the CC gets a visibly smaller share of the votes cast.
 *
 * Pure and deterministic: no I/O, and randomness only from seeded mulberry32 streams consumed in a fixed
 * order, so the same options always give an identical dataset.
 */
import { mulberry32, type Rng } from '../domain/random.ts';

/** kind: national | gubernia | raion | uyezd | cell, and for the army branch: army (PUR) | military-district. */
export interface DemoUnit { id: string; parentId: string | null; name: string; kind: string }
export interface DemoMember { id: string; unitId: string; name: string; email: string; status: 'member' | 'candidate' }
export interface DemoReport {
  unitId: string;
  meetingDate: string; // YYYY-MM-DD
  present: number;
  votes: Record<string, { positions: Record<string, number>; abstain: number }>;
  resolution: string;
  /** Set only on corrections: the version number of the unit's report this one replaces. */
  supersedes?: number;
}
export interface DemoDiscussion {
  id: 'd1924';
  title: string;
  description: string;
  reportingClosesAt: string;
  rules: { quorum: number; majority: 'votes-cast' };
  questions: Array<{ id: string; text: string; positions: Array<{ id: string; title: string; text?: string }> }>;
}
export interface DemoDataset {
  units: DemoUnit[]; // parents always precede their children
  members: DemoMember[];
  discussion: DemoDiscussion;
  reports: DemoReport[]; // submission order; a correction comes after the report it corrects
}

// ---------------------------------------------------------------------------------------------------------------
// Randomness



const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const normal = (r: Rng): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** Exact for small n; a rounded normal approximation above that keeps scale 1 fast. */
function binomial(r: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n < 40) {
    let k = 0;
    for (let i = 0; i < n; i++) if (r() < p) k++;
    return k;
  }
  return clamp(Math.round(n * p + normal(r) * Math.sqrt(n * p * (1 - p))), 0, n);
}

function triangular(r: Rng, lo: number, hi: number, mode: number): number {
  const u = r();
  const f = (mode - lo) / (hi - lo);
  return u < f ? lo + Math.sqrt(u * (hi - lo) * (mode - lo)) : hi - Math.sqrt((1 - u) * (hi - lo) * (hi - mode));
}

// ---------------------------------------------------------------------------------------------------------------
// Cell types. Mean sizes for workers', student and institutional cells are the reference's (a 1927 gubernia table).
// "No fewer than 50,000" cells for ~470,000 people averages ~9 a cell, which those means cannot reach, so the bulk of
// cells are small rural ones: village cells average ~4 (the party minimum was 3) and institutional cells outside the
// gubernia town ~5; that gives ~43,000 cells. Leans (the chance a voter backs the CC), turnouts and reporting rates are
// tuning knobs, not sources: they are set so that units holding ~86% of the voting members adopt the CC line while the
// CC gets only ~77% of the votes cast (the gap the demo exists to show). Small rural cells are the ones still missing
// on 9 January, which is why ~89% of cells but ~95% of voting members have reported.

type CellType = 'workers' | 'student' | 'institutional' | 'village' | 'army';

interface TypeSpec {
  mean: number; min: number; sigma: number; // lognormal size above `min`
  candidates: number; // share of non-voting candidates
  reported: number; // chance the cell has reported by 9 Jan
  inquorate: number; // chance the meeting fell short of half the roll
  turnout: number; // mean share of the voting roll present at a quorate meeting
  unanimous: number; // chance the whole cell voted as one (for the CC) - typical of small village cells
  lean: number; spread: number; // otherwise: mean and cell-to-cell spread of the CC share
  label: string; places: readonly string[];
}

const TYPES: Record<CellType, TypeSpec> = {
  workers: { mean: 53, min: 5, sigma: 0.8, candidates: 0.22, reported: 0.995, inquorate: 0.015, turnout: 0.72, unanimous: 0.02, lean: 0.68, spread: 0.04,
    label: "Workers' cell", places: ['metal works', 'textile mill', 'railway depot', 'printing works', 'mine', 'tannery', 'sugar refinery', 'glass works', 'sawmill', 'power station'] },
  student: { mean: 42, min: 5, sigma: 0.6, candidates: 0.1, reported: 0.995, inquorate: 0.015, turnout: 0.82, unanimous: 0, lean: 0.6, spread: 0.1,
    label: 'Student cell', places: ['university', 'technical institute', "workers' faculty", 'communist university', 'medical institute', 'agricultural institute'] },
  institutional: { mean: 36, min: 3, sigma: 0.6, candidates: 0.12, reported: 0.995, inquorate: 0.015, turnout: 0.68, unanimous: 0.02, lean: 0.68, spread: 0.04,
    label: 'Institutional cell', places: ['executive committee', 'trade department', 'cooperative', 'post and telegraph', 'finance department', 'state trust', 'hospital', 'militia', 'education department'] },
  village: { mean: 4, min: 3, sigma: 0.9, candidates: 0.2, reported: 0.83, inquorate: 0.03, turnout: 0.55, unanimous: 0.9, lean: 0.9, spread: 0.06,
    label: 'Village cell', places: ['volost'] },
  army: { mean: 22, min: 3, sigma: 0.7, candidates: 0.22, reported: 0.98, inquorate: 0.015, turnout: 0.78, unanimous: 0.02, lean: 0.63, spread: 0.04,
    label: 'Army cell', places: ['rifle regiment', 'cavalry regiment', 'artillery battalion', 'military school', 'GPU troops battalion', 'naval crew', 'divisional staff'] },
};
const CITY_TYPES = ['workers', 'student', 'institutional'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Gubernia-level units: [id suffix, name, relative size, profile]. Sizes are rough period proportions, rescaled so the
// civil total is ~412k at scale 1 (plus ~58k in the Red Army and GPU troops, under PUR below): ~470k in all.
// Profiles: C capital, I industrial, U agrarian with a university, A agrarian, R remote/national (reports later).

type Profile = 'C' | 'I' | 'U' | 'A' | 'R';
const MIX: Record<Profile, Record<Exclude<CellType, 'army'>, number>> = {
  C: { workers: 0.36, student: 0.2, institutional: 0.38, village: 0.06 },
  I: { workers: 0.36, student: 0.04, institutional: 0.38, village: 0.22 },
  U: { workers: 0.16, student: 0.14, institutional: 0.44, village: 0.26 },
  A: { workers: 0.12, student: 0.02, institutional: 0.56, village: 0.3 },
  R: { workers: 0.1, student: 0.03, institutional: 0.55, village: 0.32 },
};

const GUBERNIAS: ReadonlyArray<readonly [string, string, number, Profile]> = [
  ['moskva', 'Moscow', 52, 'C'], ['petrograd', 'Petrograd', 30, 'C'], ['ivanovo', 'Ivanovo-Voznesensk', 10, 'I'],
  ['vladimir', 'Vladimir', 7, 'I'], ['tver', 'Tver', 7, 'A'], ['yaroslavl', 'Yaroslavl', 7, 'I'], ['kostroma', 'Kostroma', 5, 'A'],
  ['tula', 'Tula', 8, 'I'], ['ryazan', 'Ryazan', 6, 'A'], ['kaluga', 'Kaluga', 4, 'A'], ['smolensk', 'Smolensk', 6, 'A'],
  ['bryansk', 'Bryansk', 6, 'I'], ['orel', 'Orel', 6, 'A'], ['kursk', 'Kursk', 6, 'A'], ['voronezh', 'Voronezh', 8, 'U'],
  ['tambov', 'Tambov', 7, 'A'], ['penza', 'Penza', 4, 'A'], ['nizhny', 'Nizhny Novgorod', 9, 'I'], ['vyatka', 'Vyatka', 6, 'A'],
  ['perm', 'Perm', 8, 'I'], ['yekaterinburg', 'Yekaterinburg', 10, 'I'], ['chelyabinsk', 'Chelyabinsk', 5, 'A'],
  ['samara', 'Samara', 8, 'I'], ['simbirsk', 'Simbirsk', 4, 'A'], ['saratov', 'Saratov', 8, 'U'], ['tsaritsyn', 'Tsaritsyn', 5, 'I'],
  ['astrakhan', 'Astrakhan', 4, 'A'], ['tatar', 'Tatar Republic (Kazan)', 7, 'U'], ['bashkir', 'Bashkir Republic (Ufa)', 8, 'R'],
  ['pskov', 'Pskov', 4, 'A'], ['novgorod', 'Novgorod', 4, 'A'], ['cherepovets', 'Cherepovets', 3, 'A'], ['vologda', 'Vologda', 4, 'A'],
  ['sev-dvina', 'Severo-Dvinsk', 2, 'A'], ['arkhangelsk', 'Arkhangelsk', 3, 'A'], ['karelia', 'Karelia (Petrozavodsk)', 2, 'R'],
  ['votyak', 'Votyak (Izhevsk)', 2, 'R'], ['chuvash', 'Chuvash (Cheboksary)', 2, 'R'], ['gomel', 'Gomel', 5, 'A'],
  ['omsk', 'Omsk', 7, 'U'], ['novonikolaevsk', 'Novonikolayevsk', 5, 'A'], ['altai', 'Altai', 4, 'A'], ['tomsk', 'Tomsk', 5, 'U'],
  ['yenisei', 'Yenisei', 4, 'A'], ['irkutsk', 'Irkutsk', 5, 'U'], ['far-east', 'Far Eastern oblast (Chita)', 6, 'R'],
  ['don', 'Don (Rostov)', 9, 'I'], ['kuban', 'Kuban-Black Sea', 7, 'A'], ['stavropol', 'Stavropol', 3, 'A'], ['terek', 'Terek', 3, 'A'],
  ['gorskaya', 'Mountain Republic (Vladikavkaz)', 2, 'R'], ['dagestan', 'Dagestan (Makhachkala)', 2, 'R'],
  ['crimea', 'Crimea (Simferopol)', 5, 'U'], ['kirghiz', 'Kirghiz Republic (Orenburg)', 6, 'R'], ['turkestan', 'Turkestan (Tashkent)', 8, 'R'],
  ['azerbaijan', 'Azerbaijan (Baku)', 8, 'I'], ['georgia', 'Georgia (Tiflis)', 7, 'R'], ['armenia', 'Armenia (Erivan)', 3, 'R'],
  ['belorussia', 'Belorussia (Minsk)', 6, 'A'], ['kharkov', 'Kharkov', 8, 'U'], ['kiev', 'Kiev', 7, 'U'], ['odessa', 'Odessa', 6, 'U'],
  ['yekaterinoslav', 'Yekaterinoslav', 7, 'I'], ['donetsk', 'Donetsk (Bakhmut)', 10, 'I'], ['poltava', 'Poltava', 4, 'A'],
  ['chernigov', 'Chernigov', 3, 'A'], ['podolia', 'Podolia', 3, 'A'], ['volhynia', 'Volhynia', 2, 'A'], ['nikolaev', 'Nikolaev', 3, 'I'],
];
/** Members and candidates outside the army at scale 1; the weights above are rescaled to sum to this. */
const CIVIL_TOTAL = 412_000;
const WEIGHT_SUM = GUBERNIAS.reduce((n, g) => n + g[2], 0);

/** Gubernias with named sub-units, city districts, and the local colour the reference records. */
interface Special {
  raions?: readonly string[]; uyezds?: readonly string[];
  cityShare?: number; // share of workers'/student/institutional cells that sit in the city districts
  lean?: Partial<Record<CellType, number>>; // gubernia-wide CC lean by cell type
  cityLean?: number; // lean of every cell in the city districts (overrides `lean`)
}
const UKRAINE = new Set(['kharkov', 'kiev', 'odessa', 'yekaterinoslav', 'donetsk', 'poltava', 'chernigov', 'podolia', 'volhynia', 'nikolaev']);
const SPECIAL: Record<string, Special> = {
  // Opposition "less than a fifth" in workers' cells, much higher in VUZ cells, about a third overall.
  moskva: { raions: ['Baumansky', 'Zamoskvoretsky', 'Krasnopresnensky', 'Khamovnichesky', 'Rogozhsko-Simonovsky', 'Sokolnichesky'],
    uyezds: ['Bogorodsk', 'Serpukhov', 'Kolomna', 'Orekhovo-Zuevo', 'Podolsk'], cityShare: 0.85, lean: { workers: 0.82, institutional: 0.64, student: 0.45 } },
  // Zinoviev's organisation held firm; the one loud exception is the student cell recounted below.
  petrograd: { raions: ['Vyborgsky', 'Moskovsko-Narvsky', 'Vasileostrovsky', 'Petrogradsky', 'Volodarsky', 'Tsentralny'],
    uyezds: ['Luga', 'Kingisepp', 'Novaya Ladoga'], cityShare: 0.85, lean: { workers: 0.88, institutional: 0.8, student: 0.72 } },
  // City meeting: CC 313 to 244 (56%); the uyezds backed the CC.
  vyatka: { raions: ['Vyatka city'], uyezds: ['Vyatka', 'Slobodskoy', 'Kotelnich', 'Nolinsk', 'Urzhum', 'Yaransk'], cityShare: 0.25, cityLean: 0.56 },
  // Almost all city districts went over to the opposition for a while; the uyezds backed the CC.
  irkutsk: { raions: ['', '', ''],
    uyezds: ['Irkutsk', 'Balagansk', 'Verkholensk', 'Kirensk', 'Nizhneudinsk'], cityShare: 0.6, cityLean: 0.36 },
  kharkov: { raions: ['', '', ''], cityShare: 0.6 }, // '' = an unnamed city district
  kiev: { raions: ['', '', ''], cityShare: 0.6 },
};

// The army's party organisation answered to PUR, not to the gubkoms. After circular No. 200 (24 Dec 1923) army cells
// discussed freely; the Moscow garrison and academies leaned furthest to the opposition.
const PUR_DISTRICTS: ReadonlyArray<readonly [string, string, number, number]> = [
  ['mvo', 'Moscow Military District', 8, 0.58], ['pvo', 'Petrograd Military District', 6, 0.72], ['zf', 'Western Front', 7, 0.66],
  ['ukr', 'Armed Forces of Ukraine and Crimea', 10, 0.7], ['skvo', 'North Caucasus Military District', 5, 0.72],
  ['pri', 'Volga Military District', 3, 0.7], ['sib', 'Siberian Military District', 4, 0.68], ['tf', 'Turkestan Front', 4, 0.72],
  ['kka', 'Separate Caucasian Army', 4, 0.72], ['flot', 'Red Fleet', 2, 0.64], ['gpu', 'GPU troops', 5, 0.74],
];

// ---------------------------------------------------------------------------------------------------------------
// The discussion

const DESCRIPTION =
  'The inner-party discussion of the RCP(b), December 1923 – January 1924, as it stood on 9 January 1924, when J. V. ' +
  'Stalin told ROSTA that the resolutions received showed the Central Committee endorsed by "over 90 per cent of the ' +
  'entire R.C.P.(B.) membership". Cells voted on two questions; the 13th Party Conference (16–18 January 1924) summed ' +
  'up. Compare the share of members in units that adopted a position with the share of votes actually cast for it, ' +
  'turnout and coverage. Illustration: the branch votes are synthetic, not historical counts.';

const CC_TITLE = 'Central Committee';
const OPP_TITLE = 'The opposition (Declaration of the 46; The New Course)';

function discussion(reportingClosesAt: string): DemoDiscussion {
  return {
    id: 'd1924',
    title: 'Party building and the New Course (RCP(b) discussion, 1923–24)',
    description: DESCRIPTION,
    reportingClosesAt,
    rules: { quorum: 0.5, majority: 'votes-cast' },
    questions: [
      { id: 'q1', text: 'Should the party be a single, self-acting body with a single will, or should separate factions and groupings be allowed?',
        positions: [
          { id: 'cc', title: CC_TITLE, text: 'A single, self-acting party with a single will: workers\' democracy within the party as set out in the CC and CCC resolution of 5 December 1923, with the 1921 ban on factions and groupings upheld.' },
          { id: 'opp', title: OPP_TITLE, text: 'Against the "secretarial" regime of appointment from above: elected officials, free criticism, and no suppressing groupings of opinion by decree, which a bureaucratic regime itself breeds.' },
        ] },
      { id: 'q2', text: 'Has the New Economic Policy justified itself, or does it need revision?',
        positions: [
          { id: 'cc', title: CC_TITLE, text: 'NEP has justified itself; the course set by the 12th Congress stands and is not to be revised.' },
          { id: 'opp', title: OPP_TITLE, text: 'The 1923 sales crisis (the "scissors") shows the cost of drift: the course needs correcting towards planned state industry led by Gosplan.' },
        ] },
    ],
  };
}

const RESOLUTIONS = {
  cc: [
    'The cell endorses the CC and CCC resolution on party building and condemns factionalism.',
    'The meeting approves the line of the Central Committee and rejects the platform of the opposition.',
    'The cell endorses the CC resolution on party building; the unity of the party above all.',
  ],
  ccNep: ['The cell approves the line of the CC: NEP has justified itself and needs no revision.'],
  opp: [
    'The cell supports the proposals of the 46 and comrade Trotsky\'s "New Course"; an end to appointment from above.',
    'The meeting demands real workers\' democracy in the party and the election of all secretaries.',
  ],
  none: ['No majority for either draft; both are forwarded to the district committee.'],
  inquorate: ['Meeting not quorate; the votes are recorded for information only.'],
};

// ---------------------------------------------------------------------------------------------------------------
// Names

const MEN = ['Ivan', 'Pyotr', 'Nikolai', 'Aleksei', 'Sergei', 'Vasily', 'Mikhail', 'Fyodor', 'Grigory', 'Andrei', 'Dmitry', 'Yakov',
  'Semyon', 'Pavel', 'Stepan', 'Timofei', 'Matvei', 'Yegor', 'Konstantin', 'Aleksandr', 'Boris', 'Lev', 'Iosif', 'Kliment', 'Anton'];
const WOMEN = ['Anna', 'Maria', 'Yelena', 'Olga', 'Praskovya', 'Yevdokia', 'Klavdia', 'Varvara', 'Nadezhda', 'Aleksandra'];
const SURNAMES = ['Ivanov', 'Smirnov', 'Kuznetsov', 'Popov', 'Vasilyev', 'Petrov', 'Sokolov', 'Mikhailov', 'Novikov', 'Fyodorov',
  'Morozov', 'Volkov', 'Alekseev', 'Lebedev', 'Semyonov', 'Yegorov', 'Pavlov', 'Kozlov', 'Stepanov', 'Nikolaev', 'Orlov', 'Andreev',
  'Makarov', 'Nikitin', 'Zakharov', 'Zaitsev', 'Solovyov', 'Borisov', 'Yakovlev', 'Grigoryev', 'Romanov', 'Vorobyov', 'Sergeev',
  'Frolov', 'Belov', 'Gusev', 'Titov', 'Kiselyov', 'Karpov', 'Tarasov'];
const INITIALS = 'ABVGDEZIKLMNOPRSTFY';

function personName(r: Rng): string {
  const woman = r() < 0.08; // women were ~8% of the party in 1924
  const surname = pick(r, SURNAMES);
  return `${woman ? pick(r, WOMEN) : pick(r, MEN)} ${INITIALS[Math.floor(r() * INITIALS.length)]}. ${woman ? `${surname}a` : surname}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Structure planning: the committee tree is fixed (its own PRNG stream, independent of scale and seed); cells scale.

interface Plan { type: CellType; size: number; lean: number; unanimous: number; special?: 'recount' }
/** Where a new cell goes; rural institutional cells override the type's size and lean. */
interface Placement { sub: Sub; mean?: number; lean?: number; unanimous?: number }
interface Sub { unit: DemoUnit; late: boolean; early: boolean; lean: Partial<Record<CellType, number>>; cells: Plan[] }
interface Branch { unit: DemoUnit; staff: number; subs: Sub[] }

function sampleSize(r: Rng, spec: TypeSpec, mean = spec.mean): number {
  const mu = Math.log(mean - spec.min) - (spec.sigma * spec.sigma) / 2;
  return Math.min(1500, spec.min + Math.round(Math.exp(mu + spec.sigma * normal(r))));
}

/** Cells of one type until their members reach `target`; `place` picks the sub-unit and may change the mean size. */
function fillCells(r: Rng, type: CellType, target: number, place: () => Placement): void {
  let total = 0;
  for (;;) {
    const { sub, mean, lean, unanimous } = place();
    const size = sampleSize(r, TYPES[type], mean);
    if (total + size / 2 > target) return;
    total += size;
    sub.cells.push({ type, size, lean: lean ?? sub.lean[type] ?? TYPES[type].lean, unanimous: unanimous ?? TYPES[type].unanimous });
  }
}

function planBranches(scale: number, seed: number): Branch[] {
  const s = mulberry32(1924); // committee tree: its own fixed stream, so it is the same for every scale and seed
  const r = mulberry32(seed); // cell stream
  const branches: Branch[] = [];
  const sub = (id: string, parentId: string, name: string, kind: string, extra: Partial<Sub> = {}): Sub =>
    ({ unit: { id, parentId, name, kind }, late: false, early: false, lean: {}, cells: [], ...extra });

  for (const [slug, name, weight, profile] of GUBERNIAS) {
    const sp = SPECIAL[slug] ?? {};
    const gid = `g-${slug}`;
    // Republics and oblasts had regional committees; Ukraine had replaced uyezds by okrugs during 1923.
    const regional = profile === 'R' || /Republic|oblast/.test(name);
    const unit: DemoUnit = { id: gid, parentId: 'cc', name: `${name} ${regional ? 'regional' : 'gubernia'} committee`, kind: 'gubernia' };
    const town = /\((.+)\)/.exec(name)?.[1] ?? name;
    const district = UKRAINE.has(slug) ? 'okrug' : 'uyezd';
    const late = profile === 'R';
    const early = profile === 'C';
    const raionName = (rn: string, i: number): string =>
      rn ? `${rn} district committee${rn.includes(town) ? '' : ` (${town})`}` : `City district committee No. ${i + 1} (${town})`;
    const raions = (sp.raions ?? []).map((rn, i) => sub(`${gid}-r${i + 1}`, gid, raionName(rn, i), 'raion',
      { early, lean: { ...sp.lean, ...(sp.cityLean ? { workers: sp.cityLean, student: sp.cityLean, institutional: sp.cityLean } : {}) } }));
    const uyezdNames = sp.uyezds ?? Array.from({ length: int(s, 5, 8) - raions.length }, (_, i) => (i === 0 ? town : ''));
    const uyezds = uyezdNames.map((un, i) => sub(`${gid}-u${i + 1}`, gid,
      un ? `${un} ${district} committee` : `${district === 'okrug' ? 'Okrug' : 'Uyezd'} committee No. ${i + 1} (${town})`, 'uyezd', { late, lean: { ...sp.lean } }));
    const staff = s() < 0.15 || profile === 'C' ? int(s, 2, 6) : 0; // a few gubkoms keep staff on their own books
    branches.push({ unit, staff, subs: [...raions, ...uyezds] });

    const mix = MIX[profile];
    const cityShare = sp.cityShare ?? 0;
    const townUyezd = uyezds[0] as Sub;
    const members = (weight / WEIGHT_SUM) * CIVIL_TOTAL * scale;
    // Town cells go to the city districts (if any) or mostly to the gubernia town's uyezd. Institutional cells are
    // mostly rural: a handful of officials of a volost executive committee or cooperative, who follow the gubkom.
    for (const type of CITY_TYPES) {
      const townShare = type === 'institutional' ? 0.1 : 0.5;
      fillCells(r, type, members * mix[type], () => {
        if (raions.length > 0 && r() < cityShare) return { sub: pick(r, raions) };
        const u = r() < townShare ? townUyezd : pick(r, uyezds);
        return u === townUyezd || type !== 'institutional' ? { sub: u } : { sub: u, mean: 5, lean: 0.85, unanimous: 0.35 };
      });
    }
    fillCells(r, 'village', members * mix.village, () => ({ sub: pick(r, uyezds) }));
  }

  // The "same cell, two counts" case: a ~400-strong Petrograd VUZ cell, recounted after protests (see reports).
  const vas = branches.find((b) => b.unit.id === 'g-petrograd')?.subs.find((x) => x.unit.id === 'g-petrograd-r3');
  if (vas) vas.cells.unshift({ type: 'student', size: 440, lean: 0.9, unanimous: 0, special: 'recount' });

  const pur: Branch = { unit: { id: 'pur', parentId: 'cc', name: 'Political Administration of the Red Army (PUR)', kind: 'army' }, staff: 0, subs: [] };
  for (const [slug, name, weight, lean] of PUR_DISTRICTS) {
    const d = sub(`pur-${slug}`, 'pur', `${name}, political department`, 'military-district', { lean: { army: lean } });
    pur.subs.push(d);
    fillCells(r, 'army', weight * 1000 * scale, () => ({ sub: d }));
  }
  branches.push(pur);
  return branches;
}

// ---------------------------------------------------------------------------------------------------------------
// Meetings and reports

const FIRST_DAY = Date.UTC(1923, 11, 10); // day 0 = 10 Dec 1923; day 30 = 9 Jan 1924, the demo's "today"
const LAST_DAY = 30;
const NEW_YEAR = 22; // 1 Jan 1924: a holiday, no meetings
const DATES = Array.from({ length: LAST_DAY + 1 }, (_, d) => new Date(FIRST_DAY + d * 86_400_000).toISOString().slice(0, 10));
const dateOf = (day: number): string => DATES[day] as string;

function meetingDay(r: Rng, type: CellType, sub: Sub): number {
  // The capitals argued first (Moscow from mid-December); villages and remote regions met late.
  const d = sub.early && type !== 'village' ? triangular(r, 1, LAST_DAY + 1, 12)
    : type === 'village' || sub.late ? triangular(r, 6, LAST_DAY + 1, 25)
    : triangular(r, 3, LAST_DAY + 1, 18);
  const day = Math.min(LAST_DAY, Math.floor(d));
  return day === NEW_YEAR ? meetingDay(r, type, sub) : day;
}

type Votes = DemoReport['votes'];

function questionVotes(r: Rng, present: number, lean: number, abstainRate: number): { positions: Record<string, number>; abstain: number } {
  const abstain = binomial(r, present, abstainRate);
  const cast = present - abstain - binomial(r, present - abstain, 0.02); // a few present do not vote at all
  const cc = binomial(r, cast, lean);
  return { positions: { cc, opp: cast - cc }, abstain };
}

function resolutionFor(r: Rng, votes: Votes, quorate: boolean): string {
  const q1 = votes.q1?.positions;
  if (!quorate || !q1) return pick(r, RESOLUTIONS.inquorate);
  const cc = q1.cc ?? 0;
  const opp = q1.opp ?? 0;
  if (cc > opp) return votes.q2 && r() < 0.3 ? pick(r, RESOLUTIONS.ccNep) : pick(r, RESOLUTIONS.cc);
  return opp > cc ? pick(r, RESOLUTIONS.opp) : pick(r, RESOLUTIONS.none);
}

interface Pending { key: number; report: DemoReport }

/** One cell's meeting, if it has reported by 9 Jan; plus, rarely, a later corrected count of the same minutes. */
function cellReports(r: Rng, unitId: string, plan: Plan, sub: Sub, roll: number, out: Pending[]): void {
  const spec = TYPES[plan.type];
  if (r() >= spec.reported * (sub.late ? 0.95 : 1)) return;
  const day = meetingDay(r, plan.type, sub);
  const quorate = r() >= spec.inquorate;
  const minQuorate = Math.ceil(roll / 2);
  const present = quorate
    ? clamp(Math.round(roll * (spec.turnout + 0.12 * normal(r))), minQuorate, roll)
    : int(r, 1, Math.max(1, minQuorate - 1));
  let lean = r() < plan.unanimous ? 1 : clamp(plan.lean + spec.spread * normal(r), 0.02, 1);
  // Small meetings mostly vote as a block behind their majority rather than splitting down the middle.
  if (present <= 8 && r() < 0.5) lean = lean >= 0.5 ? 1 : 0;
  const abstainRate = plan.type === 'village' ? 0.01 : 0.03;
  const votes: Votes = { q1: questionVotes(r, present, lean, abstainRate) };
  // Most meetings also voted on NEP, where the CC did a little better; ~15% took only the party-building question.
  if (r() >= 0.15) votes.q2 = questionVotes(r, present, lean === 1 || lean === 0 ? lean : clamp(lean + 0.04 + 0.05 * normal(r), 0.02, 1), abstainRate);
  const submitted = Math.min(LAST_DAY, day + Math.floor(-Math.log(1 - r()) * 1.2));
  const key = submitted + r() * 0.99;
  out.push({ key, report: { unitId, meetingDate: dateOf(day), present, votes, resolution: resolutionFor(r, votes, quorate) } });

  // ~0.5%: the district sends back the minutes and the cell re-counts (votes moved between positions).
  const q1 = votes.q1 as { positions: Record<string, number>; abstain: number };
  const cc = q1.positions.cc ?? 0;
  const opp = q1.positions.opp ?? 0;
  if (quorate && submitted <= 26 && cc + opp > 0 && r() < 0.005) {
    const n = 1 + Math.floor((cc + opp) * 0.1 * r());
    // Positive shift: votes move from cc to opp. Move whichever way there are votes to move.
    const shift = opp === 0 || (cc > 0 && r() < 0.5) ? Math.min(n, cc) : -Math.min(n, opp);
    const fixed: Votes = { ...votes, q1: { positions: { cc: cc - shift, opp: opp + shift }, abstain: q1.abstain } };
    out.push({ key: key + 0.5 + r() * 3, report: { unitId, meetingDate: dateOf(day), present, votes: fixed,
      resolution: `${resolutionFor(r, fixed, true)} (Corrected count.)`, supersedes: 1 } });
  }
}

/** The Leningrad (until 26 Jan 1924 Petrograd) student cell: officially 37 oppositionists of ~400; a re-vote gave ~40%. */
function recountReports(unitId: string, roll: number, out: Pending[]): void {
  const present = Math.min(roll, 372);
  out.push({ key: 9.3, report: { unitId, meetingDate: dateOf(8), present,
    votes: { q1: { positions: { cc: present - 37 - 6, opp: 37 }, abstain: 6 } },
    resolution: 'The cell endorses the CC resolution on party building. (Students protest that the vote was rushed.)' } });
  const opp = Math.round((present - 8) * 0.4);
  out.push({ key: 18.4, report: { unitId, meetingDate: dateOf(17), present,
    votes: { q1: { positions: { cc: present - 8 - opp, opp }, abstain: 8 } },
    resolution: 'Re-vote after protests: the CC resolution carries, with two-fifths for the opposition.', supersedes: 1 } });
}

// ---------------------------------------------------------------------------------------------------------------

export function generate1924(
  opts: { scale: number; seed?: number; reportingClosesAt: string },
  onProgress?: (done: number, total: number) => void,
): DemoDataset {
  const { scale, seed = 1924, reportingClosesAt } = opts;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new RangeError(`scale must be in (0, 10], got ${scale}`);
  const branches = planBranches(scale, seed);
  const r = mulberry32(seed ^ 0x1924abcd); // member and meeting stream
  const total = branches.reduce((n, b) => n + b.subs.reduce((m, s) => m + s.cells.length, 0), 0);
  onProgress?.(0, total);

  const units: DemoUnit[] = [{ id: 'cc', parentId: null, name: 'Central Committee of the RCP(b)', kind: 'national' }];
  const members: DemoMember[] = [];
  const pending: Pending[] = [];
  const addMember = (unitId: string, status: DemoMember['status']): void => {
    const id = `m${members.length + 1}`;
    members.push({ id, unitId, name: personName(r), email: `${id}@example.org`, status });
  };

  let done = 0;
  for (const branch of branches) {
    units.push(branch.unit);
    for (let i = 0; i < branch.staff; i++) addMember(branch.unit.id, 'member');
    for (const sub of branch.subs) {
      units.push(sub.unit);
      const counters = new Map<CellType, number>();
      sub.cells.forEach((plan, i) => {
        const spec = TYPES[plan.type];
        const n = (counters.get(plan.type) ?? 0) + 1;
        counters.set(plan.type, n);
        const id = `${sub.unit.id}-c${i + 1}`;
        const place = plan.type === 'village' ? `volost ${1 + Math.floor(r() * 20)}` : pick(r, spec.places);
        units.push({ id, parentId: sub.unit.id, name: `${spec.label} No. ${n} (${place})`, kind: 'cell' });
        // A cell needs at least three full members (party rules), so small cells rarely carry candidates.
        const roll = Math.max(Math.min(plan.size, 3), plan.size - binomial(r, plan.size, spec.candidates));
        for (let k = 0; k < plan.size; k++) addMember(id, k < roll ? 'member' : 'candidate');
        if (plan.special === 'recount') recountReports(id, roll, pending);
        else cellReports(r, id, plan, sub, roll, pending);
        if (++done % 2000 === 0) onProgress?.(done, total);
      });
    }
  }
  onProgress?.(total, total);

  pending.sort((a, b) => a.key - b.key); // keys are distinct floats; a correction's key exceeds its original's
  return { units, members, discussion: discussion(reportingClosesAt), reports: pending.map((p) => p.report) };
}
