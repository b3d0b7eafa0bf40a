// Parity corpus: documents run by both engines over the same schema and data. Hand-written cases cover
// every validation rule (spec section 5 examples and more), fragments, variables, directives, abstract types
// and introspection; generated cases sweep arguments, directives and variable values.
const cases = [];
const add = (name, query, variables, operationName) => cases.push({ name, query, variables, operationName });

// ---- valid: basics, fragments, aliases, directives
add('dog-basic', '{ dog { name nickname barkVolume } }');
add('dog-owner', '{ dog { name owner { name pets { name ... on Dog { barkVolume } ... on Cat { meowVolume } } } } }');
add('aliases', '{ a: dog { n: name } b: dog { nickname } }');
add('typename-root', '{ __typename }');
add('typename-nested', '{ dog { __typename owner { __typename } } pet { __typename } catOrDog { __typename } }');
add('named-fragment', 'query Q { dog { ...D } } fragment D on Dog { name barkVolume }');
add('nested-fragments', '{ dog { ...A } } fragment A on Dog { name ...B } fragment B on Dog { nickname ...C } fragment C on Pet { name }');
add('inline-no-type', '{ dog { ... { name } ... @include(if: true) { nickname } } }');
add('fragment-on-union', '{ catOrDog { ... on Cat { name meowVolume } ... on Dog { name } } }');
add('fragment-on-interface', '{ pets { name ... on Dog { barkVolume doesKnowCommand(dogCommand: SIT) } ... on Cat { doesKnowCommand(catCommand: JUMP) } } }');
add('interface-in-union', '{ catOrDog { ... on Pet { name } } }');
add('args-dog-command', '{ dog { sit: doesKnowCommand(dogCommand: SIT) heel: doesKnowCommand(dogCommand: HEEL) } }');
add('args-house', '{ dog { a: isHouseTrained b: isHouseTrained(atOtherHomes: true) c: isHouseTrained(atOtherHomes: false) } }');
add('arguments-all', '{ arguments { multipleRequirements(x: 1, y: 2) booleanArgField(booleanArg: true) floatArgField(floatArg: 1.5) intArgField(intArg: -3) nonNullBooleanArgField(nonNullBooleanArg: false) booleanListArgField(booleanListArg: [true, false, null]) optionalNonNullBooleanArgField } }');
add('arguments-coercions', '{ arguments { floatArgField(floatArg: 123) booleanListArgField(booleanListArg: true) intArgField booleanArgField } }');
add('arguments-null', '{ arguments { booleanArgField(booleanArg: null) intArgField(intArg: null) floatArgField(floatArg: null) } }');
add('findDog-input', '{ a: findDog(searchBy: {name: "Rex"}) { name } b: findDog(searchBy: {}) { name } c: findDog { name } d: findDog(searchBy: {owner: "Jan"}) { name } }');
add('findBy-oneof', '{ a: findBy(by: {name: "Minoes"}) { name } b: findBy(by: {nickname: "Fifi"}) { name } }');
add('booleanList', '{ a: booleanList(booleanListArg: [true, true]) b: booleanList(booleanListArg: [true, false]) c: booleanList }');
add('skip-include-literals', '{ dog { name @skip(if: true) nickname @include(if: false) barkVolume @skip(if: false) @include(if: true) } }');
add('skip-fragment', '{ dog { ...D @skip(if: true) ... on Dog @include(if: true) { nickname } } } fragment D on Dog { name }');
add('mutation', 'mutation { addNote(patientId: "p1", text: "hallo") { id text } mutateDog { name } }');
add('mutation-vars', 'mutation M($p: ID!, $t: String!) { addNote(patientId: $p, text: $t) { id text } }', { p: 'p3', t: 'x' });
add('multiple-ops-select', 'query A { dog { name } } query B { human { name } }', undefined, 'B');
add('patients', '{ patients { id name birthDate status gp { name specialty } } }');
add('patients-first', '{ patients(first: 3) { id appointments { id start minutes practitioner { name } status } notes { id text } } }');
add('patients-filter', '{ patients(nameContains: "de", first: 100) { name } }');
add('patient-person', '{ patient(id: "p2") { ... on Person { name } ... on Node { id } } }');
add('patient-missing', '{ patient(id: "nope") { id } }');
add('node-types', '{ a: node(id: "p1") { id __typename } b: node(id: "pr1") { id ... on Practitioner { specialty } } c: node(id: "a1") { ... on Appointment { start } } d: node(id: "x") { id } }');
add('nodes-list', '{ nodes(ids: ["p1", "zz", "a2"]) { id __typename } }');
add('search', '{ search(text: "Dr.") { __typename ... on Practitioner { name } } }');
add('search-mixed', '{ search(text: "a") { ... on Patient { id } ... on Practitioner { name } ... on Appointment { start } } }');
add('search-appointment', '{ search(text: "a3") { ... on Node { id } ... on Appointment { minutes } } }');
add('echo', '{ echo(input: {text: "hi", times: 3, tags: ["a", "b"], nested: {text: "in"}}) }');
add('echo-default', '{ echo(input: {text: "x"}) a: echo }');
add('echo-list-coercion', '{ echo(input: {text: "x", tags: "single"}) }');
add('boom', '{ boom dog { name } }');
add('boom-nonnull', '{ boomNonNull dog { name } }');
add('secret-propagation', '{ patient(id: "p1") { name secret } dog { name } }');
add('secret-in-list', '{ patients(first: 2) { name secret } }');
add('flaky-list', '{ patients { id flaky } }');
add('flaky-nested', '{ patients(first: 4) { appointments(first: 1) { id } flaky } }');
add('numbers', '{ numbers strictNumbers }');
add('deprecated-field', '{ oldField }');
add('status-enum', '{ a: status b: status(s: INACTIVE) c: status(s: ARCHIVED) d: status(s: null) }');
add('custom-scalar', '{ today patient(id: "p3") { birthDate } }');
add('duplicate-fields-merge', '{ dog { name name ... on Dog { name } } dog { nickname } }');
add('same-alias-same-field', '{ dog { n: name n: name } }');
add('comments-and-commas', '# comment\n{ dog { name, nickname, } } # trailing');
add('block-string-arg', '{ echo(input: {text: """\n   multi\n     line\n   """}) }');
add('unicode-string', '{ echo(input: {text: "caf\\u00e9 \\u{1F600} \\n"}) }');

// ---- valid: variables
add('var-simple', 'query($id: ID!) { patient(id: $id) { name } }', { id: 'p4' });
add('var-int-id', 'query($id: ID!) { node(id: $id) { id } }', { id: 5 });
add('var-default', 'query($first: Int = 2) { patients(first: $first) { id } }');
add('var-default-overridden', 'query($first: Int = 2) { patients(first: $first) { id } }', { first: 4 });
add('var-null-to-default-arg', 'query($first: Int) { patients(first: $first) { id } }', { first: null });
add('var-missing-nullable', 'query($first: Int) { patients(first: $first) { id } }');
add('var-input-object', 'query($i: EchoInput) { echo(input: $i) }', { i: { text: 'v', times: 2, tags: ['x'] } });
add('var-input-nested', 'query($i: EchoInput) { echo(input: $i) }', { i: { text: 'v', nested: { text: 'w', times: null } } });
add('var-in-object-field', 'query($t: String!) { echo(input: {text: $t, times: 5}) }', { t: 'q' });
add('var-in-list', 'query($a: Boolean!) { arguments { booleanListArgField(booleanListArg: [$a, false]) } }', { a: true });
add('var-list-coercion', 'query($l: [Boolean]!) { arguments { booleanListArgField(booleanListArg: $l) } }', { l: true });
add('var-enum', 'query($s: Status) { status(s: $s) }', { s: 'INACTIVE' });
add('var-oneof', 'query($b: PetBy) { findBy(by: $b) { name } }', { b: { nickname: 'Fifi' } });
add('var-oneof-field', 'query($n: String!) { findBy(by: {name: $n}) { name } }', { n: 'Rex' });
add('var-skip', 'query($s: Boolean!) { dog { name @skip(if: $s) nickname @include(if: $s) } }', { s: true });
add('var-skip-false', 'query($s: Boolean!) { dog { name @skip(if: $s) nickname @include(if: $s) } }', { s: false });
add('var-float-int', 'query($f: Float) { arguments { floatArgField(floatArg: $f) } }', { f: 7 });
add('var-in-fragment', 'query($c: DogCommand!) { dog { ...K } } fragment K on Dog { doesKnowCommand(dogCommand: $c) }', { c: 'DOWN' });
add('var-default-object', 'query($s: FindDogInput = {name: "Rex"}) { findDog(searchBy: $s) { name } }');
add('var-nonnull-with-default-into-nonnull', 'query($b: Boolean = true) { arguments { nonNullBooleanArgField(nonNullBooleanArg: $b) } }');
add('var-nullable-into-default-arg', 'query($b: Boolean) { arguments { optionalNonNullBooleanArgField(optionalBooleanArg: $b) } }', { b: true });

// ---- request errors (variables / operation selection)
add('var-missing-required', 'query($id: ID!) { patient(id: $id) { name } }');
add('var-null-required', 'query($id: ID!) { patient(id: $id) { name } }', { id: null });
add('var-wrong-type', 'query($f: Int) { patients(first: $f) { id } }', { f: 'abc' });
add('var-int-overflow', 'query($f: Int) { patients(first: $f) { id } }', { f: 3000000000 });
add('var-float-for-int', 'query($f: Int) { patients(first: $f) { id } }', { f: 1.5 });
add('var-bad-enum', 'query($s: Status) { status(s: $s) }', { s: 'NOPE' });
add('var-input-missing-field', 'query($i: EchoInput) { echo(input: $i) }', { i: { times: 2 } });
add('var-input-unknown-field', 'query($i: EchoInput) { echo(input: $i) }', { i: { text: 'a', bogus: 1 } });
add('var-oneof-two', 'query($b: PetBy) { findBy(by: $b) { name } }', { b: { name: 'a', nickname: 'b' } });
add('var-oneof-null', 'query($b: PetBy) { findBy(by: $b) { name } }', { b: { name: null } });
add('op-name-missing', 'query A { dog { name } } query B { dog { name } }');
add('op-name-unknown', 'query A { dog { name } }', undefined, 'Nope');

// ---- parse errors
for (const [i, q] of ['{', '{ dog { name }', 'query { dog(name: ) { name } }', '{ dog { name } } }', 'fragment on on Dog { name }',
  '{ dog { ... } }', '{ "string" }', 'query Q($a) { dog { name } }', '{ dog(x: 01) { name } }', '{ dog { name @ } }',
  'mutation', '{ dog { name: } }', '{ dog(x: "unterminated) { name } }', '{ dog { name } } extend', '{ dog(x: $) { name } }',
  'query ($a: Int = $b) { dog { name } }', '{ dog(x: 1.) { name } }', '{ dog(x: .5) { name } }', '{ dog(x: 1e) { name } }', 'query Q { dog { name } } query'].entries())
  add(`parse-${i}`, q);

// ---- invalid: one or more cases per rule
const inv = (rule, queries) => queries.forEach((q, i) => add(`${rule}-${i}`, q));
inv('ExecutableDefinitions', ['{ dog { name } } type Foo { a: Int }', 'scalar Date', '{ dog { name } } extend type Dog { color: String }', 'schema { query: Query }']);
for (const [k, q] of ['mutation { a }', 'subscription { a }', 'query { a }', 'mutation M { a } query Q { a }'].entries())
  cases.push({ name: `KnownOperationTypes-mini-${k}`, query: q, schema: 'mini', operationName: k === 3 ? 'Q' : undefined });
inv('UniqueOperationNames', ['query A { dog { name } } query A { human { name } }', 'query A { dog { name } } mutation A { mutateDog { name } }']);
inv('LoneAnonymousOperation', ['{ dog { name } } query B { dog { name } }', '{ dog { name } } { human { name } }']);
inv('KnownTypeNames', ['{ dog { ... on Robot { name } } }', 'query($a: Robot) { dog { name } }', 'fragment F on Robot { name } { dog { ...F } }', 'query($a: [Strin!]) { dog { name } }']);
inv('FragmentsOnCompositeTypes', ['{ dog { ... on Int { name } } }', 'fragment F on DogCommand { name } { dog { ...F } }', 'fragment F on FindDogInput { name } { dog { ...F } }']);
inv('VariablesAreInputTypes', ['query($d: Dog) { dog { name } }', 'query($p: [Pet!]) { dog { name } }', 'query($u: CatOrDog!) { dog { name } }']);
inv('ScalarLeafs', ['{ dog }', '{ dog { name { length } } }', '{ catOrDog }', '{ pets }', '{ __typename { x } }', '{ status { x } }']);
inv('FieldsOnCorrectType', ['{ cat { name } }', '{ dog { meowVolume } }', '{ pet { nickname } }', '{ catOrDog { name } }', '{ dog { owner { homePlanet } } }', '{ dog { __schema { types { name } } } }', 'mutation { dog { name } }']);
inv('UniqueFragmentNames', ['{ dog { ...F } } fragment F on Dog { name } fragment F on Dog { nickname }']);
inv('KnownFragmentNames', ['{ dog { ...Nope } }', '{ dog { ...A } } fragment A on Dog { ...B }']);
inv('NoUnusedFragments', ['{ dog { name } } fragment F on Dog { name }', '{ dog { ...A } } fragment A on Dog { name } fragment B on Dog { ...C } fragment C on Dog { name }']);
inv('PossibleFragmentSpreads', ['{ dog { ... on Cat { meowVolume } } }', 'fragment C on Cat { name } { dog { ...C } }', '{ human { ... on Dog { name } } }', '{ pet { ... on HumanOrAlien { __typename } } }', '{ catOrDog { ... on Sentient { name } } }', 'fragment S on Sentient { name } { pet { ...S } }']);
inv('NoFragmentCycles', ['{ dog { ...A } } fragment A on Dog { ...B } fragment B on Dog { ...A }', '{ dog { ...A } } fragment A on Dog { name ...A }', '{ dog { ...A } } fragment A on Dog { owner { pets { ...B } } } fragment B on Dog { ...A }']);
inv('UniqueVariableNames', ['query($a: Int, $a: Int) { patients(first: $a) { id } }']);
inv('NoUndefinedVariables', ['{ patients(first: $n) { id } }', 'query Q { dog { ...F } } fragment F on Dog { isHouseTrained(atOtherHomes: $x) }', 'query A($x: Boolean) { dog { ...F } } query B { dog { ...F } } fragment F on Dog { isHouseTrained(atOtherHomes: $x) }']);
inv('NoUnusedVariables', ['query($a: Int) { dog { name } }', 'query($a: Boolean) { dog { ...F } } fragment F on Dog { isHouseTrained }']);
inv('KnownDirectives', ['{ dog { name @nope } }', 'query @skip(if: true) { dog { name } }', '{ dog { name @deprecated } }', 'fragment F on Dog @include(if: true) { name } { dog { ...F } }', 'query($a: Int @skip(if: true)) { patients(first: $a) { id } }']);
inv('UniqueDirectivesPerLocation', ['{ dog { name @skip(if: true) @skip(if: false) } }', '{ dog { ...F @include(if: true) @include(if: true) } } fragment F on Dog { name }']);
inv('KnownArgumentNames', ['{ dog { name(x: 1) } }', '{ dog { doesKnowCommand(command: SIT) } }', '{ dog { name @skip(unless: true) } }', '{ patients(last: 1) { id } }']);
inv('UniqueArgumentNames', ['{ arguments { multipleRequirements(x: 1, x: 2, y: 3) } }', '{ dog { name @skip(if: true, if: false) } }']);
inv('ValuesOfCorrectType', ['{ arguments { intArgField(intArg: "1") } }', '{ arguments { intArgField(intArg: 1.5) } }', '{ arguments { intArgField(intArg: 3000000000) } }',
  '{ arguments { floatArgField(floatArg: "x") } }', '{ arguments { booleanArgField(booleanArg: 1) } }', '{ arguments { nonNullBooleanArgField(nonNullBooleanArg: null) } }',
  '{ dog { doesKnowCommand(dogCommand: JUMP) } }', '{ dog { doesKnowCommand(dogCommand: "SIT") } }', '{ findDog(searchBy: {name: 1}) { name } }',
  '{ findDog(searchBy: {color: "red"}) { name } }', '{ findDog(searchBy: "Rex") { name } }', '{ echo(input: {times: 2}) }', '{ echo(input: {text: "a", tags: [1]}) }',
  '{ findBy(by: {name: "a", nickname: "b"}) { name } }', '{ findBy(by: {name: null}) { name } }', '{ findBy(by: {}) { name } }', '{ patient(id: 1.5) { id } }',
  '{ patient(id: true) { id } }', '{ status(s: NOPE) }', '{ arguments { booleanListArgField(booleanListArg: [1]) } }', 'query($a: Int = "x") { patients(first: $a) { id } }',
  '{ patients(first: [1]) { id } }', '{ dog { name @skip(if: "yes") } }']);
inv('ProvidedRequiredArguments', ['{ patient { id } }', '{ dog { doesKnowCommand } }', '{ arguments { multipleRequirements(x: 1) } }', '{ dog { name @include } }', '{ search { __typename } }']);
inv('VariablesInAllowedPosition', ['query($b: Boolean) { arguments { nonNullBooleanArgField(nonNullBooleanArg: $b) } }', 'query($i: Int) { arguments { booleanArgField(booleanArg: $i) } }',
  'query($l: [Boolean]) { arguments { booleanListArgField(booleanListArg: $l) } }', 'query($s: String) { patient(id: $s) { id } }', 'query($s: Boolean) { dog { name @skip(if: $s) } }',
  'query($n: String) { findBy(by: {name: $n}) { name } }', 'query($s: String!) { dog { ...F } } fragment F on Dog { isHouseTrained(atOtherHomes: $s) }']);
inv('OverlappingFieldsCanBeMerged', ['{ dog { name: nickname name } }', '{ dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: HEEL) } }',
  'query($c: DogCommand!) { dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: $c) } }', '{ dog { isHouseTrained isHouseTrained(atOtherHomes: true) } }',
  '{ pet { ... on Dog { v: barkVolume } ... on Cat { v: nickname } } }', '{ dog { x: name } dog { x: nickname } }', '{ dog { owner { name } } dog { owner: nickname } }',
  '{ dog { ...A ...B } } fragment A on Dog { x: name } fragment B on Dog { x: barkVolume }', '{ patients { a: id } patients(first: 2) { a: name } }',
  '{ catOrDog { ... on Dog { n: name } ... on Pet { n: nickname } } }']);
inv('UniqueInputFieldNames', ['{ findDog(searchBy: {name: "a", name: "b"}) { name } }', '{ echo(input: {text: "a", nested: {text: "b", text: "c"}}) }']);
inv('SingleFieldSubscriptions', ['subscription sub { newMessage { body sender } disallowedSecondRootField }',
  'subscription sub { ...multipleSubscriptions } fragment multipleSubscriptions on Subscription { newMessage { body sender } disallowedSecondRootField }',
  'subscription sub { newMessage { body sender } __typename }', 'subscription { a: newMessage { body } b: newMessage { sender } }']);
inv('MaxIntrospectionDepth', ['{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }']);
add('multi-rule', 'query($a: Int) { dog { meowVolume name: nickname name ...Nope } }');
add('multi-rule-2', 'query A { cat } query A { dog { ... on Int { x } } }');

// ---- valid: overlapping-but-mergeable and spec examples
add('ofcm-safe-differing', '{ pet { ... on Dog { volume: barkVolume } ... on Cat { volume: meowVolume } } }');
add('ofcm-safe-args', '{ pet { ... on Dog { doesKnowCommand(dogCommand: SIT) } ... on Cat { doesKnowCommand(catCommand: JUMP) } } }');
add('ofcm-same-args', '{ dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: SIT) } }');
add('ofcm-merge-subselections', '{ dog { owner { name } owner { pets { name } } } }');

// ---- introspection (avoiding graphql-js 17 additions beyond the spec)
add('intro-type-dog', '{ __type(name: "Dog") { kind name description fields { name args { name type { kind name ofType { kind name } } defaultValue } type { kind name ofType { kind name ofType { name } } } isDeprecated deprecationReason } interfaces { name } } }');
add('intro-type-missing', '{ __type(name: "Nope") { name } }');
add('intro-enum', '{ __type(name: "Status") { kind enumValues { name isDeprecated deprecationReason } all: enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } } }');
add('intro-input', '{ __type(name: "EchoInput") { kind inputFields { name defaultValue type { kind name ofType { name } } } isOneOf } }');
add('intro-oneof', '{ __type(name: "PetBy") { isOneOf inputFields { name type { name } } } }');
add('intro-union', '{ __type(name: "SearchResult") { kind possibleTypes { name } interfaces { name } fields { name } } }');
add('intro-interface', '{ __type(name: "Node") { kind possibleTypes { name } interfaces { name } } p: __type(name: "Person") { interfaces { name } possibleTypes { name } } }');
add('intro-scalar', '{ __type(name: "Date") { kind name description specifiedByURL } s: __type(name: "String") { kind name specifiedByURL } }');
add('intro-query-deprecated', '{ __type(name: "Query") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }');
add('intro-schema-roots', '{ __schema { description queryType { name } mutationType { name } subscriptionType { name } } }');
add('intro-schema-types', '{ __schema { types { name kind } } }');
add('intro-directives', '{ __schema { directives { name isRepeatable args { name type { name kind ofType { name } } defaultValue } } } }');
add('intro-typename-of-type', '{ __type(name: "Dog") { __typename fields { __typename } } }');
add('intro-list-types', '{ __type(name: "Human") { fields { name type { kind ofType { kind ofType { kind ofType { name } } } } } } }');
add('intro-args-deprecated', '{ __type(name: "Query") { fields { name args { name } all: args(includeDeprecated: true) { name isDeprecated deprecationReason } } } }');
add('intro-inputfields-deprecated', '{ __type(name: "EchoInput") { inputFields { name } all: inputFields(includeDeprecated: true) { name isDeprecated deprecationReason } } }');
add('deprecated-arg-use', '{ patients(limit: 1, first: 1) { id } }');
add('intro-with-fragment', '{ __schema { queryType { ...T } } } fragment T on __Type { name kind fields { name } }');

// ---- generated sweeps
const selections = ['id', 'name', 'status', 'birthDate', 'gp { name }', 'appointments { id minutes }', 'notes { text }', '... on Node { id }', '__typename', 'flaky'];
for (let n = 0; n <= 12; n++) add(`gen-patients-${n}`, `{ patients(first: ${n}) { ${selections.slice(0, 1 + (n % selections.length)).join(' ')} } }`);
for (const p of Array.from({ length: 12 }, (_, i) => `p${i + 1}`))
  add(`gen-patient-${p}`, `query($id: ID!) { patient(id: $id) { ...PatientFields appointments(first: 2) { ...Appt } } } fragment PatientFields on Patient { id name status gp { ...Gp } } fragment Appt on Appointment { id start practitioner { ...Gp } } fragment Gp on Practitioner { name specialty }`, { id: p });
for (const id of ['p1', 'p5', 'pr1', 'pr2', 'pr3', 'a1', 'a4', 'a9', 'zz'])
  add(`gen-node-${id}`, `{ node(id: "${id}") { __typename ... on Person { name } ... on Patient { status } ... on Practitioner { specialty } ... on Appointment { minutes practitioner { id } } } }`);
for (const text of ['a', 'de', 'Dr', 'Jansen', 'x', 'a2', 'a7', 'Eva', ''])
  add(`gen-search-${text || 'empty'}`, 'query($t: String!) { search(text: $t) { __typename ... on Node { id } ... on Person { name } } }', { t: text });
for (const skip of [true, false]) for (const inc of [true, false]) for (const field of ['name', 'nickname', 'barkVolume', 'owner { name }'])
  add(`gen-dir-${skip}-${inc}-${field.split(' ')[0]}`, `query($s: Boolean!, $i: Boolean!) { dog { ${field} @skip(if: $s) @include(if: $i) sure: name } }`, { s: skip, i: inc });
for (const skip of [true, false]) for (const inc of [true, false])
  add(`gen-dir-lit-${skip}-${inc}`, `{ dog { ... on Dog @skip(if: ${skip}) { name } ...F @include(if: ${inc}) } } fragment F on Dog { nickname }`);
const echoInputs = [{ text: 'a' }, { text: 'b', times: 0 }, { text: 'c', tags: [] }, { text: 'd', tags: ['x', 'y', 'z'] }, { text: 'e', nested: { text: 'f', nested: { text: 'g' } } },
  { text: 'h', times: null }, { text: '' }, { text: 'i', times: -2147483648 }, { text: 'j', times: 2147483647 }, { text: 'k', tags: 'single' },
  { times: 1 }, { text: 1 }, { text: 'l', times: 2147483648 }, { text: 'm', tags: [null] }, { text: 'n', extra: true }, { text: 'o', nested: {} }, { text: 'p', times: '3' }, null];
echoInputs.forEach((i, k) => add(`gen-echo-var-${k}`, 'query($i: EchoInput) { echo(input: $i) }', { i }));
const literals = ['{text: "a"}', '{text: "b", times: 0}', '{text: "c", tags: []}', '{text: "d", tags: ["x"]}', '{text: "e", nested: {text: "f"}}', '{text: "g", times: null}',
  '{text: null}', '{times: 1}', '{text: "h", tags: [null]}', '{text: "i", tags: "one"}', '{text: "j", nested: {}}', '{text: "k", times: 1.0}', 'null', '"str"', '[{text: "l"}]', '{text: "m", times: -0}'];
literals.forEach((l, k) => add(`gen-echo-lit-${k}`, `{ echo(input: ${l}) }`));
const intVals = ['0', '-1', '2147483647', '-2147483648', '2147483648', '1.0', '"1"', 'true', 'null', '[1]', 'ONE', '1e3'];
intVals.forEach((v, k) => add(`gen-int-lit-${k}`, `{ arguments { intArgField(intArg: ${v}) } }`));
const floatVals = ['0', '1.5', '-2.25e3', '1e-3', '"1.5"', 'true', 'null', '[2.5]', 'X', '123456789'];
floatVals.forEach((v, k) => add(`gen-float-lit-${k}`, `{ arguments { floatArgField(floatArg: ${v}) } }`));
const idVals = ['"p1"', '1', '"1"', '1.5', 'true', 'null', 'p1', '["p1"]'];
idVals.forEach((v, k) => add(`gen-id-lit-${k}`, `{ patient(id: ${v}) { id } }`));
const varVals = [1, -1, 2147483647, 2147483648, 1.5, '1', true, null, [1], { a: 1 }];
varVals.forEach((v, k) => add(`gen-int-var-${k}`, 'query($v: Int) { arguments { intArgField(intArg: $v) } }', { v }));
varVals.forEach((v, k) => add(`gen-float-var-${k}`, 'query($v: Float) { arguments { floatArgField(floatArg: $v) } }', { v }));
varVals.forEach((v, k) => add(`gen-bool-var-${k}`, 'query($v: Boolean) { arguments { booleanArgField(booleanArg: $v) } }', { v }));
varVals.forEach((v, k) => add(`gen-string-var-${k}`, 'query($v: String!) { echo(input: {text: $v}) }', { v }));
varVals.forEach((v, k) => add(`gen-id-var-${k}`, 'query($v: ID!) { node(id: $v) { id } }', { v }));
const listVals = [[true], [true, null], true, null, [], [[true]], ['true'], [1]];
listVals.forEach((v, k) => add(`gen-list-var-${k}`, 'query($v: [Boolean]!) { arguments { booleanListArgField(booleanListArg: $v) } }', { v }));
listVals.forEach((v, k) => add(`gen-list-strict-var-${k}`, 'query($v: [Boolean!]) { booleanList(booleanListArg: $v) }', { v }));
for (const cmd of ['SIT', 'DOWN', 'HEEL', 'JUMP', 'sit', '"SIT"', 'null'])
  add(`gen-cmd-${cmd.replace(/"/g, 'q')}`, `{ dog { doesKnowCommand(dogCommand: ${cmd}) } }`);
for (const [x, y] of [[1, 2], [-5, 5], [0, 0], [2147483647, 0], ['"1"', 2], [1, 'null']])
  add(`gen-multi-${x}-${y}`, `{ arguments { multipleRequirements(x: ${x}, y: ${y}) } }`);
for (const depth of [1, 2, 3, 4])
  add(`gen-owner-depth-${depth}`, `{ dog { ${'owner { pets { ... on Dog { '.repeat(depth)} name ${'} } }'.repeat(depth)} } }`);
for (const [k, q] of ['{ pets { ...P } } fragment P on Pet { name ... on Dog { owner { name } } }',
  '{ pets { ... on CatOrDog { ... on Cat { meowVolume } } } }', '{ human { pets { ... on DogOrHuman { ... on Dog { barkVolume } } } } }',
  '{ catOrDog { ... on DogOrHuman { __typename } } }', '{ pet { ... on Sentient { name } } }', '{ human { ... on HumanOrAlien { ... on Alien { homePlanet } } } }'].entries())
  add(`gen-abstract-${k}`, q);

export const corpus = cases;
if (import.meta.url === `file://${process.argv[1]}`) console.log(cases.length);
