using Graph.Engine.Execution;
using Graph.Engine.Language;

namespace Graph.Engine.Types;

/// <summary>
/// The introspection schema (spec 4.2), defined in SDL and resolved over the type model.
/// https://spec.graphql.org/October2021/#sec-Schema-Introspection
/// </summary>
internal static class Introspection
{
    public const string SpecifiedDirectivesSdl = """
        "Directs the executor to include this field or fragment only when the `if` argument is true."
        directive @include("Included when true." if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
        "Directs the executor to skip this field or fragment when the `if` argument is true."
        directive @skip("Skipped when true." if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
        "Marks an element of a GraphQL schema as no longer supported."
        directive @deprecated(
          "Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/)."
          reason: String! = "No longer supported"
        ) on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
        "Exposes a URL that specifies the behavior of this scalar."
        directive @specifiedBy("The URL that specifies the behavior of this scalar." url: String!) on SCALAR
        "Indicates exactly one field must be supplied and this field must not be `null`."
        directive @oneOf on INPUT_OBJECT
        """;

    public const string Sdl = """
        "A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations."
        type __Schema {
          description: String
          "A list of all types supported by this server."
          types: [__Type!]!
          "The type that query operations will be rooted at."
          queryType: __Type!
          "If this server supports mutation, the type that mutation operations will be rooted at."
          mutationType: __Type
          "If this server support subscription, the type that subscription operations will be rooted at."
          subscriptionType: __Type
          "A list of all directives supported by this server."
          directives: [__Directive!]!
        }
        "The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.\n\nDepending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types."
        type __Type {
          kind: __TypeKind!
          name: String
          description: String
          specifiedByURL: String
          fields(includeDeprecated: Boolean = false): [__Field!]
          interfaces: [__Type!]
          possibleTypes: [__Type!]
          enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
          inputFields(includeDeprecated: Boolean = false): [__InputValue!]
          ofType: __Type
          isOneOf: Boolean
        }
        "An enum describing what kind of type a given `__Type` is."
        enum __TypeKind {
          "Indicates this type is a scalar."
          SCALAR
          "Indicates this type is an object. `fields` and `interfaces` are valid fields."
          OBJECT
          "Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields."
          INTERFACE
          "Indicates this type is a union. `possibleTypes` is a valid field."
          UNION
          "Indicates this type is an enum. `enumValues` is a valid field."
          ENUM
          "Indicates this type is an input object. `inputFields` is a valid field."
          INPUT_OBJECT
          "Indicates this type is a list. `ofType` is a valid field."
          LIST
          "Indicates this type is a non-null. `ofType` is a valid field."
          NON_NULL
        }
        "Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type."
        type __Field {
          name: String!
          description: String
          args(includeDeprecated: Boolean = false): [__InputValue!]!
          type: __Type!
          isDeprecated: Boolean!
          deprecationReason: String
        }
        "Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value."
        type __InputValue {
          name: String!
          description: String
          type: __Type!
          "A GraphQL-formatted string representing the default value for this input value."
          defaultValue: String
          isDeprecated: Boolean!
          deprecationReason: String
        }
        "One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string."
        type __EnumValue {
          name: String!
          description: String
          isDeprecated: Boolean!
          deprecationReason: String
        }
        "A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.\n\nIn some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor."
        type __Directive {
          name: String!
          description: String
          isRepeatable: Boolean!
          locations: [__DirectiveLocation!]!
          args(includeDeprecated: Boolean = false): [__InputValue!]!
        }
        "A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies."
        enum __DirectiveLocation {
          "Location adjacent to a query operation."
          QUERY
          "Location adjacent to a mutation operation."
          MUTATION
          "Location adjacent to a subscription operation."
          SUBSCRIPTION
          "Location adjacent to a field."
          FIELD
          "Location adjacent to a fragment definition."
          FRAGMENT_DEFINITION
          "Location adjacent to a fragment spread."
          FRAGMENT_SPREAD
          "Location adjacent to an inline fragment."
          INLINE_FRAGMENT
          "Location adjacent to an operation variable definition."
          VARIABLE_DEFINITION
          "Location adjacent to a schema definition."
          SCHEMA
          "Location adjacent to a scalar definition."
          SCALAR
          "Location adjacent to an object type definition."
          OBJECT
          "Location adjacent to a field definition."
          FIELD_DEFINITION
          "Location adjacent to an argument definition."
          ARGUMENT_DEFINITION
          "Location adjacent to an interface definition."
          INTERFACE
          "Location adjacent to a union definition."
          UNION
          "Location adjacent to an enum definition."
          ENUM
          "Location adjacent to an enum value definition."
          ENUM_VALUE
          "Location adjacent to an input object type definition."
          INPUT_OBJECT
          "Location adjacent to an input object field definition."
          INPUT_FIELD_DEFINITION
        }
        """;

    private static string KindName(GraphType t) => t.Kind switch
    {
        TypeKind.Scalar => "SCALAR", TypeKind.Object => "OBJECT", TypeKind.Interface => "INTERFACE", TypeKind.Union => "UNION",
        TypeKind.Enum => "ENUM", TypeKind.InputObject => "INPUT_OBJECT", TypeKind.List => "LIST", _ => "NON_NULL",
    };

    private static bool IncludeDeprecated(ResolverContext ctx) => ctx.ArgumentOrDefault("includeDeprecated", false);

    public static void Bind(Schema schema)
    {
        CreateMetaFields(schema);
        void B(string type, string field, Func<ResolverContext, object?> r) => ((ComplexType)schema.TypeMap[type]).FieldMap[field].Resolver = r;

        B("__Schema", "description", c => ((Schema)c.Parent!).Description);
        B("__Schema", "types", c => ((Schema)c.Parent!).TypeList);
        B("__Schema", "queryType", c => ((Schema)c.Parent!).QueryType);
        B("__Schema", "mutationType", c => ((Schema)c.Parent!).MutationType);
        B("__Schema", "subscriptionType", c => ((Schema)c.Parent!).SubscriptionType);
        B("__Schema", "directives", c => ((Schema)c.Parent!).DirectiveList);

        B("__Type", "kind", c => KindName((GraphType)c.Parent!));
        B("__Type", "name", c => (c.Parent as NamedType)?.Name);
        B("__Type", "description", c => (c.Parent as NamedType)?.Description);
        B("__Type", "specifiedByURL", c => (c.Parent as ScalarType)?.SpecifiedByUrl);
        B("__Type", "fields", c => c.Parent is ComplexType ct ? (IncludeDeprecated(c) ? ct.FieldList : ct.FieldList.Where(f => !f.IsDeprecated).ToList()) : null);
        B("__Type", "interfaces", c => (c.Parent as ComplexType)?.InterfaceList);
        B("__Type", "possibleTypes", c => c.Parent is InterfaceType or UnionType ? c.Schema.GetPossibleTypes((NamedType)c.Parent) : null);
        B("__Type", "enumValues", c => c.Parent is EnumType e ? (IncludeDeprecated(c) ? e.ValueList : e.ValueList.Where(v => !v.IsDeprecated).ToList()) : null);
        B("__Type", "inputFields", c => c.Parent is InputObjectType io ? (IncludeDeprecated(c) ? io.FieldList : io.FieldList.Where(v => !v.IsDeprecated).ToList()) : null);
        B("__Type", "ofType", c => c.Parent switch { ListType l => l.OfType, NonNullType nn => nn.OfType, _ => null });
        B("__Type", "isOneOf", c => c.Parent is InputObjectType io ? io.IsOneOf : null);

        B("__Field", "name", c => ((FieldDefinition)c.Parent!).Name);
        B("__Field", "description", c => ((FieldDefinition)c.Parent!).Description);
        B("__Field", "args", c => IncludeDeprecated(c) ? ((FieldDefinition)c.Parent!).ArgumentList : ((FieldDefinition)c.Parent!).ArgumentList.Where(a => !a.IsDeprecated).ToList());
        B("__Field", "type", c => ((FieldDefinition)c.Parent!).Type);
        B("__Field", "isDeprecated", c => ((FieldDefinition)c.Parent!).IsDeprecated);
        B("__Field", "deprecationReason", c => ((FieldDefinition)c.Parent!).DeprecationReason);

        B("__InputValue", "name", c => ((InputValueDefinition)c.Parent!).Name);
        B("__InputValue", "description", c => ((InputValueDefinition)c.Parent!).Description);
        B("__InputValue", "type", c => ((InputValueDefinition)c.Parent!).Type);
        B("__InputValue", "defaultValue", c => ((InputValueDefinition)c.Parent!).DefaultValue is { } d ? Printer.Print(d) : null);
        B("__InputValue", "isDeprecated", c => ((InputValueDefinition)c.Parent!).IsDeprecated);
        B("__InputValue", "deprecationReason", c => ((InputValueDefinition)c.Parent!).DeprecationReason);

        B("__EnumValue", "name", c => ((EnumValueDefinition)c.Parent!).Name);
        B("__EnumValue", "description", c => ((EnumValueDefinition)c.Parent!).Description);
        B("__EnumValue", "isDeprecated", c => ((EnumValueDefinition)c.Parent!).IsDeprecated);
        B("__EnumValue", "deprecationReason", c => ((EnumValueDefinition)c.Parent!).DeprecationReason);

        B("__Directive", "name", c => ((DirectiveDefinition)c.Parent!).Name);
        B("__Directive", "description", c => ((DirectiveDefinition)c.Parent!).Description);
        B("__Directive", "isRepeatable", c => ((DirectiveDefinition)c.Parent!).IsRepeatable);
        B("__Directive", "locations", c => ((DirectiveDefinition)c.Parent!).Locations);
        B("__Directive", "args", c => IncludeDeprecated(c) ? ((DirectiveDefinition)c.Parent!).ArgumentList : ((DirectiveDefinition)c.Parent!).ArgumentList.Where(a => !a.IsDeprecated).ToList());
    }

    /// <summary>Creates the meta-fields available on the query root (__schema, __type) and everywhere (__typename); spec 4.2.</summary>
    private static void CreateMetaFields(Schema schema)
    {
        var str = (ScalarType)schema.TypeMap["String"];
        schema.SchemaMetaField = new FieldDefinition("__schema", new NonNullType(schema.TypeMap["__Schema"]))
        {
            Description = "Access the current type schema of this server.",
            Resolver = c => c.Schema,
        };
        var typeField = new FieldDefinition("__type", schema.TypeMap["__Type"])
        {
            Description = "Request the type information of a single type.",
            Resolver = c => c.Schema.GetType(c.Argument<string>("name")),
        };
        typeField.ArgumentList.Add(new InputValueDefinition("name", new NonNullType(str)));
        schema.TypeMetaField = typeField;
        schema.TypeNameMetaField = new FieldDefinition("__typename", new NonNullType(str))
        {
            Description = "The name of the current Object type at runtime.",
        };
    }
}
