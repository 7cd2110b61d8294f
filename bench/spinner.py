"""An article "spinner" like the ones content farms run over copied news.

Farm copies swap words one by one for dictionary synonyms without reading the context, so "law
enforcement" becomes "regulation enforcement", a first name that is also a word gets translated
("Grace" -> "Elegance") and digits get spelled out ("3,000" -> "three,000"). `spin` does that
at a controlled rate; `reorder_sentences` and `add_boilerplate` add the other farm habits.

The synonym table below is our own and is tuned to the vocabulary of `bench.newsgen`, so that
well over a third of a generated report's word tokens have a replacement.

Usage::

    rng = random.Random(1)
    copy = spin(report.text, 0.2, rng)
    copy = add_boilerplate(reorder_sentences(copy, rng), rng)
    title = spin_title(report.title, 0.2, rng)
"""

from __future__ import annotations

import random
import re

from bench.newsgen import related_headlines, split_sentences

# word: replacements. One line per entry; a replacement may be two words.
_SYNONYM_TABLE = """
said: stated, mentioned, reported, noted, declared
told: informed, instructed, advised, knowledgeable
saying: stating, declaring, mentioning
say: state, declare, point out
says: states, declares, notes
media: press, shops, channels
government: authorities, administration, authorities
people: individuals, folks, persons, residents
issue: problem, matter, subject, downside
years: yrs, many years, seasons
according: in accordance, in keeping
social: societal, communal, social-media
time: second, interval, occasion
local: native, regional, neighbourhood
data: knowledge, information, figures
after: following, after that, subsequent to
reporters: journalists, newshounds, correspondents
public: general public, community, open
speaking: talking, chatting, addressing
first: initial, very first, earliest
about: roughly, regarding, approximately, round
news: information, headlines, reports
expected: anticipated, predicted, envisioned
some: a few, certain, a number of
before: prior to, earlier than, ahead of
since: as, given that, ever since
but: however, nevertheless, yet
details: particulars, specifics, information
ministry: division, department, ministry workplace
energy: vitality, power, electricity
through: by way of, via, by means of
several: a number of, numerous, various
every: each, each single, all
minister: secretary, official, chief
police: regulation enforcement, cops, law enforcement
fire: hearth, blaze, flame
agency: company, bureau, organisation
while: whereas, whilst, even as
users: customers, consumers, clients
statement: assertion, announcement, declaration
political: governmental, partisan, policy
health: well being, wellness, medical
coming: upcoming, forthcoming, approaching
officials: authorities, officers, representatives
spread: unfold, circulated, distributed
year: yr, twelve months, annum
minutes: mins, moments, minutes time
hours: hrs, several hours, time
within: inside, inside of, throughout
analysts: specialists, consultants, observers
next: subsequent, following, coming
costs: prices, bills, expenses
post: submit, publish, message
border: frontier, boundary, border line
near: close to, close to, nearby
most: many of, the bulk of, nearly all
cost: price, expense, charge
defence: protection, safety, defense
prices: costs, charges, rates
evening: night, night time, nightfall
major: main, key, important
could: might, may, may possibly
keep: maintain, preserve, retain
many: numerous, plenty of, lots of
bank: financial institution, lender, bank branch
official: formal, authorized, authorities
end: finish, conclusion, close
week: seven days, weekly interval
rise: increase, improve, climb
further: additional, extra, more
quoted: cited, quoted as, referenced
central: central, main, primary
become: turn out to be, grow to be, turn into
concern: fear, worry, concern
observers: onlookers, watchers, commentators
between: amongst, among, in between
company: firm, agency, business
long: lengthy, extended, prolonged
strike: walkout, stoppage, strike action
inflation: value rises, price growth, inflation price
vaccination: vaccine, immunisation, jab
protection: safety, safeguarding, security
weeks: weeks time, several weeks
across: throughout, all through, over
day: date, working day, daytime
protest: demonstration, rally, objection
union: union, association, guild
water: water, liquid, aqua
quickly: rapidly, shortly, swiftly
today: at present, right now, these days
working: working, operating, labouring
clear: clear, evident, apparent
launch: start, launching, liftoff
whether: if, whether or not
customers: clients, shoppers, prospects
rail: railway, train, railroad
satellite: spacecraft, orbiter, satellite tv for pc
asked: requested, questioned, inquired
note: observe, notice, point out
increasingly: more and more, progressively, ever more
sensitive: delicate, touchy, sensitive
security: safety, safety, protection
state: state, nation, government
around: round, about, roughly
later: afterward, afterwards, subsequently
now: now, presently, currently
until: till, until eventually, up until
grown: grown, turn into, developed
month: month, four weeks, calendar month
part: half, portion, section
workers: staff, employees, labourers
regional: regional, local, provincial
help: assist, aid, support
showed: confirmed, revealed, demonstrated
countries: international locations, nations, states
called: referred to as, known as, termed
take: take, get, seize
closely: intently, carefully, closely
shared: shared, circulated, posted
mission: mission, venture, operation
services: companies, providers, services
group: group, team, collective
last: final, last, previous
homes: houses, residences, households
national: nationwide, national, country
strong: robust, powerful, sturdy
without: with out, without having, lacking
response: response, reply, reaction
real: actual, real, genuine
schools: colleges, faculties, schools
decision: choice, determination, ruling
released: launched, released, issued
hospital: hospital, clinic, medical centre
chief: chief, head, boss
set: set, established, fixed
much: much, a lot, significantly
foreign: international, overseas, foreign
both: each, both of, the two
cut: lower, reduce, minimize
warned: warned, cautioned, alerted
price: value, price, cost
among: amongst, among, between
main: primary, main, principal
talks: talks, negotiations, discussions
carried: carried, conveyed, transported
see: see, witness, observe
families: households, families, families
service: service, provider, company
debated: debated, argued, discussed
transport: transportation, transport, transit
civil: civil, civic, civilian
international: worldwide, global, international
households: households, homes, families
along: alongside, along, together with
word: phrase, word, time period
affected: affected, impacted, hit
points: factors, points, marks
well: effectively, properly, nicely
threat: risk, menace, threat
reactions: reactions, responses, replies
here: right here, here, in this place
cases: circumstances, instances, cases
against: towards, in opposition to, versus
region: area, region, territory
long-running: long-standing, lengthy, long-term
rising: rising, growing, increasing
companies: corporations, firms, businesses
comment: remark, comment, observation
announced: introduced, announced, declared
television: tv, television, telly
come: come, arrive, turn up
party: celebration, party, get together
home: house, home, residence
situation: state of affairs, scenario, situation
images: photographs, pictures, images
during: throughout, all through, for the duration of
faced: confronted, faced, encountered
decade: decade, ten years, decennium
because: as a result of, since, as
military: navy, military, armed forces
pressed: pressed, pushed, urged
court: courtroom, court, tribunal
few: few, handful of, small number of
short: brief, short, quick
fuel: gasoline, gas, fuel
need: want, need, require
office: workplace, office, bureau
small: small, little, tiny
pressure: strain, stress, pressure
nobody: no one, no person, nobody
taken: taken, brought, seized
dispute: dispute, disagreement, quarrel
closed: closed, shut, shuttered
immediate: speedy, instant, quick
firefighters: firemen, fire crews, firefighters
should: ought to, should, must
rate: charge, fee, price
answered: answered, replied, responded
grappled: grappled, wrestled, struggled
full: full, whole, complete
general: basic, common, normal
replied: replied, answered, responded
including: together with, including, along with
recurring: recurring, repeated, returning
trains: trains, locomotives, railcars
night: night time, evening, night
residents: residents, inhabitants, locals
took: took, took on, grabbed
wrote: wrote, penned, authored
authority: authority, energy, power
interview: interview, conversation, chat
very: very, extremely, really
support: help, assist, support
other: different, other, further
dealt: dealt, handled, coped
members: members, participants, associates
former: former, previous, ex
groups: teams, groups, organisations
spoke: spoke, talked, stated
months: months, many months
wildfire: wildfire, bushfire, forest fire
far: far, a long way, distant
troops: troops, soldiers, forces
rain: rain, rainfall, downpour
outside: exterior, outside, outdoors
briefing: briefing, meeting, press briefing
persistent: persistent, continual, persisting
conference: convention, conference, meeting
vote: vote, poll, ballot
how: how, the way, in what way
fell: fell, dropped, declined
never: by no means, never, not ever
remarks: remarks, comments, statements
drills: drills, exercises, workouts
meeting: assembly, meeting, gathering
stations: stations, posts, terminals
move: transfer, move, step
due: due, expected, scheduled
new: new, recent, contemporary
staff: workers, staff, personnel
show: present, show, display
election: election, vote, poll
verdict: verdict, judgment, ruling
director: director, manager, head
spending: spending, expenditure, outlay
officers: officers, officials, cops
anyone: anybody, anyone, any person
responsibility: accountability, duty, responsibility
stay: keep, stay, remain
lost: misplaced, lost, gone
watching: watching, observing, monitoring
gas: fuel, gasoline, gas
rates: charges, rates, fees
still: nonetheless, still, yet
emergency: emergency, disaster, crisis
roads: roads, streets, routes
enough: sufficient, enough, adequate
spokesperson: spokesperson, representative, spokesman
climate: local weather, climate, weather
railways: railways, railroads, rail lines
left: left, departed, remaining
sent: despatched, sent, dispatched
coach: coach, trainer, manager
roughly: roughly, approximately, about
away: away, off, absent
outbreak: outbreak, epidemic, flare-up
reach: attain, reach, get to
late: late, belated, tardy
came: got here, came, arrived
appeal: enchantment, appeal, attraction
seen: seen, noticed, witnessed
team: group, team, squad
each: every, each, every single
citizens: residents, citizens, nationals
result: outcome, result, consequence
protect: shield, protect, defend
hospitals: hospitals, clinics, infirmaries
brief: temporary, brief, short
written: written, penned, authored
governor: governor, administrator, ruler
sides: sides, facets, parties
above: above, over, higher than
family: household, family, kin
institute: institute, institution, establishment
found: discovered, found, located
electricity: electrical energy, electricity, power
hit: hit, struck, affected
villages: villages, hamlets, settlements
systems: methods, systems, techniques
brought: introduced, brought, delivered
breach: breach, violation, leak
made: made, created, produced
thousands: hundreds, thousands, lots
area: space, area, zone
yet: but, yet, still
agreement: settlement, agreement, accord
run: run, operate, manage
law: regulation, law, legislation
target: goal, target, objective
consumer: shopper, consumer, client
deal: deal, settlement, agreement
release: launch, release, publish
even: even, even though, still
change: change, alteration, shift
reported: reported, said, described
customer: buyer, customer, client
needed: wanted, needed, required
coalition: coalition, alliance, union
majority: majority, bulk, most
held: held, kept, hosted
front: entrance, front, facade
attack: assault, attack, strike
smoke: smoke, fumes, smog
trial: trial, case, hearing
authorities: authorities, officers, officials
insisted: insisted, maintained, asserted
corruption: corruption, graft, bribery
protesters: protesters, demonstrators, marchers
road: street, road, route
teams: groups, teams, squads
publish: publish, release, put out
number: quantity, number, amount
started: began, started, commenced
previous: earlier, previous, prior
trade: commerce, trade, buying and selling
going: going, heading, moving
already: already, by now, previously
leader: chief, leader, head
stressed: burdened, stressed, emphasised
contracts: contracts, agreements, deals
rescue: rescue, save, recovery
coverage: protection, coverage, reporting
match: match, recreation, game
streets: streets, roads, avenues
records: data, records, files
journalists: journalists, reporters, newsmen
ahead: forward, ahead, in front
supporters: supporters, followers, backers
reached: reached, attained, hit
wildfires: wildfires, bushfires, forest fires
return: return, come back, go back
lead: lead, guide, head
drivers: drivers, motorists, chauffeurs
firms: corporations, firms, companies
fall: fall, drop, decline
below: beneath, below, under
regulator: regulator, watchdog, supervisor
plans: plans, schemes, strategies
also: additionally, also, moreover
whole: entire, whole, complete
seats: seats, chairs, places
damage: injury, damage, harm
why: why, for what reason, how come
deployment: deployment, positioning, placement
power: energy, power, electricity
opposition: opposition, resistance, rivals
questions: questions, queries, inquiries
just: simply, just, merely
went: went, headed, moved
tax: tax, levy, duty
again: once more, again, another time
exercise: train, exercise, drill
continue: proceed, continue, keep on
vulnerable: weak, vulnerable, susceptible
personal: private, personal, individual
goal: objective, goal, purpose
crowd: crowd, gathering, throng
changes: adjustments, changes, modifications
aircraft: plane, aircraft, aeroplane
hard: onerous, hard, tough
case: case, occasion, instance
soon: quickly, soon, shortly
food: meals, food, groceries
win: win, victory, triumph
experts: specialists, experts, consultants
burned: burned, burnt, scorched
voted: voted, elected, balloted
flooded: flooded, inundated, swamped
get: get, obtain, acquire
remained: remained, stayed, continued
duty: obligation, duty, accountability
league: league, division, competition
increase: improve, increase, rise
evidence: proof, evidence, testimony
rocket: rocket, missile, launcher
spacecraft: spaceship, spacecraft, vessel
work: work, labour, job
football: soccer, football, footie
voters: voters, electors, citizens
executive: government, executive, director
network: community, network, system
remain: stay, remain, continue
summers: summers, summer time, hot seasons
making: making, creating, producing
faster: sooner, faster, quicker
debate: debate, discussion, argument
respond: reply, respond, react
neighbouring: neighbouring, adjoining, nearby
instruments: devices, instruments, tools
helicopters: helicopters, choppers, copters
serious: critical, serious, severe
everything: every little thing, everything, all
times: instances, times, occasions
queues: queues, lines, waiting lines
control: management, control, command
forests: forests, woods, woodlands
difficult: tough, difficult, laborious
unnoticed: unnoticed, unseen, undetected
winter: winter, wintertime, cold season
programme: programme, plan, scheme
routine: routine, regular, normal
early: early, premature, initial
engineers: engineers, technicians, mechanics
ground: floor, ground, earth
line: line, row, queue
implementation: implementation, execution, enactment
lines: strains, lines, rows
leaders: leaders, chiefs, heads
way: means, way, method
deployed: deployed, positioned, stationed
know: know, realise, recognise
bills: payments, bills, invoices
severe: extreme, severe, harsh
unions: unions, associations, guilds
defendant: defendant, accused, suspect
weather: climate, weather, conditions
campaign: marketing campaign, campaign, drive
ordered: ordered, instructed, commanded
living: dwelling, living, residing
offer: provide, offer, supply
parliament: parliament, legislature, assembly
economy: financial system, economy, market
travel: journey, travel, trip
suspended: suspended, halted, paused
figures: figures, numbers, statistics
anger: anger, rage, fury
world: world, globe, planet
claimed: claimed, asserted, alleged
relations: relations, ties, relationships
charges: prices, charges, costs
risen: risen, grown, climbed
areas: areas, zones, regions
online: on-line, online, on the web
largest: largest, biggest, greatest
commission: fee, commission, committee
possible: potential, possible, attainable
clinics: clinics, surgeries, medical centres
resources: sources, resources, assets
another: one other, another, a further
houses: homes, houses, residences
running: working, running, operating
planned: deliberate, planned, scheduled
forest: forest, woodland, wood
strikes: strikes, walkouts, stoppages
graft: graft, bribery, corruption
wind: wind, breeze, gust
cuts: cuts, reductions, cutbacks
immediately: instantly, immediately, straight away
someone: somebody, someone, a person
began: started, began, commenced
army: military, army, troops
children: kids, children, youngsters
forcing: forcing, compelling, pushing
partners: companions, partners, associates
carry: carry, bring, convey
won: gained, won, secured
large: massive, large, huge
everyone: everybody, everyone, all people
nearly: practically, nearly, almost
moved: moved, shifted, relocated
risk: threat, risk, danger
climbed: climbed, rose, went up
earlier: earlier, previously, before
normal: regular, normal, ordinary
outbreaks: outbreaks, epidemics, flare-ups
try: strive, try, attempt
lenders: lenders, creditors, banks
stage: stage, phase, degree
behind: behind, at the back of, in the back of
pushed: pushed, pressed, shoved
low: low, reduced, minimal
struggling: struggling, battling, striving
joined: joined, linked, united
researchers: researchers, scientists, investigators
recent: current, recent, latest
row: row, argument, spat
flood: flood, deluge, inundation
urge: urge, encourage, push
outgoing: outgoing, departing, leaving
budget: funds, budget, finances
amount: quantity, amount, sum
direction: course, direction, path
step: step, move, stage
shops: outlets, shops, stores
ordinary: odd, ordinary, common
safe: protected, safe, secure
fires: fires, blazes, flames
launched: launched, began, started
open: open, unlock, accessible
tonight: tonight, this evening, this night
following: following, after, subsequent
passengers: passengers, travellers, riders
look: look, glance, seem
wanted: needed, wanted, desired
traffic: visitors, traffic, congestion
estimate: estimate, guess, estimation
remains: stays, remains, continues
past: previous, past, former
hurt: harm, hurt, injured
administration: administration, management, government
listen: hear, listen, pay attention
business: enterprise, business, commerce
season: season, period, time
crews: crews, teams, gangs
growing: rising, growing, increasing
property: property, assets, possessions
failed: failed, unsuccessful, didn't
results: outcomes, results, findings
money: cash, money, funds
treatment: remedy, treatment, care
beds: beds, mattresses, bunks
paying: paying, settling, funding
reaching: reaching, attaining, hitting
country: nation, country, state
confirmed: confirmed, verified, affirmed
witnesses: witnesses, onlookers, observers
holding: holding, keeping, retaining
forces: forces, troops, powers
used: used, utilized, employed
rivers: rivers, streams, waterways
drive: drive, push, journey
tariffs: tariffs, charges, rates
investigators: investigators, detectives, inspectors
worth: value, worth, price
vehicles: autos, vehicles, automobiles
towns: cities, towns, villages
switched: switched, changed, swapped
largely: largely, mostly, principally
negotiations: negotiations, talks, discussions
check: verify, check, examine
players: gamers, players, athletes
scientists: scientists, researchers, boffins
education: schooling, education, training
tried: tried, attempted, tried out
proved: proved, proven, demonstrated
judge: choose, judge, justice
organisers: organisers, planners, coordinators
matches: matches, video games, fixtures
cars: automobiles, cars, autos
intense: intense, extreme, fierce
calling: calling, phoning, naming
seeing: seeing, witnessing, watching
prison: jail, prison, gaol
mine: mine, my own, pit
council: council, board, committee
global: world, global, worldwide
expect: count on, expect, anticipate
accept: settle for, accept, take
tension: pressure, tension, strain
higher: larger, higher, greater
messages: messages, texts, notes
housing: housing, homes, lodging
remote: distant, remote, far-off
sentence: sentence, punishment, term
justice: justice, fairness, equity
attempt: try, attempt, effort
operations: operations, procedures, activities
taking: taking, getting, grabbing
scheduled: scheduled, planned, booked
although: though, although, even though
key: key, main, vital
minority: minority, fraction, few
aid: assist, aid, support
diplomats: diplomats, envoys, ambassadors
proud: proud, happy, pleased
delayed: delayed, postponed, held up
offered: supplied, offered, provided
station: station, post, terminal
stretching: stretching, extending, reaching
damaged: broken, damaged, harmed
criticism: criticism, condemnation, censure
system: system, mechanism, network
conditions: circumstances, conditions, situations
profits: earnings, profits, income
floods: floods, deluges, inundations
growth: development, growth, expansion
broke: broke, smashed, shattered
clashes: clashes, fights, confrontations
parts: components, parts, elements
praised: praised, lauded, applauded
levels: ranges, levels, degrees
dropped: dropped, fell, declined
signal: sign, signal, indication
hike: hike, enhance, increase
treaty: treaty, pact, accord
high: excessive, high, elevated
boats: boats, vessels, ships
washed: washed, cleaned, swept
included: included, integrated, contained
runs: runs, operates, manages
partner: companion, partner, associate
firm: agency, firm, company
ask: ask, request, enquire
games: video games, games, matches
fans: followers, fans, supporters
ago: in the past, ago, back
sharply: sharply, steeply, abruptly
winner: winner, victor, champion
stopped: stopped, halted, ceased
believing: believing, trusting, thinking
hour: hour, time, sixty minutes
parties: events, parties, factions
stayed: stayed, remained, lingered
message: message, note, communication
saw: noticed, saw, witnessed
peaceful: peaceable, peaceful, calm
criticised: criticised, slammed, condemned
businesses: companies, businesses, enterprises
passed: handed, passed, went by
account: account, report, description
evacuated: evacuated, cleared, emptied
might: may, might, could
backed: backed, supported, endorsed
millions: hundreds of thousands, millions, tens of millions
fallen: fallen, dropped, declined
contact: contact, touch, reach
biggest: largest, biggest, greatest
leaving: leaving, departing, abandoning
boat: boat, vessel, ship
morning: morning, dawn, forenoon
got: obtained, got, received
stolen: stolen, taken, robbed
associations: associations, societies, groups
trouble: hassle, trouble, difficulty
mourning: mourning, grieving, grief
knows: is aware of, knows, recognises
steadily: steadily, regularly, continuously
destroyed: destroyed, wrecked, ruined
make: make, create, produce
lives: lives, existences, livelihoods
afternoon: afternoon, midday, daytime
decisive: decisive, crucial, deciding
share: share, portion, stake
flames: flames, fires, blaze
treated: handled, treated, dealt with
injuries: accidents, injuries, wounds
special: particular, special, specific
wholesale: wholesale, bulk, mass
resource: useful resource, resource, asset
dozens: dozens, many, scores
hackers: hackers, intruders, cybercriminals
returning: returning, coming back, going back
drier: drier, more arid, dryer
job: job, work, position
nearby: close by, nearby, neighbouring
rebuild: rebuild, reconstruct, restore
markets: markets, marketplaces, exchanges
village: village, hamlet, settlement
give: give, present, grant
roofs: roofs, rooftops, tops
compared: in contrast, compared, contrasted
disruption: disruption, disturbance, interruption
heating: heating, warming, heat
acted: acted, behaved, performed
understand: perceive, understand, grasp
demanded: demanded, requested, insisted
erupted: erupted, exploded, burst out
close: shut, close, near
rest: relaxation, rest, remainder
doctors: docs, doctors, physicians
marchers: marchers, walkers, demonstrators
coast: coast, shore, seaside
clock: clock, timepiece, watch
fighting: combating, fighting, battling
attacked: attacked, assaulted, struck
checked: checked, examined, inspected
precaution: precaution, safeguard, safety measure
repeatedly: repeatedly, many times, again and again
evacuation: evacuation, removal, clearance
borrowing: borrowing, lending, credit
farmland: farmland, fields, agricultural land
headquarters: headquarters, head office, base
scuffles: scuffles, tussles, brawls
incident: incident, occasion, event
organised: organised, arranged, structured
movement: motion, movement, campaign
respected: revered, respected, esteemed
abroad: overseas, abroad, out of the country
technical: technical, technological, specialised
place: place, spot, location
welcomed: welcomed, greeted, embraced
building: constructing, building, structure
supported: supported, backed, endorsed
patients: sufferers, patients, cases
leaked: leaked, released, disclosed
announcement: announcement, declaration, statement
hills: hills, hillsides, slopes
river: river, stream, waterway
spent: spent, used, expended
annual: annual, yearly, once-a-year
dark: darkish, dark, dim
stood: stood, stayed, remained
beach: seaside, beach, shore
rural: rural, country, rustic
rights: rights, entitlements, freedoms
examine: study, examine, inspect
chance: probability, chance, likelihood
twice: twice, two times, doubly
keeping: maintaining, keeping, retaining
towards: in direction of, towards, toward
deliberately: intentionally, deliberately, purposely
gathered: gathered, collected, assembled
vessels: vessels, ships, boats
beyond: past, beyond, further than
approved: accredited, approved, sanctioned
decisions: selections, decisions, choices
shows: exhibits, shows, displays
scheme: scheme, plan, plot
course: course, route, path
territory: territory, land, domain
navy: navy, fleet, naval force
review: evaluation, review, assessment
numbers: numbers, figures, quantities
protests: protests, demonstrations, rallies
sending: sending, dispatching, shipping
committee: committee, panel, board
lawyer: lawyer, attorney, solicitor
entirely: completely, entirely, wholly
defeat: defeat, loss, beating
formed: fashioned, formed, shaped
caused: triggered, caused, brought on
violent: violent, brutal, aggressive
options: choices, options, alternatives
house: home, house, residence
forced: compelled, forced, obliged
limited: restricted, limited, constrained
citing: citing, quoting, mentioning
looked: regarded, looked, seemed
side: aspect, side, facet
denied: denied, refused, rejected
read: learn, read, study
revealed: revealed, disclosed, uncovered
dead: useless, dead, deceased
died: died, perished, passed away
traced: traced, tracked, followed
investigation: investigation, inquiry, probe
exhausted: exhausted, drained, worn out
giving: giving, offering, providing
room: room, space, chamber
mistakes: errors, mistakes, blunders
missing: lacking, missing, absent
received: acquired, received, obtained
revised: revised, amended, updated
attackers: attackers, assailants, raiders
future: future, destiny, prospects
historic: historic, historical, momentous
tired: drained, tired, weary
independent: unbiased, independent, separate
afford: afford, manage, pay for
frustration: frustration, annoyance, irritation
exposed: uncovered, exposed, revealed
period: interval, period, spell
wants: desires, wants, needs
put: put, place, set
urged: urged, pressed, pushed
record: report, record, document
suspicious: suspicious, doubtful, wary
happens: occurs, happens, takes place
wages: wages, salaries, pay
proposed: proposed, urged, suggested
grew: grew, expanded, increased
gave: gave, offered, handed
game: recreation, game, match
payment: cost, payment, fee
size: dimension, size, scale
final: last, final, closing
strengthened: strengthened, bolstered, reinforced
great: nice, great, huge
rainfall: rainfall, precipitation, rain
estimated: estimated, approximated, guessed
find: discover, find, locate
disrupted: disrupted, interrupted, disturbed
secure: safe, secure, protected
involved: concerned, involved, included
priority: precedence, priority, focus
face: face, confront, encounter
plan: plan, scheme, strategy
innocent: harmless, innocent, blameless
collapsed: collapsed, caved in, fell down
sea: sea, ocean, waters
contain: include, contain, hold
carefully: fastidiously, carefully, cautiously
ended: ended, finished, concluded
threw: threw, tossed, hurled
calm: calm, quiet, peaceful
turned: turned, became, grew to become
extra: further, extra, additional
blamed: blamed, faulted, accused
highly: extremely, highly, very
suffered: suffered, endured, underwent
volunteers: volunteers, helpers, unpaid workers
likely: possible, likely, probable
published: revealed, published, printed
cautious: cautious, careful, wary
unusual: uncommon, unusual, rare
raising: elevating, raising, lifting
choice: alternative, choice, option
peace: peace, calm, tranquillity
policy: coverage, policy, rule
lawmakers: lawmakers, legislators, MPs
driving: driving, motoring, steering
led: led, guided, headed
confirm: verify, confirm, affirm
medical: medical, healthcare, clinical
better: higher, better, improved
amid: amid, amidst, among
distrust: distrust, mistrust, suspicion
lessons: classes, lessons, teachings
delay: delay, hold-up, postponement
problem: drawback, problem, challenge
cities: cities, towns, metropolises
apologise: apologise, say sorry, express regret
generation: era, generation, age group
nothing: nothing, nil, zero
complaints: complaints, grievances, objections
worst: worst, poorest, most severe
door: door, doorway, entrance
level: stage, level, degree
wage: wage, salary, pay
aimed: aimed, targeted, intended
bring: convey, bring, carry
killed: killed, slain, murdered
recorded: recorded, logged, registered
economic: financial, economic, monetary
closure: closure, shutdown, closing
supplies: provides, supplies, provisions
free: free, gratis, unrestricted
warning: warning, caution, alert
raise: elevate, raise, lift
increases: will increase, increases, rises
causing: inflicting, causing, producing
promised: promised, pledged, vowed
monitoring: monitoring, tracking, observing
begin: start, begin, commence
ready: prepared, ready, set
neighbours: neighbours, neighbors, adjoining states
heavy: heavy, hefty, weighty
moment: second, moment, instant
consumers: customers, consumers, shoppers
driven: pushed, driven, propelled
hardest: hardest, toughest, most difficult
huge: big, huge, enormous
avoid: keep away from, avoid, evade
increasing: growing, increasing, rising
similar: related, similar, comparable
overwhelming: overwhelming, crushing, overpowering
good: good, nice, fine
detained: detained, held, arrested
rules: guidelines, rules, regulations
victory: victory, win, triumph
trust: belief, trust, faith
able: ready, able, capable
cutting: chopping, cutting, slicing
leaves: leaves, departs, exits
means: means, implies, signifies
soldiers: troopers, soldiers, servicemen
changed: modified, changed, altered
forecast: forecast, prediction, outlook
brings: brings, carries, delivers
route: route, path, course
victims: victims, casualties, sufferers
young: younger, young, youthful
stronger: stronger, sturdier, tougher
stop: cease, stop, halt
update: replace, update, refresh
powerful: highly effective, powerful, mighty
steps: steps, measures, actions
prepared: ready, prepared, primed
fair: honest, fair, just
longer: longer, lengthier, prolonged
follow: observe, follow, pursue
finished: completed, finished, ended
usual: common, usual, regular
capital: capital, money, funds
declined: declined, refused, dropped
save: save, rescue, preserve
scene: scene, site, location
clubs: golf equipment, clubs, teams
finish: end, finish, complete
matters: issues, matters, counts
claims: claims, assertions, allegations
hold: maintain, hold, keep
funds: funds, money, finances
arguing: arguing, contending, claiming
demonstrations: demonstrations, protests, rallies
start: begin, start, commence
sick: sick, ill, unwell
violence: violence, brutality, force
struck: struck, hit, stricken
average: common, average, typical
trucks: vans, trucks, lorries
armed: armed, geared up, equipped
staying: staying, remaining, lodging
fears: fears, worries, anxieties
argue: argue, contend, claim
infections: infections, infestations, contagions
require: require, want, need
commuters: commuters, travellers, passengers
fine: tremendous, fine, penalty
vaccine: vaccine, jab, inoculation
market: market, marketplace, bazaar
ill: ailing, ill, sick
loan: mortgage, loan, credit
ease: ease, relieve, loosen
jailed: jailed, imprisoned, locked up
bad: dangerous, bad, poor
push: push, shove, press
temperatures: temperatures, heat levels, readings
trapped: trapped, caught, stuck
warnings: warnings, alerts, cautions
payments: funds, payments, instalments
respect: respect, regard, esteem
important: essential, important, vital
tensions: tensions, strains, pressures
watched: watched, noticed, observed
arrested: arrested, detained, apprehended
angry: offended, angry, irate
appeared: appeared, seemed, emerged
effort: effort, try, endeavour
delivered: delivered, supplied, handed
bridges: bridges, crossings, spans
ignored: ignored, disregarded, overlooked
waiting: ready, waiting, waiting around
driver: driver, motorist, chauffeur
arrived: arrived, got here, came
receiving: receiving, getting, obtaining
collect: accumulate, collect, gather
prosecutors: prosecutors, attorneys, lawyers
fraud: fraud, deception, swindle
peacefully: peacefully, calmly, quietly
fought: fought, battled, combated
available: accessible, available, obtainable
silent: silent, quiet, mute
thousand: thousand, grand, k
investigate: examine, investigate, probe
shares: shares, stocks, equities
alone: alone, solely, by itself
ideal: excellent, ideal, perfect
fewer: fewer, less, smaller number of
almost: nearly, almost, virtually
careful: cautious, careful, watchful
progress: progress, advance, headway
injured: injured, harm, wounded
signed: signed, autographed, inked
harder: more durable, harder, tougher
live: dwell, live, reside
needs: wants, needs, requires
nurses: nurses, carers, caregivers
cover: cowl, cover, protect
fake: pretend, fake, bogus
purpose: objective, purpose, goal
project: challenge, project, venture
crops: crops, harvests, produce
occupied: occupied, busy, taken
more: extra, more, additional
over: over, above, throughout
when: when, whenever, once
what: what, which, whatever
all: all, each, every
can: can, may, could
first-time: maiden, debut, first
out: out, outside, exterior
into: into, in, inside
than: than, as opposed to, compared with
who: who, whom, which
where: where, wherever, the place
which: which, that, whichever
there: there, in that location, over there
two: two, a pair of, a couple of
one: one, a single, one particular
three: three, a trio of
four: 4, four, quartet of
days: days, many days, time
million: million, mn, million-strong
pay: pay, wage, salary
least: least, minimum, smallest
flooding: flooding, inundation, deluge
back: back, again, backwards
down: down, downward, decrease
percent: percent, pc, per-cent
right: proper, right, correct
kilometres: kilometres, km, kilometers
metres: metres, meters, m
millimetres: millimetres, mm, millimeters
radio: radio, wireless, broadcast
space: house, space, area
minute: minute, moment, min
forward: ahead, forward, onward
card: card, playing card, credit card
second: second, 2nd, moment
polling: polling, voting, ballot
text: textual content, text, wording
publication: publication, printing, issue
form: kind, form, type
third: third, 3rd, tertiary
cap: cap, restrict, ceiling
sold: bought, sold, offered
unrest: unrest, turmoil, disorder
goes: goes, heads, moves
character: character, persona, nature
half: half, 50 percent, portion
own: personal, own, individual
same: identical, same, similar
breaches: breaches, violations, leaks
fragmentation: fragmentation, splintering, division
sector: sector, area, field
shot: shot, photograph, attempt
pupils: pupils, students, scholars
rivalry: rivalry, competition, feud
cyberattacks: cyber attacks, hacks, online assaults
cybersecurity: cyber safety, online security, cyber-security
electoral: electoral, election, voting
timetable: timetable, schedule, calendar
hectares: hectares, acres, ha
defences: defences, defenses, protections
table: desk, table, chart
rounds: rounds, rounds of talks, sessions
spaceport: spaceport, launch site, cosmodrome
hooliganism: hooliganism, thuggery, rowdiness
centres: centres, facilities, hubs
addresses: addresses, places of residence, locations
passwords: passwords, passcodes, log-ins
supplier: provider, supplier, vendor
scored: scored, netted, notched
men: men, males, guys
defender: defender, defensive player, protector
controllers: controllers, operators, handlers
litre: litre, liter, l
flares: flares, fireworks, torches
unvaccinated: unvaccinated, non-vaccinated, unjabbed
vaccinated: vaccinated, immunised, jabbed
shortly: shortly, soon, briefly
coastguard: coastguard, coast guard, sea rescue
looks: appears, looks, seems
widely: extensively, widely, broadly
red: purple, red, crimson
ecologist: ecologist, environmentalist, naturalist
household: family, household, home
chair: chair, chairman, seat
doses: doses, jabs, shots
degrees: levels, degrees, grades
humidity: humidity, moisture, dampness
state-owned: state-run, state-owned, public
minimum: minimal, minimum, lowest
embankments: embankments, banks, levees
interior: inside, interior, inner
water-dropping: water-bombing, firefighting, water-carrying
fronts: fronts, fronts lines, sides
stretches: stretches, extends, strains
reset: reset, restart, reinstate
up: up, upward, upwards
off: off, away, out
under: beneath, under, underneath
if: if, whether, in case
so: so, therefore, hence
or: or, or else, alternatively
any: any, any kind of, whatever
too: too, additionally, as well
then: then, after that, next
only: solely, only, merely
like: like, such as, similar to
being: being, getting, turning out to be
did: did, performed, carried out
do: do, carry out, perform
go: go, head, proceed
me: me, myself, yours truly
my: my, my very own, mine
us: us, our team, ourselves
their: their, their very own, its
our: our, our very own, the
will: will, shall, will certainly
would: would, might, would certainly
five: 5, five, a handful of
six: 6, six, half a dozen
seven: 7, seven, septet of
eight: 8, eight, octet of
nine: 9, nine, nonet of
ten: 10, ten, half a score
half-time: half-time, the interval, the break
condemns: denounces, slams, criticises
build-up: buildup, accumulation, massing
deploys: deploys, positions, sends in
sends: sends, dispatches, ships
launches: launches, begins, starts
protests: protests, objects, complains
hits: hits, strikes, reaches
sweep: sweep, brush, surge
kill: kill, slay, claim
flee: flee, escape, run away
rage: rage, burn, blaze
battle: battle, fight, combat
burns: burns, scorches, consumes
agree: agree, concur, settle
breakthrough: breakthrough, advance, leap
reach: reach, attain, achieve
seek: seek, search for, pursue
mounts: mounts, grows, climbs
raises: raises, lifts, hikes
delivers: delivers, hands over, provides
approves: approves, okays, endorses
brace: brace, prepare, steel themselves
convicted: convicted, found guilty, condemned
appeals: appeals, challenges, contests
probe: probe, investigation, inquiry
declares: declares, announces, proclaims
strain: strain, stretch, burden
overwhelm: overwhelm, swamp, overpower
prompt: prompt, trigger, spark
trigger: trigger, set off, spark
puts: puts, places, sets
lifts: lifts, raises, elevates
blasts: blasts, shoots, bursts
begins: begins, starts, commences
successful: profitable, successful, winning
beat: beat, defeat, overcome
edge: edge, border, sting
climb: climb, ascend, rise
double: double, twin, dual
helps: helps, assists, aids
gives: gives, hands, offers
hands: hands, arms, fingers
beaten: overwhelmed, beaten, defeated
miss: miss, skip, lose
hack: hack, breach, intrusion
exposes: exposes, reveals, uncovers
steal: steal, pinch, take
probes: probes, investigates, examines
investigates: investigates, probes, examines
slide: slide, slip, drop
bigger: larger, bigger, greater
worse: worse, poorer, more serious
boss: boss, chief, head
quits: quits, leaves, resigns
resigns: resigns, quits, steps down
halts: halts, stops, freezes
paralyses: paralyses, cripples, freezes
chaos: chaos, mayhem, turmoil
walk: walk, stroll, march
rejects: rejects, refuses, dismisses
turns: turns, rotates, becomes
resume: resume, restart, continue
wins: wins, takes, secures
tops: tops, leads, heads
falls: falls, drops, declines
misses: misses, fails to reach, lacks
ousts: ousts, removes, expels
opens: opens, unlocks, starts
starts: starts, begins, commences
rises: rises, climbs, increases
reaches: reaches, hits, attains
kills: kills, slays, claims
bursts: bursts, breaks, ruptures
deadly: lethal, deadly, fatal
fast-moving: fast-moving, rapid, quick-moving
charred: charred, burned, scorched
evacuees: evacuees, displaced people, refugees
suspect: suspect, suspected person, accused
calls: calls, requests, demands
toll: toll, count, figure
inquiry: inquiry, investigation, probe
clean-up: clean-up, cleanup, tidy-up
lodges: lodges, files, submits
fresh: fresh, new, recent
hooligans: hooligans, thugs, yobs
"""

# First names that are also English words, and what a spinner turns them into.
NAME_MEANINGS: dict[str, str] = {
    "Maxim": "Proverb",
    "Grace": "Elegance",
    "Rose": "Climbed",
    "Mark": "Mark-up",
    "Faith": "Religion",
    "Hope": "Wish",
    "Joy": "Pleasure",
    "Victor": "Winner",
    "Frank": "Candid",
    "Dawn": "Daybreak",
    "Violet": "Purple",
    "Ruby": "Crimson",
    "Pearl": "Gem",
    "Amber": "Ochre",
    "Bill": "Invoice",
    "Hunter": "Seeker",
    "Miles": "Kilometres",
    "Grant": "Subsidy",
    "Heather": "Moorland",
    "Iris": "Pupil",
    "Lily": "Flower",
    "Holly": "Shrub",
    "Ivy": "Creeper",
    "Robin": "Songbird",
    "Cliff": "Bluff",
    "Glen": "Valley",
    "Dale": "Vale",
    "Sandy": "Gritty",
    "Crystal": "Quartz",
    "Patience": "Endurance",
    "Harmony": "Concord",
    "Melody": "Tune",
    "Autumn": "Fall",
    "Sterling": "Excellent",
    "Chase": "Pursuit",
    "Drew": "Attracted",
    "Wade": "Ford",
    "Sunny": "Vivid",
    "Summer": "Summertime",
}


def _parse_table(block: str) -> dict[str, tuple[str, ...]]:
    """Parse "word: a, b, c" lines, dropping replacements equal to the word itself."""
    table: dict[str, tuple[str, ...]] = {}
    for line in block.strip().splitlines():
        word, _, rest = line.partition(":")
        word = word.strip().lower()
        options = tuple(
            dict.fromkeys(o.strip() for o in rest.split(",") if o.strip().lower() != word)
        )
        if options:
            table[word] = options
    return table


SYNONYMS: dict[str, tuple[str, ...]] = _parse_table(_SYNONYM_TABLE)

_ONES = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# Words (with inner apostrophes or hyphens) and numbers; ordinals like "36th" stay one token.
TOKEN_RE = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?")
_YEAR_RE = re.compile(r"(19|20)\d\d")


def tokens(text: str) -> list[str]:
    """The word and number tokens of text, in order."""
    return TOKEN_RE.findall(text)


def _number_words(n: int) -> str:
    """0-999 in words, hyphenated the usual way (45 -> "forty-five")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {_number_words(rest)}" if rest else "")


def mangle_number(token: str) -> str | None:
    """ "3,000" -> "three,000", "12" -> "twelve", "4.5" -> "four.5"; None for years/ordinals."""
    if not token[-1].isdigit() or _YEAR_RE.fullmatch(token):
        return None
    head, sep, tail = re.match(r"(\d+)(\D?)(.*)", token).groups()  # type: ignore[union-attr]
    if int(head) > 999:
        return None
    return _number_words(int(head)) + sep + tail


def _match_case(original: str, replacement: str) -> str:
    """Give the replacement the original's capitalisation (first word only for phrases)."""
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def synonym_for(token: str, rng: random.Random) -> str | None:
    """A replacement for a word token, or None if the table has none."""
    if token in NAME_MEANINGS:  # a name is only swapped through mangle_names
        return None
    low = token.lower()
    suffix = ""
    if low not in SYNONYMS and low.endswith(("'s", "’s")):
        low, suffix = low[:-2], token[-2:]
    options = SYNONYMS.get(low)
    if not options:
        return None
    return _match_case(token, rng.choice(options)) + suffix


def has_synonym(token: str) -> bool:
    """Whether spin can swap this token for a synonym."""
    low = token.lower()
    if token in NAME_MEANINGS:
        return False
    return low in SYNONYMS or (low.endswith(("'s", "’s")) and low[:-2] in SYNONYMS)


def spin(
    text: str,
    rate: float,
    rng: random.Random,
    *,
    mangle_names: float = 0.3,
    mangle_numbers: float = 0.3,
) -> str:
    """Replace `rate` of all word tokens (names and numbers mangled first, then synonyms)."""
    matches = list(TOKEN_RE.finditer(text))
    budget = round(rate * len(matches))
    changes: dict[int, str] = {}
    for i, m in enumerate(matches):
        tok = m.group()
        if tok in NAME_MEANINGS and rng.random() < mangle_names:
            changes[i] = NAME_MEANINGS[tok]
        elif tok[0].isdigit() and rng.random() < mangle_numbers:
            mangled = mangle_number(tok)
            if mangled:
                changes[i] = mangled
    candidates = [i for i, m in enumerate(matches) if i not in changes and has_synonym(m.group())]
    for i in rng.sample(candidates, min(len(candidates), max(0, budget - len(changes)))):
        changes[i] = synonym_for(matches[i].group(), rng) or matches[i].group()
    out: list[str] = []
    pos = 0
    for i, m in enumerate(matches):
        if i in changes:
            out.append(text[pos : m.start()])
            out.append(changes[i])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def spin_title(title: str, rate: float, rng: random.Random) -> str:
    """Spin a headline at the same rate, changing at least one word when rate > 0 if possible."""
    n = len(TOKEN_RE.findall(title))
    if rate <= 0 or not n:
        return spin(title, rate, rng)
    out = spin(title, max(rate, 1 / n), rng)
    if out == title:  # no synonym picked up: fall back on names and numbers
        out = spin(title, max(rate, 1 / n), rng, mangle_names=1.0, mangle_numbers=1.0)
    return out


def reorder_sentences(text: str, rng: random.Random, fraction: float = 0.3) -> str:
    """Swap some adjacent sentences inside paragraphs and some paragraphs after the first."""
    paras = [split_sentences(p) for p in text.split("\n\n")]
    changed = False
    for sents in paras:
        i = 0
        while i < len(sents) - 1:
            if rng.random() < fraction:
                sents[i], sents[i + 1] = sents[i + 1], sents[i]
                changed = True
                i += 1
            i += 1
    for i in range(1, len(paras) - 1):
        if rng.random() < fraction / 2:
            paras[i], paras[i + 1] = paras[i + 1], paras[i]
            changed = True
    if not changed:
        # Guarantee a visible change: swap the first two sentences of the longest paragraph.
        longest = max(paras, key=len)
        if len(longest) > 1:
            longest[0], longest[1] = longest[1], longest[0]
        elif len(paras) > 2:
            paras[1], paras[2] = paras[2], paras[1]
    return "\n\n".join(" ".join(s) for s in paras)


_START_LINES = (
    "{n} min read",
    "Share this article",
    "Listen to this article",
    "Updated {n} hours ago",
    "Advertisement",
    "Trending now",
    "Last updated: {n} hours ago | Reading time: {n} minutes",
)
_MIDDLE_LINES = (
    "Also read: {headline}",
    "ALSO READ: {headline}",
    "READ MORE: {headline}",
    "Advertisement",
    "Continue reading below",
    "Recommended: {headline}",
    "You may also like: {headline}",
)
_END_LINES = (
    "Follow us on Facebook, X and Telegram for the latest updates.",
    "Follow us on Google News to see our stories first.",
    "Join our WhatsApp channel for breaking news alerts.",
    "Disclaimer: This article was collected automatically from partner feeds and was not "
    "written or checked by our newsroom. We accept no liability for its content.",
    "error: Content is protected !!",
    "Share this article: Facebook | X | WhatsApp | Email",
    "Copyright notice: copying this page without written permission is not allowed.",
    "Tags: breaking news, world, latest updates, top stories",
)


def _line(template: str, rng: random.Random) -> str:
    return template.format(n=rng.randint(2, 9), headline=related_headlines(rng, 1)[0])


def add_boilerplate(text: str, rng: random.Random) -> str:
    """Insert farm boilerplate lines at the start, in the middle and at the end."""
    paras = text.split("\n\n")
    if rng.random() < 0.7:
        paras.insert(0, _line(rng.choice(_START_LINES), rng))
    for _ in range(rng.randint(1, 2)):
        paras.insert(rng.randint(2, max(2, len(paras) - 1)), _line(rng.choice(_MIDDLE_LINES), rng))
    for template in rng.sample(_END_LINES, rng.randint(1, 3)):
        paras.append(_line(template, rng))
    return "\n\n".join(paras)
