using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Graph.Engine.Http;
using Graph.Engine.Types;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Engine.Tests;

public sealed class HttpTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddGraphEngine(_ => SchemaBuilder.FromSdl("type Query { hello(name: String): String } type Mutation { bump: Int }")
            .Bind("Query", "hello", ctx => "Hallo " + ctx.ArgumentOrDefault("name", "wereld"))
            .Bind("Mutation", "bump", _ => 1)
            .Build());
        _app = builder.Build();
        _app.MapGraphQL("/graphql");
        _app.MapGraphQL("/closed", o => o.AllowIntrospection = false);
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpResponseMessage> Post(string body, string accept = "application/graphql-response+json", string contentType = "application/json", string path = "/graphql")
    {
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        req.Headers.TryAddWithoutValidation("Accept", accept);
        return await _client.SendAsync(req);
    }

    [Fact]
    public async Task Post_GraphQLResponseJson_Returns200WithMatchingContentType()
    {
        var res = await Post("""{"query":"{ hello }"}""");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/graphql-response+json; charset=utf-8", res.Content.Headers.ContentType!.ToString());
        Assert.Equal("""{"data":{"hello":"Hallo wereld"}}""", await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_ValidationError_Is400ForGraphQLResponseJson_And200ForJson()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("""{"query":"{ nope }"}""")).StatusCode);
        var legacy = await Post("""{"query":"{ nope }"}""", accept: "application/json");
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
        Assert.StartsWith("application/json", legacy.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Get_Query_Works_And_Mutation_Is405()
    {
        var ok = await _client.GetAsync("/graphql?query=" + Uri.EscapeDataString("query($n: String) { hello(name: $n) }") + "&variables=" + Uri.EscapeDataString("{\"n\":\"Piet\"}"));
        Assert.Equal("""{"data":{"hello":"Hallo Piet"}}""", await ok.Content.ReadAsStringAsync());
        var res = await _client.GetAsync("/graphql?query=" + Uri.EscapeDataString("mutation { bump }"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, res.StatusCode);
        Assert.Contains("POST", res.Content.Headers.Allow);
    }

    [Fact]
    public async Task Get_ParseError_Is400WithLocation()
    {
        var req = new HttpRequestMessage(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString("{ hello"));
        req.Headers.TryAddWithoutValidation("Accept", "application/graphql-response+json");
        var res = await _client.SendAsync(req);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Contains("\"locations\":[{\"line\":1,\"column\":8}]", await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnacceptableAccept_Is406_And_UnsupportedContentType_Is415()
    {
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Post("""{"query":"{ hello }"}""", accept: "text/html")).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Post("""{"query":"{ hello }"}""", contentType: "text/plain")).StatusCode);
    }

    [Fact]
    public async Task MalformedBody_Is400()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("{not json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("""{"query":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("""{"query":"{ hello }","variables":[]}""")).StatusCode);
    }

    [Fact]
    public void InvalidBinding_StopsTheHostAtMapTime()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddGraphEngine(_ => SchemaBuilder.FromSdl("type Query { a: Int }").Bind("Query", "missing", _ => 1).Build());
        var app = builder.Build();
        var ex = Assert.Throws<SchemaException>(() => app.MapGraphQL());
        Assert.Contains("Cannot bind \"Query.missing\": the type has no such field.", ex.Errors);
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        var res = await Post("{\"query\":\"{ hello }\",\"variables\":{\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, res.StatusCode);
    }

    [Fact]
    public async Task Introspection_CanBeSwitchedOffPerEndpoint()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("""{"query":"{ __schema { queryType { name } } }"}""")).StatusCode);
        var closed = await Post("""{"query":"{ __schema { queryType { name } } }"}""", path: "/closed");
        Assert.Equal(HttpStatusCode.BadRequest, closed.StatusCode);
        Assert.Contains("INTROSPECTION_DISABLED", await closed.Content.ReadAsStringAsync());
    }
}
