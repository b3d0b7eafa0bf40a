using Graph.Engine.Execution;
using Graph.Engine.Types;

namespace Graph.Engine.Tests;

/// <summary>The example schema of spec section 5 (Validation), used by the rule tests.</summary>
public static class TestSchemas
{
    public const string SpecValidationSdl = """
        type Query {
          dog: Dog
          findDog(searchBy: FindDogInput): Dog
          arguments: Arguments
          human: Human
          pet: Pet
          catOrDog: CatOrDog
          booleanList(booleanListArg: [Boolean!]): Boolean
          findBy(by: PetBy): Pet
        }
        type Mutation { mutateDog: Dog }
        type Subscription { newMessage: Message disallowedSecondRootField: Boolean }
        type Message { body: String sender: String }
        enum DogCommand { SIT DOWN HEEL }
        type Dog implements Pet {
          name: String!
          nickname: String
          barkVolume: Int
          doesKnowCommand(dogCommand: DogCommand!): Boolean!
          isHouseTrained(atOtherHomes: Boolean): Boolean!
          owner: Human
        }
        interface Sentient { name: String! }
        interface Pet { name: String! }
        type Alien implements Sentient { name: String! homePlanet: String }
        type Human implements Sentient { name: String! pets: [Pet!] }
        enum CatCommand { JUMP }
        type Cat implements Pet {
          name: String!
          nickname: String
          doesKnowCommand(catCommand: CatCommand!): Boolean!
          meowVolume: Int
        }
        union CatOrDog = Cat | Dog
        union DogOrHuman = Dog | Human
        union HumanOrAlien = Human | Alien
        input FindDogInput { name: String owner: String }
        input PetBy @oneOf { name: String nickname: String }
        type Arguments {
          multipleRequirements(x: Int!, y: Int!): Int!
          booleanArgField(booleanArg: Boolean): Boolean
          floatArgField(floatArg: Float): Float
          intArgField(intArg: Int): Int
          nonNullBooleanArgField(nonNullBooleanArg: Boolean!): Boolean!
          booleanListArgField(booleanListArg: [Boolean]!): [Boolean]
          optionalNonNullBooleanArgField(optionalBooleanArg: Boolean! = false): Boolean!
        }
        directive @onField repeatable on FIELD
        """;

    private static Schema? _spec;
    public static Schema Spec => _spec ??= SchemaBuilder.FromSdl(SpecValidationSdl).Build();
}
