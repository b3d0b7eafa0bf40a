using Graph.Engine.Execution;
using Graph.Engine.Types;

namespace Graph.Engine.Tests;

public class IntrospectionTests
{
    private static readonly Schema Schema = SchemaBuilder.FromSdl("""
        type Query { a: Int @deprecated(reason: "old") b(x: Int = 3): String d: Date i(v: In): Int }
        scalar Date @specifiedBy(url: "https://example.com")
        input In @oneOf { p: String q: Int }
        """).Build();

    private static async Task<string> Run(string q, bool allow = true) => ResultSerializer.ToJson(
        await new GraphExecutor(Schema).ExecuteAsync(new GraphRequest { Query = q }, null, new ExecutionPolicy { AllowIntrospection = allow }));

    [Fact]
    public async Task Fields_HideDeprecatedUnlessAsked()
    {
        Assert.Equal("""{"data":{"__type":{"fields":[{"name":"b"},{"name":"d"},{"name":"i"}]}}}""", await Run("{ __type(name: \"Query\") { fields { name } } }"));
        Assert.Contains("\"deprecationReason\":\"old\"", await Run("{ __type(name: \"Query\") { fields(includeDeprecated: true) { name deprecationReason } } }"));
    }

    [Fact]
    public async Task SpecifiedByUrl_IsOneOf_DefaultValue() =>
        Assert.Equal("""{"data":{"d":{"specifiedByURL":"https://example.com"},"i":{"isOneOf":true},"q":{"fields":[{"args":[]},{"args":[{"defaultValue":"3"}]},{"args":[]},{"args":[{"defaultValue":null}]}]}}}""",
            await Run("{ d: __type(name: \"Date\") { specifiedByURL } i: __type(name: \"In\") { isOneOf } q: __type(name: \"Query\") { fields(includeDeprecated: true) { args { defaultValue } } } }"));

    [Fact]
    public async Task Schema_ListsTypesAndDirectives()
    {
        var json = await Run("{ __schema { queryType { name } types { name } directives { name } } }");
        Assert.Contains("\"queryType\":{\"name\":\"Query\"}", json);
        Assert.Contains("{\"name\":\"__Schema\"}", json);
        Assert.Contains("{\"name\":\"oneOf\"}", json);
    }

    [Fact]
    public async Task Disabled_RejectsSchemaButAllowsTypename()
    {
        Assert.Contains("INTROSPECTION_DISABLED", await Run("{ __schema { types { name } } }", allow: false));
        Assert.Equal("""{"data":{"__typename":"Query"}}""", await Run("{ __typename }", allow: false));
    }
}
