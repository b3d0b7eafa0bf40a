using Graph.Api.Messaging;
using Graph.Api.Tests.Infrastructure;
using Jobs.Notifications;
using Microsoft.Extensions.DependencyInjection;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Messaging;

/// <summary>A practice message enqueues "u heeft een nieuw bericht" in the jobs outbox, without medical content, when the patient wants it.</summary>
public sealed class NotificationTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private NotificationOutbox Outbox => host.Services.GetRequiredService<NotificationOutbox>();

    private async Task<string> AskAndAnswerAsync(string patient, string topic, string answer)
    {
        var send = await host.GraphAsync(Patient(patient), "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }",
            new { input = new { kind = "MEDICAL", topic, text = "Ik heb last van mijn knie." } });
        var id = send.Data("sendEConsult").Str("id");
        Assert.Null(Outbox.Find(MessageNotifications.DedupeKey(id)));
        var answered = await host.GraphAsync(Staff("assistent-de-boer"), "mutation($input: AnswerInput!) { answerThread(input: $input) { messages { id fromPatient } } }",
            new { input = new { threadId = id, text = answer } });
        return answered.Data("answerThread").GetProperty("messages").EnumerateArray().Last(m => !m.GetProperty("fromPatient").GetBoolean()).Str("id");
    }

    [Fact]
    public async Task PracticeAnswer_EnqueuesAnEmail_WithoutMedicalContent()
    {
        var answer = await AskAndAnswerAsync("patient-pieter-van-den-berg", "Knieklachten", "Neem paracetamol en koel de knie.");

        var status = Outbox.Find(MessageNotifications.DedupeKey(answer));
        Assert.NotNull(status);
        Assert.Equal(NotificationKind.Email, status.Kind);
        Assert.Equal("pieter.vandenberg@example.nl", status.Recipient);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "portal.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT subject, body FROM notification WHERE id = $id";
        command.Parameters.AddWithValue("$id", status.Id);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var text = reader.GetString(0) + "\n" + reader.GetString(1);
        Assert.Equal(MessageNotifications.Subject, reader.GetString(0));
        Assert.Contains("nieuw bericht", text);
        Assert.DoesNotContain("Knie", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("paracetamol", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PatientWhoSwitchedEmailOff_GetsNoNotification()
    {
        const string patient = "patient-willem-bos";
        Assert.True((await host.GraphAsync(Patient(patient), "{ emailOnNewMessage }")).Data("emailOnNewMessage").GetBoolean());
        await host.GraphAsync(Patient(patient), "mutation { setEmailOnNewMessage(enabled: false) }");
        Assert.False((await host.GraphAsync(Patient(patient), "{ emailOnNewMessage }")).Data("emailOnNewMessage").GetBoolean());

        var answer = await AskAndAnswerAsync(patient, "Vraag", "Antwoord");

        Assert.Null(Outbox.Find(MessageNotifications.DedupeKey(answer)));
    }

    [Fact]
    public async Task HisReplyThroughFhir_NotifiesThePatientToo_AndOnlyOnce()
    {
        const string patient = "patient-emma-de-jong";
        var id = (await host.GraphAsync(Patient(patient), "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }",
            new { input = new { kind = "OTHER", topic = "Adreswijziging", text = "Ik ben verhuisd." } })).Data("sendEConsult").Str("id");
        using var his = await host.HisClientAsync();
        var reply = $$"""
            {"resourceType":"Communication","status":"completed",
             "category":[{"coding":[{"system":"{{KnownEConsult.CategorySystem}}","code":"e-consult"}]}],
             "subject":{"reference":"Patient/{{patient}}"},"inResponseTo":[{"reference":"Communication/{{id}}"}],
             "sent":"{{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}}","sender":{"reference":"Practitioner/assistent-mulder"},
             "recipient":[{"reference":"Patient/{{patient}}"}],"payload":[{"contentString":"Wij hebben uw adres aangepast."}]}
            """;
        var created = await his.PostAsync("/fhir/Communication", new StringContent(reply, System.Text.Encoding.UTF8, "application/fhir+json"));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var answerId = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.Str("id");

        var status = Outbox.Find(MessageNotifications.DedupeKey(answerId));
        Assert.NotNull(status);
        Assert.Equal("emma.dejong@example.nl", status.Recipient);

        var update = reply.Replace("\"status\":\"completed\"", $"\"id\":\"{answerId}\",\"status\":\"completed\"", StringComparison.Ordinal);
        var put = await his.PutAsync($"/fhir/Communication/{answerId}", new StringContent(update, System.Text.Encoding.UTF8, "application/fhir+json"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        Assert.Equal(status.Id, Outbox.Find(MessageNotifications.DedupeKey(answerId))!.Id);
        Assert.Null(Outbox.Find(MessageNotifications.DedupeKey(id)));
    }
}
