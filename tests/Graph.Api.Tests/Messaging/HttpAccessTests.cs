using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Graph.Api.Messaging;
using Graph.Api.Tests.Infrastructure;
using Jobs.Notifications;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>
    /// The issue's proof "a HIS posts a reply through FHIR and the patient sees it in the portal", through
    /// the real HTTP pipeline with real tokens on both sides, and the e-mail that announces it.
    /// </summary>
    [Fact]
    public async Task HisPostsReplyThroughFhir_PatientSeesItInPostvakIn_AndGetsAnEmailWithoutMedicalText()
    {
        var willem = await PortalLogin.TokenAsync(host, "willem.bos@example.nl", "06-10000005");
        var id = (await GraphAsync(willem, "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }",
            new { input = new { kind = "MEDICAL", topic = "Inhalator", text = "Mijn puffer helpt minder goed sinds een week." } })).Data("sendEConsult").Str("id");

        using var his = await host.HisClientAsync();
        var open = await his.GetFromJsonAsync<JsonElement>(
            $"/fhir/Communication?category={Uri.EscapeDataString(KnownEConsult.CategorySystem + "|" + KnownEConsult.EConsult)}&status=in-progress");
        Assert.Contains(open.GetProperty("entry").EnumerateArray(), e => e.GetProperty("resource").Str("id") == id);
        const string answer = "Verhoog de dosering van uw onderhoudsinhalator naar twee keer daags twee pufjes.";
        var reply = new
        {
            resourceType = "Communication",
            status = "completed",
            category = new[] { new { coding = new[] { new { system = KnownEConsult.CategorySystem, code = KnownEConsult.EConsult } } } },
            subject = new { reference = "Patient/patient-willem-bos" },
            inResponseTo = new[] { new { reference = $"Communication/{id}" } },
            sent = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            sender = new { reference = "Practitioner/huisarts-jansen" },
            recipient = new[] { new { reference = "Patient/patient-willem-bos" } },
            payload = new[] { new { contentString = answer } },
        };
        var posted = await his.PostAsync("/fhir/Communication", new StringContent(JsonSerializer.Serialize(reply), System.Text.Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var answerId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).Str("id");

        var inbox = (await GraphAsync(willem, "{ messages(folder: INBOX) { nodes { id threadId text read sender { display } } } unreadCount }")).GetProperty("data");
        var message = Assert.Single(inbox.GetProperty("messages").Nodes(), m => m.Str("threadId") == id);
        Assert.Equal(answerId, message.Str("id"));
        Assert.Equal(answer, message.Str("text"));
        Assert.Equal("Bram Jansen", message.GetProperty("sender").Str("display"));
        Assert.False(message.GetProperty("read").GetBoolean());
        Assert.Equal(1, inbox.GetProperty("unreadCount").GetInt32());
        var pending = await GraphAsync(willem, "{ messages(folder: PENDING) { nodes { threadId } } }");
        Assert.DoesNotContain(pending.Data("messages").Nodes(), m => m.Str("threadId") == id);

        var notification = host.Services.GetRequiredService<NotificationOutbox>().Find(MessageNotifications.DedupeKey(answerId));
        Assert.NotNull(notification);
        await host.Services.GetRequiredService<NotificationDispatcher>().DispatchDueAsync();
        var file = Assert.Single(Directory.GetFiles(Path.Combine(host.DataDirectory, "outbox"), $"*-n{notification.Id}.txt"));
        var mail = await File.ReadAllTextAsync(file);
        Assert.Contains("To: willem.bos@example.nl", mail);
        Assert.Contains("Subject: U heeft een nieuw bericht", mail);
        foreach (var word in new[] { "Inhalator", "puffer", "dosering", "pufjes", "Jansen" })
            Assert.DoesNotContain(word, mail, StringComparison.OrdinalIgnoreCase);
    }
}
