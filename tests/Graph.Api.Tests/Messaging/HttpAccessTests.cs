using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Graph.Api.Tests.Infrastructure;

namespace Graph.Api.Tests.Messaging;

/// <summary>
/// With real tokens from the login flow: over POST /graphql and over /fhir, a patient reaches their own
/// e-consults and never another patient's.
/// </summary>
public sealed class HttpAccessTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private async Task<JsonElement> GraphAsync(string token, string query, object? variables = null)
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task PatientToken_ReachesOwnThread_NeverAnothers_ThroughGraphQLAndFhir()
    {
        var fatima = await PortalLogin.TokenAsync(host, "fatima.elamrani@example.nl", "06-10000004");
        var pieter = await PortalLogin.TokenAsync(host, "pieter.vandenberg@example.nl", "06-10000003");
        var sent = await GraphAsync(fatima, "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }",
            new { input = new { kind = "MEDICAL", topic = "Vertrouwelijk", text = "Een gevoelige vraag." } });
        var id = sent.Data("sendEConsult").Str("id");

        var own = await GraphAsync(fatima, "query($id: ID!) { thread(id: $id) { id topic } }", new { id });
        Assert.Equal("Vertrouwelijk", own.Data("thread").Str("topic"));

        var other = await GraphAsync(pieter, "query($id: ID!) { thread(id: $id) { id topic } }", new { id });
        Assert.Equal("FORBIDDEN", other.Error().Code());
        Assert.DoesNotContain("Vertrouwelijk", other.ToString());
        var pending = await GraphAsync(pieter, "{ messages(folder: PENDING) { nodes { threadId } } }");
        Assert.DoesNotContain(pending.Data("messages").Nodes(), m => m.Str("threadId") == id);

        using var client = host.CreateClient();
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Communication/{id}");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pieter);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(read)).StatusCode);
        using var search = new HttpRequestMessage(HttpMethod.Get, "/fhir/Communication?subject=Patient/patient-fatima-el-amrani");
        search.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pieter);
        var found = await client.SendAsync(search);
        if (found.IsSuccessStatusCode)
            Assert.DoesNotContain(id, await found.Content.ReadAsStringAsync());
        else
            Assert.Equal(HttpStatusCode.Forbidden, found.StatusCode);
        using var ownRead = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Communication/{id}");
        ownRead.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fatima);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(ownRead)).StatusCode);
    }
}
