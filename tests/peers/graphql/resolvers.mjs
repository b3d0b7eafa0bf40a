// graphql-js side of the peer test schema: the same resolver semantics as
// tests/Graph.Engine.PeerHost/PeerSchema.cs, over the same data.json.
import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLError } from 'graphql';

const here = new URL('.', import.meta.url);

export function loadPeerSchema() {
  const sdl = readFileSync(new URL('schema.graphql', here), 'utf8');
  const data = JSON.parse(readFileSync(new URL('data.json', here), 'utf8'));
  const schema = buildSchema(sdl);
  const nodes = [...data.patients, ...data.practitioners, ...data.appointments];
  const find = (id) => nodes.find((n) => n.id === id) ?? null;
  const echo = (i) => {
    let s = `${i.text}x${i.times ?? 'null'}`;
    if (i.tags != null) s += `[${i.tags.join(',')}]`;
    if (i.nested != null) s += `(${echo(i.nested)})`;
    return s;
  };
  const resolvers = {
    Query: {
      dog: () => data.dog,
      findDog: (_, { searchBy: by }) =>
        data.dogs.find((d) => (by?.name == null || d.name === by.name) && (by?.owner == null || d.owner?.name === by.owner)) ?? null,
      findBy: (_, { by }) => data.pets.find((p) => ('name' in by ? p.name === by.name : (p.nickname ?? null) === (by.nickname ?? null))) ?? null,
      arguments: () => ({}),
      human: () => data.human,
      pet: () => data.dog,
      pets: () => data.pets,
      catOrDog: () => data.cat,
      booleanList: (_, { booleanListArg }) => (booleanListArg == null ? null : booleanListArg.every((x) => x === true)),
      patient: (_, { id }) => data.patients.find((p) => p.id === id) ?? null,
      patients: (_, { first, nameContains }) => {
        const list = data.patients.filter((p) => nameContains == null || p.name.includes(nameContains));
        return first == null ? list : list.slice(0, first);
      },
      node: (_, { id }) => find(id),
      nodes: (_, { ids }) => ids.map(find),
      search: (_, { text }) => [
        ...[...data.patients, ...data.practitioners].filter((p) => p.name.includes(text)),
        ...data.appointments.filter((a) => a.id === text),
      ],
      echo: (_, { input }) => (input == null ? null : echo(input)),
      boom: () => { throw new GraphQLError('boom'); },
      boomNonNull: () => { throw new GraphQLError('boom'); },
      numbers: () => data.numbers,
      strictNumbers: () => data.strictNumbers,
      oldField: () => 'old',
      status: (_, { s }) => s ?? null,
      today: () => data.today,
    },
    Dog: {
      doesKnowCommand: (p, { dogCommand }) => p.commands.includes(dogCommand),
      isHouseTrained: (p, { atOtherHomes }) => (atOtherHomes ? p.houseTrainedElsewhere : p.houseTrained),
    },
    Cat: { doesKnowCommand: (p, { catCommand }) => p.commands.includes(catCommand) },
    Arguments: {
      multipleRequirements: (_, { x, y }) => x + y,
      booleanArgField: (_, a) => a.booleanArg ?? null,
      floatArgField: (_, a) => a.floatArg ?? null,
      intArgField: (_, a) => a.intArg ?? null,
      nonNullBooleanArgField: (_, a) => a.nonNullBooleanArg,
      booleanListArgField: (_, a) => a.booleanListArg ?? null,
      optionalNonNullBooleanArgField: (_, a) => a.optionalBooleanArg,
    },
    Patient: {
      appointments: (p, { first }) => (first == null ? p.appointments : p.appointments.slice(0, first)),
      secret: () => { throw new GraphQLError('secret'); },
      flaky: (p) => { if (Number(p.id.slice(1)) % 2 === 0) throw new GraphQLError('flaky'); return `ok-${p.id}`; },
    },
    Mutation: {
      addNote: (_, { patientId, text }) => ({ id: `${patientId}-new`, text }),
      mutateDog: () => data.dog,
    },
  };
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    for (const [name, fn] of Object.entries(fields)) type.getFields()[name].resolve = fn;
  }
  return { schema, data, sdl };
}
