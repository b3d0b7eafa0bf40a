using Graph.Api.Tests.Infrastructure;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Messaging;

/// <summary>
/// Read marks are per person: each staff member sees which conversations hold patient messages they
/// have not read yet, independent of colleagues; answering or handling a conversation marks it read
/// for whoever did it. Patients have their own marks on the practice's messages.
/// </summary>
public sealed class ReadMarkTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private const string Pieter = "patient-pieter-van-den-berg";

    private async Task<string> SendAsync(string topic) =>
        (await host.GraphAsync(Patient(Pieter), "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }",
            new { input = new { kind = "MEDICAL", topic, text = "Mijn enkel is dik." } })).Data("sendEConsult").Str("id");

    private async Task<bool> UnreadAsync(System.Security.Claims.ClaimsPrincipal user, string id) =>
        (await host.GraphAsync(user, "query($id: ID!) { thread(id: $id) { unread } }", new { id })).Data("thread").GetProperty("unread").GetBoolean();

    private async Task<List<string>> InboxAsync(System.Security.Claims.ClaimsPrincipal staff, bool unread) =>
        (await host.GraphAsync(staff, "query($u: Boolean) { inbox(unread: $u, first: 100) { nodes { id } } }", new { u = unread })).Data("inbox").Nodes().Select(t => t.Str("id")).ToList();

    [Fact]
    public async Task StaffMarks_ArePerStaffMember_AndMarkThreadReadTogglesThem()
    {
        var id = await SendAsync("Enkel");
        var sanne = Staff("assistent-de-boer");
        var lotte = Staff("assistent-mulder");
        Assert.True(await UnreadAsync(sanne, id));
        Assert.Contains(id, await InboxAsync(sanne, unread: true));

        var marked = (await host.GraphAsync(sanne, "mutation($id: ID!) { markThreadRead(threadId: $id) { id unread messages { read } } }", new { id })).Data("markThreadRead");
        Assert.False(marked.GetProperty("unread").GetBoolean());
        Assert.True(marked.GetProperty("messages")[0].GetProperty("read").GetBoolean());
        Assert.Contains(id, await InboxAsync(sanne, unread: false));
        Assert.DoesNotContain(id, await InboxAsync(sanne, unread: true));

        Assert.True(await UnreadAsync(lotte, id));
        Assert.Contains(id, await InboxAsync(lotte, unread: true));

        await host.GraphAsync(sanne, "mutation($id: ID!) { markThreadRead(threadId: $id, read: false) { id } }", new { id });
        Assert.True(await UnreadAsync(sanne, id));
    }

    [Fact]
    public async Task StaffMarkRead_OnOneMessage_AndAnsweringMarksTheThreadRead_ForTheOneWhoAnswered()
    {
        var id = await SendAsync("Recept");
        var bram = Staff("huisarts-jansen", "huisarts");
        var read = (await host.GraphAsync(bram, "mutation($ids: [ID!]!) { markRead(ids: $ids) { id read } }", new { ids = new[] { id } })).Data("markRead");
        Assert.True(read[0].GetProperty("read").GetBoolean());
        await host.GraphAsync(bram, "mutation($ids: [ID!]!) { markRead(ids: $ids, read: false) { id } }", new { ids = new[] { id } });
        Assert.True(await UnreadAsync(bram, id));

        await host.GraphAsync(bram, "mutation($input: AnswerInput!) { answerThread(input: $input) { id } }",
            new { input = new { threadId = id, text = "Het recept staat klaar bij de apotheek; u kunt het vanmiddag na 14.00 uur ophalen.", closeForPatient = false } });
        Assert.False(await UnreadAsync(bram, id));
        Assert.True(await UnreadAsync(Staff("assistent-mulder"), id));

        Assert.True(await UnreadAsync(Patient(Pieter), id));
        await host.GraphAsync(Patient(Pieter), "mutation($id: ID!) { markThreadRead(threadId: $id) { id } }", new { id });
        Assert.False(await UnreadAsync(Patient(Pieter), id));
    }

    [Fact]
    public async Task MarkRead_OnAnotherPracticesOrPatientsMessage_IsNotFound()
    {
        var id = await SendAsync("Privé");
        var other = await host.GraphAsync(Patient("patient-fatima-el-amrani"), "mutation($ids: [ID!]!) { markRead(ids: $ids) { id } }", new { ids = new[] { id } });
        Assert.Equal("NOT_FOUND", other.Error().Code());
        var foreignStaff = await host.GraphAsync(Staff("huisarts-jansen", "huisarts", "andere-praktijk"), "mutation($ids: [ID!]!) { markRead(ids: $ids) { id } }", new { ids = new[] { id } });
        Assert.Equal("NOT_FOUND", foreignStaff.Error().Code());
    }
}
