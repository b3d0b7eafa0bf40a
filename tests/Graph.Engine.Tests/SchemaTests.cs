using Graph.Engine.Types;

namespace Graph.Engine.Tests;

public class SchemaTests
{
    [Fact]
    public void Build_SpecSchema_Succeeds() => Assert.NotNull(TestSchemas.Spec.GetType("Dog"));

    [Theory]
    [InlineData("type Query { a: Int } interface I { b: Int } type T implements I { c: Int }", "Interface field I.b expected but T does not provide it.")]
    [InlineData("type Query { a: Int } interface I { b: Int } type T implements I { b: String }", "Interface field I.b expects type Int but T.b is type String.")]
    [InlineData("type Query { a: Int } union U = Query | String", "Union type U can only include Object types, it cannot include String.")]
    [InlineData("type Query { a: Int } input I @oneOf { a: String! }", "OneOf input field I.a must be nullable.")]
    [InlineData("type Query { a: Int } input I { self: I! }", "Cannot reference Input Object \"I\" within itself through a series of non-null fields: \"self\".")]
    [InlineData("type Query { a: Missing }", "Unknown type \"Missing\" referenced by Query.a.")]
    [InlineData("type Query { __a: Int }", "Name \"__a\" must not begin with \"__\", which is reserved by GraphQL introspection (Query.__a).")]
    [InlineData("type Query { a(x: Query): Int }", "The type of Query.a(x:) must be Input Type but got: Query.")]
    [InlineData("type Query { a: Int } interface A implements B { a: Int } interface B implements C { a: Int } interface C { a: Int } type T implements A { a: Int }", "Type A must implement C because it is implemented by B.")]
    [InlineData("type Mutation { a: Int }", "Query root type must be provided.")]
    [InlineData("type Query { a: Int @unknown }", "Unknown directive \"@unknown\" on Query.a.")]
    [InlineData("type Query { a: Int @specifiedBy(url: \"x\") }", "Directive \"@specifiedBy\" may not be used on FIELD_DEFINITION (Query.a).")]
    [InlineData("type Query { a: Int @deprecated(reason: 1) }", "Directive \"@deprecated\" argument \"reason\" at Query.a has an invalid value: String cannot represent a non string value: 1")]
    [InlineData("type Query { a(x: Int = \"one\"): Int }", "Default value \"one\" of Query.a(x:) is not a valid Int: Int cannot represent non-integer value: \"one\"")]
    [InlineData("type Query { a(x: In = {}): Int } input In { b: String! }", "Default value {} of Query.a(x:) is not a valid In: Field \"In.b\" of required type \"String!\" was not provided.")]
    public void Build_InvalidSchema_ThrowsWithClearError(string sdl, string expected)
    {
        var ex = Assert.Throws<SchemaException>(() => SchemaBuilder.FromSdl(sdl).Build());
        Assert.Contains(expected, ex.Errors);
    }

    [Fact]
    public void Bind_UnknownField_FailsAtBuild()
    {
        var ex = Assert.Throws<SchemaException>(() => SchemaBuilder.FromSdl("type Query { a: Int }").Bind("Query", "b", _ => 1).Build());
        Assert.Contains("Cannot bind \"Query.b\": the type has no such field.", ex.Errors);
    }

    [Fact]
    public void Extensions_AreMerged()
    {
        var s = SchemaBuilder.FromSdl("type Query { a: Int }", "extend type Query { b: String }").Build();
        Assert.Equal(["a", "b"], s.QueryType.Fields.Select(f => f.Name));
    }

    [Fact]
    public void Print_MatchesGraphQLJsLayout()
    {
        var s = SchemaBuilder.FromSdl("""
            "Root"
            type Query { a(x: Int = 1, y: [String!] = ["a"]): Int @deprecated b: E }
            enum E { X Y @deprecated(reason: "gone") }
            scalar Date @specifiedBy(url: "https://example.com/date")
            type Unused { d: Date }
            """).Build();
        Assert.Equal(""""
            """Root"""
            type Query {
              a(x: Int = 1, y: [String!] = ["a"]): Int @deprecated
              b: E
            }

            enum E {
              X
              Y @deprecated(reason: "gone")
            }

            scalar Date @specifiedBy(url: "https://example.com/date")

            type Unused {
              d: Date
            }
            """", s.Print());
    }
}
