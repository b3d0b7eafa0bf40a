using System.Text.Json;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using Graph.Api.Tests.Infrastructure;
using Identity.Access;
using Jobs.Notifications;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Messaging;

/// <summary>
/// A parent acting for a child through GraphQL, at each WGBO age boundary (seed 004): under 12 a parent
/// with gezag; from 12 to 16 only with the child's consent; from 16 only with written consent given at 16
/// or later. The access policy decides; the API offers exactly the children it allows.
/// </summary>
public sealed class ProxyTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private const string Emma = "patient-emma-de-jong";
    private const string Sophie = "patient-sophie-de-jong";
    private const string Daan = "patient-daan-de-jong";

    private static LocalDate Today => DutchCalendar.Today(SystemClock.Instance);

    private ProxyAccess Proxies => host.Services.GetRequiredService<ProxyAccess>();

    private async Task<string> ChildAsync(string name, LocalDate birthDate)
    {
        var id = await TestData.ChildAsync(host, name, birthDate);
        Proxies.RegisterGezag(Emma, id);
        return id;
    }

    private async Task<List<string>> ActingForAsync() =>
        (await host.GraphAsync(Patient(Emma), "{ actingFor { patientId self display birthDate } }")).Data("actingFor").EnumerateArray().Select(p => p.Str("patientId")).ToList();

    private Task<JsonElement> SendForAsync(string child, string topic) =>
        host.GraphAsync(Patient(Emma), "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id patient { reference } messages { fromPatient sender { reference display } } } }",
            new { input = new { patientId = child, kind = "MEDICAL", topic, text = "Mijn kind heeft al een week koorts." } });

    private Task<JsonElement> FolderForAsync(string child, string folder = "PENDING") =>
        host.GraphAsync(Patient(Emma), "query($p: ID, $f: MessageFolder!) { messages(folder: $f, patientId: $p) { nodes { threadId text } } }", new { p = child, f = folder });

    private async Task AssertAllowedAsync(string child)
    {
        Assert.Contains(child, await ActingForAsync());
        var sent = (await SendForAsync(child, "Koorts")).Data("sendEConsult");
        Assert.Equal($"Patient/{child}", sent.GetProperty("patient").Str("reference"));
        Assert.Contains((await FolderForAsync(child)).Data("messages").Nodes(), m => m.Str("threadId") == sent.Str("id"));
    }

    private async Task AssertRefusedAsync(string child, string reason)
    {
        Assert.DoesNotContain(child, await ActingForAsync());
        var read = (await FolderForAsync(child)).Error();
        Assert.Equal(MessagingErrors.ForbiddenCode, read.Code());
        Assert.Equal(reason, read.Str("message"));
        Assert.Equal(MessagingErrors.ForbiddenCode, (await SendForAsync(child, "Koorts")).Error().Code());
        Assert.Equal(MessagingErrors.ForbiddenCode, (await host.GraphAsync(Patient(Emma), "query($p: ID) { recipients(patientId: $p) { reference } }", new { p = child })).Error().Code());
    }

    [Fact]
    public async Task ActingFor_ListsTheCallerFirst_ThenTheChildrenThePolicyAllows()
    {
        var people = (await host.GraphAsync(Patient(Emma), "{ actingFor { patientId reference display self birthDate } }")).Data("actingFor").EnumerateArray().ToList();

        Assert.Equal(Emma, people[0].Str("patientId"));
        Assert.True(people[0].GetProperty("self").GetBoolean());
        var sophie = Assert.Single(people, p => p.Str("patientId") == Sophie);
        Assert.Equal("Patient/" + Sophie, sophie.Str("reference"));
        Assert.False(sophie.GetProperty("self").GetBoolean());
        Assert.DoesNotContain(people, p => p.Str("patientId") == Daan);
        Assert.Equal(["patient-pieter-van-den-berg"], (await host.GraphAsync(Patient("patient-pieter-van-den-berg"), "{ actingFor { patientId } }"))
            .Data("actingFor").EnumerateArray().Select(p => p.Str("patientId")));
    }

    [Fact]
    public async Task ParentWritesForChildUnder12_AsTheChildsRelatedPerson_AndReadsTheAnswer_OutsideTheirOwnRecord()
    {
        var sent = (await SendForAsync(Sophie, "Oorpijn")).Data("sendEConsult");
        var id = sent.Str("id");
        var sender = sent.GetProperty("messages")[0];
        Assert.True(sender.GetProperty("fromPatient").GetBoolean());
        Assert.StartsWith("RelatedPerson/", sender.GetProperty("sender").Str("reference"));
        Assert.Equal("Emma de Jong", sender.GetProperty("sender").Str("display"));
        Assert.DoesNotContain((await host.GraphAsync(Patient(Emma), "{ messages(folder: PENDING) { nodes { threadId } } }")).Data("messages").Nodes(), m => m.Str("threadId") == id);

        var recipients = (await host.GraphAsync(Patient(Emma), "query($p: ID) { recipients(patientId: $p) { reference preselected } }", new { p = Sophie })).Data("recipients");
        Assert.Contains(recipients.EnumerateArray(), r => r.GetProperty("preselected").GetBoolean());

        async Task<int> UnreadForSophieAsync() =>
            (await host.GraphAsync(Patient(Emma), "query($p: ID) { unreadCount(patientId: $p) }", new { p = Sophie })).Data("unreadCount").GetInt32();
        var unreadBefore = await UnreadForSophieAsync();
        await host.GraphAsync(Staff("huisarts-de-vries", "huisarts"), "mutation($input: AnswerInput!) { answerThread(input: $input) { id } }",
            new { input = new { threadId = id, text = "Geef paracetamol volgens de bijsluiter.", closeForPatient = false } });
        var inbox = (await FolderForAsync(Sophie, "INBOX")).Data("messages").Nodes();
        Assert.Contains(inbox, m => m.Str("threadId") == id && m.Str("text") == "Geef paracetamol volgens de bijsluiter.");
        Assert.Equal(unreadBefore + 1, await UnreadForSophieAsync());

        var reply = (await host.GraphAsync(Patient(Emma), "mutation($id: ID!) { replyToThread(threadId: $id, text: \"Dank u, het gaat al beter.\") { status messages { sender { reference } } } }",
            new { id })).Data("replyToThread");
        Assert.Equal("AWAITING_ANSWER", reply.Str("status"));
        Assert.Equal(sender.GetProperty("sender").Str("reference"), reply.GetProperty("messages")[2].GetProperty("sender").Str("reference"));
        Assert.Equal(MessagingErrors.ForbiddenCode, (await host.GraphAsync(Patient("patient-pieter-van-den-berg"), "query($id: ID!) { thread(id: $id) { id } }", new { id })).Error().Code());
    }

    private async Task<string> PracticeAnswerAsync(string threadId) =>
        (await host.GraphAsync(Staff("huisarts-de-vries", "huisarts"), "mutation($input: AnswerInput!) { answerThread(input: $input) { messages { id fromPatient } } }",
            new { input = new { threadId, text = "Dit gaat vanzelf over." } }))
        .Data("answerThread").GetProperty("messages").EnumerateArray().Last(m => !m.GetProperty("fromPatient").GetBoolean()).Str("id");

    [Fact]
    public async Task PracticeAnswerToAChild_IsAnnouncedToTheParentsWhoMayActForIt_AndNoOtherParent()
    {
        var outbox = host.Services.GetRequiredService<NotificationOutbox>();
        var forSophie = await PracticeAnswerAsync((await SendForAsync(Sophie, "Waterpokken")).Data("sendEConsult").Str("id"));
        Assert.Equal("emma.dejong@example.nl", outbox.Find(MessageNotifications.DedupeKey(forSophie, Emma))!.Recipient);
        Assert.Null(outbox.Find(MessageNotifications.DedupeKey(forSophie)));

        var daansOwn = (await host.GraphAsync(Patient(Daan), "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }",
            new { input = new { kind = "OTHER", topic = "Sportkeuring", text = "Kan ik een verklaring krijgen?" } })).Data("sendEConsult").Str("id");
        var forDaan = await PracticeAnswerAsync(daansOwn);
        Assert.Equal("daan.dejong@example.nl", outbox.Find(MessageNotifications.DedupeKey(forDaan))!.Recipient);
        Assert.Null(outbox.Find(MessageNotifications.DedupeKey(forDaan, Emma)));
    }

    [Fact]
    public async Task Under12_WithGezag_Allowed_OnTheDayBeforeThe12thBirthday()
    {
        await AssertAllowedAsync(await ChildAsync("Bijna Twaalf", Today.PlusYears(-12).PlusDays(1)));
    }

    [Fact]
    public async Task On12thBirthday_WithoutTheChildsConsent_Refused()
    {
        await AssertRefusedAsync(await ChildAsync("Net Twaalf", Today.PlusYears(-12)), ProxyAccess.Explain(ProxyDecision.ChildConsentNeeded));
    }

    [Fact]
    public async Task From12_WithTheChildsConsent_Allowed_AndDaanWithoutConsent_Refused()
    {
        var child = await ChildAsync("Met Toestemming", Today.PlusYears(-14));
        Proxies.RecordChildConsent(Emma, child);
        await AssertAllowedAsync(child);
        await AssertRefusedAsync(Daan, ProxyAccess.Explain(ProxyDecision.ChildConsentNeeded));

        Proxies.WithdrawConsent(Emma, child);
        await AssertRefusedAsync(child, ProxyAccess.Explain(ProxyDecision.ConsentWithdrawn));
    }

    [Fact]
    public async Task DayBefore16_ChildConsentStillCounts_On16thBirthday_ItEnds()
    {
        var fifteen = await ChildAsync("Bijna Zestien", Today.PlusYears(-16).PlusDays(1));
        Proxies.RecordChildConsent(Emma, fifteen, DateTimeOffset.UtcNow.AddYears(-1));
        await AssertAllowedAsync(fifteen);

        var sixteen = await ChildAsync("Net Zestien", Today.PlusYears(-16));
        Proxies.RecordChildConsent(Emma, sixteen, DateTimeOffset.UtcNow.AddYears(-1));
        await AssertRefusedAsync(sixteen, ProxyAccess.Explain(ProxyDecision.WrittenConsentNeeded));
    }

    [Fact]
    public async Task From16_OnlyWrittenConsentGivenAt16OrLater()
    {
        var early = await ChildAsync("Vroege Machtiging", Today.PlusYears(-17));
        Proxies.RecordWrittenConsent(Emma, early, DateTimeOffset.UtcNow.AddYears(-2));
        await AssertRefusedAsync(early, ProxyAccess.Explain(ProxyDecision.WrittenConsentNeeded));

        var written = await ChildAsync("Machtiging", Today.PlusYears(-17));
        Proxies.RecordWrittenConsent(Emma, written, DateTimeOffset.UtcNow.AddDays(-1));
        await AssertAllowedAsync(written);
    }
}
