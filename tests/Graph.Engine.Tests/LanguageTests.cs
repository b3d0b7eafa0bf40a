using Graph.Engine.Language;

namespace Graph.Engine.Tests;

public class LanguageTests
{
    [Fact]
    public void Parse_KitchenSinkQuery_PrintsCanonically()
    {
        var doc = Parser.Parse("""
            query Q($id: ID! = "1", $flags: [Boolean!] @dir) @op {
              a: field(arg: {x: [1, 2.5e3, "s", true, null, ENUM], y: $id}) @skip(if: false) { ...F ... on T { b } ... @include(if: true) { c } }
            }
            fragment F on T { d }
            """);
        Assert.Equal("""
            query Q($id: ID! = "1", $flags: [Boolean!] @dir) @op {
              a: field(arg: {x: [1, 2.5e3, "s", true, null, ENUM], y: $id}) @skip(if: false) {
                ...F
                ... on T {
                  b
                }
                ... @include(if: true) {
                  c
                }
              }
            }

            fragment F on T {
              d
            }
            """, Printer.Print(doc));
    }

    [Fact]
    public void Parse_TypeSystemWithDescriptionsAndExtensions_RoundTrips()
    {
        const string sdl = """"
            """The root"""
            type Query implements Node & Entity @key {
              """field doc"""
              node(id: ID!, first: Int = 10): Node @deprecated(reason: "no")
            }

            extend type Query {
              other: [String!]!
            }

            interface Node implements Entity {
              id: ID!
            }

            union U = A | B

            enum E {
              ONE
              TWO @deprecated
            }

            input I @oneOf {
              a: String
              b: Int
            }

            scalar Date @specifiedBy(url: "https://example.com")

            directive @key(fields: String) repeatable on OBJECT | INTERFACE
            """";
        Assert.Equal(sdl, Printer.Print(Parser.Parse(sdl)));
    }

    [Fact]
    public void BlockString_RemovesCommonIndentation()
    {
        var doc = Parser.Parse("{ f(a: \"\"\"\n    hello\n      world\n    \"\"\") }");
        var field = (FieldNode)((OperationDefinitionNode)doc.Definitions[0]).SelectionSet.Selections[0];
        Assert.Equal("hello\n  world", ((StringValueNode)field.Arguments[0].Value).Value);
    }

    [Fact]
    public void StringEscapes_AreDecoded()
    {
        var v = (StringValueNode)Parser.ParseValue("\"a\\n\\u00e9\\u{1F600}\\\"\"");
        Assert.Equal("a\né😀\"", v.Value);
    }

    [Theory]
    [InlineData("{ a(b: 01) }", 1, 9)]
    [InlineData("{\n  a(b: \"unterminated) }", 2, 24)]
    [InlineData("query { a", 1, 10)]
    [InlineData("{ a }\n}", 2, 1)]
    [InlineData("fragment on on T { a }", 1, 10)]
    public void SyntaxError_ReportsLineAndColumn(string source, int line, int column)
    {
        var ex = Assert.Throws<GraphQLSyntaxException>(() => Parser.Parse(source));
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.StartsWith("Syntax Error:", ex.Message);
    }

    [Fact]
    public void TokenLimit_IsEnforcedByLexer()
    {
        var ex = Assert.Throws<GraphQLSyntaxException>(() => Parser.Parse("{ a b c d e f }", maxTokens: 5));
        Assert.Equal("MAX_TOKENS_EXCEEDED", ex.Code);
    }

    [Fact]
    public void Locations_AreOneBased()
    {
        var doc = Parser.Parse("\n  { field }");
        var op = (OperationDefinitionNode)doc.Definitions[0];
        Assert.Equal((2, 3), (op.Location.Line, op.Location.Column));
        Assert.Equal((2, 5), (op.SelectionSet.Selections[0].Location.Line, op.SelectionSet.Selections[0].Location.Column));
    }
}
